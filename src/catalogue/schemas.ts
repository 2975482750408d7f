import { z } from 'zod';
import { PROGRAMS } from './programs-data.js';
import { pageOf, paginationQuerySchema } from '../http/schemas.js';
import { LOCAL_GOVERNMENT_KINDS } from './local-governments.js';

export const prefectureSchema = z
  .object({
    code: z
      .string()
      .regex(/^(0[1-9]|[1-3][0-9]|4[0-7])$/)
      .describe('都道府県コード (JIS X 0401), 01–47'),
    name: z.string().describe('e.g. 東京都'),
    kana: z.string().describe('全角カタカナ'),
  })
  .meta({ id: 'Prefecture', description: '都道府県', example: { code: '13', name: '東京都', kana: 'トウキョウト' } });

export const localGovernmentKindSchema = z.enum(LOCAL_GOVERNMENT_KINDS).meta({
  id: 'LocalGovernmentKind',
  description: 'prefecture 都道府県, designated_city 政令指定都市, city 市, special_ward 特別区, town 町, village 村, ward 指定都市の区',
});

export const localGovernmentSchema = z
  .object({
    code: z
      .string()
      .regex(/^[0-9]{6}$/)
      .describe('全国地方公共団体コード (6 digits with check digit)'),
    prefectureCode: z.string().describe('都道府県コード'),
    name: z.string(),
    kana: z.string().describe('全角カタカナ reading'),
    kind: localGovernmentKindSchema,
    parentCode: z.string().nullable().describe('For a ward (kind=ward): the code of its 政令指定都市'),
  })
  .meta({
    id: 'LocalGovernment',
    description: '地方公共団体',
    example: { code: '132012', prefectureCode: '13', name: '八王子市', kana: 'ハチオウジシ', kind: 'city', parentCode: null },
  });

export const municipalitiesQuerySchema = paginationQuerySchema.extend({
  prefectureCode: z
    .string()
    .regex(/^[0-9]{2}$/, 'must be 2 half-width digits')
    .optional()
    .describe('Only this prefecture (01–47)'),
  q: z.string().trim().min(1).max(50).optional().describe('Substring of the name or kana, or a code prefix'),
  kind: localGovernmentKindSchema.optional(),
});

export const localGovernmentPageSchema = pageOf(localGovernmentSchema).meta({ id: 'LocalGovernmentPage' });

const implementerSchema = z
  .object({
    kind: z.enum([
      'prefecture',
      'designated_city',
      'core_city',
      'child_guidance_city',
      'health_center_city',
      'special_ward',
      'municipality',
      'specific_municipality',
      'national_body',
    ]),
    label: z.string().describe('As the MHLW material names it, e.g. 都道府県, 指定都市'),
    localGovCodes: z.array(z.string()).optional().describe('For specific_municipality: the municipalities named'),
  })
  .meta({ id: 'ProgramImplementer', description: 'Who implements (実施主体) a program' });

const monthlyCapSchema = z
  .object({
    incomeTier: z.string().describe('所得階層, e.g. 一般所得Ⅰ'),
    variant: z
      .enum(['general', 'high_cost_long_term', 'ventilator', 'severe', 'severe_and_continuing'])
      .describe('general 一般; high_cost_long_term 高額かつ長期; ventilator 人工呼吸器等装着者; severe 重症; severe_and_continuing 重度かつ継続'),
    monthlyCapYen: z.int().min(0).nullable().describe('Monthly 自己負担上限額 in yen; null when set by another rule (see note)'),
    note: z.string().optional(),
  })
  .meta({ id: 'MonthlyCopayCap' });

export const programSchema = z
  .object({
    lawCode: z
      .string()
      .regex(/^[0-9]{2}$/)
      .describe('法別番号'),
    name: z.string(),
    law: z.string().describe('根拠法 (or 予算事業)'),
    category: z.enum([
      'infectious_disease',
      'public_assistance',
      'war_victims',
      'disability',
      'child',
      'atomic_bomb',
      'mental_health',
      'intractable_disease',
      'maternal_child',
      'other',
    ]),
    implementers: z.array(implementerSchema),
    onlineEligibility: z.object({
      institutionalised: z.boolean().describe('Whether online eligibility through PMH is being institutionalised for it'),
      schemes: z.array(
        z.object({
          name: z.string(),
          law: z.string(),
          implementers: z.array(implementerSchema),
          subsidyR7: z.boolean().describe('Covered by the FY2025 (令和7年度) system-change subsidy'),
          subsidyR8: z.boolean().describe('Covered by the FY2026 (令和8年度) system-change subsidy'),
        }),
      ),
      note: z.string().optional(),
    }),
    requiresDesignatedInstitution: z.boolean().describe('Applies only at 指定医療機関 designated for the patient'),
    copay: z
      .object({
        rate: z.number().min(0).max(1).nullable().describe('Patient share of the medical cost, e.g. 0.2 = 2割'),
        monthlyCaps: z.array(monthlyCapSchema),
      })
      .nullable(),
    note: z.string().optional(),
  })
  .meta({
    id: 'Program',
    description: 'A national 公費負担医療 program, keyed by its 法別番号',
    // The catalogue's own entry for 難病 (54), so the example is real data.
    example: PROGRAMS.find((p) => p.lawCode === '54'),
  });

export const lawCodeParamsSchema = z.object({
  lawCode: z
    .string()
    .regex(/^[0-9]{2}$/, 'must be 2 half-width digits')
    .describe('法別番号'),
});

export const insurerNumberParamsSchema = z.object({
  number: z
    .string()
    .regex(/^[0-9]{8}$/, 'must be exactly 8 half-width digits')
    .describe('公費負担者番号 to decode'),
});

export const insurerNumberDecodingSchema = z
  .object({
    number: z.string(),
    valid: z.boolean().describe('True when the check digit matches and the prefecture exists'),
    lawCode: z.string().describe('法別番号 (digits 1–2)'),
    program: programSchema.nullable().describe('The national program of that 法別番号; null for local (地単) or unknown numbers'),
    prefectureCode: z.string().describe('都道府県番号 (digits 3–4)'),
    prefectureName: z.string().nullable().describe('null when the prefecture code is not 01–47'),
    institutionNumber: z.string().describe('実施機関番号 (digits 5–7)'),
    checkDigit: z.object({ given: z.string(), expected: z.string() }),
    problems: z.array(z.object({ code: z.string(), message: z.string() })),
  })
  .meta({
    id: 'InsurerNumberDecoding',
    description: 'A 公費負担者番号 taken apart: 法別番号 2 + 都道府県番号 2 + 実施機関番号 3 + 検証番号 1',
    example: {
      number: '81136244',
      valid: true,
      lawCode: '81',
      program: null,
      prefectureCode: '13',
      prefectureName: '東京都',
      institutionNumber: '624',
      checkDigit: { given: '4', expected: '4' },
      problems: [],
    },
  });

export type Program = z.infer<typeof programSchema>;
