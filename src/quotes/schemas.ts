import { z } from 'zod';
import { PROVISIONAL, settingSchema, subsidyRefSchema, yearMonthSchema } from '../copayments/schemas.js';
import { dateInputSchema } from '../http/schemas.js';

const yen = (description: string) => z.int().min(0).max(100_000_000).describe(`${description}, yen`);

export const INSURANCE_SHARES = [0.3, 0.2, 0.1] as const;

export const copaymentQuoteRequestSchema = z
  .strictObject({
    checkId: z.uuid().describe('An eligibility check of this institution (POST /clinic/v1/eligibility-checks): its subsidies are the ones priced'),
    serviceDate: dateInputSchema('Date of service; its month is the month-to-date read from the ledger'),
    setting: settingSchema,
    totalMedicalCost: yen('医療費総額 (10割) of the visit'),
    insuranceShare: z.literal(INSURANCE_SHARES).describe('The health insurance’s patient share (一部負担金割合): 0.3, 0.2 or 0.1'),
    foodCost: yen('入院時食事療養: what insurance alone leaves the patient (標準負担額); never counts toward a cap').optional(),
  })
  .meta({
    id: 'CopaymentQuoteRequest',
    description: `${PROVISIONAL} One visit to price, over the subsidies of an earlier eligibility check`,
    example: {
      checkId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      serviceDate: '2026-11-23',
      setting: 'outpatient',
      totalMedicalCost: 20000,
      insuranceShare: 0.3,
    },
  });

export type CopaymentQuoteRequest = z.infer<typeof copaymentQuoteRequestSchema>;

export const quoteSubsidySchema = z
  .object({
    subsidyRef: subsidyRefSchema.nullable().describe('The subsidyRef of the check’s subsidy (null only for checks stored before the ledger)'),
    pays: z.int().describe('What this subsidy pays of the visit (medical and food), yen'),
    applied: z.boolean().describe('Whether the subsidy applied at all (valid on serviceDate, at the window, designated, a rule row matched)'),
    copaymentCharged: z
      .int()
      .describe('The patient’s amount under this subsidy (管理票 自己負担額): what to record as copaymentCharged with POST /clinic/v1/copayment-records'),
    capReached: z.boolean().describe('This visit would reach a monthly cap (「上限額に達しました」)'),
    monthToDate: z.int().describe('What the ledger had for this subsidy this month before the visit (自己負担累積額), yen'),
  })
  .meta({ id: 'CopaymentQuoteSubsidy', description: `${PROVISIONAL} One subsidy’s part of a quote` });

export const traceStepSchema = z
  .object({
    step: z.enum(['insurance', 'high_cost', 'national', 'local', 'food']).describe('The payer’s turn: high_cost (高額療養費) is not modelled'),
    rule: z.string().describe('The rule applied, in words'),
    before: z.int().describe('The patient’s amount before this step, yen'),
    after: z.int().describe('The patient’s amount after it, yen'),
    source: z.string().describe('Where the rule comes from: law, domain notes, certificate type, record, or our design'),
  })
  .meta({ id: 'CopaymentTraceStep' });

export const copaymentQuoteSchema = z
  .object({
    checkId: z.uuid(),
    serviceDate: z.iso.date(),
    yearMonth: yearMonthSchema,
    patientPays: z.int().describe('What the patient pays at the window (medical + food), yen'),
    patientPaysMedical: z.int(),
    patientPaysFood: z.int(),
    insurancePays: z.int().describe('The insurer’s part of 医療費総額 (food excluded), yen; 高額療養費 not modelled'),
    subsidies: z.array(quoteSubsidySchema).describe('Every subsidy of the check, in the check’s order'),
    trace: z.array(traceStepSchema).describe('Each step in the order applied: 医療保険 → 高額療養費 (not modelled) → national 公費 → 地単公費'),
  })
  .meta({
    id: 'CopaymentQuote',
    description: `${PROVISIONAL} What the patient pays for one visit, and why. 高額療養費 is not modelled. Nothing is recorded.`,
    example: {
      checkId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      serviceDate: '2026-11-23',
      yearMonth: '2026-11',
      patientPays: 1000,
      patientPaysMedical: 1000,
      patientPaysFood: 0,
      insurancePays: 14000,
      subsidies: [{ subsidyRef: 'sr_K7Q2M4X6TB3RZ5WH6JNA', pays: 5000, applied: true, copaymentCharged: 1000, capReached: true, monthToDate: 9000 }],
      trace: [
        { step: 'insurance', rule: '医療保険: patient share 0.3 of 20000, round10', before: 20000, after: 6000, source: 'copay.md §5 (保険 first)' },
        { step: 'high_cost', rule: '高額療養費: not modelled', before: 6000, after: 6000, source: 'copay.md §5 [I]' },
        { step: 'national', rule: '54: 2割 of 医療費総額 20000', before: 6000, after: 4000, source: '難病法 (copay.md §3): 2割, food 全額自己負担' },
        {
          step: 'national',
          rule: '54: monthly cap 10000, 9000 already paid this month at designated institutions',
          before: 4000,
          after: 1000,
          source: 'record maxCopaymentAmount.monthly; copay.md §3 min(share, cap − cumulative)',
        },
      ],
    },
  });

export type CopaymentQuote = z.infer<typeof copaymentQuoteSchema>;
