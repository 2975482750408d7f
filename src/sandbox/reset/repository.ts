import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { inTransaction } from '../../db/pool.js';
import { problem } from '../../http/problem.js';
import type { TenantTable } from './tables.js';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Waits this long for running work (e.g. a registration chunk) to release a table, then gives up with 409. */
const LOCK_TIMEOUT = '5s';

/** Schemas holding tables a full reset swapped out; each is dropped in the background (and at start, if left over). */
export const DISCARD_SCHEMA_PREFIX = 'pmh_reset_discard_';

/** Tables at least this big (with their indexes) are swapped out rather than truncated. */
const SWAP_MIN_BYTES = 8 * 1024 * 1024;

export interface ResetRepositoryOptions {
  /** Tables whose total size is at least this are swapped out by a full reset (default 8 MiB; 0 swaps every eligible table). */
  swapMinBytes?: number;
  /** A background drop of swapped-out tables failed (they are retried at the next reset and at start). */
  onDiscardError?: (err: unknown) => void;
}

interface SwapPlan {
  table: string;
  /** ALTER TABLE … ADD CONSTRAINT clauses (name and definition) of the table, foreign keys last. */
  constraints: { name: string; def: string; foreign: boolean }[];
  /** CREATE INDEX statements of indexes that back no constraint. */
  indexes: string[];
}

/**
 * Why a full reset swaps big tables out: TRUNCATE is O(1) in rows, but at commit PostgreSQL has the
 * kernel truncate the old files, and that is O(bytes) — about 1 ms per MB here (strace: 656 ms in one
 * truncate(2) of a 700 MB heap file), 2.2 s for a loaded sandbox. Instead, in the reset's transaction,
 * a big table without incoming foreign keys moves to a fresh discard schema and an identical empty
 * table (same columns, defaults, constraint and index names and definitions) takes its place; the old
 * files are dropped after the answer. Readers and writers see the swap atomically, exactly like a TRUNCATE.
 * Not carried over: privileges granted on the old table to other roles (the service's role owns the new one).
 */
