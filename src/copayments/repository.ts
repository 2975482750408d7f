import pg from 'pg';
import { batcher } from '../db/batcher.js';
import { inTransaction, rollback } from '../db/pool.js';
import { EMPTY_MONTH, type MonthTotals, type Setting, type TypeChargingInputs } from '../domain/copay/index.js';
import type { MaxCopaymentAmount } from '../domain/pmh-record/index.js';
import type { StoredDefinition } from '../certificate-types/schemas.js';

/** A subsidy returned by a consented check, as the eligibility answer knows it (no 個人番号: the card's id stands for it). */
export interface CheckSubsidyKey {
  /** The checked card (simulated_card.id): its holder's 個人番号 is joined on inside PostgreSQL, never selected. */
  cardId: string;
  municipalityCode: string;
  certificateTypeId: string;
  /** "" when the record has none */
  certificationSubKey: string;
  /** The institution that checked: it may record lines against the subsidyRef from now on. */
  institutionCode: string;
  /** YYYY-MM of the check's service date */
  yearMonth: string;
}

export interface CheckLedgerRow {
  subsidyRef: string;
  month: MonthTotals;
  /** The certificate type's 所得区分 with their caps */
  incomeSegments: { code: string; name?: string; monthlyCap?: number }[];
  /** The certificate type's copaymentRules (null: the law's defaults) */
  copaymentRules: TypeChargingInputs['copaymentRules'];
}

/** What the ledger needs of the certificate behind a subsidyRef on one service date. */
export interface SubsidyOnDate {
  subsidyRef: string;
  municipalityCode: string;
  /** Whether the institution received this subsidyRef in a consented check */
  received: boolean;
  programKind: 'national' | 'local';
  lawCode: string | null;
  incomeSegments: { code: string; name?: string; monthlyCap?: number }[];
  copaymentRules: TypeChargingInputs['copaymentRules'];
  /** The history row valid on the date (not 不開示), or null */
  record: {
    incomeSegment?: string;
    designatedMedicalInstitutions?: string;
    maxCopaymentAmount?: MaxCopaymentAmount;
  } | null;
}

/** A current line as a quote counts it toward the month (copay.md §4 keys). */
export interface QuoteLine {
  institutionCode: string;
  serviceDate: string;
  setting: Setting;
  visitId: string;
  copaymentCharged: number;
}

/** What a quote needs of one subsidyRef: its certificate type and the month's lines. */
export interface QuoteInputs {
  type: StoredDefinition;
  /** The month's accumulated amount (the totals row: the sum of its current lines' copaymentCharged) */
  monthAccumulated: number;
  /**
   * The month's lines, for local programs only: their caps count per institution, day, visit and day or visit
   * ordinal. A national program's cap counts the month's sum alone, so its lines are not read (null).
   */
  lines: QuoteLine[] | null;
}

/** One stored version of a line. */
export interface LineRow {
  institutionCode: string;
  subsidyRef: string;
  visitId: string;
  version: number;
  current: boolean;
  serviceDate: string;
  yearMonth: string;
  setting: string;
  totalMedicalCost: number;
  copaymentCharged: number;
  foodCost: number | null;
  cancelled: boolean;
  accumulatedAfter: number;
  capReached: boolean;
  createdAt: Date;
}

export interface VisitKey {
  institutionCode: string;
  subsidyRef: string;
  visitId: string;
}

const LINE_COLUMNS = `institution_code AS "institutionCode", subsidy_ref AS "subsidyRef", visit_id AS "visitId", version, current,
  service_date::text AS "serviceDate", year_month AS "yearMonth", setting, total_medical_cost AS "totalMedicalCost",
  copayment_charged AS "copaymentCharged", food_cost AS "foodCost", cancelled, accumulated_after AS "accumulatedAfter",
  cap_reached AS "capReached", created_at AS "createdAt"`;

const MONTH_COLUMNS = `accumulated, total_medical_cost AS "totalMedicalCost", line_count AS "lineCount", cap_reached_on::text AS "capReachedOn",
  to_char(cap_reached_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "capReachedAt", cap_reached_by AS "capReachedBy"`;

/**
 * The refs of the subsidies of checks (created the first time), the institutions' receipts and each ref's month,
 * in one statement. $1…$7 are parallel arrays (one element per subsidy); $8 the check time. A key first seen by two
 * statements at once gets its ref from one of them: the other's row is missing here and is asked again.
 */
