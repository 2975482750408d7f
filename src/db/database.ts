import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { databaseUrl, startEmbeddedPostgres } from './embedded.js';

export interface Database {
  url: string;
  /** Stops the embedded server, if one was started. */
  stop(): Promise<void>;
}

/** Creates the database if it does not exist yet. */
export async function ensureDatabase(serverUrl: string, name: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** DATABASE_URL when set; otherwise an embedded PostgreSQL with a `pmh` database. */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, stop: async () => {} };
  const embedded = await startEmbeddedPostgres({ dataDir: config.PMH_PG_DATA_DIR, port: config.PMH_PG_PORT, logger });
  logger.info({ dataDir: config.PMH_PG_DATA_DIR, port: config.PMH_PG_PORT, initdb: embedded.initialised }, 'embedded PostgreSQL started');
  try {
    await ensureDatabase(embedded.serverUrl, 'pmh');
  } catch (err) {
    await embedded.stop();
    throw err;
  }
  return { url: databaseUrl(embedded.serverUrl, 'pmh'), stop: embedded.stop };
}
