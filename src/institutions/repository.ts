import type pg from 'pg';
import type { Db } from '../db/prisma.js';

export interface InstitutionRow {
  code: string;
  name: string;
  kind: string;
}

/** Data access of medical institutions and their credentials. */
export function institutionsRepository(db: Db, pool: pg.Pool) {
  return {
    /** Creates the institution, or replaces its name and kind, and adds a credential, in one transaction. */
    async upsertWithCredential(inst: InstitutionRow, cred: { id: string; tokenHash: string }) {
      const [row, credential] = await db.$transaction([
        db.medicalInstitution.upsert({
          where: { code: inst.code },
          create: inst,
          update: { name: inst.name, kind: inst.kind, updatedAt: new Date() },
        }),
        db.institutionCredential.create({ data: { id: cred.id, institutionCode: inst.code, tokenHash: cred.tokenHash } }),
      ]);
      return { institution: row, createdAt: credential.createdAt };
    },

    /**
     * The institution a token hash belongs to. On every clinic request, so a named
     * pg prepared statement rather than Prisma (see bench/eligibility.ts).
     */
    async findByTokenHash(tokenHash: string): Promise<InstitutionRow | null> {
      const { rows } = await pool.query<InstitutionRow>({
        name: 'institution_by_token_hash',
        text: `SELECT i.code, i.name, i.kind FROM institution_credential c JOIN medical_institution i ON i.code = c.institution_code
                WHERE c.token_hash = $1 AND c.revoked_at IS NULL`,
        values: [tokenHash],
      });
      return rows[0] ?? null;
    },
  };
}

export type InstitutionsRepository = ReturnType<typeof institutionsRepository>;
