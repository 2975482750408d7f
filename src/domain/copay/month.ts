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

/** The parts of one visit: the same institution, service date, visitId, setting and insurance share. */
function partKey(v: MonthVisit): string {
  return `${v.institutionCode}|${v.serviceDate}|${v.visitId}|${v.setting}|${v.visit.insuranceShare}`;
}

/** Two parts of a visit as one. */
function joined(a: Visit, b: Visit): Visit {
  return { ...a, totalMedicalCost: a.totalMedicalCost + b.totalMedicalCost, foodCost: (a.foodCost ?? 0) + (b.foodCost ?? 0) };
}

/**
 * A later part of a visit: the visit so far priced whole, less its earlier parts priced whole, both over the
 * month-to-date without the visit. The parts then add up to the whole visit, yen for yen, under any stack of
 * subsidies and any rounding. One subsidy's share of a part can come out negative (a stacked subsidy whose own rule
 * binds only on the whole); the patient's amount, and each subsidy's amount toward its caps, cannot.
 */
function laterPart(sofar: CopayResult, earlier: CopayResult, visitId: string, earlierCost: number): CopayResult {
  const patientPays = sofar.patientPays - earlier.patientPays;
  return {
    patientPays,
    insurancePays: sofar.insurancePays - earlier.insurancePays,
    patientPaysMedical: sofar.patientPaysMedical - earlier.patientPaysMedical,
    patientPaysFood: sofar.patientPaysFood - earlier.patientPaysFood,
    subsidies: sofar.subsidies.map((s, i) => {
      const e = earlier.subsidies[i]!;
      return {
        ref: s.ref,
        pays: s.pays - e.pays,
        applied: s.applied,
        patientAmountAfter: s.patientAmountAfter - e.patientAmountAfter,
        countsTowardCap: s.countsTowardCap - e.countsTowardCap,
        capReached: s.capReached && !e.capReached,
      };
    }),
    trace: [
      ...sofar.trace,
      {
        step: 'part',
        rule: `part of visit ${visitId}: the visit so far priced whole, less its earlier parts (医療費総額 ${earlierCost}, patient ${earlier.patientPays})`,
        before: sofar.patientPays,
        after: patientPays,
        source: 'docs/copay.md (parts of a visit)',
      },
    ],
  };
}

/**
 * Prices visits in order, each with the month-to-date amounts of the ones before. A visit given in parts (the same
 * institution, date, visitId, setting and insurance share) is priced on its running totals (laterPart).
 */
export function priceVisits(
  visits: readonly MonthVisit[],
  options: CalculateOptions = {},
  start: MonthLedger = [],
): { results: CopayResult[]; ledger: MonthLedger } {
  let ledger = start;
  const results: CopayResult[] = [];
  const parts = new Map<string, { visit: Visit; entries: Set<LedgerEntry> }>();
  for (const v of visits) {
    const key = partKey(v);
    const earlier = parts.get(key);
    const base = earlier ? ledger.filter((e) => !earlier.entries.has(e)) : ledger;
    const subsidies = v.subsidies.map((s) => ({ ...s, accumulated: monthToDate(base, s.ref, s.rules, v) }));
    const sofar = earlier ? joined(earlier.visit, v.visit) : v.visit;
    const whole = calculateCopay(sofar, subsidies, options);
    const result = earlier ? laterPart(whole, calculateCopay(earlier.visit, subsidies, options), v.visitId, earlier.visit.totalMedicalCost) : whole;
    const next = recordVisit(ledger, subsidies, v, result);
    const entries = earlier?.entries ?? new Set<LedgerEntry>();
    for (const e of next.slice(ledger.length)) entries.add(e);
    parts.set(key, { visit: sofar, entries });
    ledger = next;
    results.push(result);
  }
  return { results, ledger };
}