const FOR_CHECK_SQL = `
  WITH input AS (
    SELECT i.n, i.municipality_code, i.certificate_type_id, i.certification_sub_key, i.institution_code, i.year_month, i.candidate, c.my_number
      FROM unnest($1::uuid[], $2::char(6)[], $3::text[], $4::text[], $5::char(10)[], $6::char(7)[], $7::text[]) WITH ORDINALITY
           AS i(card_id, municipality_code, certificate_type_id, certification_sub_key, institution_code, year_month, candidate, n)
      JOIN simulated_card c ON c.id = i.card_id
  ),
  found AS (
    SELECT i.n, s.ref FROM input i
      JOIN subsidy_ref s ON s.municipality_code = i.municipality_code AND s.certificate_type_id = i.certificate_type_id
                        AND s.my_number = i.my_number AND s.certification_sub_key = i.certification_sub_key
  ),
  created AS (
    INSERT INTO subsidy_ref (ref, municipality_code, certificate_type_id, my_number, certification_sub_key, created_at)
    SELECT DISTINCT ON (municipality_code, certificate_type_id, my_number, certification_sub_key)
           candidate, municipality_code, certificate_type_id, my_number, certification_sub_key, $8
      FROM input i WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.n = i.n)
     ORDER BY municipality_code, certificate_type_id, my_number, certification_sub_key, n
    ON CONFLICT DO NOTHING
    RETURNING ref, municipality_code, certificate_type_id, my_number, certification_sub_key
  ),
  refs AS (
    SELECT n, ref FROM found
    UNION ALL
    SELECT i.n, c.ref FROM input i
      JOIN created c ON c.municipality_code = i.municipality_code AND c.certificate_type_id = i.certificate_type_id
                    AND c.my_number = i.my_number AND c.certification_sub_key = i.certification_sub_key
  ),
  receipts AS (
    INSERT INTO subsidy_ref_receipt (subsidy_ref, institution_code, first_checked_at)
    SELECT DISTINCT r.ref, i.institution_code, $8::timestamptz FROM refs r JOIN input i USING (n)
     ORDER BY 1, 2
    ON CONFLICT DO NOTHING
  )
  SELECT i.n::int AS n, r.ref, t.accumulated, t.total_medical_cost, t.line_count, t.cap_reached_on::text AS cap_reached_on,
         to_char(t.cap_reached_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS cap_reached_at, t.cap_reached_by,
         ct.definition->'incomeSegments' AS income_segments, ct.copayment_rules
    FROM input i
    JOIN refs r USING (n)
    LEFT JOIN copayment_month_total t ON t.subsidy_ref = r.ref AND t.year_month = i.year_month
    LEFT JOIN certificate_type ct ON ct.municipality_code = i.municipality_code AND ct.id = i.certificate_type_id`;

/**
 * The read-only half of FOR_CHECK_SQL, tried first: once a certificate has its ref and the institution its receipt
 * (every check but the first of each pair), the check reads and writes nothing else. $1…$6 as there.
 */
const READ_FOR_CHECK_SQL = `
  SELECT i.n::int AS n, s.ref, x.subsidy_ref IS NOT NULL AS received, t.accumulated, t.total_medical_cost, t.line_count,
         t.cap_reached_on::text AS cap_reached_on,
         to_char(t.cap_reached_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS cap_reached_at, t.cap_reached_by,
         ct.definition->'incomeSegments' AS income_segments, ct.copayment_rules
    FROM unnest($1::uuid[], $2::char(6)[], $3::text[], $4::text[], $5::char(10)[], $6::char(7)[]) WITH ORDINALITY
         AS i(card_id, municipality_code, certificate_type_id, certification_sub_key, institution_code, year_month, n)
    JOIN simulated_card c ON c.id = i.card_id
    LEFT JOIN subsidy_ref s ON s.municipality_code = i.municipality_code AND s.certificate_type_id = i.certificate_type_id
                           AND s.my_number = c.my_number AND s.certification_sub_key = i.certification_sub_key
    LEFT JOIN subsidy_ref_receipt x ON x.subsidy_ref = s.ref AND x.institution_code = i.institution_code
    LEFT JOIN copayment_month_total t ON t.subsidy_ref = s.ref AND t.year_month = i.year_month
    LEFT JOIN certificate_type ct ON ct.municipality_code = i.municipality_code AND ct.id = i.certificate_type_id`;

/**
 * The ledger's part of the eligibility lookup (src/eligibility/repository.ts CARD_LOOKUP_SQL), so that a check reads its
 * subsidyRefs and month totals in the lookup's one statement: columns and joins over the lookup's aliases `s` (input,
 * with institution_code and year_month), `c` (simulated_card), `r` (recipient_certificate) and `ct` (certificate_type).
 * Rows whose certificate has no ref yet, or whose institution no receipt, go through FOR_CHECK_SQL (forCheck).
 */
export const CHECK_LOOKUP_LEDGER = {
  columns: `l.ref, l.received, l.accumulated, l.total_medical_cost, l.line_count, l.cap_reached_on, l.cap_reached_at, l.cap_reached_by,
         ct.definition->'incomeSegments' AS income_segments, ct.copayment_rules`,
  joins: `LEFT JOIN LATERAL (
      SELECT sr.ref, EXISTS (SELECT 1 FROM subsidy_ref_receipt x WHERE x.subsidy_ref = sr.ref AND x.institution_code = s.institution_code) AS received,
             t.accumulated, t.total_medical_cost, t.line_count, t.cap_reached_on::text AS cap_reached_on,
             to_char(t.cap_reached_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS cap_reached_at, t.cap_reached_by
        FROM subsidy_ref sr
        LEFT JOIN copayment_month_total t ON t.subsidy_ref = sr.ref AND t.year_month = s.year_month
       WHERE sr.municipality_code = r.municipality_code AND sr.certificate_type_id = r.certificate_type_id
         AND sr.my_number = c.my_number AND sr.certification_sub_key = r.certification_sub_key
       OFFSET 0
    ) AS l ON true`,
} as const;

