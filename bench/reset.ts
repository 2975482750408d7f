import { pino } from 'pino';
import type pg from 'pg';
import { buildApp } from '../src/app.js';
import { configSchema } from '../src/config.js';
import { readMigrations } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { createPrisma } from '../src/db/prisma.js';
import { startJobQueue } from '../src/jobs/queue.js';
import { TENANT_TABLES } from '../src/sandbox/reset/tables.js';
import { Cleanup } from './lib/cleanup.js';
import { LOOPBACK, loopbackOrigin } from './lib/net.js';
import { startBenchDatabase } from './lib/postgres.js';
import { environment } from './lib/targets.js';
import type { Benchmark, ResetReport, ResetTiming } from './lib/types.js';

const ROWS = Number(process.env.BENCH_RESET_ROWS ?? 1_000_000);
const SMALL_ROWS = 300;
const CHECKS = 100_000;
/** Repetitions of each full-reset measurement (each preceded by an untimed reload of ROWS rows). */
const FULL_REPS = Number(process.env.BENCH_RESET_FULL_REPS ?? 3);
const ONE_REPS = Number(process.env.BENCH_RESET_ONE_REPS ?? 10);
const TARGET_MS = 1000;
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
/** The loaded municipality and the small one beside it; neither owns well-known test cards. */
const LOADED = '270008';
const SMALL = '140007';
const LOADED_TASK = '00000000-0000-4000-8000-0000000000a1';
const SMALL_TASK = '00000000-0000-4000-8000-0000000000b1';
const INSTITUTION = '2710000017';

/** A registered record of realistic size (the JSON the registration worker stores). */
const RECORD = JSON.stringify({
  orgSpecificCertificateTypeId: 'BULK',
  basicFiveInfo: { name: '大阪 花子', nameKana: 'オオサカ　ハナコ', address: '大阪府大阪市中央区大手前二丁目1番22号', dateOfBirth: '1980-01-01', sex: '2' },
  isNotDisclosed: false,
  medicalSubsidyInsurerNumber: '54270015',
  certificationName: '特定医療費（指定難病）受給者証',
  medicalSubsidyRecipientNumber: '0000018',
  incomeSegment: 'IPPAN1',
  isAlwaysReimbursement: '0',
  maxCopaymentAmount: { monthly: 10000 },
  validFrom: '2026-04-01',
  validTo: '2027-03-31',
  historyKey: 'H1',
  isDeleted: false,
  certificationDetail: [{ label: '疾病名', value: 'パーキンソン病' }],
});

/** One municipality's data: a certificate type, a credential, one finished task with n inputs and results, n registered rows. */
async function loadMunicipality(pool: pg.Pool, code: string, taskId: string, n: number) {
  await pool.query(`INSERT INTO certificate_type (municipality_code, id, definition) VALUES ($1, 'BULK', '{}')`, [code]);
  await pool.query(`INSERT INTO municipal_credential (id, municipality_code, token_hash) VALUES (gen_random_uuid(), $1, md5($2) || md5($2 || 'x'))`, [
    code,
    code,
  ]);
  await pool.query(
    `INSERT INTO registration_task (id, municipality_code, status, mode, format, body_sha256, received_count, processed_count, created_count, created_at)
     VALUES ($1, $2, 'succeeded', 'upsert', 'ndjson', repeat('0', 64), $3, $3, $3, now())`,
    [taskId, code, n],
  );
  await pool.query(
    `INSERT INTO recipient_certificate (municipality_code, certificate_type_id, my_number, certification_sub_key, history_key, valid_from, valid_to,
            is_not_disclosed, insurer_number, recipient_number, record, last_task_id)
     SELECT $1, 'BULK', lpad(g::text, 12, '0'), '', 'H1', '2026-04-01', '2027-03-31', false, '54270015', '0000018',
            $2::jsonb || jsonb_build_object('myNumber', lpad(g::text, 12, '0')), $3
       FROM generate_series(1, $4) g`,
    [code, RECORD, taskId, n],
  );
  await pool.query(
    `INSERT INTO registration_task_input (task_id, index, action, record, key)
     SELECT $1, g, 'upsert', $2::jsonb, 'BULK|' || lpad(g::text, 12, '0') FROM generate_series(0, $3 - 1) g`,
    [taskId, RECORD, n],
  );
  // The results as the worker writes them: a block per chunk of 2,000 records.
  await pool.query(
    `INSERT INTO registration_task_result (task_id, first_index, outcomes, history_keys, outcome_mask)
     SELECT $1, b, array_fill(0::int2, ARRAY[least(2000, $2 - b)]), array_fill('H1'::text, ARRAY[least(2000, $2 - b)]), 1
       FROM generate_series(0, $2 - 1, 2000) b`,
    [taskId, n],
  );
}

