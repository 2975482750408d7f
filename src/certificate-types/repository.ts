import type { Db } from '../db/prisma.js';
import type { CertificateTypeRules } from '../domain/pmh-record/index.js';
import type { StoredDefinition } from './schemas.js';

export interface CertificateTypeRow {
  id: string;
  /** The definition with its copaymentRules (a column of its own) put back in, when the type has them. */
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

/** Prisma access to certificate_type (制度マスタ). */
export function certificateTypesRepository(db: Db) {
  type Raw = { id: string; definition: unknown; copaymentRules: unknown; createdAt: Date; updatedAt: Date };
  const toRow = (r: Raw): CertificateTypeRow => ({
    id: r.id,
    definition: (r.copaymentRules == null ? r.definition : { ...(r.definition as object), copaymentRules: r.copaymentRules }) as StoredDefinition,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  });

  return {
    /** Creates or replaces a type in one statement; `created` tells which (so concurrent PUTs agree). */
    async upsert(municipalityCode: string, id: string, stored: StoredDefinition): Promise<{ row: CertificateTypeRow; created: boolean }> {
      const { copaymentRules, ...definition } = stored;
      const rules = copaymentRules === undefined ? null : JSON.stringify(copaymentRules);
      const rows = await db.$queryRaw<(Raw & { created: boolean })[]>`
        INSERT INTO certificate_type (municipality_code, id, definition, copayment_rules, created_at, updated_at)
        VALUES (${municipalityCode}, ${id}, ${JSON.stringify(definition)}::jsonb, ${rules}::jsonb, now(), now())
        ON CONFLICT (municipality_code, id) DO UPDATE SET definition = EXCLUDED.definition, copayment_rules = EXCLUDED.copayment_rules, updated_at = now()
        RETURNING id, definition, copayment_rules AS "copaymentRules", created_at AS "createdAt", updated_at AS "updatedAt", (xmax = 0) AS created`;
      const r = rows[0];
      if (!r) throw new Error('certificate_type upsert returned no row');
      return { row: toRow(r), created: r.created };
    },

    async find(municipalityCode: string, id: string): Promise<CertificateTypeRow | null> {
      const r = await db.certificateType.findUnique({ where: { municipalityCode_id: { municipalityCode, id } } });
      return r ? toRow(r) : null;
    },

    /** Types of one municipality in id order, those with id > after, without those of `exceptIds`. */
    async list(municipalityCode: string, f: { after?: string; limit: number; exceptIds?: string[] }): Promise<CertificateTypeRow[]> {
      const rows = await db.certificateType.findMany({
        where: { municipalityCode, id: { gt: f.after, notIn: f.exceptIds?.length ? f.exceptIds : undefined } },
        orderBy: { id: 'asc' },
        take: f.limit,
      });
      return rows.map(toRow);
    },

    /**
     * Deletes a type unless registered rows use it. Its row is locked first (FOR UPDATE waits for every
     * registration chunk holding it FOR KEY SHARE, and makes the next ones wait), then the rows are looked
     * for in a statement of their own, which sees what those chunks committed: a foreign key's ON DELETE
     * RESTRICT, with the lock taken once per chunk instead of a check per row (see the migration
     * 20261201000000_recipient_type_lock_per_chunk).
     */
    delete(municipalityCode: string, id: string): Promise<'deleted' | 'not_found' | 'in_use'> {
      return db.$transaction(async (tx) => {
        const locked = await tx.$queryRaw<unknown[]>`
          SELECT 1 FROM certificate_type WHERE municipality_code = ${municipalityCode} AND id = ${id} FOR UPDATE`;
        if (locked.length === 0) return 'not_found';
        const used = await tx.$queryRaw<unknown[]>`
          SELECT 1 FROM recipient_certificate WHERE municipality_code = ${municipalityCode} AND certificate_type_id = ${id} LIMIT 1`;
        if (used.length > 0) return 'in_use';
        await tx.$executeRaw`DELETE FROM certificate_type WHERE municipality_code = ${municipalityCode} AND id = ${id}`;
        return 'deleted';
      });
    },

    /** Every type of a municipality as registration rules, keyed by orgSpecificCertificateTypeId. */
    async loadRules(municipalityCode: string): Promise<Map<string, CertificateTypeRules>> {
      const rows = await db.certificateType.findMany({ where: { municipalityCode }, select: { id: true, definition: true } });
      return new Map(rows.map((r) => [r.id, rulesOf(r.id, r.definition as StoredDefinition)]));
    },
  };
}

export type CertificateTypesRepository = ReturnType<typeof certificateTypesRepository>;