/** The CHECK_LOOKUP_LEDGER columns of one lookup row (named as FOR_CHECK_SQL's, none of the lookup's own). */
export type CheckLookupLedgerRow = Omit<ForCheckRow, 'n'>;

/** What the lookup read of the ledger, when it is all a check needs (ref and receipt exist); else null. */
export function checkLedgerFromLookup(r: CheckLookupLedgerRow): CheckLedgerRow | null {
  return r.ref !== null && r.received === true ? toLedgerRow({ ...r, ref: r.ref }) : null;
}

interface ForCheckRow {
  n: number;
  ref: string | null;
  /** READ_FOR_CHECK_SQL only */
  received?: boolean;
  accumulated: number | null;
  total_medical_cost: number | null;
  line_count: number | null;
  cap_reached_on: string | null;
  cap_reached_at: string | null;
  cap_reached_by: string | null;
  income_segments: CheckLedgerRow['incomeSegments'] | null;
  copayment_rules: TypeChargingInputs['copaymentRules'];
}

function toLedgerRow(r: CheckLookupLedgerRow & { ref: string }): CheckLedgerRow {
  return {
    subsidyRef: r.ref,
    incomeSegments: r.income_segments ?? [],
    copaymentRules: r.copayment_rules ?? null,
    month:
      r.accumulated === null
        ? EMPTY_MONTH
        : {
            accumulated: r.accumulated,
            totalMedicalCost: r.total_medical_cost ?? 0,
            lineCount: r.line_count ?? 0,
            capReachedOn: r.cap_reached_on,
            capReachedAt: r.cap_reached_at,
            capReachedBy: r.cap_reached_by,
          },
  };
}

/**
 * The certificate behind a ref, the history row valid on a date (not 不開示) and whether an institution received the
 * ref: SQL over the expressions given for the ref, the institution and the date.
 */
const subsidyOnSql = (ref: string, institution: string, date: string) => `
  SELECT s.ref, s.municipality_code,
         EXISTS (SELECT 1 FROM subsidy_ref_receipt x WHERE x.subsidy_ref = s.ref AND x.institution_code = ${institution}) AS received,
         ct.definition->>'kind' AS program_kind, ct.definition->>'lawCode' AS law_code, ct.definition->'incomeSegments' AS income_segments, ct.copayment_rules,
         r.record - '{myNumber,basicFiveInfo}'::text[] AS record
    FROM subsidy_ref s
    LEFT JOIN certificate_type ct ON ct.municipality_code = s.municipality_code AND ct.id = s.certificate_type_id
    LEFT JOIN LATERAL (
      SELECT record FROM recipient_certificate r
       WHERE r.municipality_code = s.municipality_code AND r.certificate_type_id = s.certificate_type_id
         AND r.my_number = s.my_number AND r.certification_sub_key = s.certification_sub_key
         AND r.valid_from <= ${date} AND ${date} <= r.valid_to AND NOT r.is_not_disclosed
       ORDER BY r.valid_from DESC, r.history_key DESC LIMIT 1) r ON true
   WHERE s.ref = ${ref}`;

const SUBSIDY_ON_DATE_SQL = subsidyOnSql('$1', '$2', '$3::date');

interface SubsidyOnDateRow {
  ref: string;
  municipality_code: string;
  received: boolean;
  program_kind: string | null;
  law_code: string | null;
  income_segments: SubsidyOnDate['incomeSegments'] | null;
  copayment_rules: TypeChargingInputs['copaymentRules'];
  record: SubsidyOnDate['record'];
}

/** What a cap depends on, from the certificate type's columns of a row. */
const chargingOf = (r: {
  program_kind: string | null;
  law_code: string | null;
  income_segments: SubsidyOnDate['incomeSegments'] | null;
  copayment_rules: TypeChargingInputs['copaymentRules'];
}) => ({
  programKind: r.program_kind === 'national' ? ('national' as const) : ('local' as const),
  lawCode: r.law_code,
  incomeSegments: r.income_segments ?? [],
  copaymentRules: r.copayment_rules ?? null,
});

const toSubsidyOnDate = (r: SubsidyOnDateRow): SubsidyOnDate => ({
  subsidyRef: r.ref,
  municipalityCode: r.municipality_code,
  received: r.received,
  ...chargingOf(r),
  record: r.record,
});

type Queryable = pg.Pool | pg.ClientBase;

async function subsidyOn(q: Queryable, subsidyRef: string, institutionCode: string, serviceDate: string): Promise<SubsidyOnDate | null> {
  const { rows } = await q.query<SubsidyOnDateRow>({
    name: 'copayments_subsidy_on',
    text: SUBSIDY_ON_DATE_SQL,
    values: [subsidyRef, institutionCode, serviceDate],
  });
  return rows[0] ? toSubsidyOnDate(rows[0]) : null;
}

/** What a change to one visit's line starts from, read in one statement and without locks (readVisit). */
export interface VisitState {
  /** The line's latest version, or null when the visit was never recorded */
  current: LineRow | null;
  /** The certificate behind the subsidyRef on that date (null: no such ref) */
  subsidy: SubsidyOnDate | null;
  /** That month's totals as stored, or summed from its current lines when it has no totals row yet */
  month: MonthTotals;
}

