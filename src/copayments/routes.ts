import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { institutionSecurity, municipalSecurity } from '../http/auth.js';
import { AUTH_PROBLEMS, DATED_VALIDATION, describeProblems } from '../http/problem.js';
import {
  copaymentCorrectionRequestSchema,
  copaymentLedgerPageSchema,
  copaymentLedgerQuerySchema,
  copaymentRecordListQuerySchema,
  copaymentRecordPageSchema,
  copaymentRecordRequestSchema,
  copaymentRecordSchema,
  PROVISIONAL,
  visitParamsSchema,
  visitQuerySchema,
} from './schemas.js';
import type { CopaymentsService } from './service.js';

const TAG = 'copayment (provisional)';

const SUBSIDY_PROBLEMS = [
  [['subsidy_ref_not_found'], 'no consented eligibility check of this institution returned the subsidyRef'],
  [['subsidy_not_valid_on_service_date'], 'the certificate has no disclosed record valid on serviceDate'],
  [['institution_not_designated'], 'the record lists 指定医療機関 and this institution is not one'],
  [['copayment_cap_exceeded'], 'copaymentCharged is more than what is left of the month’s cap (detail says how much is left)'],
] as const;
const recordProblems = describeProblems([
  DATED_VALIDATION,
  ...AUTH_PROBLEMS,
  ...SUBSIDY_PROBLEMS,
  [['copayment_record_conflict'], 'the visitId was recorded under this subsidyRef with another body'],
]);
const correctProblems = describeProblems([
  DATED_VALIDATION,
  ...AUTH_PROBLEMS,
  [['copayment_record_not_found'], 'no line of this institution has this visitId and subsidyRef'],
  ...SUBSIDY_PROBLEMS,
]);
const visitProblems = describeProblems([
  'validation_failed',
  ...AUTH_PROBLEMS,
  [['copayment_record_not_found'], 'no line of this institution has this visitId (and subsidyRef)'],
  [['copayment_record_ambiguous'], 'the visitId has lines under several subsidyRefs and none was given'],
]);
const cancelProblems = describeProblems([
  'validation_failed',
  ...AUTH_PROBLEMS,
  [['copayment_record_not_found'], 'no line of this institution has this visitId (and subsidyRef)'],
  [['copayment_record_ambiguous'], 'the visitId has lines under several subsidyRefs and none was given'],
  [['subsidy_ref_not_found'], 'the subsidyRef is no longer known (a reset)'],
]);
const listProblems = describeProblems(['validation_failed', 'invalid_cursor', ...AUTH_PROBLEMS]);

const CAP_RULE =
  'The month is the calendar month of serviceDate; the cap (月額自己負担上限額: the record’s maxCopaymentAmount.monthly, else ' +
  'the certificate type’s incomeSegments[].monthlyCap) is summed over every institution, pharmacy and 訪問看護 included. ' +
  'A line that would take the accumulated amount above the cap is refused (409 copayment_cap_exceeded): two institutions ' +
  'recording at the same moment never both take the last of it. Lines are recorded even after the cap, with 0 charged and ' +
  'the 医療費総額 kept (高額かつ長期 needs it).';

