import { z } from 'zod';
import { includeTestDataSchema, pageOf, paginationQuerySchema } from '../http/schemas.js';
import { localCopaymentRulesSchema, nationalCopaymentRulesSchema } from './copay-rules-schema.js';

/** orgSpecificCertificateTypeId (機関別受給者証種別ID): PMH allows ≤ 50 半角英数. */
export const certificateTypeIdSchema = z
  .string()
  .regex(/^[0-9A-Za-z]{1,50}$/, 'must be 1–50 half-width letters or digits')
  .describe('orgSpecificCertificateTypeId (機関別受給者証種別ID): 1–50 半角英数, chosen by the municipality');

/** A code defined in the 制度マスタ (所得区分, 区分, 追加条件 項目/条件). */
const codeSchema = z.string().regex(/^[0-9A-Za-z]{1,20}$/, 'must be 1–20 half-width letters or digits');

const nameSchema = z.string().trim().min(1).max(100);

const yenSchema = z.int().min(0).max(100_000_000);

export const incomeSegmentSchema = z
  .strictObject({
    code: codeSchema.describe('所得区分 code, as registered records give it in `incomeSegment`'),
    name: nameSchema.describe('e.g. 一般所得Ⅰ'),
    monthlyCap: yenSchema.optional().describe('Monthly 自己負担上限額 of this 所得区分, in yen'),
  })
  .meta({ id: 'IncomeSegment', description: '所得区分 of a certificate type' });

export const segmentSchema = z
  .strictObject({
    code: codeSchema.describe('区分 code, as registered records give it in `segment`'),
    name: nameSchema,
  })
  .meta({ id: 'Segment', description: '区分 of a certificate type' });

export const additionalConditionItemSchema = z
  .strictObject({
    itemCode: codeSchema.describe('項目コード'),
    name: nameSchema,
    conditionCodes: z.array(codeSchema).min(1).max(100).describe('条件コード allowed for this item'),
  })
  .meta({
    id: 'AdditionalConditionItem',
    description: '追加条件 item: records give `項目コード-条件コード` pairs joined by `;` in `additionalConditions`',
  });

export const copaySchema = z
  .strictObject({
    rate: z.number().min(0).max(1).optional().describe('Patient share of the medical cost, e.g. 0.2 = 2割'),
    fixedAmountPerVisit: yenSchema.optional().describe('Fixed copay per visit (定額), in yen'),
    monthlyCap: yenSchema.optional().describe('Monthly 自己負担上限額 when it does not depend on the 所得区分, in yen'),
    dailyCap: yenSchema.optional().describe('Cap per day, in yen'),
    perVisitCap: yenSchema.optional().describe('Cap per visit, in yen'),
    inpatientOutpatientCombined: z.boolean().optional().describe('Whether 入院 and 外来 share one cap (入外合算)'),
  })
  .meta({ id: 'CertificateTypeCopay', description: 'Co-pay rule of the type (subset of the 支払基金 地単公費マスター columns)' });

export const LOCAL_CATEGORIES = ['children', 'disability', 'single_parent', 'other'] as const;

/** Fields shared by national and local types. */
const commonFields = {
  name: nameSchema.describe('受給者証名 of this type, e.g. 特定医療費（指定難病）受給者証'),
  insurerNumbers: z
    .array(z.string().regex(/^[0-9]{8}$/, 'must be exactly 8 half-width digits'))
    .max(100)
    .default([])
    .describe(
      '公費負担者番号 values records of this type may carry: 法別 2 + 都道府県 2 + 実施機関 3 + 検証 1. ' +
        'The 都道府県 must be the municipality’s; for a national type the 法別 must be `lawCode`.',
    ),
  incomeSegments: z.array(incomeSegmentSchema).max(100).default([]).describe('所得区分; codes unique'),
  segments: z.array(segmentSchema).max(100).default([]).describe('区分; codes unique'),
  additionalConditionItems: z.array(additionalConditionItemSchema).max(100).default([]).describe('追加条件 items; item codes unique'),
  copay: copaySchema.default({}),
  requiresDesignatedInstitutions: z
    .boolean()
    .optional()
    .describe('Whether the subsidy applies only at 指定医療機関. Default: the national program’s rule (true for 15, 16, 21, 52, 54); false for local types'),
  checkDigitValidation: z
    .enum(['strict', 'lenient'])
    .default('strict')
    .describe('strict: 検証番号 of insurer numbers (here and in registered records) must match; lenient: only format and prefecture are checked'),
};

const nationalFields = {
  kind: z.literal('national').describe('A national 公費 program'),
  lawCode: z
    .string()
    .regex(/^[0-9]{2}$/, 'must be 2 half-width digits')
    .describe('法別番号 of a national program of the catalogue (GET /catalogue/v1/programs)'),
};

const localFields = {
  kind: z.literal('local').describe('A local program (地単公費)'),
  localCategory: z.enum(LOCAL_CATEGORIES).describe('children こども, disability 障害者, single_parent ひとり親, other その他'),
};

const PROVISIONAL_RULES =
  'Provisional (PMH has not published 上限額管理 or charging rules; this field is our design, see docs/copay.md): ' +
  'the charging rules (窓口負担) that `POST /clinic/v1/copayment-quotes` applies to subsidies of this type.';

