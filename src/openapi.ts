import path from 'node:path';
import { buildApp } from './app.js';
import { configSchema } from './config.js';
import { createPrisma } from './db/prisma.js';
import { readMigrations } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { offlineJobQueue } from './jobs/queue.js';
import { PACKAGE_ROOT } from './paths.js';
import { seedFileSchema } from './sandbox/seed-file/schema.js';
import { z } from 'zod';

export const OPENAPI_PATH = path.join(PACKAGE_ROOT, 'openapi', 'openapi.json');
export const SEED_FILE_SCHEMA_PATH = path.join(PACKAGE_ROOT, 'openapi', 'seed-file.schema.json');

/** The JSON Schema of SANDBOX_SEED_FILE, as committed: from the same zod schema the start validates with. */
export function generateSeedFileSchema(): string {
  const schema = z.toJSONSchema(seedFileSchema, { io: 'input', target: 'draft-2020-12' });
  return JSON.stringify({ ...schema, $id: 'https://pmh-sandbox.invalid/seed-file.schema.json', title: 'PMH sandbox seed file' }, null, 2) + '\n';
}

const DEFAULT_LOCAL_URL = 'http://127.0.0.1:3000';

/**
 * The OpenAPI document as committed: generated from the app, no database needed. Its server is the default local
 * address (HOST and PORT unset), whatever this environment's PUBLIC_URL; the running service names its own.
 */
export async function generateOpenApiDocument(): Promise<string> {
  // The client connects lazily; generating the document never touches it.
  const url = 'postgresql://127.0.0.1:1/unused';
  const db = createPrisma(url);
  const pool = createPool(url);
  const config = configSchema.parse({ LOG_LEVEL: 'silent', PUBLIC_URL: DEFAULT_LOCAL_URL });
  const app = await buildApp({ config, db, pool, jobs: offlineJobQueue, expectedMigrations: (await readMigrations()).map((m) => m.name) });
  await app.ready();
  const doc = JSON.stringify(app.swagger(), null, 2) + '\n';
  await app.close();
  await pool.end();
  return doc;
}
