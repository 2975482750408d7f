import pg from 'pg';
import { batcher } from '../db/batcher.js';
import { copyField, copyIn } from '../db/copy.js';
import { CHECK_LOOKUP_LEDGER, checkLedgerFromLookup, type CheckLedgerRow, type CheckLookupLedgerRow } from '../copayments/repository.js';
import type { Db } from '../db/prisma.js';
import type { StoredRecordFields } from '../domain/pmh-record/index.js';

export interface CardOnFile {
  cardId: string;
  name: string;
  nameKana: string;
  dateOfBirth: string;
  sex: string;
  status: 'active' | 'expired' | 'revoked';
  certificateExpiresOn: string;
}

/** A registered history row of the card holder, with what the answer needs from its type and catalogue; no 個人番号. */
export interface RegisteredRecord {
  municipalityCode: string;
  municipalityName: string;
  certificateTypeId: string;
  certificationSubKey: string;
  historyKey: string;
  validFrom: string;
  validTo: string;
  isNotDisclosed: boolean;
  insurerNumber: string | null;
  recipientNumber: string | null;
  programKind: 'national' | 'local';
  lawCode: string | null;
  localCategory: string | null;
  /** Catalogue name of a national program, else the certificate type's name. */
  programName: string;
  /** The 上限額管理 of this certificate for the lookup's institution and month, when its ref and receipt exist. */
  ledger: CheckLedgerRow | null;
  /** The registered record without myNumber and basicFiveInfo. */
  record: StoredRecordFields;
}

/** What a check looks up: a card, for an institution (its receipts of subsidyRefs) and a service month (the totals). */
export const lookupKey = (serial: string, institutionCode: string, yearMonth: string) => `${serial}|${institutionCode}|${yearMonth}`;

export interface CheckWrite {
  id: string;
  institutionCode: string;
  cardId: string;
  /** ISO 8601 instant (as in the answer) */
  checkedAt: string;
  serviceDate: string;
  consent: boolean;
  subsidyCount: number;
  outcome: string;
  /** The response body as sent (JSON text) */
  result: string;
  /** JSON text of the explanation */
  explanation: string;
}

interface CardRecordRow extends CheckLookupLedgerRow {
  key: string;
  card_id: string;
  name: string;
  name_kana: string;
  date_of_birth: string;
  sex: string;
  status: CardOnFile['status'];
  certificate_expires_on: string;
  municipality_code: string | null;
  certificate_type_id: string;
  certification_sub_key: string;
  history_key: string;
  valid_from: string;
  valid_to: string;
  is_not_disclosed: boolean;
  insurer_number: string | null;
  recipient_number: string | null;
  record: RegisteredRecord['record'];
  program_kind: 'national' | 'local';
  law_code: string | null;
  local_category: string | null;
  type_name: string | null;
}

/**
 * The cards with these serials ($1), each joined with every registered row of its holder (the
 * 個人番号 is joined on inside PostgreSQL and never selected). Index probes per serial whatever the
 * statistics say: LIMIT and OFFSET keep the planner from flattening the lateral subqueries into hash
 * joins over whole tables (its choice while a table is small or not yet analyzed, as `= ANY($1)` was
 * with 500 cards), which matters because the check path keeps one generic plan (see checkPool).
 * tests/integration/eligibility-plan.test.ts keeps it so.
 */
export const CARD_LOOKUP_SQL = `
  SELECT s.serial || '|' || s.institution_code || '|' || s.year_month AS key, c.id AS card_id, c.name, c.name_kana, c.date_of_birth::text AS date_of_birth,
         c.sex, c.status, c.certificate_expires_on::text AS certificate_expires_on,
         r.municipality_code, r.certificate_type_id, r.certification_sub_key, r.history_key,
         r.valid_from::text AS valid_from, r.valid_to::text AS valid_to, r.is_not_disclosed, r.insurer_number, r.recipient_number,
         r.record - '{myNumber,basicFiveInfo}'::text[] AS record,
         ct.definition->>'kind' AS program_kind, ct.definition->>'lawCode' AS law_code,
         ct.definition->>'localCategory' AS local_category, ct.definition->>'name' AS type_name,
         ${CHECK_LOOKUP_LEDGER.columns}
    FROM unnest($1::text[], $2::char(10)[], $3::char(7)[]) AS s(serial, institution_code, year_month)
    JOIN LATERAL (SELECT * FROM simulated_card WHERE certificate_serial_number = s.serial LIMIT 1) AS c ON true
    LEFT JOIN LATERAL (SELECT * FROM recipient_certificate WHERE my_number = c.my_number OFFSET 0) AS r ON true
    LEFT JOIN certificate_type ct ON ct.municipality_code = r.municipality_code AND ct.id = r.certificate_type_id
    ${CHECK_LOOKUP_LEDGER.joins}`;

