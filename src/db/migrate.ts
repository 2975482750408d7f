import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { Umzug, type UmzugStorage } from 'umzug';
import { PACKAGE_ROOT } from '../paths.js';
import { inTransaction } from './pool.js';

export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'prisma', 'migrations');

// Any constant works; it only has to be the same for every instance of the service.
const MIGRATION_LOCK_ID = 0x504d48; // "PMH"

export interface Migration {
  name: string;
  sql: string;
  /** sha256 of migration.sql, as Prisma computes it. */
  checksum: string;
}

/** Reads prisma/migrations/<name>/migration.sql folders in name order. */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Records applied migrations in Prisma's own `_prisma_migrations` table, so a
 * database migrated by the service is also up to date for `prisma migrate deploy`.
 */
class PrismaMigrationsStorage implements UmzugStorage<pg.ClientBase> {
  constructor(private readonly migrations: Map<string, Migration>) {}

  async executed({ context }: { context: pg.ClientBase }): Promise<string[]> {
    const { rows } = await context.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM _prisma_migrations
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
    );
    for (const row of rows) {
      const known = this.migrations.get(row.migration_name);
      if (known && known.checksum !== row.checksum) {
        throw new Error(`migration ${row.migration_name} was modified after it was applied (checksum differs)`);
      }
    }
    return rows.map((r) => r.migration_name);
  }

  /** Done by the migration itself, inside its transaction, so a crash cannot leave it applied but unrecorded. */
  async logMigration(): Promise<void> {}

  async unlogMigration({ name, context }: { name: string; context: pg.ClientBase }): Promise<void> {
    await context.query('DELETE FROM _prisma_migrations WHERE migration_name = $1', [name]);
  }
}

export interface MigrationLogger {
  info(obj: object, msg: string): void;
}

/**
 * Applies pending migrations, each in its own transaction, under an advisory
 * lock so that concurrent starts of the service apply each migration once.
 * Returns the names of the migrations applied by this call.
 */
export async function migrate(databaseUrl: string, logger?: MigrationLogger): Promise<string[]> {
  const migrations = await readMigrations();
  const byName = new Map(migrations.map((m) => [m.name, m]));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await client.query(`CREATE TABLE IF NOT EXISTS _prisma_migrations (
      id VARCHAR(36) PRIMARY KEY NOT NULL,
      checksum VARCHAR(64) NOT NULL,
      finished_at TIMESTAMPTZ,
      migration_name VARCHAR(255) NOT NULL,
      logs TEXT,
      rolled_back_at TIMESTAMPTZ,
      started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      applied_steps_count INTEGER NOT NULL DEFAULT 0)`);
    const umzug = new Umzug<pg.ClientBase>({
      context: client,
      storage: new PrismaMigrationsStorage(byName),
      logger: undefined,
      migrations: migrations.map((m) => ({
        name: m.name,
        up: async ({ context }) => {
          try {
            await inTransaction(context, async (c) => {
              await c.query(m.sql);
              await c.query(
                `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
                 VALUES ($1, $2, $3, now(), now(), 1)`,
                [randomUUID(), m.checksum, m.name],
              );
            });
          } catch (err) {
            throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
          }
        },
      })),
    });
    const applied = await umzug.up();
    const names = applied.map((a) => a.name);
    if (names.length > 0) logger?.info({ migrations: names }, 'applied migrations');
    return names;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}