/** One month's totals to write, if they are still what was read (compare-and-set). */
export interface MonthWrite {
  yearMonth: string;
  expected: MonthTotals;
  next: MonthTotals;
}

/** A new version of a line (the previous one, version − 1, stops being current). */
export type NewVersion = Omit<LineRow, 'current' | 'createdAt'>;

/** A month's sums over its current lines (the totals row's columns, rebuilt): accumulated, totalMedicalCost, lineCount. */
const LINE_SUMS = [
  'coalesce(sum(copayment_charged) FILTER (WHERE NOT cancelled), 0)',
  'coalesce(sum(total_medical_cost) FILTER (WHERE NOT cancelled), 0)',
  'count(*) FILTER (WHERE NOT cancelled)',
] as const;

/**
 * For each visit asked (parallel arrays $1…$4: institution, subsidyRef, visitId, date or null), the latest version of
 * its line, the certificate on the date asked (else the line's service date) and that date's month totals (stored,
 * else summed from the month's current lines), in one statement for concurrent changes.
 */
export const READ_VISITS_SQL = `
  SELECT i.n::int AS n, c.current, sub.*,
         coalesce(
           (SELECT row_to_json(m) FROM (SELECT ${MONTH_COLUMNS} FROM copayment_month_total WHERE subsidy_ref = i.ref AND year_month = a.ym) m),
           (SELECT json_build_object('accumulated', ${LINE_SUMS[0]}, 'totalMedicalCost', ${LINE_SUMS[1]}, 'lineCount', ${LINE_SUMS[2]},
                     'capReachedOn', null, 'capReachedAt', null, 'capReachedBy', null)
              FROM copayment_line WHERE subsidy_ref = i.ref AND year_month = a.ym AND current)
         ) AS month
    FROM unnest($1::char(10)[], $2::text[], $3::text[], $4::date[]) WITH ORDINALITY AS i(institution_code, ref, visit_id, asked, n)
    LEFT JOIN LATERAL (
      SELECT row_to_json(x) AS current, x."serviceDate"::date AS line_date
        FROM (SELECT ${LINE_COLUMNS} FROM copayment_line
               WHERE institution_code = i.institution_code AND subsidy_ref = i.ref AND visit_id = i.visit_id ORDER BY version DESC LIMIT 1) x
    ) c ON true
    CROSS JOIN LATERAL (SELECT d, to_char(d, 'YYYY-MM')::char(7) AS ym FROM (SELECT coalesce(i.asked, c.line_date) AS d) y) a
    LEFT JOIN LATERAL (${subsidyOnSql('i.ref', 'i.institution_code', 'a.d')}) sub ON true`;

/**
 * For each subsidyRef and month asked ($1, $2): its certificate type, the month's accumulated amount and, for a local
 * program only, the month's current, not cancelled lines.
 */
export const FOR_QUOTES_SQL = `
  SELECT i.n::int AS n, ct.definition, ct.copayment_rules, coalesce(t.accumulated, 0) AS month_accumulated,
         CASE WHEN ct.definition->>'kind' = 'local' THEN
           coalesce((SELECT json_agg(json_build_object('institutionCode', l.institution_code, 'serviceDate', l.service_date::text,
                       'setting', l.setting, 'visitId', l.visit_id, 'copaymentCharged', l.copayment_charged))
                       FROM copayment_line l WHERE l.subsidy_ref = i.ref AND l.year_month = i.ym AND l.current AND NOT l.cancelled), '[]')
         END AS lines
    FROM unnest($1::text[], $2::char(7)[]) WITH ORDINALITY AS i(ref, ym, n)
    JOIN subsidy_ref s ON s.ref = i.ref
    JOIN certificate_type ct ON ct.municipality_code = s.municipality_code AND ct.id = s.certificate_type_id
    LEFT JOIN copayment_month_total t ON t.subsidy_ref = i.ref AND t.year_month = i.ym`;

/**
 * Upserts a month's totals ($1, $2; new values $3…$8) only if the stored ones are still $9…$14 (compare-and-set):
 * the row \`month\` is returned only when written. Equal totals are an equal state, so a change in between that left
 * them as they were is harmless.
 */
const CAS_MONTH = `
  INSERT INTO copayment_month_total AS t (subsidy_ref, year_month, accumulated, total_medical_cost, line_count, cap_reached_on,
         cap_reached_at, cap_reached_by, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6::date, $7::timestamptz, $8, now())
  ON CONFLICT (subsidy_ref, year_month) DO UPDATE
     SET accumulated = EXCLUDED.accumulated, total_medical_cost = EXCLUDED.total_medical_cost, line_count = EXCLUDED.line_count,
         cap_reached_on = EXCLUDED.cap_reached_on, cap_reached_at = EXCLUDED.cap_reached_at, cap_reached_by = EXCLUDED.cap_reached_by,
         updated_at = EXCLUDED.updated_at
   WHERE t.accumulated = $9 AND t.total_medical_cost = $10 AND t.line_count = $11 AND t.cap_reached_on IS NOT DISTINCT FROM $12::date
     AND t.cap_reached_at IS NOT DISTINCT FROM $13::timestamptz AND t.cap_reached_by IS NOT DISTINCT FROM $14
  RETURNING 1`;

