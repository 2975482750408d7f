import { randomBytes, randomUUID } from 'node:crypto';
import type { LocalGovernmentKind } from '../catalogue/local-governments.js';
import { checkLocalGovCode } from '../domain/numbers.js';
import { problem } from '../http/problem.js';
import { hashToken, principalKind, principalOf, type Principal } from '../http/identity.js';
import type { CredentialsRepository } from './repository.js';

/** The municipality an API call acts for, resolved from its bearer token. */
export interface AuthenticatedMunicipality {
  code: string;
  prefectureCode: string;
  name: string;
  kind: LocalGovernmentKind;
}

/** A municipality's token (POST /sandbox/v1/municipalities/{lgCode}/credentials): the municipal API. */
export const MUNICIPALITY = principalKind<AuthenticatedMunicipality>({
  name: 'municipality',
  realm: 'pmh-sandbox',
  token: 'the municipality token',
});

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every /municipal/v1 route (requirePrincipal with MUNICIPALITY). */
    municipality: AuthenticatedMunicipality;
  }
}

export function credentialsService(repo: CredentialsRepository) {
  return {
    /** Issues a new bearer token for a municipality; only its hash is stored, the token is shown once. */
    async issueMunicipalCredential(lgCode: string) {
      const check = checkLocalGovCode(lgCode);
      if (!check.valid) {
        throw problem('invalid_local_gov_code', {
          detail: check.problems.map((p) => p.message).join('; '),
          errors: [{ field: 'lgCode', code: check.problems[0]?.code ?? 'invalid', message: check.problems.map((p) => p.message).join('; ') }],
        });
      }
      const lg = await repo.findLocalGovernment(lgCode);
      if (!lg) throw problem('municipality_not_found', { detail: `${lgCode} is not in the catalogue` });
      const token = `pmh_mun_${randomBytes(24).toString('base64url')}`;
      const id = randomUUID();
      const row = await repo.create({ id, municipalityCode: lgCode, tokenHash: hashToken(token) });
      return {
        id,
        token,
        municipality: { code: lg.code, name: lg.name, kind: lg.kind as LocalGovernmentKind, prefectureCode: lg.prefectureCode },
        createdAt: row.createdAt.toISOString(),
      };
    },

    /** A fixed municipal token (a seed file's): issued to `lgCode` unless it already resolves to it. */
    async ensureMunicipalToken(lgCode: string, token: string) {
      const hash = hashToken(token);
      const holder = await repo.findMunicipalityByTokenHash(hash);
      if (holder?.code === lgCode) return;
      if (holder) throw new Error(`the token is already issued to municipality ${holder.code}`);
      await repo.create({ id: randomUUID(), municipalityCode: lgCode, tokenHash: hash });
    },

    /** A 地方公共団体 of the catalogue, as a municipal API caller would be; null when not in the catalogue. */
    async findMunicipality(code: string): Promise<AuthenticatedMunicipality | null> {
      const lg = await repo.findLocalGovernment(code);
      return lg ? { code: lg.code, name: lg.name, kind: lg.kind as LocalGovernmentKind, prefectureCode: lg.prefectureCode } : null;
    },

    /** The municipality a token hash was issued to, as a principal; null when it is not a municipality's token. */
    async principalOf(tokenHash: string): Promise<Principal<AuthenticatedMunicipality> | null> {
      const lg = await repo.findMunicipalityByTokenHash(tokenHash);
      if (!lg) return null;
      const subject = { code: lg.code, prefectureCode: lg.prefectureCode, name: lg.name, kind: lg.kind as LocalGovernmentKind };
      return principalOf(MUNICIPALITY, `municipality:${lg.code}`, subject);
    },
  };
}

export type CredentialsService = ReturnType<typeof credentialsService>;
