/**
 * Month-history tests of the national 難病 program (copay.md §3 [V]). Inputs: 医療費総額 per month, newest last.
 * They only flag candidates; applying the lower cap is the municipality's decision ([I] flag only, example 13).
 */

/** 所得区分 at or above 一般所得Ⅰ, the condition of 高額かつ長期. */
export const HIGH_COST_LONG_TERM_SEGMENTS = ['一般所得Ⅰ', '一般所得Ⅱ', '上位所得'] as const;

/** 高額かつ長期: 一般所得Ⅰ or above and 医療費総額 > 50,000 in ≥ 6 of the last 12 months. */
export function isHighCostLongTermCandidate(monthlyTotals: readonly number[], incomeSegmentName: string): boolean {
  if (!(HIGH_COST_LONG_TERM_SEGMENTS as readonly string[]).includes(incomeSegmentName)) return false;
  return monthlyTotals.slice(-12).filter((t) => t > 50_000).length >= 6;
}

/** 軽症高額: 医療費総額 > 33,330 (in whole yen ≥ 33,331) in ≥ 3 of the 12 months before applying. */
export function isMildHighCostCandidate(monthlyTotals: readonly number[]): boolean {
  return monthlyTotals.slice(-12).filter((t) => t > 33_330).length >= 3;
}
