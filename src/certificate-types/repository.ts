import type { Db } from '../db/prisma.js';
import { Prisma } from '../generated/prisma/client.js';
import type { CertificateTypeRules } from '../domain/registration-record.js';
import type { StoredDefinition } from './schemas.js';

export interface CertificateTypeRow {
  id: string;
  definition: StoredDefinition;
  createdAt: Date;
  updatedAt: Date;
}

/** The registration rules of a stored type (what records of this type are checked against). */
export function rulesOf(id: string, d: StoredDefinition): CertificateTypeRules {
  return {
    id,
    kind: d.kind,
    ...(d.kind === 'national' ? { lawCode: d.lawCode } : {}),
    insurerNumbers: d.insurerNumbers,
    incomeSegmentCodes: d.incomeSegments.map((s) => s.code),
    segmentCodes: d.segments.map((s) => s.code),
    additionalConditionItems: new Map(d.additionalConditionItems.map((i) => [i.itemCode, i.conditionCodes])),
    checkDigitValidation: d.checkDigitValidation,
  };
}

/** PostgreSQL foreign_key_violation (23503), as Prisma reports it through the pg driver adapter. */
const isForeignKeyViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2003';

/** Prisma access to certificate_type (制度マスタ). */
export function certificateTypesRepository(db: Db) {
  const toRow = (r: { id: string; definition: unknown; createdAt: Date; updatedAt: Date }): CertificateTypeRow => ({
    id: r.id,
    definition: r.definition as StoredDefinition,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  });

  return {
    /** Creates or replaces a type in one statement; `created` tells which (so concurrent PUTs agree). */
    async upsert(municipalityCode: string, id: string, definition: StoredDefinition): Promise<{ row: CertificateTypeRow; created: boolean }> {
      const rows = await db.$queryRaw<{ id: string; definition: unknown; createdAt: Date; updatedAt: Date; created: boolean }[]>`
        INSERT INTO certificate_type (municipality_code, id, definition, created_at, updated_at)
        VALUES (${municipalityCode}, ${id}, ${JSON.stringify(definition)}::jsonb, now(), now())
        ON CONFLICT (municipality_code, id) DO UPDATE SET definition = EXCLUDED.definition, updated_at = now()
        RETURNING id, definition, created_at AS "createdAt", updated_at AS "updatedAt", (xmax = 0) AS created`;
      const r = rows[0];
      if (!r) throw new Error('certificate_type upsert returned no row');
      return { row: toRow(r), created: r.created };
    },

    async find(municipalityCode: string, id: string): Promise<CertificateTypeRow | null> {
      const r = await db.certificateType.findUnique({ where: { municipalityCode_id: { municipalityCode, id } } });
      return r ? toRow(r) : null;
    },

    /** Types of one municipality in id order, those with id > after. */
    async list(municipalityCode: string, f: { after?: string; limit: number }): Promise<CertificateTypeRow[]> {
      const rows = await db.certificateType.findMany({
        where: { municipalityCode, id: f.after !== undefined ? { gt: f.after } : undefined },
        orderBy: { id: 'asc' },
        take: f.limit,
      });
      return rows.map(toRow);
    },

    /** Deletes a type; recipient_certificate rows keep it alive (FK ON DELETE RESTRICT). */
    async delete(municipalityCode: string, id: string): Promise<'deleted' | 'not_found' | 'in_use'> {
      try {
        const { count } = await db.certificateType.deleteMany({ where: { municipalityCode, id } });
        return count > 0 ? 'deleted' : 'not_found';
      } catch (err) {
        if (isForeignKeyViolation(err)) return 'in_use';
        throw err;
      }
    },

    /** Every type of a municipality as registration rules, keyed by orgSpecificCertificateTypeId. */
    async loadRules(municipalityCode: string): Promise<Map<string, CertificateTypeRules>> {
      const rows = await db.certificateType.findMany({ where: { municipalityCode }, select: { id: true, definition: true } });
      return new Map(rows.map((r) => [r.id, rulesOf(r.id, r.definition as StoredDefinition)]));
    },
  };
}

export type CertificateTypesRepository = ReturnType<typeof certificateTypesRepository>;
