import { buildApp, type App } from '../../src/app.js';
import { configSchema } from '../../src/config.js';
import { readMigrations } from '../../src/db/migrate.js';
import { createPrisma, type Db } from '../../src/db/prisma.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export interface TestApp {
  app: App;
  db: Db;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The real app on a database of its own (copied from the migrated, seeded template). */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const db = createPrisma(database.url, 4);
  const config = configSchema.parse({ LOG_LEVEL: 'silent', ...env });
  const app = await buildApp({ config, db, expectedMigrations: (await readMigrations()).map((m) => m.name) });
  await app.ready();
  return {
    app,
    db,
    database,
    async close() {
      await app.close();
      await db.$disconnect();
      await database.drop();
    },
  };
}
