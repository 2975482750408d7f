import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { withCheckDigit } from '../../src/domain/numbers.js';
import { registrationsRepository } from '../../src/registrations/repository.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

/**
 * Uploads of many chunks (REGISTRATION_CHUNK_SIZE 3): chunks are applied two at a time and commit in
 * order; the outcome must be exactly what applying the records one by one gives.
 */
let t: TestApp;
let tokyo: Awaited<ReturnType<typeof municipality>>;

beforeAll(async () => {
  t = await createTestApp({ REGISTRATION_CHUNK_SIZE: '3' });
  tokyo = await municipality(t.app, '130001');
  expect((await tokyo.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
});
afterAll(() => t.close());

const PATH = '/municipal/v1/registration-tasks';

async function resultsOf(id: string) {
  const res = await tokyo.get(`${PATH}/${id}/results?limit=1000`);
  expect(res.statusCode).toBe(200);
  return res.json().items as { index: number; outcome: string; errors: { code: string }[] }[];
}

async function rows(typeId = 'NANBYO54') {
  const { rows: r } = await t.pool.query<{ my_number: string; income: string; last_task_id: string }>(
    `SELECT my_number, record->>'incomeSegment' AS income, last_task_id FROM recipient_certificate
      WHERE municipality_code = '130001' AND certificate_type_id = $1 ORDER BY my_number`,
    [typeId],
  );
  return r;
}

describe('a registration task of many chunks', () => {
  it('creates, updates, keeps, deletes and rejects across chunks exactly as record by record', async () => {
    const first = await tokyo.upload(
      Array.from({ length: 10 }, (_, i) => nanbyoRecord(201 + i)),
      { query: 'wait=30' },
    );
    expect(first.json()).toMatchObject({ status: 'succeeded', counts: { created: 10 } });

    const upload = [
      ...[201, 202, 203, 204, 205].map((n) => nanbyoRecord(n, { incomeSegment: 'JOUI' })), // 0–4 updated
      ...[206, 207, 208].map((n) => nanbyoRecord(n)), // 5–7 unchanged
      ...[209, 210].map((n) => ({ orgSpecificCertificateTypeId: 'NANBYO54', myNumber: myNumber(n), historyKey: 'H1', isDeleted: true })), // 8–9 deleted
      ...Array.from({ length: 15 }, (_, i) => nanbyoRecord(211 + i)), // 10–24 created
      nanbyoRecord(213, { incomeSegment: 'JOUI' }), // 25 duplicate of 12
      nanbyoRecord(226, { incomeSegment: 'NOPE' }), // 26 rejected
      { orgSpecificCertificateTypeId: 'NANBYO54', myNumber: myNumber(299), historyKey: 'H1', isDeleted: true }, // 27 not found
      nanbyoRecord(205, { incomeSegment: 'JOUI' }), // 28 duplicate of 4
    ];
    const res = await tokyo.upload(upload, { query: 'wait=30' });
    const task = res.json();
    expect(task).toMatchObject({
      status: 'completed_with_errors',
      counts: { received: 29, processed: 29, updated: 5, unchanged: 3, deleted: 2, created: 15, rejected: 4 },
    });
    const items = await resultsOf(task.id);
    expect(items.map((r) => r.index)).toEqual(Array.from({ length: 29 }, (_, i) => i));
    const expected = [
      ...Array(5).fill('updated'),
      ...Array(3).fill('unchanged'),
      ...Array(2).fill('deleted'),
      ...Array(15).fill('created'),
      'rejected',
      'rejected',
      'rejected',
      'rejected',
    ];
    expect(items.map((r) => r.outcome)).toEqual(expected);
    expect(items[25]!.errors[0]!.code).toBe('duplicate_key');
    expect(items[27]!.errors[0]!.code).toBe('not_found');
    expect(items[28]!.errors[0]!.code).toBe('duplicate_key');

    const stored = await rows();
    expect(stored.map((r) => r.my_number)).toEqual(
      [...[201, 202, 203, 204, 205, 206, 207, 208], ...Array.from({ length: 15 }, (_, i) => 211 + i)].map(myNumber).sort(),
    );
    expect(stored.filter((r) => r.income === 'JOUI').map((r) => r.my_number)).toEqual([201, 202, 203, 204, 205].map(myNumber));
    // The staged upload is gone once every record has its result.
    const { rows: staged } = await t.pool.query('SELECT count(*)::int AS n FROM registration_task_input WHERE task_id = $1', [task.id]);
    expect(staged[0].n).toBe(0);
  });

  it('replace mode keeps rows whose new record was rejected and removes the ones the export left out', async () => {
    await tokyo.putType('REPL54', { ...NANBYO_TYPE });
    const rec = (n: number, over: Record<string, unknown> = {}) => nanbyoRecord(n, { orgSpecificCertificateTypeId: 'REPL54', ...over });
    const first = await tokyo.upload(
      Array.from({ length: 8 }, (_, i) => rec(301 + i)),
      { query: 'wait=30' },
    );
    expect(first.json()).toMatchObject({ status: 'succeeded', counts: { created: 8 } });

    // 301–303 unchanged, 304 rejected (its row stays), 305 updated, 306–308 left out (removed), 309–310 new.
    const res = await tokyo.upload(
      [rec(301), rec(302), rec(303), rec(304, { incomeSegment: 'NOPE' }), rec(305, { incomeSegment: 'JOUI' }), rec(309), rec(310)],
      {
        query: 'wait=30&mode=replace&orgSpecificCertificateTypeId=REPL54',
      },
    );
    const task = res.json();
    expect(task).toMatchObject({ status: 'completed_with_errors', counts: { unchanged: 3, rejected: 1, updated: 1, created: 2, removed: 3 } });
    const stored = await rows('REPL54');
    expect(stored.map((r) => r.my_number)).toEqual([301, 302, 303, 304, 305, 309, 310].map(myNumber));
    expect(stored.find((r) => r.my_number === myNumber(304))).toMatchObject({ income: 'IPPAN1', last_task_id: first.json().id });
  });

  it('a finished task leaves the staged upload of a task still waiting intact', async () => {
    const osaka = await municipality(t.app, '270008');
    const insurer = withCheckDigit('insurerNumber', '5427001');
    expect((await osaka.putType('NANBYO54', { ...NANBYO_TYPE, insurerNumbers: [insurer] })).statusCode).toBe(201);
    const staged = async (id: string) =>
      (await t.pool.query('SELECT count(*)::int AS n FROM registration_task_input WHERE task_id = $1', [id])).rows[0].n as number;
    const holder = await t.pool.connect();
    let waiting;
    try {
      // Tokyo's task waits (its municipality's lock is held) while Osaka's runs to the end.
      await holder.query(`SELECT pg_advisory_lock(hashtext('registration:130001'))`);
      waiting = (await tokyo.upload(Array.from({ length: 7 }, (_, i) => nanbyoRecord(401 + i)))).json();
      expect(waiting.status).toBe('queued');
      const done = await osaka.upload(
        Array.from({ length: 5 }, (_, i) => nanbyoRecord(501 + i, { medicalSubsidyInsurerNumber: insurer })),
        { query: 'wait=30' },
      );
      expect(done.json()).toMatchObject({ status: 'succeeded', counts: { created: 5 } });
      expect(await staged(done.json().id)).toBe(0);
      expect(await staged(waiting.id)).toBe(7);
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(hashtext('registration:130001'))`);
      holder.release();
    }
    const task = await tokyo.finished(waiting.id);
    expect(task).toMatchObject({ status: 'succeeded', counts: { created: 7 } });
    expect(await staged(waiting.id)).toBe(0);
  }, 30_000);

  it('a role that may not truncate the staging table deletes the finished task’s rows instead', async () => {
    const role = `pmh_staging_limited_${process.pid}`;
    await t.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'limited-pw'`);
    try {
      await t.pool.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
      const url = new URL(t.database.url);
      url.username = role;
      url.password = 'limited-pw';
      const limited = new pg.Pool({ connectionString: url.toString(), max: 1 });
      try {
        const taskId = '00000000-0000-4000-8000-0000000000f1';
        await t.pool.query(
          `INSERT INTO registration_task (id, municipality_code, status, mode, format, body_sha256, received_count, processed_count, created_at)
           VALUES ($1, '130001', 'running', 'upsert', 'ndjson', repeat('0', 64), 3, 3, now())`,
          [taskId],
        );
        await t.pool.query(`INSERT INTO registration_task_input (task_id, index, action) SELECT $1, g, 'rejected' FROM generate_series(0, 2) g`, [taskId]);
        const client = await limited.connect();
        try {
          await client.query('BEGIN');
          await registrationsRepository(t.db, limited).finishTask(client, taskId, 'completed_with_errors', 0, new Date());
          await client.query('COMMIT');
        } finally {
          client.release();
        }
        const { rows } = await t.pool.query(
          'SELECT (SELECT count(*) FROM registration_task_input WHERE task_id = $1)::int AS staged, (SELECT status FROM registration_task WHERE id = $1) AS status',
          [taskId],
        );
        expect(rows[0]).toEqual({ staged: 0, status: 'completed_with_errors' });
      } finally {
        await limited.end();
      }
    } finally {
      await t.pool.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
      await t.pool.query(`DROP ROLE ${role}`);
    }
  });

  it('filters and pages results across result blocks exactly as the full list says', async () => {
    // A type of its own, so the other tests' rows stay as they expect.
    expect((await tokyo.putType('PAGE54', NANBYO_TYPE)).statusCode).toBe(201);
    const rec = (n: number, over: Record<string, unknown> = {}) => nanbyoRecord(n, { orgSpecificCertificateTypeId: 'PAGE54', ...over });
    await tokyo.upload(
      Array.from({ length: 6 }, (_, i) => rec(401 + i)),
      { query: 'wait=30' },
    );
    const upload = [
      rec(401, { incomeSegment: 'JOUI' }), // updated
      rec(402), // unchanged
      { orgSpecificCertificateTypeId: 'PAGE54', myNumber: myNumber(403), historyKey: 'H1', isDeleted: true }, // deleted
      ...Array.from({ length: 8 }, (_, i) => rec(411 + i)), // created
      rec(404, { incomeSegment: 'NOPE' }), // rejected
      rec(405), // unchanged
      ...Array.from({ length: 4 }, (_, i) => rec(421 + i, { incomeSegment: i % 2 ? 'NOPE' : 'JOUI' })), // created, rejected, …
      rec(406, { incomeSegment: 'JOUI' }), // updated
    ];
    const task = (await tokyo.upload(upload, { query: 'wait=30' })).json();
    expect(task.counts).toMatchObject({ received: 18, created: 10, updated: 2, unchanged: 2, deleted: 1, rejected: 3 });
    const all = await resultsOf(task.id);
    expect(all.map((r) => r.index)).toEqual(Array.from({ length: 18 }, (_, i) => i));
    expect(all[11]).toMatchObject({ outcome: 'rejected', errors: [{ code: 'unknown_income_segment' }] });
    const accepted = new Set(['created', 'updated', 'unchanged', 'deleted']);
    for (const status of [undefined, 'created', 'updated', 'unchanged', 'deleted', 'rejected', 'accepted']) {
      const wanted = all.filter((r) => status === undefined || r.outcome === status || (status === 'accepted' && accepted.has(r.outcome)));
      for (const limit of [1, 2, 5]) {
        const paged: typeof all = [];
        let cursor: string | null = null;
        do {
          const res = await tokyo.get(`${PATH}/${task.id}/results?limit=${limit}${status ? `&status=${status}` : ''}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.statusCode, res.body).toBe(200);
          const page = res.json();
          expect(page.items.length).toBeLessThanOrEqual(limit);
          paged.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        expect(paged, `status=${status} limit=${limit}`).toEqual(wanted);
      }
    }
  });
});
