import type { Db } from '../db/prisma.js';

export function credentialsRepository(db: Db) {
  return {
    create: (row: { id: string; municipalityCode: string; tokenHash: string }) => db.municipalCredential.create({ data: row }),

    /** The municipality a token hash belongs to, with its catalogue entry. */
    async findMunicipalityByTokenHash(tokenHash: string) {
      const cred = await db.municipalCredential.findUnique({ where: { tokenHash } });
      if (!cred || cred.revokedAt) return null;
      return db.localGovernment.findUnique({ where: { code: cred.municipalityCode } });
    },

    findLocalGovernment: (code: string) => db.localGovernment.findUnique({ where: { code } }),
  };
}

export type CredentialsRepository = ReturnType<typeof credentialsRepository>;
