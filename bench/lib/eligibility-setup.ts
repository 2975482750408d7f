import type pg from 'pg';
import { createPool } from '../../src/db/pool.js';
import { completeMedicalInstitutionCode, completeMyNumber } from '../../src/domain/numbers.js';
import type { Cleanup } from './cleanup.js';
import { NANBYO_TYPE, nanbyoRecord as record } from './nanbyo.js';
import { startBenchDatabase, type BenchDatabase } from './postgres.js';
import { startService, type ServiceProcess } from './service.js';

export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

export interface CheckSetup {
  database: BenchDatabase;
  pool: pg.Pool;
  service: ServiceProcess;
  /** Headers of the clinic (its bearer token, JSON). */
  clinic: Record<string, string>;
  institutionCode: string;
  /** Serials of the issued cards, each a person with one 54 subsidy designated at the clinic. */
  serials: string[];
  /** Rows in recipient_certificate. */
  total: number;
}

/**
 * What the eligibility and co-payment benchmarks check against: the service as `npm start` runs it (its own
 * process, default log level) on a database of `records` registered 受給者証 rows, a clinic, and `cards` cards.
 *
 * A handful of records go through the municipal API (registration task, worker); the bulk rows are written
 * straight into recipient_certificate with one INSERT … SELECT generate_series — the same columns and record
 * JSON the registration worker writes, with valid 個人番号 check digits computed in SQL — because going through
 * the API would benchmark ingest, not the check (bench/ingest.ts does that). Cards for persons spread over the
 * range are issued through the sandbox API. Every resource is registered on `cleanup`.
 */
export async function setUpChecks(opts: { records: number; cards: number; cleanup: Cleanup; log: (line: string) => void }): Promise<CheckSetup> {
  const { records: RECORDS, cards: CARDS, cleanup, log } = opts;
  log('  starting PostgreSQL, migrating, seeding…');
  const database = await startBenchDatabase();
  cleanup.add('database', () => database.close());
  log(`  ${database.description}`);
  const pool = createPool(database.url);
  cleanup.add('pool', () => pool.end());
  const service = await startService(database.url, { SANDBOX_ADMIN_TOKEN: BENCH_ADMIN_TOKEN, LOG_LEVEL: process.env.BENCH_SERVICE_LOG_LEVEL ?? 'info' });
  cleanup.add('service', async () => {
    await service.stop();
  });
  const origin = service.origin;
  const admin = { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown, headers: Record<string, string>, method = 'POST') => {
    const res = await fetch(`${origin}${path}`, { method, headers, body: JSON.stringify(body) });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  // Through the API: credentials, the type, and a few records (two subsidies for person 1).
  const cred = await fetch(`${origin}/sandbox/v1/municipalities/130001/credentials`, {
    method: 'POST',
    headers: { authorization: admin.authorization },
  }).then((r) => r.json());
  const municipal = { authorization: `Bearer ${cred.token}`, 'content-type': 'application/json' };
  await post('/municipal/v1/certificate-types/NANBYO54', NANBYO_TYPE, municipal, 'PUT');
  const institutionCode = completeMedicalInstitutionCode('131000001');
  const apiRecords = [
    ...Array.from({ length: 10 }, (_, i) => record(RECORDS + 1 + i, { designatedMedicalInstitutions: institutionCode })),
    record(RECORDS + 1, { historyKey: 'H0', validFrom: '2025-04-01', validTo: '2026-03-31' }),
  ];
  const task = await post('/municipal/v1/registration-tasks?wait=30', apiRecords, municipal);
  if (task.status !== 'succeeded') throw new Error(`registration task ${task.status}: ${JSON.stringify(task.counts)}`);

  log(`  inserting ${RECORDS.toLocaleString('en-US')} records with INSERT … SELECT generate_series…`);
  const t0 = performance.now();
  const recordTemplate = record(0, { designatedMedicalInstitutions: institutionCode });
  const { myNumber: _m, ...withoutNumber } = recordTemplate;
  // The 個人番号 check digit (pmh.md §4) computed in SQL over the zero-padded serial.
  const weights = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const weighted = weights.map((w, k) => `${w} * ((i / ${10 ** (10 - k)}) % 10)`).join(' + ');
  await pool.query(
    `INSERT INTO recipient_certificate (municipality_code, certificate_type_id, my_number, certification_sub_key, history_key,
            valid_from, valid_to, is_not_disclosed, insurer_number, recipient_number, record, last_task_id)
     SELECT '130001', 'NANBYO54', mn, '', 'H1', '2026-04-01', '2027-03-31', false, '54130018', '0000018',
            $1::jsonb || jsonb_build_object('myNumber', mn), $2::uuid
       FROM (SELECT lpad(i::text, 11, '0') || (CASE WHEN r <= 1 THEN 0 ELSE 11 - r END)::text AS mn
               FROM (SELECT i, (${weighted}) % 11 AS r FROM generate_series(1::bigint, $3::bigint) AS i) AS s) AS g`,
    [JSON.stringify(withoutNumber), task.id, RECORDS],
  );
  // Steady state, as autovacuum would leave it (and so autovacuum does not start on these rows mid-measurement).
  await pool.query('VACUUM (ANALYZE) recipient_certificate');
  // And checkpointed: otherwise the checkpoint the load's WAL calls for may fall in the measurement
  // (its I/O, and full-page images in the WAL of every page the checks touch first after it).
  await pool.query('CHECKPOINT').catch((err: Error) => log(`  CHECKPOINT refused (${err.message}); measuring anyway`));
  const loadSeconds = (performance.now() - t0) / 1000;
  const { rows: countRows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM recipient_certificate');
  const total = Number(countRows[0]!.n);
  log(`  ${total.toLocaleString('en-US')} rows in recipient_certificate (bulk insert and VACUUM ANALYZE ${loadSeconds.toFixed(1)} s)`);

  const inst = await post('/sandbox/v1/medical-institutions', { code: institutionCode, name: 'ベンチ内科', kind: 'medical' }, admin);
  const clinic = { authorization: `Bearer ${inst.token}`, 'content-type': 'application/json' };
  const serials: string[] = [];
  for (let c = 0; c < CARDS; c++) {
    const person = c === 0 ? RECORDS + 1 : 1 + Math.floor((c * RECORDS) / CARDS) + (c % 97);
    const card = await post('/sandbox/v1/cards', { myNumber: completeMyNumber(String(person).padStart(11, '0')) }, admin);
    serials.push(card.certificateSerialNumber);
  }
  return { database, pool, service, clinic, institutionCode, serials, total };
}
