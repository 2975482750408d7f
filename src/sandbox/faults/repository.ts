import type { Db } from '../../db/prisma.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Fault, FaultEffect, FaultMatch } from './match.js';

type Row = { id: string; match: unknown; effect: unknown; remaining: number | null; hits: number; expiresAt: Date | null; createdAt: Date };
const toFault = (r: Row): Fault => ({ ...r, match: r.match as FaultMatch, effect: r.effect as FaultEffect });

export function faultsRepository(db: Db) {
  return {
    async list(): Promise<Fault[]> {
      return (await db.sandboxFault.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).map(toFault);
    },
    async create(f: Omit<Fault, 'hits' | 'createdAt'>): Promise<Fault> {
      return toFault(
        await db.sandboxFault.create({
          data: {
            id: f.id,
            match: f.match as Prisma.InputJsonValue,
            effect: f.effect as Prisma.InputJsonValue,
            remaining: f.remaining,
            expiresAt: f.expiresAt,
          },
        }),
      );
    },
    async delete(id: string): Promise<boolean> {
      return (await db.sandboxFault.deleteMany({ where: { id } })).count > 0;
    },
    async deleteAll() {
      await db.sandboxFault.deleteMany({});
    },
    /**
     * Applies the fault once if it still may be: one atomic UPDATE decrements `remaining` only while it is
     * above zero, so concurrent requests never apply a fault more often than asked. Null when it may not.
     */
    async take(id: string, now: Date): Promise<Fault | null> {
      const rows = await db.$queryRaw<Row[]>`
        UPDATE sandbox_fault
           SET remaining = CASE WHEN remaining IS NULL THEN NULL ELSE remaining - 1 END, hits = hits + 1
         WHERE id = ${id}::uuid AND (remaining IS NULL OR remaining > 0) AND (expires_at IS NULL OR expires_at > ${now})
     RETURNING id, match, effect, remaining, hits, expires_at AS "expiresAt", created_at AS "createdAt"`;
      return rows[0] ? toFault(rows[0]) : null;
    },
  };
}

export type FaultsRepository = ReturnType<typeof faultsRepository>;
