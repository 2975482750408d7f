import type { LocalGrouping, LocalRuleRow, Setting } from './types.js';

/** What picks a local rule row for one visit. */
export interface RowContext {
  /** Age in whole years on the service date. */
  age: number;
  setting: Setting;
  incomeSegment?: string | null;
}

/** Whether one row's condition columns all hold; an absent condition holds for any visit. */
export function rowMatches(row: LocalRuleRow, ctx: RowContext): boolean {
  const c = row.conditions;
  if (c.ageMin !== undefined && ctx.age < c.ageMin) return false;
  if (c.ageMax !== undefined && ctx.age > c.ageMax) return false;
  if (c.settings !== undefined && !c.settings.includes(ctx.setting)) return false;
  if (c.incomeSegments !== undefined && (ctx.incomeSegment == null || !c.incomeSegments.includes(ctx.incomeSegment))) return false;
  return true;
}

/**
 * The row that applies: the first whose conditions hold, in the program's order (a program has one row per
 * condition set, copay.md §4). null: the program does not apply at the window for this visit.
 */
export function selectLocalRow(rows: readonly LocalRuleRow[], ctx: RowContext): LocalRuleRow | null {
  return rows.find((row) => rowMatches(row, ctx)) ?? null;
}

/** Age in whole years on a date (YYYY-MM-DD), as 受給者証 age bands count it. */
export function ageOn(dateOfBirth: string, serviceDate: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [sy, sm, sd] = serviceDate.split('-').map(Number) as [number, number, number];
  return sy - by - (sm < bm || (sm === bm && sd < bd) ? 1 : 0);
}

/** The calendar month (YYYY-MM) a service date counts in (copay.md §3: the month of the service date). */
export function serviceMonth(serviceDate: string): string {
  return serviceDate.slice(0, 7);
}

/** The counting group of a setting under a row's grouping (こども: 入院/通院 and 歯科/非歯科 apart). */
export function settingGroup(setting: Setting, grouping: LocalGrouping): string {
  const io = grouping.inpatientOutpatient === 'combined' ? 'all' : setting === 'inpatient' ? 'inpatient' : 'outpatient';
  const dental = grouping.dental === 'combined' ? 'all' : setting === 'dental' ? 'dental' : 'medical';
  return `${io}/${dental}`;
}

/** A visit as the ledger knows it. */
export interface LedgerVisit {
  /** 医療機関コード (10 digits) of the institution, pharmacy or 訪問看護 station */
  institutionCode: string;
  /** YYYY-MM-DD */
  serviceDate: string;
  setting: Setting;
  /** Identifies one visit when it is priced in parts */
  visitId: string;
}

/**
 * The keys under which the ledger sums a local program's month-to-date amounts for one visit, one per
 * MonthToDate field ([I] day key = institution, 入外, 歯科, month — copay.md §4). countKey names the
 * day (or visit) counted; the ledger's countedBefore = distinct countKeys of the same countScope before it.
 */
export function localScopeKeys(row: LocalRuleRow, visit: LedgerVisit) {
  const month = serviceMonth(visit.serviceDate);
  const group = settingGroup(visit.setting, row.grouping);
  const institutionMonth = `${month}|${visit.institutionCode}|${group}`;
  return {
    month,
    institutionMonth,
    day: `${institutionMonth}|${visit.serviceDate}`,
    visit: `${institutionMonth}|${visit.visitId}`,
    countScope: institutionMonth,
    countKey: row.countLimit?.unit === 'visit' ? visit.visitId : visit.serviceDate,
  };
}

/** The refund due at month end under a refund-mode monthly cap (e.g. こども: > 2,500 refunded on application). */
export function monthlyRefund(row: LocalRuleRow, paidInScope: number): number {
  if (row.monthlyCap?.mode !== 'refund') return 0;
  return Math.max(0, paidInScope - row.monthlyCap.amount);
}

/** The record's maxCopaymentAmount (sandbox shape, pmh.md §2). */
export interface RecordCaps {
  monthly?: number;
  daily?: number;
  perVisit?: number;
  inpatientOutpatientCombined?: boolean;
}

/**
 * A row with the record's own caps taking precedence, as for national programs ([I]): daily → perDayCap,
 * perVisit → perVisitCap, monthly → the monthly cap amount (a row without one gets a window cap across
 * institutions), inpatientOutpatientCombined → the 入外 grouping.
 */
export function withRecordCaps(row: LocalRuleRow, caps: RecordCaps | null | undefined): LocalRuleRow {
  if (!caps) return row;
  const out: LocalRuleRow = { ...row, grouping: { ...row.grouping } };
  if (caps.daily !== undefined) out.perDayCap = caps.daily;
  if (caps.perVisit !== undefined) out.perVisitCap = caps.perVisit;
  if (caps.monthly !== undefined) out.monthlyCap = { ...(row.monthlyCap ?? { scope: 'across_institutions', mode: 'window' }), amount: caps.monthly };
  if (caps.inpatientOutpatientCombined !== undefined) out.grouping.inpatientOutpatient = caps.inpatientOutpatientCombined ? 'combined' : 'separate';
  return out;
}
