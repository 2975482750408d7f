import { z } from 'zod';
import { SETTINGS } from '../domain/copay/index.js';
import { dateInputSchema, pageOf, paginationQuerySchema } from '../http/schemas.js';

/** Every description of this feature starts so: PMH has published no 上限額管理 API. */
export const PROVISIONAL = 'Provisional (our design: PMH has not published a 上限額管理 API).';

export const subsidyRefSchema = z
  .string()
  .regex(/^sr_[A-Z2-7]{20}$/, 'must be a subsidyRef from an eligibility answer')
  .describe(
    `${PROVISIONAL} Opaque reference of one 受給者証 of one patient, the same in every check of every institution; random, never derived from the 個人番号 or the 受給者番号`,
  )
  .meta({ example: 'sr_K7Q2M4X6TB3RZ5WH6JNA' });

export const yearMonthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM')
  .describe('Calendar month (YYYY-MM) of the service date');

/** A month with 1,000 yen of its cap left (the examples of copaymentLimit). */
export const COPAYMENT_LIMIT_EXAMPLE = {
  yearMonth: '2026-11',
  monthlyCap: 10000,
  accumulated: 9000,
  remaining: 1000,
  capReached: false,
  capReachedOn: null,
  capReachedAt: null,
};

/** The same month after the line that reached the cap. */
export const CAP_REACHED_LIMIT_EXAMPLE = {
  yearMonth: '2026-11',
  monthlyCap: 10000,
  accumulated: 10000,
  remaining: 0,
  capReached: true,
  capReachedOn: '2026-11-23',
  capReachedAt: '2026-11-23T01:30:00.000Z',
};

export const copaymentLimitSchema = z
  .object({
    yearMonth: yearMonthSchema,
    monthlyCap: z
      .int()
      .describe(
        '月額自己負担上限額 (yen): the record’s maxCopaymentAmount.monthly, else the certificate type’s incomeSegments[].monthlyCap, ' +
          'else its copaymentRules (national: monthlyCap; local: the monthlyCap across institutions, charged at the window, that every rule row gives)',
      ),
    accumulated: z.int().describe('自己負担累積額 (yen): copaymentCharged of every institution’s current, not cancelled lines of the month'),
    remaining: z.int().describe('monthlyCap − accumulated, never negative'),
    capReached: z.boolean().describe('accumulated ≥ monthlyCap (「上限額に達しました」)'),
    capReachedOn: z.iso.date().nullable().describe('Service date of the line that reached the cap; null when not reached by a line'),
    capReachedAt: z.iso.datetime().nullable().describe('When that line was recorded (sandbox clock)'),
  })
  .meta({
    id: 'CopaymentLimit',
    description: `${PROVISIONAL} The month’s 上限額管理 of one subsidy, summed over every institution; null where the program has no monthly cap`,
    example: COPAYMENT_LIMIT_EXAMPLE,
  });

export const settingSchema = z
  .enum(SETTINGS)
  .describe('Where the care was given: outpatient (外来), inpatient (入院), pharmacy (院外調剤), visiting_nursing (訪問看護), dental (歯科外来)');

const yen = (description: string) => z.int().min(0).max(100_000_000).describe(`${description}, yen`);

export const copaymentLineInputSchema = z.strictObject({
  serviceDate: dateInputSchema('Date of service (日付: the day of care, not of payment); its month is the cap’s month'),
  setting: settingSchema,
  totalMedicalCost: yen('医療費総額 (10割) of the certified care; recorded even after the cap (高額かつ長期 needs it)'),
  copaymentCharged: yen('自己負担額 the patient paid under this subsidy (0 once the cap is reached)'),
  foodCost: yen('入院時食事療養 the patient paid; never counts toward the cap').optional(),
});
export type CopaymentLineInput = z.infer<typeof copaymentLineInputSchema>;

const chargedWithinCost = (b: { copaymentCharged: number; totalMedicalCost: number }) => b.copaymentCharged <= b.totalMedicalCost;
const chargedWithinCostIssue = { message: 'must not exceed totalMedicalCost', path: ['copaymentCharged'] };

export const visitIdSchema = z
  .string()
  .regex(/^[\x21-\x7E]{1,100}$/, 'must be 1–100 printable ASCII characters')
  .describe('The institution’s own id of the visit (受付番号 etc.); with subsidyRef it names the line');

