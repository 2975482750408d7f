import { Readable } from 'node:stream';
import type { CardsService } from '../cards/service.js';
import type { Card } from '../cards/schemas.js';
import type { CertificateTypeDefinition } from '../certificate-types/schemas.js';
import type { CertificateTypesService } from '../certificate-types/service.js';
import type { CopaymentsService } from '../copayments/service.js';
import type { CopaymentLine, CopaymentLineInput, CopaymentRecord } from '../copayments/schemas.js';
import type { CredentialsService } from '../credentials/service.js';
import type { MedicalInstitutionKind } from '../domain/numbers.js';
import type { PmhRecord } from '../domain/pmh-record/index.js';
import type { EligibilityService } from '../eligibility/service.js';
import type { EligibilityCheck } from '../eligibility/schemas.js';
import { ProblemError } from '../http/problem.js';
import type { InstitutionsService } from '../institutions/service.js';
import type { RegistrationsService, TaskView } from '../registrations/service.js';

/**
 * Puts data into the sandbox the way integrators would, through the same services their API calls
 * reach: certificate types through the 制度マスタ rules, records through the registration task
 * pipeline (validateRecord, per-record results), institutions and cards through their services.
 * Used by the well-known test cards and by the scenarios; the copayment scenario's earlier visits go through the
 * eligibility check and the 上限額管理 ledger exactly as POST /clinic/v1/eligibility-checks and copayment-records.
 */
export function sandboxLoader(deps: {
  credentials: CredentialsService;
  certificateTypes: CertificateTypesService;
  registrations: RegistrationsService;
  institutions: InstitutionsService;
  cards: CardsService;
  eligibility: EligibilityService;
  copayments: CopaymentsService;
}) {
  async function municipality(code: string) {
    const lg = await deps.credentials.findMunicipality(code);
    if (!lg) throw new Error(`${code} is not a 地方公共団体 of the catalogue`);
    return lg;
  }

  return {
    municipality,

    /** A fixed municipal token (seed files): issued to `code` unless it already is. */
    ensureMunicipalToken: (code: string, token: string) => deps.credentials.ensureMunicipalToken(code, token),

    /** A new municipal token (PMH-style credential for the municipal API). */
    issueMunicipalToken: async (code: string) => (await deps.credentials.issueMunicipalCredential(code)).token,

    /** PUT /municipal/v1/certificate-types/{id} for `code`, with every 制度マスタ rule. */
    async putCertificateType(code: string, id: string, definition: CertificateTypeDefinition) {
      return deps.certificateTypes.put(await municipality(code), id, definition);
    },

    /**
     * A registration task of `code` (as POST /municipal/v1/registration-tasks would create it); with
     * `waitSeconds`, waits for it and throws if any record was rejected, since fixtures must be valid.
     */
    async register(
      code: string,
      records: PmhRecord[] | { ndjson: Iterable<string> },
      opts: { idempotencyKey?: string; waitSeconds?: number } = {},
    ): Promise<TaskView> {
      const body = Array.isArray(records)
        ? { format: 'json' as const, records: records as unknown[], bytes: Buffer.from(JSON.stringify(records)) }
        : { format: 'ndjson' as const, stream: Readable.from(records.ndjson, { objectMode: false }) };
      const { task } = await deps.registrations.createTask({
        municipalityCode: code,
        body,
        idempotencyKey: opts.idempotencyKey,
        mode: 'upsert',
        origin: 'sandbox',
      });
      if (opts.waitSeconds === undefined) return task;
      const done = await deps.registrations.waitForTask(code, task.id, opts.waitSeconds);
      if (done.status !== 'succeeded') {
        const rejected = await deps.registrations.listResults(code, task.id, { status: 'rejected', limit: 5 });
        throw new Error(`registration task ${task.id} of ${code} ended ${done.status}: ${JSON.stringify(rejected.items)} ${done.failureDetail ?? ''}`);
      }
      return done;
    },

    /** A sandbox institution with a new random token. */
    createInstitution: (code: string, name: string, kind: MedicalInstitutionKind) => deps.institutions.createInstitution({ code, name, kind }),

    /** The institution with this fixed (well-known, public) token; creates it when the token does not resolve. */
    ensureInstitutionWithToken: (inst: { code: string; name: string; kind: MedicalInstitutionKind }, token: string) =>
      deps.institutions.ensureWithToken(inst, token),

    /** A card with this serial (seed files, the well-known test cards); rewritten to the given state if it exists. */
    ensureCardWithSerial: (body: Parameters<CardsService['createCard']>[0], certificateSerialNumber: string) =>
      deps.cards.createCard(body, { certificateSerialNumber }),

    /** A card with a random serial (POST /sandbox/v1/cards). */
    createCard: (body: Parameters<CardsService['createCard']>[0]): Promise<Card> => deps.cards.createCard(body),

    /** POST /clinic/v1/eligibility-checks by `institutionCode`, with consent: the answer (subsidyRefs, copaymentLimit). */
    async check(institutionCode: string, certificateSerialNumber: string, serviceDate: string): Promise<EligibilityCheck> {
      const json = await deps.eligibility.check({ code: institutionCode }, { certificateSerialNumber, serviceDate, consent: { medicalSubsidy: true } });
      return JSON.parse(json) as EligibilityCheck;
    },

    /**
     * The line `visitId` of `institutionCode` as given: POST /clinic/v1/copayment-records, or PUT …/{visitId} when
     * the line exists with another body or was cancelled (the same body again changes nothing).
     */
    async putCopaymentLine(institutionCode: string, body: CopaymentLineInput & { subsidyRef: string; visitId: string }): Promise<CopaymentRecord> {
      try {
        return (await deps.copayments.record(institutionCode, body)).record;
      } catch (err) {
        if (!(err instanceof ProblemError && err.code === 'copayment_record_conflict')) throw err;
        const { visitId, ...correction } = body;
        return (await deps.copayments.correct(institutionCode, visitId, correction)).record;
      }
    },

    /** Every institution's current lines of a subsidyRef in a month. */
    copaymentLines: (subsidyRef: string, yearMonth: string): Promise<CopaymentLine[]> => deps.copayments.monthLines(subsidyRef, yearMonth),

    /** DELETE /clinic/v1/copayment-records/{visitId} by the institution that recorded the line. */
    cancelCopaymentLine: (institutionCode: string, visitId: string, subsidyRef: string) => deps.copayments.cancel(institutionCode, visitId, subsidyRef),
  };
}

export type SandboxLoader = ReturnType<typeof sandboxLoader>;
