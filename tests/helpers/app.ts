import type pg from 'pg';
import { pino, type Logger } from 'pino';
import type { App } from '../../src/app.js';
import { bootstrap } from '../../src/bootstrap.js';
import { configSchema } from '../../src/config.js';
import type { Db } from '../../src/db/prisma.js';
import type { JobQueue } from '../../src/jobs/queue.js';
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

/** The real app, started as src/server.ts starts it (src/bootstrap.ts), on a database of its own copied from the migrated, seeded template. */
export async function createTestApp(env: Record<string, string> = {}, opts: { logger?: Logger } = {}): Promise<TestApp> {
  return openTestApp(await createTestDatabase(), env, opts);
}

async function openTestApp(database: TestDatabase, env: Record<string, string>, opts: { logger?: Logger }): Promise<TestApp> {
  // An empty value unsets a variable, as in loadConfig (e.g. SANDBOX_ADMIN_TOKEN: '' for a generated admin token).
  const vars = { LOG_LEVEL: 'silent', SANDBOX_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...env, DATABASE_URL: database.url };
  const config = configSchema.parse(Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== '')));
  const service = await bootstrap(config, { logger: opts.logger ?? pino({ level: 'silent' }), databaseReady: true, poolSize: 4 });
  const { app } = service;
  return {
    app,
    db: app.db,
    pool: app.pool,
    jobs: app.jobs,
    database,
    async close() {
      await service.close();
      await database.drop();
    },
    async restart() {
      await service.close();
      return openTestApp(database, env, opts);
    },
  };
}