/** The values of a month's totals, in CAS_MONTH's order. */
const monthValues = (m: MonthTotals) => [m.accumulated, m.totalMedicalCost, m.lineCount, m.capReachedOn, m.capReachedAt, m.capReachedBy];

const casValues = (w: MonthWrite, subsidyRef: string) => [subsidyRef, w.yearMonth, ...monthValues(w.next), ...monthValues(w.expected)];

/** CAS_MONTH, then (only if it wrote) the new version of the line ($15…$27), the previous one no longer current. */
const CAS_MONTH_AND_ADD_VERSION = `
  WITH month AS (${CAS_MONTH}),
  previous AS (
    UPDATE copayment_line SET current = false
     WHERE institution_code = $15 AND subsidy_ref = $1 AND visit_id = $16 AND version = $17 - 1 AND current AND EXISTS (SELECT 1 FROM month)
  )
  INSERT INTO copayment_line (institution_code, subsidy_ref, visit_id, version, current, service_date, year_month, setting,
         total_medical_cost, copayment_charged, food_cost, cancelled, accumulated_after, cap_reached, created_at)
  SELECT $15, $1, $16, $17, true, $18::date, $19, $20, $21, $22, $23, $24, $25, $26, $27 WHERE EXISTS (SELECT 1 FROM month)
  RETURNING ${LINE_COLUMNS}`;

const versionValues = (l: NewVersion, createdAt: Date) => [
  l.institutionCode,
  l.visitId,
  l.version,
  l.serviceDate,
  l.yearMonth,
  l.setting,
  l.totalMedicalCost,
  l.copaymentCharged,
  l.foodCost,
  l.cancelled,
  l.accumulatedAfter,
  l.capReached,
  createdAt,
];

/** A write that lost a race: the same version taken by another (unique_violation), or a deadlock between two moves. */
const LOST_RACE_CODES = new Set(['23505', '40P01']);
const lostRace = (err: unknown) => LOST_RACE_CODES.has((err as { code?: string } | null)?.code ?? '');

/** Municipal ledger: one subsidy's month with what identifies it (never the 個人番号). */
export interface LedgerMonthRow {
  subsidyRef: string;
  certificateTypeId: string;
  insurerNumber: string | null;
  recipientNumber: string | null;
  incomeSegment: string | null;
  programKind: 'national' | 'local';
  lawCode: string | null;
  incomeSegments: { code: string; name?: string; monthlyCap?: number }[];
  copaymentRules: TypeChargingInputs['copaymentRules'];
  maxCopaymentAmount: MaxCopaymentAmount | null;
  month: MonthTotals;
}

/**
 * Data access of the 上限額管理 ledger (provisional). The check path (forCheck) has its own connections with
 * asynchronous commits and generic plans, like the eligibility check's (src/eligibility/repository.ts): a receipt written there is
 * visible at once, and losing one to a crash right after the answer only means the clinic checks again.
 */
