import { withRecordCaps, type RecordCaps } from './local.js';
import { DEFAULT_ROUNDING, nationalRules, type NationalRuleInputs } from './national.js';
import type { LocalRuleRow, NationalRules } from './types.js';

/** What a certificate type (制度マスタ) says about charging. */
export interface TypeChargingInputs {
  kind: 'national' | 'local';
  /** 法別番号 (national types) */
  lawCode?: string | null;
  incomeSegments: readonly { code: string; monthlyCap?: number }[];
  /** The type's older `copay` subset (地単公費マスター columns): the source of a local type's rules when it has no rows. */
  copay?: {
    rate?: number;
    fixedAmountPerVisit?: number;
    monthlyCap?: number;
    dailyCap?: number;
    perVisitCap?: number;
    inpatientOutpatientCombined?: boolean;
  };
  /** The type's stored 指定医療機関 flag. */
  requiresDesignatedInstitutions?: boolean;
  /** copaymentRules: national overrides, or a local type's rows; null/absent = defaults. */
  copaymentRules?: NationalRuleInputs['overrides'] | { rows: readonly LocalRuleRow[] } | null;
}

/** What the registered record says about charging. */
export interface RecordChargingInputs {
  /** 所得区分 code */
  incomeSegment?: string | null;
  /** The record's maxCopaymentAmount (sandbox shape; inpatientOutpatientCombined 1 = 入外合算). */
  maxCopaymentAmount?: { monthly?: number; daily?: number; perVisit?: number; inpatientOutpatientCombined?: number } | null;
}

export type EffectiveRules =
  | { kind: 'national'; rules: NationalRules }
  /** Rows in the program's order; pick one per visit with selectLocalRow. The record's caps are already applied. */
  | { kind: 'local'; rows: LocalRuleRow[]; derivedFromCopay: boolean }
  /** No rules: the subsidy is not applied by the calculator (the reason goes in its trace). */
  | { kind: 'none'; reason: string };

function recordCaps(m: RecordChargingInputs['maxCopaymentAmount']): RecordCaps | null {
  if (!m) return null;
  const caps: RecordCaps = {};
  if (m.monthly !== undefined) caps.monthly = m.monthly;
  if (m.daily !== undefined) caps.daily = m.daily;
  if (m.perVisit !== undefined) caps.perVisit = m.perVisit;
  if (m.inpatientOutpatientCombined !== undefined) caps.inpatientOutpatientCombined = m.inpatientOutpatientCombined !== 0;
  return caps;
}

/** One row from a local type's `copay` subset ([I], docs/copay.md): its share or fixed amount and its caps, across institutions. */
function rowFromCopay(copay: NonNullable<TypeChargingInputs['copay']>): LocalRuleRow | null {
  const { rate, fixedAmountPerVisit, monthlyCap, dailyCap, perVisitCap, inpatientOutpatientCombined } = copay;
  if ([rate, fixedAmountPerVisit, monthlyCap, dailyCap, perVisitCap].every((v) => v === undefined)) return null;
  const row: LocalRuleRow = {
    kind: 'local',
    label: 'from the type’s copay',
    conditions: {},
    copay:
      fixedAmountPerVisit !== undefined
        ? { kind: 'fixed', amountPerVisit: fixedAmountPerVisit }
        : rate !== undefined
          ? { kind: 'rate', rate }
          : { kind: 'remaining' },
    grouping: { inpatientOutpatient: inpatientOutpatientCombined ? 'combined' : 'separate', dental: 'separate' },
    pharmacy: 'as_others',
    food: 'full',
    rounding: DEFAULT_ROUNDING,
  };
  if (perVisitCap !== undefined) row.perVisitCap = perVisitCap;
  if (dailyCap !== undefined) row.perDayCap = dailyCap;
  if (monthlyCap !== undefined) row.monthlyCap = { amount: monthlyCap, scope: 'across_institutions', mode: 'window' };
  return row;
}

/**
 * The charging rules of one subsidy: its certificate type's rules with the record's caps taking precedence.
 * National: the law defaults of 54/52/15/16/21 overridden by the type's copaymentRules (the type's 指定医療機関 flag
 * unless they say otherwise); monthly cap record → 所得区分 → copaymentRules.monthlyCap. Local: the type's rows (else
 * one row from its `copay`), each with the record's maxCopaymentAmount applied (withRecordCaps).
 */
export function effectiveCopaymentRules(type: TypeChargingInputs, record: RecordChargingInputs): EffectiveRules {
  const given = type.copaymentRules ?? null;
  if (type.kind === 'national') {
    const overrides = given && !('rows' in given) ? { ...given } : {};
    if (overrides.requiresDesignatedInstitution === undefined && type.requiresDesignatedInstitutions !== undefined) {
      overrides.requiresDesignatedInstitution = type.requiresDesignatedInstitutions;
    }
    const lawCode = type.lawCode ?? '';
    const rules = nationalRules({
      lawCode,
      incomeSegments: type.incomeSegments,
      incomeSegment: record.incomeSegment ?? null,
      maxCopaymentAmount: record.maxCopaymentAmount ?? null,
      overrides,
    });
    if (!rules) return { kind: 'none', reason: `法別 ${lawCode} has no default rules and the type’s copaymentRules give no share` };
    return { kind: 'national', rules };
  }
  const caps = recordCaps(record.maxCopaymentAmount);
  if (given && 'rows' in given) return { kind: 'local', rows: given.rows.map((r) => withRecordCaps(r, caps)), derivedFromCopay: false };
  const derived = type.copay ? rowFromCopay(type.copay) : null;
  if (!derived) return { kind: 'none', reason: 'the local type has neither copaymentRules nor a copay rule' };
  return { kind: 'local', rows: [withRecordCaps(derived, caps)], derivedFromCopay: true };
}
