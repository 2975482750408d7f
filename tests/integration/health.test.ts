import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configSchema } from '../../src/config.js';
import { ensureDatabase } from '../../src/db/database.js';
import { createPrisma } from '../../src/db/prisma.js';
import { offlineJobQueue } from '../../src/jobs/queue.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { inject } from 'vitest';
import pg from 'pg';
import { databaseUrl } from '../../src/db/embedded.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('health and readiness', () => {
  it('GET /health answers while the process is up', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /ready answers 200 on a migrated database', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/ready');
    expect(res.json()).toMatchObject({ status: 'ready' });
  });

  it('GET /ready answers 503 not_ready when migrations are missing', async () => {
    const name = `pmh_unmigrated_${process.pid}_${Date.now()}`;
    await ensureDatabase(inject('pgServerUrl'), name);
    const db = createPrisma(databaseUrl(inject('pgServerUrl'), name), 1);
    const app = await buildApp({
      config: configSchema.parse({ LOG_LEVEL: 'silent' }),
      db,
      pool: t.pool,
      jobs: offlineJobQueue,
      expectedMigrations: ['20261123000000_catalogue'],
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expectMatchesOpenApi(res, 'GET', '/ready');
      expect(res.json()).toMatchObject({ code: 'not_ready' });
      expect(res.headers['retry-after']).toBe('1');
      // /health does not depend on the database.
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await db.$disconnect();
      const c = new pg.Client({ connectionString: inject('pgServerUrl') });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    }
  });

  it('GET /ready reports a migration of this build that the database lacks', async () => {
    const app = await buildApp({
      config: configSchema.parse({ LOG_LEVEL: 'silent' }),
      db: t.db,
      pool: t.pool,
      jobs: offlineJobQueue,
      expectedMigrations: ['20261123000000_catalogue', '29990101000000_future'],
    });
    const res = await app.inject({ method: 'GET', url: '/ready' });
    await app.close();
    expect(res.statusCode).toBe(503);
    expect(res.json().detail).toContain('29990101000000_future');
  });
});
