import pg from 'pg';

/** node-postgres pool for the hot paths that Prisma cannot do well (COPY, big set-based statements). */
export function createPool(databaseUrl: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * An open transaction (or a session holding a lock), as repositories hand it to code that must join it
 * (a job sent with the task that needs it, a webhook event with the task's final status): pass it on, never query it.
 */
export type Transaction = pg.ClientBase;

const ROLLBACK = Symbol('rollback');
/** What a transaction's body returns to end it with ROLLBACK instead of COMMIT, yet without an error. */
export interface RolledBack<T> {
  readonly [ROLLBACK]: T;
}
/** Ends the transaction with ROLLBACK; inTransaction resolves with `value`. */
export const rollback = <T>(value: T): RolledBack<T> => ({ [ROLLBACK]: value });
const isRolledBack = (r: unknown): r is RolledBack<unknown> => typeof r === 'object' && r !== null && ROLLBACK in r;

export interface TransactionOptions {
  /** SET LOCAL statements, sent with BEGIN in the same round trip (e.g. `SET LOCAL synchronous_commit = off`). */
  setLocal?: string;
}

/**
 * Runs `fn` in a transaction: on a connection of its own from `on` when it is a pool (released after;
 * destroyed when even ROLLBACK failed), or on the connection `on` (which stays the caller's). Commits
 * what `fn` returns; rolls back when `fn` throws (and rethrows) or returns rollback(value).
 */
export async function inTransaction<T>(
  on: pg.Pool | pg.ClientBase,
  fn: (client: pg.ClientBase) => Promise<T | RolledBack<T>>,
  options: TransactionOptions = {},
): Promise<T> {
  const owned = on instanceof pg.Pool ? await on.connect() : undefined;
  const client = owned ?? (on as pg.ClientBase);
  let broken: Error | undefined;
  try {
    await client.query(options.setLocal ? `BEGIN; ${options.setLocal}` : 'BEGIN');
    const result = await fn(client);
    if (isRolledBack(result)) {
      await client.query('ROLLBACK');
      return result[ROLLBACK];
    }
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => {
      broken = e;
    });
    throw err;
  } finally {
    owned?.release(broken);
  }
}

/** PostgreSQL ending its sessions: admin_shutdown (fast shutdown), crash_shutdown, cannot_connect_now (starting or stopping). */
const SERVER_SHUTDOWN_CODES = new Set(['57P01', '57P02', '57P03']);

/**
 * The error is PostgreSQL stopping under the service, e.g. Ctrl-C in a terminal, which signals the embedded
 * PostgreSQL (same process group) as well as the service: expected while shutting down, worth one line, not a stack.
 */
export const isServerShutdown = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SERVER_SHUTDOWN_CODES.has(code);
};
