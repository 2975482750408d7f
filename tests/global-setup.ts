import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { catalogueRepository } from '../src/catalogue/repository.js';
import { seedCatalogue } from '../src/catalogue/seed.js';
import { ensureDatabase } from '../src/db/database.js';
import { databaseUrl, startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { createPrisma } from '../src/db/prisma.js';
import { startJobQueue } from '../src/jobs/queue.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A server where tests may create databases. */
    pgServerUrl: string;
    /** Name of a migrated, seeded database to copy with CREATE DATABASE … TEMPLATE. */
    templateDatabase: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Real PostgreSQL for the whole run: the DATABASE_URL server if set, else an
 * embedded one in a temporary directory. One migrated + seeded template database;
 * each test file copies it into a database of its own (tests/helpers/app.ts).
 */
export default async function setup(project: TestProject) {
  const logger = pino({ level: 'warn' });
  let serverUrl: string;
  let stopServer = async () => {};
  if (process.env.DATABASE_URL) {
    serverUrl = process.env.DATABASE_URL;
  } else {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pmh-test-pg-'));
    // As root, PostgreSQL runs as the `postgres` user and must be able to enter the directory.
    await chmod(dir, 0o755);
    const dataDir = path.join(dir, 'data');
    const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger });
    serverUrl = embedded.serverUrl;
    stopServer = async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }

  const templateDatabase = `pmh_template_${process.pid}`;
  await ensureDatabase(serverUrl, templateDatabase);
  const templateUrl = databaseUrl(serverUrl, templateDatabase);
  await migrate(templateUrl);
  const db = createPrisma(templateUrl, 2);
  await seedCatalogue(catalogueRepository(db));
  await db.$disconnect();
  // pg-boss creates its schema on first start; doing it once here gives every test database a copy.
  const jobs = await startJobQueue(templateUrl, logger);
  await jobs.stop();

  project.provide('pgServerUrl', serverUrl);
  project.provide('templateDatabase', templateDatabase);

  return async () => {
    await dropDatabase(serverUrl, templateDatabase);
    await stopServer();
  };
}

async function dropDatabase(serverUrl: string, name: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