/** Clinic API: the institution's visit lines. Mounted under /clinic/v1 behind the institution token hook. */
export const clinicCopaymentRoutes: FastifyPluginAsyncZod<{ service: CopaymentsService }> = async (app, { service }) => {
  app.post(
    '/copayment-records',
    {
      schema: {
        tags: [TAG],
        security: institutionSecurity,
        operationId: 'createCopaymentRecord',
        summary: 'Record one visit’s line of the 上限額管理票',
        description:
          `${PROVISIONAL} After charging the patient, the clinic (pharmacy, 訪問看護 station) records what it charged under a ` +
          'subsidy with a monthly cap: the subsidyRef of an eligibility answer to this institution, its own visitId, the date, ' +
          'the 医療費総額 and the 自己負担額 collected. Answers 201 with the line, its month’s accumulated amount after it and ' +
          'copaymentLimit; the same visitId and body again answer 200 with the same line (idempotent), another body 409. ' +
          `${CAP_RULE} ${recordProblems.text}`,
        body: copaymentRecordRequestSchema,
        response: { 200: copaymentRecordSchema, 201: copaymentRecordSchema, ...recordProblems.responses },
      },
    },
    async (req, reply) => {
      const { created, record } = await service.record(req.institution.code, req.body);
      return reply.status(created ? 201 : 200).send(record);
    },
  );

  app.put(
    '/copayment-records/:visitId',
    {
      schema: {
        tags: [TAG],
        security: institutionSecurity,
        operationId: 'correctCopaymentRecord',
        summary: 'Correct a line (a new version)',
        description:
          `${PROVISIONAL} Replaces the line of this visitId and subsidyRef by a new version (the history is kept: see ` +
          '`versions`); the month’s totals follow, also when the date moves the line to another month. The same body as the ' +
          `current version changes nothing. A cancelled line comes back with a correction. ${CAP_RULE} ${correctProblems.text}`,
        params: visitParamsSchema,
        body: copaymentCorrectionRequestSchema,
        response: { 200: copaymentRecordSchema, ...correctProblems.responses },
      },
    },
    async (req) => (await service.correct(req.institution.code, req.params.visitId, req.body)).record,
  );

  app.delete(
    '/copayment-records/:visitId',
    {
      schema: {
        tags: [TAG],
        security: institutionSecurity,
        operationId: 'cancelCopaymentRecord',
        summary: 'Cancel a line (a new, cancelled version)',
        description:
          `${PROVISIONAL} The line stops counting toward its month; the history is kept (a cancelled version is added; ` +
          `cancelling again changes nothing). Pass subsidyRef when the visit has lines under several. ${cancelProblems.text}`,
        params: visitParamsSchema,
        querystring: visitQuerySchema,
        response: { 200: copaymentRecordSchema, ...cancelProblems.responses },
      },
    },
    async (req) => service.cancel(req.institution.code, req.params.visitId, req.query.subsidyRef),
  );

  app.get(
    '/copayment-records/:visitId',
    {
      schema: {
        tags: [TAG],
        security: institutionSecurity,
        operationId: 'getCopaymentRecord',
        summary: 'Read a line with its versions',
        description: `${PROVISIONAL} The institution’s own line of this visitId, every version and its month’s copaymentLimit now. ${visitProblems.text}`,
        params: visitParamsSchema,
        querystring: visitQuerySchema,
        response: { 200: copaymentRecordSchema, ...visitProblems.responses },
      },
    },
    async (req) => service.find(req.institution.code, req.params.visitId, req.query.subsidyRef),
  );

  app.get(
    '/copayment-records',
    {
      schema: {
        tags: [TAG],
        security: institutionSecurity,
        operationId: 'listCopaymentRecords',
        summary: 'List the institution’s own lines',
        description:
          `${PROVISIONAL} The latest version of each line this institution recorded (cancelled ones included, marked), by ` +
          'service date; filter by subsidyRef and month. Other institutions’ lines are not listed: the month’s totals across ' +
          `institutions come back in every eligibility check (copaymentLimit). ${listProblems.text}`,
        querystring: copaymentRecordListQuerySchema,
        response: { 200: copaymentRecordPageSchema, ...listProblems.responses },
      },
    },
    async (req) => service.list(req.institution.code, req.query),
  );
};

const ledgerProblems = describeProblems(['validation_failed', 'invalid_cursor', ...AUTH_PROBLEMS]);

/** Municipal API: the ledger of the municipality's own recipients. Mounted under /municipal/v1. */
export const municipalCopaymentRoutes: FastifyPluginAsyncZod<{ service: CopaymentsService }> = async (app, { service }) => {
  app.get(
    '/copayment-ledgers',
    {
      schema: {
        tags: [TAG],
        security: municipalSecurity,
        operationId: 'listCopaymentLedgers',
        summary: 'The month’s 上限額管理 of the municipality’s recipients',
        description:
          `${PROVISIONAL} For each certificate this municipality registered with lines in the month: its numbers (公費負担者番号, ` +
          '受給者番号; never the 個人番号), the totals, the lines by institution code and date, and candidates for 高額かつ長期 ' +
          '(一般所得Ⅰ or above, 医療費総額 > 50,000 in ≥ 6 of the 12 months ending with the month) and 軽症高額 (> 33,330 in ≥ 3) ' +
          `for 難病 (54): flags only, the decision is the municipality’s. By subsidyRef. ${ledgerProblems.text}`,
        querystring: copaymentLedgerQuerySchema,
        response: { 200: copaymentLedgerPageSchema, ...ledgerProblems.responses },
      },
    },
    async (req) =>
      service.ledger(req.municipality.code, {
        yearMonth: req.query.yearMonth,
        recipientNumber: req.query.medicalSubsidyRecipientNumber,
        subsidyRef: req.query.subsidyRef,
        limit: req.query.limit,
        cursor: req.query.cursor,
      }),
  );
};