export function resetRepository(pool: pg.Pool, options: ResetRepositoryOptions = {}) {
  const swapMinBytes = options.swapMinBytes ?? SWAP_MIN_BYTES;
  let dropping: Promise<void> = Promise.resolve();

  /** Drops every discard schema; chained after any drop still running. Errors go to onDiscardError. */
  function dropDiscarded(): Promise<void> {
    dropping = dropping.then(async () => {
      try {
        const { rows } = await pool.query<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)`, [DISCARD_SCHEMA_PREFIX]);
        for (const { name } of rows) await pool.query(`DROP SCHEMA IF EXISTS ${quote(name)} CASCADE`);
      } catch (err) {
        options.onDiscardError?.(err);
      }
    });
    return dropping;
  }

  /** What it takes to rebuild each swappable table of `names`: big enough, and no other table's foreign key points at it. */
  async function swapPlans(c: pg.ClientBase, names: string[]): Promise<SwapPlan[]> {
    const { rows } = await c.query<{ table: string }>(
      `SELECT t.relname AS table
         FROM pg_class t
        WHERE t.relnamespace = current_schema()::regnamespace AND t.relkind = 'r' AND t.relname = ANY($1::text[])
          -- The discard schema needs CREATE on the database; without it every table is truncated.
          AND has_database_privilege(current_database(), 'CREATE')
          AND pg_total_relation_size(t.oid) >= $2
          AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = t.oid)
          AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = t.oid OR i.inhrelid = t.oid)
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.refobjid = t.oid AND d.classid = 'pg_rewrite'::regclass)`,
      [names, swapMinBytes],
    );
    const plans: SwapPlan[] = [];
    for (const { table } of rows) {
      const regclass = quote(table);
      const constraints = await c.query<{ name: string; def: string; foreign: boolean }>(
        `SELECT conname AS name, pg_get_constraintdef(oid) AS def, contype = 'f' AS foreign
           FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'c', 'f', 'x')
          ORDER BY contype = 'f', conname`,
        [regclass],
      );
      const indexes = await c.query<{ def: string }>(
        `SELECT pg_get_indexdef(i.indexrelid) AS def
           FROM pg_index i
          WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)
          ORDER BY i.indexrelid`,
        [regclass],
      );
      plans.push({ table, constraints: constraints.rows, indexes: indexes.rows.map((r) => r.def) });
    }
    return plans;
  }

  /** Moves `plan.table` into `discard` and creates the identical empty table in its place; the moved one loses its foreign keys. */
  async function swap(c: pg.ClientBase, discard: string, plan: SwapPlan) {
    const t = quote(plan.table);
    await c.query(`ALTER TABLE ${t} SET SCHEMA ${quote(discard)}`);
    // Its outgoing foreign keys would keep locking (and forbid truncating) the tables they reference.
    for (const k of plan.constraints.filter((k) => k.foreign)) await c.query(`ALTER TABLE ${quote(discard)}.${t} DROP CONSTRAINT ${quote(k.name)}`);
    await c.query(
      `CREATE TABLE ${t} (LIKE ${quote(discard)}.${t} INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS INCLUDING COMPRESSION)`,
    );
    for (const k of plan.constraints) await c.query(`ALTER TABLE ${t} ADD CONSTRAINT ${quote(k.name)} ${k.def}`);
    for (const def of plan.indexes) await c.query(def);
  }

  /**
   * Runs `fn` in a transaction that waits at most LOCK_TIMEOUT for a table (then 409 reset_busy), retried when
   * PostgreSQL picks it as a deadlock victim (a reset locks many tables a running task also writes).
   */
  async function resetTransaction<T>(fn: (c: pg.ClientBase) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(pool, fn, { setLocal: `SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'` });
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === '55P03') {
          throw problem('reset_busy', { detail: 'A registration task or another reset held the tables too long; try again' });
        }
        if (code !== '40P01' || attempt >= 5) throw err;
      }
    }
  }

  return {
    /**
     * Empties every listed table in one transaction, in time independent of their size: big tables are
     * swapped for empty copies (see above), the rest truncated. Returns the tables swapped out: call
     * dropDiscarded() once the reset has answered (the drop's file deletion slows whatever runs beside it).
     */
    async truncate(tables: TenantTable[]): Promise<string[]> {
      const ordered = [...tables.filter((t) => t.lockFirst), ...tables.filter((t) => !t.lockFirst)].map((t) => t.table);
      if (ordered.length === 0) return [];
      const swapped = await resetTransaction(async (c) => {
        // An autovacuum of a tenant table (likely after deletes) holds a lock the reset waits for until the
        // deadlock check cancels the autovacuum: after deadlock_timeout, 1 s by default. Shorter when allowed (superuser).
        await c.query(`SELECT set_config('deadlock_timeout', '20ms', true) WHERE current_setting('is_superuser') = 'on'`);
        // Every table locked up front, in registry order (lockFirst first), as one TRUNCATE would.
        await c.query(`LOCK TABLE ${ordered.map(quote).join(', ')} IN ACCESS EXCLUSIVE MODE`);
        const plans = await swapPlans(c, ordered);
        if (plans.length > 0) {
          const discard = `${DISCARD_SCHEMA_PREFIX}${randomUUID().replace(/-/g, '')}`;
          await c.query(`CREATE SCHEMA ${quote(discard)}`);
          for (const plan of plans) await swap(c, discard, plan);
        }
        // The rest are truncated; the new empty tables are named too, as TRUNCATE wants every table whose foreign keys point at one it empties.
        await c.query(`TRUNCATE ${ordered.map(quote).join(', ')}`);
        return plans.map((p) => p.table);
      });
      return swapped;
    },

    /** Drops tables swapped out by earlier resets (e.g. by a process stopped before it could); resolves when done. */
    dropDiscarded,

    /** Deletes one tenant's rows, table by table in registry order, set-based; returns the rows deleted per table. */
    deleteTenant: (tables: { table: string; where: string }[], code: string) =>
      resetTransaction(async (c) => {
        // Every condition has an index. Without this, the planner seq-scans a whole table when the
        // statistics are skewed (one municipality's 1M staged rows beside another's 300: 176 ms → 0.5 ms).
        await c.query('SET LOCAL enable_seqscan = off');
        const counts: { table: string; rows: number }[] = [];
        for (const t of tables) {
          const r = await c.query(`DELETE FROM ${quote(t.table)} WHERE ${t.where}`, [code]);
          counts.push({ table: t.table, rows: r.rowCount ?? 0 });
        }
        return counts;
      }),
  };
}

export type ResetRepository = ReturnType<typeof resetRepository>;
