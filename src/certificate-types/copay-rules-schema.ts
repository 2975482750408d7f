import { z } from 'zod';
import { FOOD_RULES, ROUNDINGS, SETTINGS, type LocalRuleRow, type NationalRules } from '../domain/copay/index.js';

// Provisional: the `copaymentRules` of a certificate type (制度マスタ), accepted by PUT /municipal/v1/certificate-types/{id}
// and stored in certificate_type.copayment_rules. The domain types in src/domain/copay are the shape; the checks at the
// end keep this schema identical to them.

const yen = z.int().min(0).max(100_000_000);
const share = z.number().min(0).max(1);
const rounding = z.enum(ROUNDINGS).describe('端数: round10 10円未満四捨五入, floor10 10円未満切り捨て, ceil1/floor1 whole yen');
const food = z.enum(FOOD_RULES).describe('入院時食事: full 全額自己負担, half 1/2, free');

/** Overrides of a national program's law defaults (copay.md §3). */
export const nationalCopaymentRulesSchema = z
  .strictObject({
    share: share.optional().describe('自己負担割合; default by law code (54/52: 0.2, 15/16/21: 0.1)'),
    monthlyCap: yen.optional().describe('Monthly cap used when neither the record nor its 所得区分 gives one'),
    food: food.optional(),
    rounding: rounding.optional(),
    requiresDesignatedInstitution: z.boolean().optional(),
  })
  .meta({ id: 'NationalCopaymentRules', description: 'Provisional: overrides of the law defaults of a national program' });

const localCopaySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('rate'), rate: share }),
  z.strictObject({ kind: z.literal('fixed'), amountPerVisit: yen }),
  z.strictObject({ kind: z.literal('remaining') }),
  z.strictObject({ kind: z.literal('free') }),
]);

export const localRuleRowSchema = z
  .strictObject({
    kind: z.literal('local'),
    label: z.string().trim().min(1).max(100),
    conditions: z.strictObject({
      ageMin: z.int().min(0).max(150).optional(),
      ageMax: z.int().min(0).max(150).optional(),
      settings: z.array(z.enum(SETTINGS)).min(1).optional(),
      incomeSegments: z
        .array(z.string().regex(/^[0-9A-Za-z]{1,20}$/))
        .min(1)
        .optional(),
    }),
    copay: localCopaySchema,
    perVisitCap: yen.optional().describe('1回 上限額'),
    perDayCap: yen.optional().describe('1日 上限額, per institution and group'),
    countLimit: z
      .strictObject({ unit: z.enum(['day', 'visit']), max: z.int().min(0).max(31), after: z.enum(['free', 'full']) })
      .optional()
      .describe('上限回数/日数 in the month and what applies past it'),
    monthlyCap: z.strictObject({ amount: yen, scope: z.enum(['per_institution', 'across_institutions']), mode: z.enum(['window', 'refund']) }).optional(),
    grouping: z.strictObject({ inpatientOutpatient: z.enum(['separate', 'combined']), dental: z.enum(['separate', 'combined']) }),
    pharmacy: z.enum(['free', 'as_others']),
    food,
    rounding,
  })
  .meta({ id: 'LocalCopaymentRuleRow', description: 'Provisional: one rule row of a local (地単) program, after the 地単公費マスター / ORCA fields' });

/** A local program's rows, first match wins (copay.md §4: one row per condition set). */
export const localCopaymentRulesSchema = z
  .strictObject({ rows: z.array(localRuleRowSchema).min(1).max(100) })
  .meta({ id: 'LocalCopaymentRules', description: 'Provisional: rule rows of a local program; the first row whose conditions hold applies' });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Overrides = Partial<Pick<NationalRules, 'share' | 'monthlyCap' | 'food' | 'rounding' | 'requiresDesignatedInstitution'>>;
// Compile-time: the schemas say exactly what the domain types say (monthlyCap: the override is a number, never null).
const _rowIsDomainRow: Same<z.output<typeof localRuleRowSchema>, LocalRuleRow> = true;
const _overridesFitDomain: z.output<typeof nationalCopaymentRulesSchema> extends Overrides ? true : false = true;
