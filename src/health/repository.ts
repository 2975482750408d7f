import type { Db } from '../db/prisma.js';

export function healthRepository(db: Db) {
  return {
    async appliedMigrations(): Promise<Set<string>> {
      const rows = await db.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
      return new Set(rows.map((r) => r.migration_name));
    },
  };
}
