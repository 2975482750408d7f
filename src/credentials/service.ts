import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { LocalGovernmentKind } from '../catalogue/local-governments.js';
import { checkLocalGovCode } from '../domain/numbers.js';
import { problem } from '../http/problem.js';
import type { CredentialsRepository } from './repository.js';

/** The municipality an API call acts for, resolved from its bearer token. */
export interface AuthenticatedMunicipality {
  code: string;
  prefectureCode: string;
  name: string;
  kind: LocalGovernmentKind;
}

const recentHashes = new Map<string, string>();
const RECENT_HASHES = 1000;

/**
 * SHA-256 (hex) of a bearer token, as stored. A request hashes its token more than once (its caller
 * for faults and the journal, then its authentication), and a client sends the same token with every
 * request: the hashes of the last tokens seen are kept in memory, which holds the tokens anyway.
 */
export const hashToken = (token: string): string => {
  let hash = recentHashes.get(token);
  if (hash === undefined) {
    hash = createHash('sha256').update(token, 'utf8').digest('hex');
    if (recentHashes.size >= RECENT_HASHES) recentHashes.clear();
    recentHashes.set(token, hash);
  }
  return hash;
};

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

    /** Resolves an Authorization header to a municipality, or throws 401. */
    async authenticateMunicipality(authorization: string | undefined): Promise<AuthenticatedMunicipality> {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (!token) {
        throw problem('unauthenticated', {
          detail: 'Send the municipality token as `Authorization: Bearer <token>`',
          headers: { 'www-authenticate': 'Bearer realm="pmh-sandbox"' },
        });
      }
      const lg = await repo.findMunicipalityByTokenHash(hashToken(token));
      if (!lg) {
        throw problem('invalid_token', {
          headers: { 'www-authenticate': 'Bearer realm="pmh-sandbox", error="invalid_token"' },
        });
      }
      return { code: lg.code, prefectureCode: lg.prefectureCode, name: lg.name, kind: lg.kind as LocalGovernmentKind };
    },
  };
}

export type CredentialsService = ReturnType<typeof credentialsService>;
