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

/** DATABASE_URL cannot be used; the message names the variable and what is wrong, never the password. */
export class DatabaseUrlError extends Error {}

/** Where a connection string points, without its password. */
function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default)';
    const user = u.username ? decodeURIComponent(u.username) : '(default)';
    return `database "${db}" on ${u.hostname || 'localhost'}:${u.port || '5432'} as user "${user}"`;
  } catch {
    return 'the configured server';
  }
}

const PG_REASONS: Record<string, string> = {
  '3D000': 'the database does not exist',
  '28000': 'the role does not exist or may not connect',
  '28P01': 'password authentication failed',
  '42501': 'the role may not connect',
  ECONNREFUSED: 'nothing accepts connections at that address (is PostgreSQL running?)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
};

/** Connects once so that a wrong DATABASE_URL stops the start with one line saying what is wrong. */
export async function checkDatabaseUrl(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const reason = PG_REASONS[code] ?? `connection failed (${code || (err as Error).name})`;
    throw new DatabaseUrlError(`DATABASE_URL: cannot connect to ${describeTarget(url)}: ${reason}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** DATABASE_URL when set; otherwise an embedded PostgreSQL with a `pmh` database. */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.DATABASE_URL) {
    await checkDatabaseUrl(config.DATABASE_URL);
    return { url: config.DATABASE_URL, stop: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.PMH_PG_DATA_DIR, port: config.PMH_PG_PORT, logger });
  logger.info({ dataDir: config.PMH_PG_DATA_DIR, port: config.PMH_PG_PORT, initdb: embedded.initialised }, 'embedded PostgreSQL started');
  try {
    await ensureDatabase(embedded.serverUrl, 'pmh');
  } catch (err) {
    await embedded.stop();
    throw err;
  }
  return { url: databaseUrl(embedded.serverUrl, 'pmh'), stop: () => embedded.stop() };
}