export function copaymentsRepository(pool: pg.Pool) {
  // Generic plans, as the check's own lookup (the same index probes for any input; planning cost more than running).
  const checkPool = new pg.Pool({ ...pool.options, max: 2, options: '-c synchronous_commit=off -c plan_cache_mode=force_generic_plan' });
  checkPool.on('error', () => undefined);

  const keyValues = (items: CheckSubsidyKey[]) => [
    items.map((i) => i.cardId),
    items.map((i) => i.municipalityCode),
    items.map((i) => i.certificateTypeId),
    items.map((i) => i.certificationSubKey),
    items.map((i) => i.institutionCode),
    items.map((i) => i.yearMonth),
  ];

  /** Reads first; only items without a ref or a receipt yet go through the writing statement. */
  async function forCheckOnce(items: CheckSubsidyKey[], candidates: string[], now: Date): Promise<Map<number, CheckLedgerRow>> {
    const out = new Map<number, CheckLedgerRow>();
    const read = await checkPool.query<ForCheckRow>({ name: 'copayments_read_for_check', text: READ_FOR_CHECK_SQL, values: keyValues(items) });
    const missing: number[] = [];
    for (const r of read.rows) {
      if (r.ref !== null && r.received) out.set(r.n - 1, toLedgerRow({ ...r, ref: r.ref }));
      else missing.push(r.n - 1);
    }
    if (missing.length === 0) return out;
    const { rows } = await checkPool.query<ForCheckRow>({
      name: 'copayments_for_check',
      text: FOR_CHECK_SQL,
      values: [...keyValues(missing.map((i) => items[i]!)), missing.map((i) => candidates[i]!), now],
    });
    for (const r of rows) if (r.ref !== null) out.set(missing[r.n - 1]!, toLedgerRow({ ...r, ref: r.ref }));
    return out;
  }

  /** Items of concurrent checks in one statement (src/db/batcher.ts). */
  const forCheckCoalesced = batcher<{ item: CheckSubsidyKey; candidate: string; now: Date }, CheckLedgerRow | undefined>(
    async (batch) => {
      const rows = await forCheckOnce(
        batch.map((b) => b.item),
        batch.map((b) => b.candidate),
        batch[0]!.now,
      );
      return batch.map((_, i) => rows.get(i));
    },
    { maxInFlight: 1 },
  );

  /**
   * Records and quotes: their own connections with generic plans (the same index probes whatever the keys; planning
   * each execution cost more than running it) and asynchronous commits, as the check path's: a recorded line is
   * visible to every reader at once, but its answer does not wait for the WAL flush. The price, accepted for a
   * sandbox: a crash of PostgreSQL (not of the service) within a fraction of a second after an answer can lose that
   * line, always together with its month's totals. Measured (bench/copayment.ts, alternating runs, 50,000 rows):
   * machine CPU per visit 2,046 and 1,819 µs with synchronous commits, 1,481 and 1,664 without.
   */
  const ledgerPool = new pg.Pool({ ...pool.options, max: 4, options: '-c synchronous_commit=off -c plan_cache_mode=force_generic_plan' });
  ledgerPool.on('error', () => undefined);

  type ReadVisitRow = SubsidyOnDateRow & {
    n: number;
    current: (Omit<LineRow, 'createdAt'> & { createdAt: string }) | null;
    month: MonthTotals;
  };
  /** Reads of concurrent changes in one statement (src/db/batcher.ts). */
  const readVisitCoalesced = batcher<{ key: VisitKey; serviceDate: string | null }, VisitState>(async (batch) => {
    const { rows } = await ledgerPool.query<ReadVisitRow>({
      name: 'copayments_read_visits',
      text: READ_VISITS_SQL,
      values: [batch.map((b) => b.key.institutionCode), batch.map((b) => b.key.subsidyRef), batch.map((b) => b.key.visitId), batch.map((b) => b.serviceDate)],
    });
    const byN = new Map(rows.map((r) => [r.n, r]));
    return batch.map((_, i) => {
      const r = byN.get(i + 1)!;
      return {
        current: r.current ? { ...r.current, createdAt: new Date(r.current.createdAt) } : null,
        subsidy: r.ref === null ? null : toSubsidyOnDate(r),
        month: r.month,
      };
    });
  });

  type ForQuoteRow = { n: number; definition: Record<string, unknown>; copayment_rules: unknown; month_accumulated: number; lines: QuoteLine[] | null };
  /** Reads of concurrent quotes in one statement. */
  const forQuoteCoalesced = batcher<{ ref: string; yearMonth: string }, QuoteInputs | undefined>(async (batch) => {
    const { rows } = await ledgerPool.query<ForQuoteRow>({
      name: 'copayments_for_quotes',
      text: FOR_QUOTES_SQL,
      values: [batch.map((b) => b.ref), batch.map((b) => b.yearMonth)],
    });
    const byN = new Map(rows.map((r) => [r.n, r]));
    return batch.map((_, i) => {
      const r = byN.get(i + 1);
      if (!r) return undefined;
      return {
        type: { ...r.definition, ...(r.copayment_rules == null ? {} : { copaymentRules: r.copayment_rules }) } as StoredDefinition,
        monthAccumulated: r.month_accumulated,
        lines: r.lines,
      };
    });
  });

  return {
    /**
     * The subsidyRef (assigned now if new) and the month's totals of each subsidy of consented checks, and the
     * receipt of each by the institution that checked. `candidates` are fresh random refs, one per item, used for
     * certificates seen for the first time. Items missing from the answer (a race with another process) are asked again.
     */
    async forCheck(items: CheckSubsidyKey[], candidates: () => string, now: Date): Promise<CheckLedgerRow[]> {
      const out: (CheckLedgerRow | undefined)[] = await Promise.all(items.map((item) => forCheckCoalesced({ item, candidate: candidates(), now })));
      for (let attempt = 0; attempt < 3 && out.some((r) => r === undefined); attempt++) {
        const missing = out.flatMap((r, i) => (r === undefined ? [i] : []));
        const again = await Promise.all(missing.map((i) => forCheckCoalesced({ item: items[i]!, candidate: candidates(), now })));
        missing.forEach((i, k) => (out[i] = again[k]));
      }
      return out.map((r) => {
        if (!r) throw new Error('no subsidyRef for a returned subsidy');
        return r;
      });
    },

    subsidyOn: (subsidyRef: string, institutionCode: string, serviceDate: string) => subsidyOn(pool, subsidyRef, institutionCode, serviceDate),

    /** The visit's latest version, the certificate on `serviceDate` (else the line's date) and that month's totals. */
    readVisit: (key: VisitKey, serviceDate: string | null): Promise<VisitState> => readVisitCoalesced({ key, serviceDate }),

    /**
     * Writes a new version of the visit's line and its month totals (two months when the line moves from one to the
     * other), only if the totals are still what was read and the version is still free. null: another change got in
     * first; read again and decide again. One statement, or one transaction for a move (months in order).
     */
    async writeVisit(key: VisitKey, months: MonthWrite[], line: NewVersion, createdAt: Date): Promise<LineRow | null> {
      const withLine = (q: Queryable, w: MonthWrite) =>
        q.query<LineRow>({
          name: 'copayments_cas_line',
          text: CAS_MONTH_AND_ADD_VERSION,
          values: [...casValues(w, key.subsidyRef), ...versionValues(line, createdAt)],
        });
      try {
        if (months.length === 1) return (await withLine(ledgerPool, months[0]!)).rows[0] ?? null;
        return await inTransaction(ledgerPool, async (c) => {
          let written: LineRow | null = null;
          for (const w of [...months].sort((x, y) => x.yearMonth.localeCompare(y.yearMonth))) {
            if (w.yearMonth === line.yearMonth) {
              written = (await withLine(c, w)).rows[0] ?? null;
              if (!written) return rollback(null);
            } else if ((await c.query({ name: 'copayments_cas_month', text: CAS_MONTH, values: casValues(w, key.subsidyRef) })).rowCount === 0) {
              return rollback(null);
            }
          }
          return written ?? rollback(null);
        });
      } catch (err) {
        if (lostRace(err)) return null;
        throw err;
      }
    },

    /**
     * What a quote needs of each subsidyRef: its certificate type (definition with copaymentRules), the month's
     * accumulated amount and, for a local program, the month's current, not cancelled lines of every institution; in
     * one statement for concurrent quotes. Refs without a type are left out.
     */
    async forQuote(refs: string[], yearMonth: string): Promise<Map<string, QuoteInputs>> {
      const found = await Promise.all(refs.map((ref) => forQuoteCoalesced({ ref, yearMonth })));
      return new Map(refs.flatMap((ref, i) => (found[i] ? [[ref, found[i]] as const] : [])));
    },

    /** Every version of one visit's line, oldest first. */
    async versions(key: VisitKey): Promise<LineRow[]> {
      const { rows } = await pool.query<LineRow>({
        name: 'copayments_versions',
        text: `SELECT ${LINE_COLUMNS} FROM copayment_line WHERE institution_code = $1 AND subsidy_ref = $2 AND visit_id = $3 ORDER BY version`,
        values: [key.institutionCode, key.subsidyRef, key.visitId],
      });
      return rows;
    },

    /** The subsidyRefs under which this institution recorded this visitId. */
    async refsOfVisit(institutionCode: string, visitId: string): Promise<string[]> {
      const { rows } = await pool.query<{ ref: string }>(
        `SELECT DISTINCT subsidy_ref AS ref FROM copayment_line WHERE institution_code = $1 AND visit_id = $2 ORDER BY 1`,
        [institutionCode, visitId],
      );
      return rows.map((r) => r.ref);
    },

    /** Current versions of lines, filtered; ordered by service date, visitId, subsidyRef. At most `limit`, after `after`. */
    async lines(f: {
      institutionCode?: string;
      subsidyRefs?: string[];
      yearMonth?: string;
      limit: number;
      after?: [string, string, string];
    }): Promise<LineRow[]> {
      const { rows } = await pool.query<LineRow>(
        `SELECT ${LINE_COLUMNS} FROM copayment_line
          WHERE current AND ($1::text IS NULL OR institution_code = $1) AND ($2::text[] IS NULL OR subsidy_ref = ANY($2))
            AND ($3::text IS NULL OR year_month = $3)
            AND ($4::text IS NULL OR (service_date::text, visit_id, subsidy_ref) > ($4, $5, $6))
          ORDER BY service_date, visit_id, subsidy_ref LIMIT $7`,
        [f.institutionCode ?? null, f.subsidyRefs ?? null, f.yearMonth ?? null, f.after?.[0] ?? null, f.after?.[1] ?? null, f.after?.[2] ?? null, f.limit],
      );
      return rows;
    },

    /** The month's totals of a subsidyRef (zeros when nothing was recorded). */
    async month(subsidyRef: string, yearMonth: string): Promise<MonthTotals> {
      const { rows } = await pool.query<MonthTotals>({
        name: 'copayments_month',
        text: `SELECT ${MONTH_COLUMNS} FROM copayment_month_total WHERE subsidy_ref = $1 AND year_month = $2`,
        values: [subsidyRef, yearMonth],
      });
      return rows[0] ?? EMPTY_MONTH;
    },

    /** Whether the institution received the subsidyRef in a consented check. */
    async received(subsidyRef: string, institutionCode: string): Promise<boolean> {
      const { rows } = await pool.query(`SELECT 1 FROM subsidy_ref_receipt WHERE subsidy_ref = $1 AND institution_code = $2`, [subsidyRef, institutionCode]);
      return rows.length > 0;
    },

    /** The subsidyRefs of a card holder's certificates (assigned so far), without the 個人番号. */
    async refsOfCard(cardId: string): Promise<{ subsidyRef: string; municipalityCode: string; certificateTypeId: string; certificationSubKey: string }[]> {
      const { rows } = await pool.query<{ subsidyRef: string; municipalityCode: string; certificateTypeId: string; certificationSubKey: string }>(
        `SELECT s.ref AS "subsidyRef", s.municipality_code AS "municipalityCode", s.certificate_type_id AS "certificateTypeId",
                s.certification_sub_key AS "certificationSubKey"
           FROM simulated_card c JOIN subsidy_ref s ON s.my_number = c.my_number WHERE c.id = $1 ORDER BY s.ref`,
        [cardId],
      );
      return rows;
    },

    /**
     * The municipality's subsidies with lines in the month, by subsidyRef, with their latest history row's numbers
     * (never the 個人番号). At most `limit`, after the subsidyRef `after`.
     */
    async ledgerMonths(f: { municipalityCode: string; yearMonth: string; recipientNumber?: string; subsidyRef?: string; limit: number; after?: string }) {
      const { rows } = await pool.query<{
        ref: string;
        certificate_type_id: string;
        insurer_number: string | null;
        recipient_number: string | null;
        income_segment: string | null;
        max_copayment_amount: MaxCopaymentAmount | null;
        program_kind: string | null;
        law_code: string | null;
        income_segments: LedgerMonthRow['incomeSegments'] | null;
        copayment_rules: TypeChargingInputs['copaymentRules'];
        month: MonthTotals;
      }>(
        `SELECT s.ref, s.certificate_type_id, r.insurer_number, r.recipient_number, r.record->>'incomeSegment' AS income_segment,
                r.record->'maxCopaymentAmount' AS max_copayment_amount,
                ct.definition->>'kind' AS program_kind, ct.definition->>'lawCode' AS law_code, ct.definition->'incomeSegments' AS income_segments, ct.copayment_rules,
                json_build_object('accumulated', t.accumulated, 'totalMedicalCost', t.total_medical_cost, 'lineCount', t.line_count,
                  'capReachedOn', t.cap_reached_on::text,
                  'capReachedAt', to_char(t.cap_reached_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'capReachedBy', t.cap_reached_by) AS month
           FROM copayment_month_total t
           JOIN subsidy_ref s ON s.ref = t.subsidy_ref
           LEFT JOIN certificate_type ct ON ct.municipality_code = s.municipality_code AND ct.id = s.certificate_type_id
           LEFT JOIN LATERAL (
             SELECT insurer_number, recipient_number, record FROM recipient_certificate r
              WHERE r.municipality_code = s.municipality_code AND r.certificate_type_id = s.certificate_type_id
                AND r.my_number = s.my_number AND r.certification_sub_key = s.certification_sub_key
                AND r.valid_from <= (t.year_month || '-01')::date + interval '1 month' - interval '1 day'
              ORDER BY r.valid_from DESC, r.history_key DESC LIMIT 1) r ON true
          WHERE s.municipality_code = $1 AND t.year_month = $2 AND (t.line_count > 0 OR t.accumulated > 0)
            AND ($3::text IS NULL OR r.recipient_number = $3) AND ($4::text IS NULL OR s.ref = $4) AND ($5::text IS NULL OR s.ref > $5)
          ORDER BY s.ref LIMIT $6`,
        [f.municipalityCode, f.yearMonth, f.recipientNumber ?? null, f.subsidyRef ?? null, f.after ?? null, f.limit],
      );
      return rows.map((r): LedgerMonthRow => ({
        subsidyRef: r.ref,
        certificateTypeId: r.certificate_type_id,
        insurerNumber: r.insurer_number,
        recipientNumber: r.recipient_number,
        incomeSegment: r.income_segment,
        maxCopaymentAmount: r.max_copayment_amount,
        ...chargingOf(r),
        month: r.month,
      }));
    },

    /** 医療費総額 per month of these subsidyRefs over the months `from`..`to` (YYYY-MM, inclusive). */
    async medicalCostHistory(subsidyRefs: string[], from: string, to: string): Promise<{ subsidyRef: string; yearMonth: string; totalMedicalCost: number }[]> {
      if (subsidyRefs.length === 0) return [];
      const { rows } = await pool.query<{ subsidyRef: string; yearMonth: string; totalMedicalCost: number }>(
        `SELECT subsidy_ref AS "subsidyRef", year_month AS "yearMonth", total_medical_cost AS "totalMedicalCost"
           FROM copayment_month_total WHERE subsidy_ref = ANY($1) AND year_month BETWEEN $2 AND $3`,
        [subsidyRefs, from, to],
      );
      return rows;
    },

    /**
     * Rebuilds the totals of every month that has lines but no totals row (a one-tenant reset deletes an
     * institution's lines and the totals they were part of: the other institutions' lines count again).
     */
    async rebuildMissingMonths(): Promise<void> {
      await pool.query(
        `INSERT INTO copayment_month_total (subsidy_ref, year_month, accumulated, total_medical_cost, line_count, updated_at)
         SELECT subsidy_ref, year_month, ${LINE_SUMS.join(', ')}, now()
           FROM copayment_line l
          WHERE current AND NOT EXISTS (SELECT 1 FROM copayment_month_total t WHERE t.subsidy_ref = l.subsidy_ref AND t.year_month = l.year_month)
          GROUP BY subsidy_ref, year_month
         ON CONFLICT DO NOTHING`,
      );
    },

    close: () => Promise.all([checkPool.end(), ledgerPool.end()]).then(() => undefined),
  };
}

export type CopaymentsRepository = ReturnType<typeof copaymentsRepository>;