export const copaymentRecordRequestSchema = copaymentLineInputSchema
  .extend({ subsidyRef: subsidyRefSchema, visitId: visitIdSchema })
  .refine(chargedWithinCost, chargedWithinCostIssue)
  .meta({
    id: 'CopaymentRecordRequest',
    description: `${PROVISIONAL} One visit’s line of the 上限額管理票`,
    example: {
      subsidyRef: 'sr_K7Q2M4X6TB3RZ5WH6JNA',
      visitId: 'V-2026-11-23-0042',
      serviceDate: '2026-11-23',
      setting: 'outpatient',
      totalMedicalCost: 20000,
      copaymentCharged: 1000,
    },
  });

export const copaymentCorrectionRequestSchema = copaymentLineInputSchema
  .extend({ subsidyRef: subsidyRefSchema })
  .refine(chargedWithinCost, chargedWithinCostIssue)
  .meta({
    id: 'CopaymentCorrectionRequest',
    description: `${PROVISIONAL} The corrected line (返戻, a wrong amount or date): the whole body again`,
    example: { subsidyRef: 'sr_K7Q2M4X6TB3RZ5WH6JNA', serviceDate: '2026-11-23', setting: 'outpatient', totalMedicalCost: 18000, copaymentCharged: 1000 },
  });

export const copaymentRecordVersionSchema = z
  .object({
    version: z.int().min(1).describe('1 when recorded, +1 per correction or cancellation'),
    serviceDate: z.iso.date(),
    yearMonth: yearMonthSchema,
    setting: settingSchema,
    totalMedicalCost: z.int(),
    copaymentCharged: z.int(),
    foodCost: z.int().nullable(),
    cancelled: z.boolean().describe('A cancelled version counts for nothing'),
    accumulatedAfter: z.int().describe('The month’s 自己負担累積額 right after this version (every institution)'),
    capReached: z.boolean().describe('Whether the month’s cap was reached right after this version'),
    recordedAt: z.iso.datetime().describe('When this version was recorded (sandbox clock)'),
  })
  .meta({ id: 'CopaymentRecordVersion', description: `${PROVISIONAL} One version of a line` });
export type CopaymentRecordVersion = z.infer<typeof copaymentRecordVersionSchema>;

export const copaymentLineSchema = copaymentRecordVersionSchema
  .extend({
    subsidyRef: z.string().describe('The subsidyRef of an eligibility answer'),
    visitId: z.string(),
    institutionCode: z.string().describe('医療機関コード of the institution that recorded the line'),
  })
  .meta({ id: 'CopaymentLine', description: `${PROVISIONAL} A line of the 上限額管理票 as it stands now (its latest version)` });
export type CopaymentLine = z.infer<typeof copaymentLineSchema>;

/** One line as the examples show it (also MyPortal's). */
export const LINE_EXAMPLE = {
  subsidyRef: 'sr_K7Q2M4X6TB3RZ5WH6JNA',
  visitId: 'V-2026-11-23-0042',
  institutionCode: '1311234566',
  version: 1,
  serviceDate: '2026-11-23',
  yearMonth: '2026-11',
  setting: 'outpatient',
  totalMedicalCost: 20000,
  copaymentCharged: 1000,
  foodCost: null,
  cancelled: false,
  accumulatedAfter: 10000,
  capReached: true,
  recordedAt: '2026-11-23T01:30:00.000Z',
} as const;

const { subsidyRef: _ref, visitId: _visit, institutionCode: _institution, ...VERSION_EXAMPLE } = LINE_EXAMPLE;

export const copaymentRecordSchema = copaymentLineSchema
  .extend({
    copaymentLimit: copaymentLimitSchema.nullable().describe('The month’s state now (null without a monthly cap)'),
    versions: z.array(copaymentRecordVersionSchema).describe('Every version, oldest first: the history is kept'),
  })
  .meta({
    id: 'CopaymentRecord',
    description: `${PROVISIONAL} A visit’s line with its month’s copaymentLimit and its history`,
    example: {
      ...LINE_EXAMPLE,
      copaymentLimit: CAP_REACHED_LIMIT_EXAMPLE,
      versions: [VERSION_EXAMPLE],
    },
  });
export type CopaymentRecord = z.infer<typeof copaymentRecordSchema>;

export const visitParamsSchema = z.object({ visitId: visitIdSchema });
export const visitQuerySchema = z.object({
  subsidyRef: subsidyRefSchema.optional().describe('Which line of the visit, when it has lines under several subsidyRefs'),
});

