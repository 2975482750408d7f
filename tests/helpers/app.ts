import { buildApp, type App } from '../../src/app.js';
import { configSchema } from '../../src/config.js';
import { readMigrations } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { createPrisma, type Db } from '../../src/db/prisma.js';
import { startJobQueue, type JobQueue } from '../../src/jobs/queue.js';
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
}

/** The real app on a database of its own (copied from the migrated, seeded template). */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const db = createPrisma(database.url, 4);
  const pool = createPool(database.url, 4);
  const config = configSchema.parse({ LOG_LEVEL: 'silent', ...env });
  const jobs = await startJobQueue(database.url, pino({ level: 'silent' }));
  const app = await buildApp({ config, db, pool, jobs, runWorkers: true, expectedMigrations: (await readMigrations()).map((m) => m.name) });
  await app.ready();
  return {
    app,
    db,
    pool,
    jobs,
    database,
    async close() {
      await app.close();
      await jobs.stop();
      await pool.end();
      await db.$disconnect();
      await database.drop();
    },
  };
}