/** A check that could not be stored, and why (PostgreSQL's SQLSTATE and message; no row content). */
export interface CheckWriteFailure {
  id: string;
  code: string | null;
  reason: string;
}

/** Some checks of a write could not be stored; the others were. */
export class CheckWriteError extends Error {
  constructor(readonly failures: CheckWriteFailure[]) {
    super(`${failures.length} eligibility check(s) could not be stored: ${[...new Set(failures.map((f) => f.code ?? f.reason))].join(', ')}`);
    this.name = 'CheckWriteError';
  }
}

const reasonOf = (err: unknown): { code: string | null; reason: string } => {
  const e = err as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? e.code : null, reason: typeof e?.message === 'string' ? e.message : String(err) };
};

/** One check as a line of COPY text (the answers' JSON texts stored as they are). */
const checkLine = (c: CheckWrite) =>
  `${c.id}\t${c.institutionCode}\t${c.cardId}\t${c.checkedAt}\t${c.serviceDate}\t${c.consent ? 't' : 'f'}\t` +
  `${c.subsidyCount}\t${copyField(c.outcome)}\t${copyField(c.result)}\t${copyField(c.explanation)}\n`;

/**
 * How long an answered check waits for others to be written with it (off the answer's path; the service
 * answers reads of it from memory meanwhile). Each COPY costs the service and PostgreSQL a fixed share (a
 * connection, a statement, a commit) besides its rows: under load, 20 ms makes ~4× fewer, larger COPYs than
 * 5 ms, and 50 ms with time-ordered checkIds (check-id.ts) cost ~10 % less machine CPU per check than 20 ms
 * with random ones (bench/eligibility.ts, alternating runs).
 */
const WRITE_DELAY_MS = 50;
/**
 * Lookup statements running at once: while one runs, the checks arriving meanwhile gather for the next.
 * One: fewer, larger statements (each has a fixed cost on both sides, as POST /bare/db-batched of
 * bench/eligibility.ts shows); the machine is busy either way, so waiting for the one costs no rate.
 */
const LOOKUPS_IN_FLIGHT = 1;

/**
 * Data access of eligibility checks. The check itself is the hot path (see bench/eligibility.ts):
 * one prepared statement reads the cards of concurrent checks with every registered row of their
 * holders (the 個人番号 is joined on inside PostgreSQL and never selected); answered checks are
 * written afterwards, many at a time, with one COPY, off the answers' path.
 */