export const copaymentRecordListQuerySchema = paginationQuerySchema.extend({
  subsidyRef: subsidyRefSchema.optional(),
  yearMonth: yearMonthSchema.optional(),
});
export const copaymentRecordPageSchema = pageOf(copaymentLineSchema).meta({
  id: 'CopaymentLinePage',
  description: `${PROVISIONAL} The institution’s own lines (latest versions), by service date`,
  example: { items: [LINE_EXAMPLE], nextCursor: null },
});

// Municipal ledger

export const copaymentLedgerMonthSchema = z
  .object({
    subsidyRef: z.string(),
    orgSpecificCertificateTypeId: z.string(),
    medicalSubsidyInsurerNumber: z.string().nullable().describe('公費負担者番号 of the certificate’s latest history row up to the month'),
    medicalSubsidyRecipientNumber: z.string().nullable().describe('受給者番号, the same way (never the 個人番号)'),
    incomeSegment: z.string().nullable().describe('所得区分 code, the same way'),
    yearMonth: yearMonthSchema,
    monthlyCap: z.int().nullable(),
    accumulated: z.int(),
    totalMedicalCost: z.int().describe('医療費総額 of the month’s current lines'),
    lineCount: z.int(),
    capReached: z.boolean(),
    capReachedOn: z.iso.date().nullable(),
    capReachedAt: z.iso.datetime().nullable(),
    capReachedBy: z.string().nullable().describe('医療機関コード of the institution whose line reached the cap'),
    lines: z.array(copaymentLineSchema).describe('Current lines of the month, by institution code and service date'),
    candidates: z
      .object({
        months: z
          .array(z.object({ yearMonth: yearMonthSchema, totalMedicalCost: z.int() }))
          .describe('医療費総額 of the 12 months ending with yearMonth, oldest first (0 where nothing was recorded)'),
        highCostLongTerm: z
          .boolean()
          .nullable()
          .describe('高額かつ長期 candidate: 一般所得Ⅰ or above and 医療費総額 > 50,000 in ≥ 6 of these months; null outside 難病 (54)'),
        mildHighCost: z.boolean().nullable().describe('軽症高額 candidate: 医療費総額 > 33,330 in ≥ 3 of these months; null outside 難病 (54)'),
      })
      .describe('Candidates only: applying them is the municipality’s decision'),
  })
  .meta({ id: 'CopaymentLedgerMonth', description: `${PROVISIONAL} One recipient certificate’s month in the ledger` });
export type CopaymentLedgerMonth = z.infer<typeof copaymentLedgerMonthSchema>;

export const copaymentLedgerQuerySchema = paginationQuerySchema.extend({
  yearMonth: yearMonthSchema,
  medicalSubsidyRecipientNumber: z.string().max(30).optional().describe('Only this 受給者番号'),
  subsidyRef: subsidyRefSchema.optional(),
});
export const copaymentLedgerPageSchema = pageOf(copaymentLedgerMonthSchema).meta({
  id: 'CopaymentLedgerPage',
  description: `${PROVISIONAL} The municipality’s recipients’ months with lines, by subsidyRef`,
  example: {
    items: [
      {
        subsidyRef: 'sr_K7Q2M4X6TB3RZ5WH6JNA',
        orgSpecificCertificateTypeId: 'NANBYO54',
        medicalSubsidyInsurerNumber: '54130018',
        medicalSubsidyRecipientNumber: '0000018',
        incomeSegment: 'IPPAN1',
        yearMonth: '2026-11',
        monthlyCap: 10000,
        accumulated: 10000,
        totalMedicalCost: 65000,
        lineCount: 2,
        capReached: true,
        capReachedOn: '2026-11-23',
        capReachedAt: '2026-11-23T01:30:00.000Z',
        capReachedBy: '1311234566',
        lines: [{ ...LINE_EXAMPLE, serviceDate: '2026-11-23', copaymentCharged: 1000, accumulatedAfter: 10000 }],
        candidates: {
          months: ['2025-12', ...Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`)].map((yearMonth) => ({
            yearMonth,
            totalMedicalCost: yearMonth === '2026-11' ? 65000 : 20000,
          })),
          highCostLongTerm: false,
          mildHighCost: false,
        },
      },
    ],
    nextCursor: null,
  },
});
