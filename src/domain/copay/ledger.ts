/**
 * The persistent 上限額管理 ledger's arithmetic (provisional, our design: PMH has not published it). Pure.
 * The month of a line is the calendar month of its service date; the cap is summed over every institution
 * (copay.md §3). The persistent ledger (src/copayments/) keeps, per subsidy and month, the sum of the
 * current versions of its lines; these functions say what that sum allows.
 */
import type { TypeChargingInputs } from './effective.js';
import { nationalRules } from './national.js';
import { remaining } from './rounding.js';
import type { LocalRuleRow } from './types.js';

/** What the certificate type (制度マスタ) and the registered record say about a monthly cap. */
export interface LedgerCapInputs {
  programKind: 'national' | 'local';
  /** 法別番号 of a national program */
  lawCode: string | null;
  /** The record's 所得区分 code */
  incomeSegment?: string | null;
  /** The type's 所得区分 with their caps */
  incomeSegments?: readonly { code: string; monthlyCap?: number }[] | null;
  /** The record's maxCopaymentAmount (sandbox shape) */
  maxCopaymentAmount?: { monthly?: number } | null;
  /** The type's copaymentRules (national overrides or local rows), as effectiveCopaymentRules reads them */
  copaymentRules?: TypeChargingInputs['copaymentRules'];
}

/**
 * 月額自己負担上限額 of a subsidy: the record's maxCopaymentAmount.monthly, else the type's
 * incomeSegments[所得区分].monthlyCap, else none (null). National programs go through nationalRules, so the
 * precedence is the calculator's (docs/copay.md "Cap precedence").
 */
export function ledgerMonthlyCap(i: LedgerCapInputs): number | null {
  const given = i.copaymentRules ?? null;
  if (i.programKind === 'national' && i.lawCode !== null) {
    const rules = nationalRules({
      lawCode: i.lawCode,
      incomeSegment: i.incomeSegment,
      incomeSegments: i.incomeSegments ?? [],
      maxCopaymentAmount: i.maxCopaymentAmount,
      overrides: given && !('rows' in given) ? given : {},
    });
    if (rules) return rules.monthlyCap;
  }
  const recordCap = i.maxCopaymentAmount?.monthly;
  if (recordCap !== undefined) return recordCap;
  if (given && 'rows' in given) return rowsMonthlyCap(given.rows);
  if (i.incomeSegment == null) return null;
  return i.incomeSegments?.find((s) => s.code === i.incomeSegment)?.monthlyCap ?? null;
}

/**
 * A local program's monthly cap across institutions, as the ledger can hold one: the amount every rule row gives
 * (scope across_institutions, charged at the window). Rows that differ (by age, setting) or caps per institution have no single
 * month's cap to show before a visit: null, and the quote applies the matching row.
 */
function rowsMonthlyCap(rows: readonly LocalRuleRow[]): number | null {
  const caps = new Set(rows.map((r) => (r.monthlyCap?.scope === 'across_institutions' && r.monthlyCap.mode === 'window' ? r.monthlyCap.amount : null)));
  if (caps.size !== 1) return null;
  return [...caps][0] ?? null;
}

/** The month's state of one subsidy as the ledger stores it. */
export interface MonthTotals {
  /** 自己負担累積額: copaymentCharged over the month's current, not cancelled lines */
  accumulated: number;
  /** 医療費総額 summed the same way */
  totalMedicalCost: number;
  /** Current, not cancelled lines */
  lineCount: number;
  /** Service date (YYYY-MM-DD) of the line that reached the cap */
  capReachedOn: string | null;
  /** When that line was recorded (ISO instant, sandbox clock) */
  capReachedAt: string | null;
  /** 医療機関コード of the institution that recorded it */
  capReachedBy: string | null;
}

export const EMPTY_MONTH: MonthTotals = { accumulated: 0, totalMedicalCost: 0, lineCount: 0, capReachedOn: null, capReachedAt: null, capReachedBy: null };

/** What the eligibility answer and the ledger's answers say of a month (copaymentLimit). */
export interface CopaymentLimit {
  yearMonth: string;
  monthlyCap: number;
  accumulated: number;
  remaining: number;
  capReached: boolean;
  capReachedOn: string | null;
  capReachedAt: string | null;
}

/** The copaymentLimit of a month; null when the subsidy has no monthly cap. */
export function copaymentLimitOf(cap: number | null, yearMonth: string, month: MonthTotals): CopaymentLimit | null {
  if (cap === null) return null;
  return {
    yearMonth,
    monthlyCap: cap,
    accumulated: month.accumulated,
    remaining: remaining(cap, month.accumulated),
    capReached: month.accumulated >= cap,
    capReachedOn: month.capReachedOn,
    capReachedAt: month.capReachedAt,
  };
}

/** One line's contribution to its month (a cancelled line contributes nothing). */
export interface LineAmounts {
  copaymentCharged: number;
  totalMedicalCost: number;
  cancelled: boolean;
}

export type LineChange =
  | { ok: true; month: MonthTotals; capReached: boolean }
  /** The change would take more than what is left of the cap: `remaining` is what was left for this line. */
  | { ok: false; remaining: number };

/**
 * A month's totals after one line of it changes from `before` (absent: a new line, or one moved in from another
 * month) to `after` (absent: the line moved out). Refused when the change raises the accumulated amount above the
 * cap: two institutions can never both take the last of it. Lowering is always allowed, even above a cap that was
 * lowered since. The 「上限額に達しました」 stamp is set by the line that reaches the cap and cleared when the
 * month drops below it again.
 */
export function changeLine(
  month: MonthTotals,
  cap: number | null,
  change: { before?: LineAmounts; after?: LineAmounts; serviceDate: string; institutionCode: string; now: string },
): LineChange {
  const contributes = (l?: LineAmounts) => (l && !l.cancelled ? l : { copaymentCharged: 0, totalMedicalCost: 0 });
  const counts = (l?: LineAmounts) => (l && !l.cancelled ? 1 : 0);
  const lineCount = month.lineCount - counts(change.before) + counts(change.after);
  const without = month.accumulated - contributes(change.before).copaymentCharged;
  const accumulated = without + contributes(change.after).copaymentCharged;
  if (cap !== null && accumulated > cap && accumulated > month.accumulated) return { ok: false, remaining: remaining(cap, without) };
  const reached = cap !== null && accumulated >= cap;
  const stamp = reached
    ? month.capReachedOn !== null && month.accumulated >= (cap ?? 0)
      ? { capReachedOn: month.capReachedOn, capReachedAt: month.capReachedAt, capReachedBy: month.capReachedBy }
      : { capReachedOn: change.serviceDate, capReachedAt: change.now, capReachedBy: change.institutionCode }
    : { capReachedOn: null, capReachedAt: null, capReachedBy: null };
  return {
    ok: true,
    capReached: reached,
    month: {
      accumulated,
      totalMedicalCost: month.totalMedicalCost - contributes(change.before).totalMedicalCost + contributes(change.after).totalMedicalCost,
      lineCount,
      ...stamp,
    },
  };
}
