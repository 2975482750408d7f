import { randomBytes, randomUUID } from 'node:crypto';
import { checkMedicalInstitutionCode, medicalInstitutionKind, type MedicalInstitutionKind } from '../domain/numbers.js';
import { problem } from '../http/problem.js';
import { hashToken, principalKind, principalOf, type Principal } from '../http/identity.js';
import type { InstitutionsRepository } from './repository.js';
import type { CreateMedicalInstitutionBody } from './schemas.js';

/** The medical institution a clinic API call acts for, resolved from its bearer token. */
export interface AuthenticatedInstitution {
  /** 医療機関コード */
  code: string;
  name: string;
  kind: MedicalInstitutionKind;
}

/** A medical institution's token (POST /sandbox/v1/medical-institutions): the clinic API. */
export const INSTITUTION = principalKind<AuthenticatedInstitution>({
  name: 'institution',
  realm: 'pmh-sandbox',
  token: 'the institution token',
});

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every /clinic/v1 route (requirePrincipal with INSTITUTION). */
    institution: AuthenticatedInstitution;
  }
}

export function institutionsService(repo: InstitutionsRepository) {
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
      const { institution, createdAt } = await repo.upsertWithCredential(
        { code: body.code, name: body.name, kind: body.kind },
        { id, tokenHash: hashToken(token) },
      );
      return {
        id,
        token,
        institution: { code: institution.code, name: institution.name, kind: institution.kind as MedicalInstitutionKind },
        createdAt: createdAt.toISOString(),
      };
    },

    /** The institution with this fixed (well-known, public) token; creates it when the token does not resolve. */
    async ensureWithToken(inst: { code: string; name: string; kind: MedicalInstitutionKind }, token: string) {
      const hash = hashToken(token);
      if (await repo.findByTokenHash(hash)) return;
      if (!checkMedicalInstitutionCode(inst.code).valid) throw new Error(`${inst.code} is not a valid 医療機関コード`);
      await repo.upsertWithCredential(inst, { id: randomUUID(), tokenHash: hash });
    },

    /** The institution a token hash was issued to, as a principal; null when it is not an institution's token. */
    async principalOf(tokenHash: string): Promise<Principal<AuthenticatedInstitution> | null> {
      const row = await repo.findByTokenHash(tokenHash);
      if (!row) return null;
      return principalOf(INSTITUTION, `institution:${row.code}`, { code: row.code, name: row.name, kind: row.kind as MedicalInstitutionKind });
    },
  };
}

export type InstitutionsService = ReturnType<typeof institutionsService>;