/** A program's name from its catalogue JSON; '' when it has none. */
const nameOf = (data: unknown) => {
  const name = (data as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '';
};

export function eligibilityRepository(db: Db, pool: pg.Pool) {
  // Names of 地方公共団体 and national programs, read once: the catalogue is seeded at start and never
  // changes while the service runs (a reset keeps it), so the lookup does not join it for every record.
  let catalogue: Promise<{ municipalityNames: Map<string, string>; programNames: Map<string, string> }> | undefined;
  const catalogueNames = () => {
    catalogue ??= (async () => {
      const [lgs, programs] = await Promise.all([
        db.localGovernment.findMany({ select: { code: true, name: true } }),
        db.program.findMany({ select: { lawCode: true, data: true } }),
      ]);
      return {
        municipalityNames: new Map(lgs.map((l) => [l.code, l.name])),
        programNames: new Map(programs.map((p) => [p.lawCode, nameOf(p.data)])),
      };
    })();
    catalogue.catch(() => (catalogue = undefined));
    return catalogue;
  };

  type Lookup = Map<string, { card: CardOnFile; records: RegisteredRecord[] }>;

  /** The cards of these lookup keys (lookupKey), each with every registered row of its holder. */
  async function queryCards(keys: string[]): Promise<Lookup> {
    const catalogue = await catalogueNames();
    const serials: string[] = [];
    const institutions: string[] = [];
    const months: string[] = [];
    for (const key of keys) {
      const [serial, institution, month] = key.split('|');
      serials.push(serial!);
      institutions.push(institution!);
      months.push(month!);
    }
    const { rows } = await checkPool.query<CardRecordRow>({
      name: 'eligibility_cards_with_records',
      text: CARD_LOOKUP_SQL,
      values: [serials, institutions, months],
    });
    const out: Lookup = new Map();
    for (const r of rows) {
      let entry = out.get(r.key);
      if (!entry) {
        entry = {
          card: {
            cardId: r.card_id,
            name: r.name,
            nameKana: r.name_kana,
            dateOfBirth: r.date_of_birth,
            sex: r.sex,
            status: r.status,
            certificateExpiresOn: r.certificate_expires_on,
          },
          records: [],
        };
        out.set(r.key, entry);
      }
      if (r.municipality_code === null) continue;
      entry.records.push({
        municipalityCode: r.municipality_code,
        municipalityName: catalogue.municipalityNames.get(r.municipality_code) ?? r.municipality_code,
        certificateTypeId: r.certificate_type_id,
        certificationSubKey: r.certification_sub_key,
        historyKey: r.history_key,
        validFrom: r.valid_from,
        validTo: r.valid_to,
        isNotDisclosed: r.is_not_disclosed,
        insurerNumber: r.insurer_number,
        recipientNumber: r.recipient_number,
        programKind: r.program_kind === 'national' ? 'national' : 'local',
        lawCode: r.law_code,
        localCategory: r.local_category,
        programName: (r.program_kind === 'national' && r.law_code !== null ? catalogue.programNames.get(r.law_code) : undefined) ?? r.type_name ?? '',
        ledger: checkLedgerFromLookup(r),
        record: r.record,
      });
    }
    return out;
  }

  /**
   * The check path's own connections. Their plans are generic (the lookup is the same index probes
   * for any serials; a custom plan per execution cost more than the execution) and their commits
   * asynchronous (synchronous_commit off, for these connections only): a written check is visible at
   * once, but nothing waits for the WAL flush. The price, accepted for a sandbox access log: a crash
   * within a fraction of a second after an answer can lose that check's stored copy (the answer is
   * sent before its write, see service.ts).
   */
  const checkPool = new pg.Pool({
    ...pool.options,
    max: LOOKUPS_IN_FLIGHT + 1,
    options: '-c synchronous_commit=off -c plan_cache_mode=force_generic_plan',
  });
  checkPool.on('error', () => undefined);

  // Concurrent lookups share round trips (src/db/batcher.ts); each caller gets the whole map.
  const loadCoalesced = batcher<string[], Lookup>(
    async (lists) => {
      const keys = lists.length === 1 ? lists[0]! : [...new Set(lists.flat())];
      const map = await queryCards(keys);
      return lists.map(() => map);
    },
    { maxInFlight: LOOKUPS_IN_FLIGHT },
  );

  /** One COPY, which is its own transaction (asynchronous commit: see checkPool). */
  async function copyChecks(checks: CheckWrite[]): Promise<void> {
    const client = await checkPool.connect();
    let broken = false;
    try {
      await copyIn(
        client,
        `COPY eligibility_check (id, institution_code, card_id, checked_at, service_date, consent, subsidy_count, outcome, result, explanation) FROM STDIN`,
        checks.map(checkLine),
      );
    } catch (err) {
      broken = true;
      throw err;
    } finally {
      // A connection whose COPY failed is dropped, not handed to the next query.
      client.release(broken);
    }
  }

  /**
   * Stores what can be stored of these checks: one COPY for all; if it fails, each half again, down
   * to single checks, so one unstorable check (a value PostgreSQL rejects) never loses the others.
   * Returns the checks that could not be stored, with PostgreSQL's error code and message (never
   * the row: its `where`/`detail` quote the line's content).
   */
  async function storeIsolating(checks: CheckWrite[]): Promise<CheckWriteFailure[]> {
    if (checks.length === 0) return [];
    try {
      await copyChecks(checks);
      return [];
    } catch (err) {
      if (checks.length === 1) return [{ id: checks[0]!.id, ...reasonOf(err) }];
      const half = Math.ceil(checks.length / 2);
      return [...(await storeIsolating(checks.slice(0, half))), ...(await storeIsolating(checks.slice(half)))];
    }
  }

  // Answered checks waiting to be written: one writer at a time takes everything queued, so under
  // load each COPY carries the checks answered while the previous one ran. A failed COPY does not
  // fail its neighbours: see storeIsolating; each caller hears only of its own checks not stored.
  type PendingWrite = { checks: CheckWrite[]; resolve: () => void; reject: (err: unknown) => void };
  let pending: PendingWrite[] = [];
  let writing = false;
  const writeLoop = async () => {
    writing = true;
    try {
      while (pending.length > 0) {
        const writes = pending;
        pending = [];
        let failures: CheckWriteFailure[];
        try {
          failures = await storeIsolating(writes.flatMap((w) => w.checks));
        } catch (err) {
          failures = writes.flatMap((w) => w.checks.map((c) => ({ id: c.id, ...reasonOf(err) })));
        }
        if (failures.length === 0) {
          for (const w of writes) w.resolve();
          continue;
        }
        const failed = new Map(failures.map((f) => [f.id, f]));
        for (const w of writes) {
          const own = w.checks.flatMap((c) => failed.get(c.id) ?? []);
          if (own.length === 0) w.resolve();
          else w.reject(new CheckWriteError(own));
        }
      }
    } finally {
      writing = false;
    }
  };

  // Check writes not yet committed; every read of stored checks waits for them (read-your-writes).
  const inFlight = new Set<Promise<void>>();
  const settled = async () => {
    if (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  return {
    /**
     * The cards of these lookup keys (lookupKey: serial, asking institution, service month), each with every
     * registered row of its holder and that row's 上限額管理 for the institution and month; the map is keyed alike.
     */
    loadCards: (keys: string[]) => loadCoalesced(keys),

    /**
     * Stores answered checks; resolves once they are committed. Reads of stored checks in this
     * process (findExplanation, listChecks; findResult through the service) wait for writes still in flight.
     */
    insertChecks(checks: CheckWrite[]): Promise<void> {
      if (checks.length === 0) return Promise.resolve();
      const write = new Promise<void>((resolve, reject) => {
        pending.push({ checks, resolve, reject });
        if (!writing && pending.length === 1) setTimeout(() => void writeLoop(), WRITE_DELAY_MS);
      });
      inFlight.add(write);
      const done = () => inFlight.delete(write);
      write.then(done, done);
      return write;
    },

    /** Resolves when every check write started so far has committed or failed. */
    settled,

    /** Closes the check path's own connections (after settled()). */
    close: () => checkPool.end(),

    /**
     * The stored answer of a check, only for the institution that asked. It does not wait for writes in flight: the
     * service answers the checks it has not stored yet itself (findCheck), so any other is stored or was never made.
     */
    async findResult(institutionCode: string, checkId: string): Promise<string | null> {
      // A prepared statement, not Prisma: a quote reads its check this way, and Prisma's query building cost more
      // service CPU than the whole check did (bench/copayment.ts, BENCH_COPAYMENT_EACH=1).
      const { rows } = await pool.query<{ result: string }>({
        name: 'eligibility_check_result',
        text: 'SELECT result FROM eligibility_check WHERE id = $1 AND institution_code = $2',
        values: [checkId, institutionCode],
      });
      return rows[0]?.result ?? null;
    },

    async findExplanation(checkId: string) {
      await settled();
      const row = await db.eligibilityCheck.findUnique({ where: { id: checkId } });
      if (!row) return null;
      const inst = await db.medicalInstitution.findUnique({ where: { code: row.institutionCode }, select: { name: true } });
      return { ...row, institutionName: inst?.name ?? '' };
    },

    /** One institution's own checks, newest first, with the stored answer (for its patient), those before `before`. */
    async listOwnChecks(f: { institutionCode: string; before?: { checkedAt: Date; id: string }; limit: number }) {
      await settled();
      return db.eligibilityCheck.findMany({
        where: {
          institutionCode: f.institutionCode,
          ...(f.before ? { OR: [{ checkedAt: { lt: f.before.checkedAt } }, { checkedAt: f.before.checkedAt, id: { lt: f.before.id } }] } : {}),
        },
        select: { id: true, checkedAt: true, serviceDate: true, consent: true, subsidyCount: true, result: true },
        orderBy: [{ checkedAt: 'desc' }, { id: 'desc' }],
        take: f.limit,
      });
    },

    /** Access log, newest first: (checkedAt, id) descending, those before `before`. */
    async listChecks(f: { institutionCode?: string; before?: { checkedAt: Date; id: string }; limit: number }) {
      await settled();
      const rows = await db.eligibilityCheck.findMany({
        where: {
          institutionCode: f.institutionCode,
          ...(f.before ? { OR: [{ checkedAt: { lt: f.before.checkedAt } }, { checkedAt: f.before.checkedAt, id: { lt: f.before.id } }] } : {}),
        },
        select: { id: true, institutionCode: true, checkedAt: true, serviceDate: true, subsidyCount: true },
        orderBy: [{ checkedAt: 'desc' }, { id: 'desc' }],
        take: f.limit,
      });
      const codes = [...new Set(rows.map((r) => r.institutionCode))];
      const names = new Map(
        (await db.medicalInstitution.findMany({ where: { code: { in: codes } }, select: { code: true, name: true } })).map((i) => [i.code, i.name]),
      );
      return rows.map((r) => ({ ...r, institutionName: names.get(r.institutionCode) ?? '' }));
    },
  };
}

export type EligibilityRepository = ReturnType<typeof eligibilityRepository>;
