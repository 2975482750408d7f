import { createPool } from '../src/db/pool.js';
import { completeMedicalInstitutionCode, completeMyNumber } from '../src/domain/numbers.js';
import { startBareServer } from './lib/bare.js';
import { NANBYO_TYPE, nanbyoRecord as record } from './lib/nanbyo.js';
import { Cleanup } from './lib/cleanup.js';
import type { MeasureRequest } from './lib/measure.js';
import { startBenchDatabase } from './lib/postgres.js';
import { startService } from './lib/service.js';
import { compareTargets, environment, goal, relativeTo } from './lib/targets.js';
import type { Benchmark, BenchmarkReport } from './lib/types.js';

const RECORDS = Number(process.env.BENCH_ELIGIBILITY_RECORDS ?? 1_000_000);
/** Distinct cards the load cycles through, spread evenly over the registered persons. */
const CARDS = 500;
/** Fixed concurrency of the load (both targets); BENCH_ELIGIBILITY_CONNECTIONS changes it for exploration. */
const CONNECTIONS = Number(process.env.BENCH_ELIGIBILITY_CONNECTIONS ?? 10);
const DURATION_SECONDS = 10;
const WARMUP_SECONDS = 3;
const SERVICE_DATE = '2026-06-01';
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
/**
 * Goals, against the per-request database floor (POST /bare/db) of the same run: the check may cost at
 * most twice its machine CPU per request and must reach half its rate; p99 under 20 ms.
 */
const TARGET_CPU_VS_FLOOR = 2;
const TARGET_RATE_VS_FLOOR = 0.5;
const TARGET_P99_MS = 20;

/**
 * The clinic eligibility check (POST /clinic/v1/eligibility-checks) of the service as `npm start`
 * runs it (its own process, default log level) on a database of 1,000,000 registered 受給者証 rows,
 * against plain Fastify in this process in the same run: GET /bare is the baseline of the ratio,
 * POST /bare with the same requests a reference for the cost of the HTTP exchange alone, and POST
 * /bare/db, /bare/db-batched (the same, plus one trivial PostgreSQL statement per request, or per
 * batch of concurrent requests as the check's lookups) the floor of any check that reads the database.
 * The goals compare the check with the per-request floor: machine CPU per request and req/s.
 *
 * Loading: a handful of records go through the municipal API (registration task, worker);
 * the 1,000,000 bulk rows are written straight into recipient_certificate with one
 * INSERT … SELECT generate_series — the same columns and record JSON the registration worker
 * writes, with valid 個人番号 check digits computed in SQL — because going through the API
 * would benchmark ingest, not eligibility (bench/ingest.ts does that). Cards for CARDS persons
 * spread over the range are issued through the sandbox API.
 */
export const eligibilityBenchmark: Benchmark = {
  name: 'eligibility',
  async run(): Promise<BenchmarkReport> {
    const startedAt = new Date().toISOString();
    const cleanup = new Cleanup();
    const log = (line: string) => process.stderr.write(`${line}\n`);
    try {
      log('  starting PostgreSQL, migrating, seeding…');
      const database = await startBenchDatabase();
      cleanup.add('database', () => database.close());
      log(`  ${database.description}`);
      const bare = await startBareServer({ databaseUrl: database.url, connections: CONNECTIONS });
      cleanup.add('bare Fastify server', () => bare.close());
      const pool = createPool(database.url);
      cleanup.add('pool', () => pool.end());
      // The service as `npm start` runs it (the bundle under plain Node, its own process), with its default log level.
      const service = await startService(database.url, { SANDBOX_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: process.env.BENCH_SERVICE_LOG_LEVEL ?? 'info' });
      cleanup.add('service', async () => {
        await service.stop();
      });
      const origin = service.origin;
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
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
      const body = (serial: string) => JSON.stringify({ certificateSerialNumber: serial, serviceDate: SERVICE_DATE, consent: { medicalSubsidy: true } });
      // Preflight: the load must be real answers, each with the person's subsidy.
      for (const serial of [serials[0]!, serials[1]!, serials.at(-1)!]) {
        const res = await fetch(`${origin}/clinic/v1/eligibility-checks`, { method: 'POST', headers: clinic, body: body(serial) });
        const json = await res.json();
        if (res.status !== 200 || json.medicalSubsidies?.length !== 1 || json.medicalSubsidies[0].designatedHere !== true) {
          throw new Error(`preflight check: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
        }
      }
      const requests: MeasureRequest[] = serials.map((s) => ({ method: 'POST', path: '/clinic/v1/eligibility-checks', headers: clinic, body: body(s) }));
      // The same requests (headers, JSON bodies) to the bare route: what the HTTP exchange alone costs here.
      const bareRequests: MeasureRequest[] = serials.map((s) => ({ method: 'POST', path: '/bare', headers: clinic, body: body(s) }));
      // And with one PostgreSQL round trip each and nothing else: the floor of a check that reads the database.
      const floorRequests = (path: string): MeasureRequest[] => serials.map((s) => ({ method: 'POST', path, headers: clinic, body: body(s) }));
      const floors = bare.db!;

      const compared = await compareTargets({
        targets: [
          { name: 'bare', url: bare.url },
          { name: 'bare POST (same bodies)', url: bare.postUrl, requests: bareRequests },
          { name: 'bare POST + SELECT $1 each', url: floors.perRequestUrl, requests: floorRequests('/bare/db') },
          { name: 'bare POST + batched SELECT', url: floors.batchedUrl, requests: floorRequests('/bare/db-batched') },
          { name: `eligibility check (${(total / 1e6).toFixed(2)} M rows)`, url: `${origin}/clinic/v1/eligibility-checks`, requests, serverPid: service.pid },
        ],
        connections: CONNECTIONS,
        durationSeconds: DURATION_SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        log,
        databasePids: async () => (await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity')).rows.map((r) => r.pid),
      });
      const barePost = compared.targets[1]!;
      const check = compared.targets[4]!;
      const { rows: logged } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM eligibility_check');
      log(`  ${Number(logged[0]!.n).toLocaleString('en-US')} checks written to the access log`);
      log(
        `  for reference: ${(check.measurement.requestsPerSec / barePost.measurement.requestsPerSec).toFixed(3)}× the bare POST route with the same requests`,
      );
      const [perRequestFloor, batchedFloor] = [compared.targets[2]!, compared.targets[3]!];
      log(
        `  floors (bare POST + one PostgreSQL round trip, nothing else): ${perRequestFloor.ratioToBaseline.toFixed(3)}× the bare GET ` +
          `with a statement per request, ${batchedFloor.ratioToBaseline.toFixed(3)}× batched as the check's lookups are`,
      );
      const vsFloor = relativeTo(check, perRequestFloor);
      const goals = [
        goal('machine CPU µs/req ÷ POST /bare/db', vsFloor.cpu, '≤', TARGET_CPU_VS_FLOOR, '×'),
        goal('req/s ÷ POST /bare/db', vsFloor.rate, '≥', TARGET_RATE_VS_FLOOR, '×'),
        goal('p99', check.measurement.p99, '<', TARGET_P99_MS, ' ms', 0),
      ];
      log(`  goals: ${goals.map((g) => `${g.name} ${g.target}: ${g.actual} ${g.met ? 'met' : 'NOT MET'}`).join('; ')}`);
      return {
        benchmark: this.name,
        startedAt,
        finishedAt: new Date().toISOString(),
        environment: {
          ...environment(),
          database: { kind: database.kind, description: database.description, serverVersion: database.serverVersion },
        },
        ...compared,
        goals,
      };
    } finally {
      await cleanup.run();
    }
  },
};