/** A medical institution with n logged eligibility checks (the clinic side of a loaded sandbox). */
async function loadInstitution(pool: pg.Pool, code: string, n: number) {
  await pool.query(`INSERT INTO medical_institution (code, name, kind) VALUES ($1, 'ベンチ内科', 'medical')`, [code]);
  await pool.query(
    `INSERT INTO eligibility_check (id, institution_code, card_id, checked_at, service_date, consent, subsidy_count, outcome, result, explanation)
     SELECT gen_random_uuid(), $1, gen_random_uuid(), now() - g * interval '1 second', '2026-06-01', true, 1, 'returned', $2::text, '[]'
       FROM generate_series(1, $3) g`,
    [code, RECORD, n],
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const timing = (samples: number[]): ResetTiming => ({
  samplesMs: samples.map((x) => Math.round(x * 10) / 10),
  medianMs: median(samples),
  maxMs: Math.max(...samples),
});

/**
 * POST /sandbox/v1/reset on a loaded sandbox (ROWS registered 受給者証 rows of one municipality with the task's
 * ROWS inputs and results, CHECKS logged eligibility checks, the well-known test cards, a small municipality of
 * SMALL_ROWS rows beside them), against raw SQL on the same tables in the same run:
 * - one-tenant reset (`?municipality=` of the small one) vs the same per-table DELETEs issued directly through pg;
 * - full reset (the API re-seeds the well-known test cards before answering, so that is in its time) vs one raw
 *   TRUNCATE of the same tables. Each full-reset repetition follows an untimed reload and VACUUM ANALYZE.
 * The bulk is written with INSERT … SELECT generate_series (bench/ingest.ts measures the API path of loading).
 */
export const resetBenchmark: Benchmark = {
  name: 'reset',
  async run(): Promise<ResetReport> {
    const startedAt = new Date().toISOString();
    const cleanup = new Cleanup();
    const log = (line: string) => process.stderr.write(`${line}\n`);
    try {
      log('  starting PostgreSQL, migrating, seeding…');
      const database = await startBenchDatabase();
      cleanup.add('database', () => database.close());
      log(`  ${database.description}`);
      const db = createPrisma(database.url);
      cleanup.add('Prisma', () => db.$disconnect());
      const pool = createPool(database.url);
      cleanup.add('pool', () => pool.end());
      const jobs = await startJobQueue(database.url, pino({ level: 'warn' }));
      cleanup.add('job queue', () => jobs.stop());
      const config = configSchema.parse({ LOG_LEVEL: 'silent', SANDBOX_ADMIN_TOKEN: ADMIN_TOKEN });
      const app = await buildApp({ config, db, pool, jobs, runWorkers: true, expectedMigrations: (await readMigrations()).map((m) => m.name) });
      cleanup.add('app', () => app.close());
      await app.listen({ host: LOOPBACK, port: 0 });
      const origin = loopbackOrigin(app.server.address());

      const count = async (table: string, where = 'true', params: unknown[] = []) =>
        Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params)).rows[0]!.n);
      /** The API call as a client sees it: request sent to body read. */
      const apiReset = async (query: string) => {
        const t0 = performance.now();
        const res = await fetch(`${origin}/sandbox/v1/reset${query}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        const json = (await res.json()) as { durationMs?: number };
        const ms = performance.now() - t0;
        if (res.status !== 200) throw new Error(`POST /sandbox/v1/reset${query}: ${res.status} ${JSON.stringify(json)}`);
        return ms;
      };
      const timed = async (fn: () => Promise<unknown>) => {
        const t0 = performance.now();
        await fn();
        return performance.now() - t0;
      };
      // Same tables, same order as the service (lockFirst tables first).
      const ordered = [...TENANT_TABLES.filter((t) => t.lockFirst), ...TENANT_TABLES.filter((t) => !t.lockFirst)];
      const rawTruncate = () => pool.query(`TRUNCATE ${ordered.map((t) => `"${t.table}"`).join(', ')}`);
      const rawDelete = async (code: string) => {
        for (const t of TENANT_TABLES) if (t.municipality) await pool.query(`DELETE FROM "${t.table}" WHERE ${t.municipality}`, [code]);
      };

      const seedMs: number[] = [];
      const loadAll = async () => {
        const t0 = performance.now();
        await loadMunicipality(pool, LOADED, LOADED_TASK, ROWS);
        await loadInstitution(pool, INSTITUTION, CHECKS);
        await loadMunicipality(pool, SMALL, SMALL_TASK, SMALL_ROWS);
        // Steady state, as autovacuum would leave it (and so autovacuum does not start mid-measurement).
        await pool.query('VACUUM (ANALYZE)');
        log(
          `  loaded ${ROWS.toLocaleString('en-US')} + ${SMALL_ROWS} rows, ${CHECKS.toLocaleString('en-US')} checks (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
        );
      };
      const expectLoaded = async () => {
        const [big, small, cards] = [
          await count('recipient_certificate', 'municipality_code = $1', [LOADED]),
          await count('recipient_certificate', 'municipality_code = $1', [SMALL]),
          await count('simulated_card'),
        ];
        if (big !== ROWS || small !== SMALL_ROWS || cards === 0)
          throw new Error(`unexpected load: ${big} loaded rows, ${small} small rows, ${cards} test cards`);
      };

      log('  seeding the well-known test cards…');
      seedMs.push(await timed(() => app.seedTestCards()));
      const testCardRows = await count('recipient_certificate');
      await loadAll();
      await expectLoaded();

      // One tenant beside the loaded one: API and raw DELETE alternate, the small municipality reloaded (untimed) before each.
      log(`  one-tenant reset (?municipality=${SMALL}), ${ONE_REPS} × API and ${ONE_REPS} × raw DELETE…`);
      const oneApi: number[] = [];
      const oneRaw: number[] = [];
      await apiReset(`?municipality=${SMALL}`); // warm-up: first request compiles routes and opens connections
      for (let i = 0; i < ONE_REPS; i++) {
        for (const [samples, run] of [
          [oneApi, () => apiReset(`?municipality=${SMALL}`)],
          [oneRaw, () => rawDelete(SMALL)],
        ] as const) {
          await loadMunicipality(pool, SMALL, SMALL_TASK, SMALL_ROWS);
          await pool.query('ANALYZE');
          samples.push(await timed(run));
          if ((await count('recipient_certificate', 'municipality_code = $1', [SMALL])) !== 0) throw new Error('one-tenant reset left rows');
        }
      }
      if ((await count('recipient_certificate', 'municipality_code = $1', [LOADED])) !== ROWS)
        throw new Error('one-tenant reset touched the loaded municipality');

      // Everything: each repetition on a freshly loaded sandbox.
      log(`  full reset, ${FULL_REPS} × API and ${FULL_REPS} × raw TRUNCATE, reloading before each…`);
      await loadMunicipality(pool, SMALL, SMALL_TASK, SMALL_ROWS);
      const fullApi: number[] = [];
      const fullRaw: number[] = [];
      for (let i = 0; i < FULL_REPS; i++) {
        await expectLoaded();
        fullApi.push(await apiReset(''));
        // Truncated, then the test cards re-seeded before the answer.
        if ((await count('recipient_certificate')) !== testCardRows || (await count('registration_task_input', 'task_id = $1', [LOADED_TASK])) !== 0) {
          throw new Error('full reset did not leave exactly the test cards');
        }
        await loadAll();
        await expectLoaded();
        fullRaw.push(await timed(rawTruncate));
        if ((await count('recipient_certificate')) !== 0) throw new Error('raw TRUNCATE left rows');
        // The raw TRUNCATE removed the test cards too: put them back (timed alone, for the report) and reload.
        seedMs.push(await timed(() => app.seedTestCards()));
        await loadAll();
      }

      const one = { api: timing(oneApi), raw: timing(oneRaw) };
      const full = { api: timing(fullApi), raw: timing(fullRaw) };
      const seed = timing(seedMs.slice(1));
      return {
        benchmark: this.name,
        kind: 'reset',
        startedAt,
        finishedAt: new Date().toISOString(),
        environment: {
          ...environment(),
          database: { kind: database.kind, description: database.description, serverVersion: database.serverVersion },
        },
        settings: {
          loadedRows: ROWS,
          loadedTaskInputsAndResults: ROWS,
          eligibilityChecks: CHECKS,
          smallMunicipalityRows: SMALL_ROWS,
          testCardRows,
          oneTenantRepetitions: ONE_REPS,
          fullRepetitions: FULL_REPS,
        },
        oneTenant: {
          request: `POST /sandbox/v1/reset?municipality=${SMALL}`,
          baseline: 'raw DELETE per table (same conditions), autocommit',
          ...one,
          ratio: one.api.medianMs / one.raw.medianMs,
        },
        full: {
          request: 'POST /sandbox/v1/reset (includes re-seeding the well-known test cards)',
          baseline: `raw TRUNCATE of the ${ordered.length} tenant tables, one statement`,
          ...full,
          ratio: full.api.medianMs / full.raw.medianMs,
        },
        testCardSeed: seed,
        targets: [
          { name: 'one-tenant reset', target: `< ${TARGET_MS} ms (max)`, actual: `${one.api.maxMs.toFixed(0)} ms`, met: one.api.maxMs < TARGET_MS },
          { name: 'full reset', target: `< ${TARGET_MS} ms (max)`, actual: `${full.api.maxMs.toFixed(0)} ms`, met: full.api.maxMs < TARGET_MS },
        ],
      };
    } finally {
      await cleanup.run();
    }
  },
};
