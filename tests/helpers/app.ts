import { buildApp, type App } from '../../src/app.js';
import { configSchema } from '../../src/config.js';
import { readMigrations } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { createPrisma, type Db } from '../../src/db/prisma.js';
import { startJobQueue, type JobQueue } from '../../src/jobs/queue.js';
import { loadSandboxClock } from '../../src/sandbox/clock/service.js';
import { sandboxSettingsRepository } from '../../src/sandbox/settings.js';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from './db.js';

export interface TestApp {
  app: App;
  db: Db;
  pool: pg.Pool;
  jobs: JobQueue;
  database: TestDatabase;
  close(): Promise<void>;
  /** Stops this app and starts a new one on the same database, as a restart of the service would. */
  restart(): Promise<TestApp>;
}

/** The sandbox admin token of test apps (SANDBOX_ADMIN_TOKEN), for /sandbox/v1/... calls. */
export const TEST_ADMIN_TOKEN = 'sandbox-test-admin-token-0123456789';
export const adminHeaders = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/** The real app on a database of its own (copied from the migrated, seeded template). */
export async function createTestApp(env: Record<string, string> = {}, opts: { logger?: FastifyBaseLogger } = {}): Promise<TestApp> {
  return openTestApp(await createTestDatabase(), env, opts);
}

async function openTestApp(database: TestDatabase, env: Record<string, string>, opts: { logger?: FastifyBaseLogger } = {}): Promise<TestApp> {
  const db = createPrisma(database.url, 4);
  const pool = createPool(database.url, 4);
  // An empty value unsets a variable, as in loadConfig (e.g. SANDBOX_ADMIN_TOKEN: '' for a generated admin token).
  const config = configSchema.parse(Object.fromEntries(Object.entries({ LOG_LEVEL: 'silent', SANDBOX_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...env }).filter(([, v]) => v !== '')));
  const jobs = await startJobQueue(database.url, pino({ level: 'silent' }));
  // As src/server.ts does: the sandbox clock as last set.
  const clock = await loadSandboxClock(sandboxSettingsRepository(db));
  const app = await buildApp({ config, db, pool, jobs, runWorkers: true, logger: opts.logger, expectedMigrations: (await readMigrations()).map((m) => m.name), clock });
  await app.ready();
  const stop = async () => {
    await app.close();
    await jobs.stop();
    await pool.end();
    await db.$disconnect();
  };
  return {
    app,
    db,
    pool,
    jobs,
    database,
    async close() {
      await stop();
      await database.drop();
    },
    async restart() {
      await stop();
      return openTestApp(database, env, opts);
    },
  };
}
