import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { adminHeaders, TEST_ADMIN_TOKEN } from '../helpers/app.js';
import { NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';
import { emptyDatabase } from '../helpers/db.js';
import { startServer } from '../helpers/server-process.js';

/**
 * Kills the real server process (SIGKILL, no shutdown) in the middle of a registration task,
 * starts it again, and checks that the task completes with exactly the right rows and one
 * result per record: nothing lost, nothing applied twice.
 */
describe('a registration task interrupted by a crash', { timeout: 120_000 }, () => {
  const database = emptyDatabase('pmh_crash');
  const url = database.url;
  afterAll(() => database.drop());

  it('resumes after a restart to the same final state', async () => {
    await database.create();
    const env = { DATABASE_URL: url, REGISTRATION_CHUNK_SIZE: '500', LOG_LEVEL: 'info', SANDBOX_ADMIN_TOKEN: TEST_ADMIN_TOKEN };
    const first = await startServer(env);
    const total = 20_000;
    let taskId: string;
    try {
      const cred = await (await fetch(`${first.baseUrl}/sandbox/v1/municipalities/130001/credentials`, { method: 'POST', headers: adminHeaders })).json();
      const headers = { authorization: `Bearer ${cred.token}` };
      const put = await fetch(`${first.baseUrl}/municipal/v1/certificate-types/NANBYO54`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(NANBYO_TYPE),
      });
      expect(put.status).toBe(201);
      // Every 10th record is invalid, so the result must also be exact about rejections.
      const lines = Array.from({ length: total }, (_, i) => JSON.stringify(nanbyoRecord(i + 1, i % 10 === 9 ? { validTo: '2020-01-01' } : {}))).join('\n');
      const res = await fetch(`${first.baseUrl}/municipal/v1/registration-tasks`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-ndjson' },
        body: lines,
      });
      expect(res.status).toBe(202);
      taskId = (await res.json()).id;
      // Wait until some chunks, but not all, are applied; then kill without warning.
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        for (let i = 0; i < 400; i++) {
          const { rows } = await db.query('SELECT processed_count FROM registration_task WHERE id = $1', [taskId]);
          if (rows[0].processed_count > 0) break;
          await new Promise((r) => setTimeout(r, 25));
        }
        await first.stop('SIGKILL');
        const { rows } = await db.query('SELECT processed_count, status FROM registration_task WHERE id = $1', [taskId]);
        expect(rows[0].processed_count).toBeGreaterThan(0);
        expect(rows[0].processed_count).toBeLessThan(total);
        expect(rows[0].status).toBe('running');
      } finally {
        await db.end();
      }
    } finally {
      await first.stop('SIGKILL');
    }

    const second = await startServer(env);
    try {
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        let status = '';
        for (let i = 0; i < 600 && !['succeeded', 'completed_with_errors', 'failed'].includes(status); i++) {
          await new Promise((r) => setTimeout(r, 100));
          status = (await db.query('SELECT status FROM registration_task WHERE id = $1', [taskId!])).rows[0].status;
        }
        expect(status).toBe('completed_with_errors');
        const task = (await db.query('SELECT * FROM registration_task WHERE id = $1', [taskId!])).rows[0];
        expect(task).toMatchObject({
          received_count: total,
          processed_count: total,
          created_count: total * 0.9,
          rejected_count: total * 0.1,
          updated_count: 0,
          unchanged_count: 0,
        });
        // The task's own type: the well-known test cards' rows (TESTNANBYO54, TESTKODOMO) exist from start-up.
        const rows = (
          await db.query(`SELECT count(*)::int AS n, count(DISTINCT my_number)::int AS d FROM recipient_certificate WHERE certificate_type_id = 'NANBYO54'`)
        ).rows[0];
        expect(rows).toEqual({ n: total * 0.9, d: total * 0.9 });
        // Every record's result once: the result blocks (one per applied chunk) unnested.
        const results = (
          await db.query(
            `SELECT count(*)::int AS n, count(DISTINCT index)::int AS d, min(index) AS lo, max(index) AS hi,
            count(*) FILTER (WHERE outcome = 4)::int AS rejected
            FROM (SELECT r.first_index + u.k::int - 1 AS index, u.o AS outcome
                    FROM registration_task_result r CROSS JOIN LATERAL unnest(r.outcomes) WITH ORDINALITY AS u(o, k)
                   WHERE r.task_id = $1) x`,
            [taskId!],
          )
        ).rows[0];
        expect(results).toEqual({ n: total, d: total, lo: 0, hi: total - 1, rejected: total * 0.1 });
      } finally {
        await db.end();
      }
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
