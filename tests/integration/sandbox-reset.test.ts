import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/numbers.js';
import { DISCARD_SCHEMA_PREFIX, resetRepository } from '../../src/sandbox/reset/repository.js';
import { TENANT_TABLES } from '../../src/sandbox/reset/tables.js';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { card, institution } from '../helpers/clinic.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ REGISTRATION_CHUNK_SIZE: '500' });
});
afterAll(() => t.close());

const reset = (query = '') => t.app.inject({ method: 'POST', url: `/sandbox/v1/reset${query}`, headers: adminHeaders });
const admin = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => t.app.inject({ method, url, headers: adminHeaders, payload });

async function count(table: string, municipalityCode?: string) {
  const where = municipalityCode ? ` WHERE municipality_code = '${municipalityCode}'` : '';
  return (await t.pool.query(`SELECT count(*)::int AS n FROM ${table}${where}`)).rows[0].n as number;
}

/** Every tenant table's columns, constraints and indexes as PostgreSQL describes them (names included). */
async function tenantTableDefinitions() {
  const names = TENANT_TABLES.map((x) => x.table);
  const q = async (sql: string) => (await t.pool.query(sql, [names])).rows;
  return {
    // Columns in order, by position among the columns there are: a swapped table has no slot of a dropped column.
    columns:
      await q(`SELECT c.relname, row_number() OVER (PARTITION BY c.relname ORDER BY a.attnum) AS position, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, pg_get_expr(d.adbin, d.adrelid) AS dflt
                        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
                       WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2`),
    constraints: await q(`SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) AS def FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
                           WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1) ORDER BY 1, 2`),
    incoming: await q(`SELECT k.conname, k.conrelid::regclass::text AS from_table, k.confrelid::regclass::text AS to_table FROM pg_constraint k
                        WHERE k.contype = 'f' AND k.confrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname = ANY($1)) ORDER BY 1`),
    indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1) ORDER BY 1, 2`),
  };
}

const discardSchemas = async () => (await t.pool.query(`SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)`, [DISCARD_SCHEMA_PREFIX])).rows.length;

/** 難病 公費負担者番号 of the prefecture (東京都 130001, 大阪府 270008), with its check digit. */
const insurerOf = (code: string) => withCheckDigit('insurerNumber', `54${code.slice(0, 2)}001`);

/** A prefecture with a 難病 type and `n` registered records, through the API. */
async function registered(code: string, n = 2) {
  const m = await municipality(t.app, code);
  const insurer = insurerOf(code);
  expect((await m.putType('NANBYO54', { ...NANBYO_TYPE, insurerNumbers: [insurer] })).statusCode).toBe(201);
  const res = await m.upload(
    Array.from({ length: n }, (_, i) => nanbyoRecord(i + 1, { medicalSubsidyInsurerNumber: insurer })),
    { query: 'wait=20' },
  );
  expect(res.json().status).toBe('succeeded');
  return m;
}

describe('POST /sandbox/v1/reset', () => {
  it('a check answered just before a reset of its institution is not stored after it (the reset waits for answered checks)', async () => {
    await registered('130001', 1);
    const clinic = await institution(t.app);
    const serial = (await card(t.app, myNumber(1))).certificateSerialNumber;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => clinic.check({ certificateSerialNumber: serial, serviceDate: '2026-06-01', consent: { medicalSubsidy: true } })),
    );
    for (const a of answers) expect(a.statusCode).toBe(200);
    expect((await reset(`?institution=${clinic.code}`)).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(await count('eligibility_check')).toBe(0);
    await reset();
  });

  it('?municipality= deletes that municipality’s data and credentials only', async () => {
    const a = await registered('130001');
    const b = await registered('270008');
    const res = await reset('?municipality=130001');
    expect(res.statusCode).toBe(200);
    expectMatchesOpenApi(res, 'POST', '/sandbox/v1/reset');
    const body = res.json();
    expect(body).toMatchObject({ scope: 'municipality', code: '130001', cleared: [] });
    expect(body.tables).toEqual(
      expect.arrayContaining([
        { table: 'recipient_certificate', rows: 2 },
        { table: 'certificate_type', rows: 1 },
        { table: 'registration_task', rows: 1 },
        // One block of results per applied chunk (the task's two records are one).
        { table: 'registration_task_result', rows: 1 },
        { table: 'municipal_credential', rows: 1 },
      ]),
    );
    expect((await a.get('/municipal/v1/recipients')).json().code).toBe('invalid_token');
    expect((await b.get('/municipal/v1/recipients')).json().items).toHaveLength(2);
    expect(await count('recipient_certificate', '130001')).toBe(0);
    expect(await count('registration_task', '270008')).toBe(1);
  });

  it('keep=credentials keeps the tokens working', async () => {
    const a = await registered('130001');
    const res = await reset('?municipality=130001&keep=credentials');
    expect(res.json().tables.map((x: { table: string }) => x.table)).not.toContain('municipal_credential');
    const types = await a.get('/municipal/v1/certificate-types');
    expect(types.statusCode).toBe(200);
    expect(types.json().items).toEqual([]);
  });

  it('without a scope empties every tenant table and keeps the catalogue; clock and faults stay unless included', async () => {
    await registered('130001');
    await admin('PUT', '/sandbox/v1/clock', { now: '2027-04-01T00:00:00Z' });
    await admin('POST', '/sandbox/v1/faults', { match: { path: '/catalogue/v1/programs' }, effect: { status: 503 } });

    const res = await reset();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ scope: 'all', code: null, cleared: [] });
    expect(res.json().tables).toContainEqual({ table: 'recipient_certificate', rows: null });
    for (const table of [
      'recipient_certificate',
      'certificate_type',
      'registration_task',
      'registration_task_input',
      'registration_task_result',
      'municipal_credential',
    ]) {
      expect(await count(table), table).toBe(0);
    }
    expect((await t.app.inject({ method: 'GET', url: '/catalogue/v1/prefectures' })).json().items).toHaveLength(47);
    expect((await admin('GET', '/sandbox/v1/clock')).json().real).toBe(false);
    expect((await t.app.inject({ method: 'GET', url: '/catalogue/v1/programs' })).statusCode).toBe(503);

    const all = await reset('?include=clock,faults,maintenance,requests');
    expect(all.json().cleared).toEqual(['clock', 'faults', 'maintenance', 'requests']);
    expect((await admin('GET', '/sandbox/v1/clock')).json().real).toBe(true);
    expect((await admin('GET', '/sandbox/v1/faults')).json().items).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/catalogue/v1/programs' })).statusCode).toBe(200);
  });

  it('?institution= deletes that institution’s checks and credentials only; a full reset also removes simulated cards', async () => {
    const a = await institution(t.app);
    const b = await institution(t.app);
    const c = await card(t.app, myNumber(4242));
    for (const i of [a, b])
      expect((await i.check({ certificateSerialNumber: c.certificateSerialNumber, consent: { medicalSubsidy: true } })).statusCode).toBeLessThan(300);
    const checks = async (code: string) =>
      (await t.pool.query('SELECT count(*)::int AS n FROM eligibility_check WHERE institution_code = $1', [code])).rows[0].n;
    // Answered checks are stored just after the answer (src/eligibility/repository.ts).
    await expect.poll(() => checks(a.code)).toBe(1);
    await expect.poll(() => checks(b.code)).toBe(1);

    const res = await reset(`?institution=${a.code}`);
    expect(res.json()).toMatchObject({ scope: 'institution', code: a.code });
    expect(res.json().tables).toEqual(
      expect.arrayContaining([
        { table: 'eligibility_check', rows: 1 },
        { table: 'institution_credential', rows: 1 },
        { table: 'medical_institution', rows: 1 },
      ]),
    );
    expect(await checks(a.code)).toBe(0);
    expect(await checks(b.code)).toBe(1);
    expect((await t.pool.query('SELECT count(*)::int AS n FROM institution_credential WHERE institution_code = $1', [a.code])).rows[0].n).toBe(0);
    const unknownCheck = '/clinic/v1/eligibility-checks/00000000-0000-4000-8000-000000000000';
    expect((await t.app.inject({ method: 'GET', url: unknownCheck, headers: b.headers })).statusCode).toBe(404);
    // The reset institution's token stops working at once (it was used, so its lookup was cached).
    const afterReset = await t.app.inject({ method: 'GET', url: unknownCheck, headers: a.headers });
    expect(afterReset.statusCode).toBe(401);
    expect(afterReset.json().code).toBe('invalid_token');
    expect(await count('simulated_card')).toBe(1);

    await reset();
    expect(await count('simulated_card')).toBe(0);
    expect(await count('medical_institution')).toBe(0);
  });

  it.each([
    ['?municipality=130001&institution=1312345678', 'conflicting_reset_scope'],
    ['?municipality=13001', 'validation_failed'],
    ['?institution=abc', 'validation_failed'],
    ['?include=clock,everything', 'validation_failed'],
    ['?keep=tasks', 'validation_failed'],
  ])('refuses %s with 400 %s', async (query, code) => {
    const res = await reset(query);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(code);
    expectMatchesOpenApi(res, 'POST', '/sandbox/v1/reset');
  });

  it('stops a registration task whose data it deleted, so the municipality’s next task runs', async () => {
    const m = await municipality(t.app, '130001');
    expect((await m.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
    const lines = Array.from({ length: 20_000 }, (_, i) => JSON.stringify(nanbyoRecord(i + 1))).join('\n');
    const big = await m.upload(lines, { contentType: 'application/x-ndjson' });
    expect(big.statusCode).toBe(202);
    for (let i = 0; i < 400; i++) {
      const { rows } = await t.pool.query('SELECT processed_count FROM registration_task WHERE id = $1', [big.json().id]);
      if (!rows[0] || rows[0].processed_count > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect((await reset('?keep=credentials')).statusCode).toBe(200);

    expect((await m.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
    const next = await m.upload([nanbyoRecord(1)], { query: 'wait=20' });
    expect(next.json().status).toBe('succeeded');
    expect(await count('recipient_certificate', '130001')).toBe(1);
    await reset();
  });

  it('a full reset swaps big tables for identical empty ones (same columns, constraints, indexes and names) and drops the old ones afterwards', async () => {
    await registered('130001', 3);
    const clinic = await institution(t.app);
    const check = async (serial: string) =>
      (await clinic.check({ certificateSerialNumber: serial, serviceDate: '2026-06-01', consent: { medicalSubsidy: true } })).json().medicalSubsidies;
    // Checked before the swap: the connections hold prepared statements on the old tables.
    expect(await check((await card(t.app, myNumber(1))).certificateSerialNumber)).toHaveLength(1);
    // The answered check is stored a few milliseconds after its answer; reading the access log waits for it
    // (the reset service does the same before it empties anything).
    expect((await t.app.inject({ method: 'GET', url: '/sandbox/v1/eligibility-checks?limit=1', headers: adminHeaders })).statusCode).toBe(200);
    const before = await tenantTableDefinitions();
    // Every table without incoming foreign keys is swapped, however small.
    const repo = resetRepository(t.pool, { swapMinBytes: 0 });
    const swapped = await repo.truncate(TENANT_TABLES);
    expect(swapped).toEqual(
      expect.arrayContaining(['recipient_certificate', 'registration_task_input', 'registration_task_result', 'eligibility_check', 'certificate_type']),
    );
    // Referenced by other tables' foreign keys: truncated, not swapped.
    expect(swapped).not.toContain('medical_institution');
    expect(swapped).not.toContain('webhook_endpoint');
    expect(await tenantTableDefinitions()).toEqual(before);
    for (const x of TENANT_TABLES) expect(await count(x.table), x.table).toBe(0);
    await repo.dropDiscarded();
    expect(await discardSchemas()).toBe(0);

    // The new tables work: register through the API, constraints enforced as before.
    const m = await registered('130001', 2);
    expect((await m.get('/municipal/v1/recipients')).json().items).toHaveLength(2);
    const again = await institution(t.app);
    const answer = await again.check({
      certificateSerialNumber: (await card(t.app, myNumber(2))).certificateSerialNumber,
      serviceDate: '2026-06-01',
      consent: { medicalSubsidy: true },
    });
    expect(answer.json().medicalSubsidies).toHaveLength(1);
    await expect(
      t.pool
        .query(`INSERT INTO recipient_certificate (municipality_code, certificate_type_id, my_number, certification_sub_key, history_key, valid_from, valid_to, is_not_disclosed, record, last_task_id)
                    SELECT municipality_code, certificate_type_id, my_number, certification_sub_key, history_key, valid_from, valid_to, is_not_disclosed, record, last_task_id
                      FROM recipient_certificate LIMIT 1`),
    ).rejects.toThrow(/duplicate key value violates unique constraint "recipient_certificate_pkey"/);
    await reset();
  });

  it('a role without CREATE on the database cannot park tables in a discard schema: every table is truncated instead', async () => {
    await registered('130001', 2);
    const role = `pmh_reset_limited_${process.pid}`;
    await t.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'limited-pw'`);
    try {
      await t.pool.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}`);
      const url = new URL(t.database.url);
      url.username = role;
      url.password = 'limited-pw';
      const limited = new pg.Pool({ connectionString: url.toString(), max: 1 });
      try {
        const oidBefore = (await t.pool.query(`SELECT 'recipient_certificate'::regclass::oid AS oid`)).rows[0].oid;
        expect(await resetRepository(limited, { swapMinBytes: 0 }).truncate(TENANT_TABLES)).toEqual([]);
        expect((await t.pool.query(`SELECT 'recipient_certificate'::regclass::oid AS oid`)).rows[0].oid).toBe(oidBefore);
        for (const x of TENANT_TABLES) expect(await count(x.table), x.table).toBe(0);
        expect(await discardSchemas()).toBe(0);
      } finally {
        await limited.end();
      }
    } finally {
      await t.pool.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
      await t.pool.query(`DROP ROLE ${role}`);
    }
  });

  it('on a loaded sandbox, resets one tenant beside another’s 100,000 rows and then everything (speed: npm run bench -- reset)', async () => {
    // 100,000 registered rows (with their task inputs and results) of one municipality, a small one beside it.
    const n = 100_000;
    await t.pool.query(`INSERT INTO certificate_type (municipality_code, id, definition) VALUES ('270008', 'BULK', '{}')`);
    await t.pool.query(
      `INSERT INTO registration_task (id, municipality_code, status, mode, format, body_sha256, received_count, created_at)
       VALUES ('00000000-0000-4000-8000-000000000001', '270008', 'succeeded', 'upsert', 'ndjson', repeat('0', 64), $1, now())`,
      [n],
    );
    await t.pool.query(
      `INSERT INTO recipient_certificate (municipality_code, certificate_type_id, my_number, certification_sub_key, history_key, valid_from, valid_to,
              is_not_disclosed, record, last_task_id)
       SELECT '270008', 'BULK', lpad(g::text, 12, '0'), '', 'H1', '2026-04-01', '2027-03-31', false, '{"x":1}', '00000000-0000-4000-8000-000000000001'
         FROM generate_series(1, $1) g`,
      [n],
    );
    await t.pool.query(
      `INSERT INTO registration_task_input (task_id, index, action, record, key) SELECT '00000000-0000-4000-8000-000000000001', g, 'upsert', '{}'::jsonb, g::text FROM generate_series(0, $1 - 1) g`,
      [n],
    );
    await t.pool.query(
      `INSERT INTO registration_task_result (task_id, first_index, outcomes, history_keys, outcome_mask)
       SELECT '00000000-0000-4000-8000-000000000001', g * 2000, array_fill(0::int2, ARRAY[2000]), array_fill('H1'::text, ARRAY[2000]), 1
         FROM generate_series(0, $1 / 2000 - 1) g`,
      [n],
    );
    await t.pool.query('ANALYZE');
    await registered('130001', 20);

    const one = await reset('?municipality=130001');
    expect(one.json().tables).toContainEqual({ table: 'recipient_certificate', rows: 20 });
    expect(await count('recipient_certificate', '130001')).toBe(0);
    expect(await count('recipient_certificate', '270008')).toBe(n);

    const before = await tenantTableDefinitions();
    const oid = async () => (await t.pool.query(`SELECT 'recipient_certificate'::regclass::oid AS oid`)).rows[0].oid as number;
    const loadedOid = await oid();
    expect((await reset()).statusCode).toBe(200);
    expect(await oid()).not.toBe(loadedOid);
    expect(await count('recipient_certificate')).toBe(0);
    // The loaded tables were swapped out (see src/sandbox/reset/repository.ts); their definitions are unchanged and the old copies go.
    expect(await tenantTableDefinitions()).toEqual(before);
    await expect.poll(discardSchemas, { timeout: 30_000 }).toBe(0);
    const { rows } = await t.pool.query(
      'SELECT (SELECT count(*) FROM registration_task_input)::int AS inputs, (SELECT count(*) FROM registration_task_result)::int AS results',
    );
    expect(rows[0]).toEqual({ inputs: 0, results: 0 });
  }, 120_000);
});