/** copaymentRules of a national type: overrides of the law defaults (54/52 2割, 15/16/21 1割, caps from 所得区分). */
const nationalRulesField = nationalCopaymentRulesSchema.describe(
  `${PROVISIONAL_RULES} For a national type: overrides of the law defaults of 54, 52, 15, 16 and 21 (54 and 52: 2割, 1割 ` +
    'stays 1割; 15/16/21: 1割; food 54 全額, 52 1/2). The monthly cap comes from the record’s `maxCopaymentAmount.monthly`, ' +
    'else the type’s `incomeSegments[].monthlyCap` of the record’s 所得区分, else `monthlyCap` here. Another 法別 gets rules only ' +
    'when `share` is given here.',
);

/** copaymentRules of a local type: its rule rows. */
const localRulesField = localCopaymentRulesSchema.describe(
  `${PROVISIONAL_RULES} For a local (地単) type: rule rows after the 地単公費マスター / ORCA local-公費 fields; the first row whose ` +
    'conditions (age band, setting, 所得区分) hold applies, and the record’s `maxCopaymentAmount` replaces the row’s caps. ' +
    'Without rows, one row is derived from `copay` (rate or fixed amount, its caps, across institutions, pharmacy as others).',
);

const NATIONAL_EXAMPLE = {
  kind: 'national',
  lawCode: '54',
  name: '特定医療費（指定難病）受給者証',
  insurerNumbers: ['54130018'],
  incomeSegments: [
    { code: 'A', name: '生活保護', monthlyCap: 0 },
    { code: 'D', name: '一般所得Ⅰ', monthlyCap: 10000 },
  ],
  segments: [{ code: '1', name: '高額かつ長期' }],
  additionalConditionItems: [],
  copay: { rate: 0.2 },
  requiresDesignatedInstitutions: true,
  checkDigitValidation: 'strict',
  copaymentRules: { rounding: 'round10' },
} as const;

const LOCAL_EXAMPLE = {
  kind: 'local',
  localCategory: 'children',
  name: '乳幼児医療証',
  insurerNumbers: ['88138243'],
  incomeSegments: [],
  segments: [],
  additionalConditionItems: [{ itemCode: 'K1', name: '入院・外来', conditionCodes: ['1', '2'] }],
  copay: { rate: 0, inpatientOutpatientCombined: false },
  requiresDesignatedInstitutions: false,
  checkDigitValidation: 'strict',
  copaymentRules: {
    rows: [
      {
        kind: 'local',
        label: '未就学児 外来・入院',
        conditions: { ageMax: 5 },
        copay: { kind: 'free' },
        grouping: { inpatientOutpatient: 'separate', dental: 'separate' },
        pharmacy: 'free',
        food: 'free',
        rounding: 'round10',
      },
    ],
  },
} as const;

/** Body of PUT /municipal/v1/certificate-types/{id}. Unknown fields are rejected so typos are not silently dropped. */
export const certificateTypeDefinitionSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ ...nationalFields, ...commonFields, copaymentRules: nationalRulesField.optional() }),
    z.strictObject({ ...localFields, ...commonFields, copaymentRules: localRulesField.optional() }),
  ])
  .meta({
    id: 'CertificateTypeDefinition',
    description:
      '制度マスタ: one certificate type (受給者証種別) as the municipality defines it. `kind: national` needs `lawCode`; `kind: local` (地単) needs `localCategory`.',
    examples: [NATIONAL_EXAMPLE, LOCAL_EXAMPLE],
  });

export type CertificateTypeDefinition = z.infer<typeof certificateTypeDefinitionSchema>;

const storedFields = {
  requiresDesignatedInstitutions: z.boolean().describe('Whether the subsidy applies only at 指定医療機関'),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }).describe('When the type was last created or replaced'),
};
const idField = { orgSpecificCertificateTypeId: certificateTypeIdSchema };

/** A stored certificate type, as every read answers it. */
export const certificateTypeSchema = z
  .discriminatedUnion('kind', [
    z.object({ ...idField, ...nationalFields, ...commonFields, copaymentRules: nationalRulesField.nullable(), ...storedFields }),
    z.object({ ...idField, ...localFields, ...commonFields, copaymentRules: localRulesField.nullable(), ...storedFields }),
  ])
  .meta({
    id: 'CertificateType',
    description: 'A certificate type (制度マスタ) of the municipality, as stored: the definition with its defaults applied',
    examples: [
      { orgSpecificCertificateTypeId: 'NANBYO', ...NATIONAL_EXAMPLE, createdAt: '2026-11-23T09:00:00.000Z', updatedAt: '2026-11-23T09:00:00.000Z' },
      { orgSpecificCertificateTypeId: 'NYUYOJI', ...LOCAL_EXAMPLE, createdAt: '2026-11-23T09:00:00.000Z', updatedAt: '2026-11-24T10:30:00.000Z' },
    ],
  });

export type CertificateType = z.infer<typeof certificateTypeSchema>;

/** What the certificate_type.definition column holds: the definition with every default applied. */
export type StoredDefinition = z.output<typeof certificateTypeDefinitionSchema> & { requiresDesignatedInstitutions: boolean };

export const certificateTypeParamsSchema = z.object({ orgSpecificCertificateTypeId: certificateTypeIdSchema });

export const certificateTypeListQuerySchema = paginationQuerySchema.extend({
  includeTestData: includeTestDataSchema.describe(
    '`true`: also list the types of the well-known test cards (TESTNANBYO54 of 東京都, TESTKODOMO of 八王子市), which the sandbox defines',
  ),
});

export const certificateTypePageSchema = pageOf(certificateTypeSchema).meta({ id: 'CertificateTypePage' });
