import { randomBytes, randomUUID } from 'node:crypto';
import { hashToken } from '../credentials/service.js';
import { checkMedicalInstitutionCode, medicalInstitutionKind, type MedicalInstitutionKind } from '../domain/numbers.js';
import { problem } from '../http/problem.js';
import type { InstitutionsRepository } from './repository.js';
import type { CreateMedicalInstitutionBody } from './schemas.js';

/** The medical institution a clinic API call acts for, resolved from its bearer token. */
export interface AuthenticatedInstitution {
  /** 医療機関コード */
  code: string;
  name: string;
  kind: MedicalInstitutionKind;
}

/**
 * Token lookups are cached for a few seconds: a clinic token is checked on every call (the
 * eligibility hot path, bench/eligibility.ts) and tokens are never revoked through the API;
 * a sandbox reset that removes institutions is seen within AUTH_CACHE_MS.
 */
const AUTH_CACHE_MS = 5_000;
const AUTH_CACHE_SIZE = 10_000;

export function institutionsService(repo: InstitutionsRepository, now: () => number = () => performance.now()) {
  const cache = new Map<string, { institution: AuthenticatedInstitution; until: number }>();
  return {
    /**
     * Creates (or renames) a sandbox institution and issues it a bearer token; only the
     * token's hash is stored, the token is shown once. The code must pass every
     * 医療機関コード rule and agree with `kind` (its 点数表 digit).
     */
    async createInstitution(body: CreateMedicalInstitutionBody) {
      const check = checkMedicalInstitutionCode(body.code);
      if (!check.valid) {
        const message = check.problems.map((p) => p.message).join('; ');
        throw problem('invalid_medical_institution_code', {
          detail: message,
          errors: [{ field: 'code', code: check.problems[0]?.code ?? 'invalid', message }],
        });
      }
      const codeKind = medicalInstitutionKind(body.code);
      if (codeKind !== body.kind) {
        const message = `the 点数表 digit ${body.code.charAt(2)} of the code means ${codeKind}, not ${body.kind}`;
        throw problem('institution_kind_mismatch', {
          detail: message,
          errors: [{ field: 'kind', code: 'institution_kind_mismatch', message }],
        });
      }
      const token = `pmh_ins_${randomBytes(24).toString('base64url')}`;
      const id = randomUUID();
      const { institution, createdAt } = await repo.upsertWithCredential({ code: body.code, name: body.name, kind: body.kind }, { id, tokenHash: hashToken(token) });
      return {
        id,
        token,
        institution: { code: institution.code, name: institution.name, kind: institution.kind as MedicalInstitutionKind },
        createdAt: createdAt.toISOString(),
      };
    },

    /** Drops cached token lookups: after a reset deleted credentials, their tokens must stop working at once. */
    forgetCachedTokens() {
      cache.clear();
    },

    /** Resolves an Authorization header to an institution, or throws 401. */
    async authenticate(authorization: string | undefined): Promise<AuthenticatedInstitution> {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (!token) {
        throw problem('unauthenticated', {
          detail: 'Send the institution token as `Authorization: Bearer <token>`',
          headers: { 'www-authenticate': 'Bearer realm="pmh-sandbox"' },
        });
      }
      const hash = hashToken(token);
      const cached = cache.get(hash);
      if (cached && cached.until > now()) return cached.institution;
      const row = await repo.findByTokenHash(hash);
      if (!row) {
        throw problem('invalid_token', {
          headers: { 'www-authenticate': 'Bearer realm="pmh-sandbox", error="invalid_token"' },
        });
      }
      const institution = { code: row.code, name: row.name, kind: row.kind as MedicalInstitutionKind };
      if (cache.size >= AUTH_CACHE_SIZE) cache.clear();
      cache.set(hash, { institution, until: now() + AUTH_CACHE_MS });
      return institution;
    },
  };
}

export type InstitutionsService = ReturnType<typeof institutionsService>;
