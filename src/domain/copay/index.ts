// Co-pay rules (窓口負担・上限額管理): pure, provisional. Facts: /work/shared/domain/copay.md; design: docs/copay.md.
export { calculateCopay } from './calculate.js';
export { effectiveCopaymentRules, type EffectiveRules, type RecordChargingInputs, type TypeChargingInputs } from './effective.js';
export { HIGH_COST_LONG_TERM_SEGMENTS, isHighCostLongTermCandidate, isMildHighCostCandidate } from './history.js';
export {
  ageOn,
  localScopeKeys,
  monthlyRefund,
  rowMatches,
  selectLocalRow,
  serviceMonth,
  settingGroup,
  withRecordCaps,
  type LedgerVisit,
  type RecordCaps,
  type RowContext,
} from './local.js';
export {
  DEFAULT_ROUNDING,
  NATIONAL_LAW_CODES,
  isNationalLawCode,
  lawSource,
  nationalRules,
  type NationalLawCode,
  type NationalRuleInputs,
} from './national.js';
export { applyShare, remaining, sharePermille } from './rounding.js';
export * from './types.js';
export { ledgerEntry, monthToDate, priceVisits, recordVisit, type LedgerEntry, type MonthLedger, type MonthVisit } from './month.js';
export {
  EMPTY_MONTH,
  changeLine,
  copaymentLimitOf,
  ledgerMonthlyCap,
  type CopaymentLimit,
  type LedgerCapInputs,
  type LineAmounts,
  type LineChange,
  type MonthTotals,
} from './ledger.js';
