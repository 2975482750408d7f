import { calculateCopay } from './calculate.js';
import { localScopeKeys, serviceMonth, type LedgerVisit } from './local.js';
import type { ApplicableSubsidy, CalculateOptions, CopayResult, LocalRuleRow, MonthToDate, NationalRules, Visit } from './types.js';

/**
 * An in-memory month ledger: what a persistent ledger must sum to feed `calculateCopay`. Pure (returns new
 * ledgers). Order of entry is order of counting ([I]: a late-entered earlier day counts after the ones entered).
 */
export interface LedgerEntry {
  ref: string;
  month: string;
  institutionMonth: string;
  day: string;
  visit: string;
  countScope: string;
  countKey: string;
  /** The patient's amount under this subsidy (SubsidyOutcome.countsTowardCap) */
  amount: number;
}

export type MonthLedger = readonly LedgerEntry[];

function keysOf(rules: NationalRules | LocalRuleRow, lv: LedgerVisit): Omit<LedgerEntry, 'ref' | 'amount'> {
  if (rules.kind === 'local') return localScopeKeys(rules, lv);
  // National caps are one sum per month over every designated institution (copay.md §3).
  const month = serviceMonth(lv.serviceDate);
  return { month, institutionMonth: month, day: `${month}|${lv.serviceDate}`, visit: `${month}|${lv.visitId}`, countScope: month, countKey: lv.serviceDate };
}

/** One visit's amount under one subsidy as a ledger entry (e.g. a line a persistent ledger recorded). */
export function ledgerEntry(ref: string, rules: NationalRules | LocalRuleRow, lv: LedgerVisit, amount: number): LedgerEntry {
  return { ref, ...keysOf(rules, lv), amount };
}

/** The month-to-date amounts of one subsidy for one visit. */
export function monthToDate(ledger: MonthLedger, ref: string, rules: NationalRules | LocalRuleRow, lv: LedgerVisit): MonthToDate {
  const k = keysOf(rules, lv);
  const mine = ledger.filter((e) => e.ref === ref);
  const sum = (pick: (e: LedgerEntry) => boolean) => mine.filter(pick).reduce((total, e) => total + e.amount, 0);
  const counted = new Set(mine.filter((e) => e.countScope === k.countScope && e.countKey !== k.countKey).map((e) => e.countKey));
  return {
    month: sum((e) => e.month === k.month),
    institutionMonth: sum((e) => e.institutionMonth === k.institutionMonth),
    day: sum((e) => e.day === k.day),
    visit: sum((e) => e.visit === k.visit),
    countedBefore: counted.size,
  };
}

/** The ledger with one priced visit's applied subsidies added. */
export function recordVisit(ledger: MonthLedger, subsidies: readonly ApplicableSubsidy[], lv: LedgerVisit, result: CopayResult): MonthLedger {
  const added: LedgerEntry[] = [];
  for (const outcome of result.subsidies) {
    const s = subsidies.find((x) => x.ref === outcome.ref);
    if (!s || !outcome.applied) continue;
    added.push({ ref: s.ref, ...keysOf(s.rules, lv), amount: outcome.countsTowardCap });
  }
  return [...ledger, ...added];
}

export interface MonthVisit extends LedgerVisit {
  visit: Visit;
  subsidies: readonly Omit<ApplicableSubsidy, 'accumulated'>[];
}

/** Prices visits in order, each with the month-to-date amounts of the ones before. */
export function priceVisits(
  visits: readonly MonthVisit[],
  options: CalculateOptions = {},
  start: MonthLedger = [],
): { results: CopayResult[]; ledger: MonthLedger } {
  let ledger = start;
  const results: CopayResult[] = [];
  for (const v of visits) {
    const subsidies = v.subsidies.map((s) => ({ ...s, accumulated: monthToDate(ledger, s.ref, s.rules, v) }));
    const result = calculateCopay(v.visit, subsidies, options);
    ledger = recordVisit(ledger, subsidies, v, result);
    results.push(result);
  }
  return { results, ledger };
}
