import { validatorCompiler, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { institutionSecurity } from '../http/auth.js';
import { AUTH_PROBLEMS, DATED_VALIDATION, describeProblems, problemCodesList, type ProblemDeclaration } from '../http/problem.js';
import {
  checkIdParamsSchema,
  clinicCheckListQuerySchema,
  clinicCheckPageSchema,
  eligibilityBatchEnvelopeSchema,
  eligibilityBatchRequestSchema,
  eligibilityBatchResponseSchema,
  eligibilityCheckRequestSchema,
  eligibilityCheckSchema,
  SUBSIDY_ORDER_RULE,
} from './schemas.js';
import type { EligibilityService } from './service.js';

const EMPTY_RULE =
  '`medicalSubsidies` is `[]`, in a response of the same shape, when the patient declined, when no record is valid on the ' +
  'service date, when every valid record is 不開示, and when no municipality registered anything: the clinic cannot tell ' +
  'which (the sandbox can: `GET /sandbox/v1/eligibility-checks/{checkId}/explanation`).';

const CARD_PROBLEMS: readonly ProblemDeclaration[] = [
  [
    ['unknown_certificate_serial', 'certificate_expired', 'certificate_revoked'],
    'no card with that serial; the card’s 電子証明書 is expired — by status or past certificateExpiresOn — or revoked',
  ],
];
const checkProblems = describeProblems([DATED_VALIDATION, ...AUTH_PROBLEMS, ...CARD_PROBLEMS]);
/** A bad item is answered in its place (200): only the envelope and the token fail the whole request. */
const batchItemProblems = problemCodesList([DATED_VALIDATION, ...CARD_PROBLEMS]);
const batchProblems = describeProblems([[['validation_failed'], 'not an object with 1–1000 `items`'], ...AUTH_PROBLEMS], 'Problem codes of the whole request');
const listProblems = describeProblems(['validation_failed', 'invalid_cursor', ...AUTH_PROBLEMS]);
const findProblems = describeProblems(['validation_failed', ...AUTH_PROBLEMS, [['eligibility_check_not_found'], 'no such check by this institution']]);

/**
 * Answers are sent as the JSON text the service built and stored, not re-serialised: a stored
 * check read again is the same bytes, and the hot path serialises once. Their shape is the
 * documented schema's (the tests validate every answer against openapi.json).
 */
const sendJsonText = (reply: FastifyReply, json: string) => reply.type('application/json; charset=utf-8').send(json);

/** Clinic API: オンライン資格確認 of medical subsidies. Mounted under /clinic/v1 behind the institution token hook. */
export const clinicEligibilityRoutes: FastifyPluginAsyncZod<{ service: EligibilityService }> = async (app, { service }) => {
  app.post(
    '/eligibility-checks',
    {
      schema: {
        tags: ['eligibility'],
        security: institutionSecurity,
        operationId: 'createEligibilityCheck',
        summary: 'Check a patient’s medical subsidies for a date of service',
        description:
          'What the clinic system does after the card reader: sends the card’s 電子証明書 serial number, the date of service ' +
          '(default: today, JST, by the sandbox clock) and the patient’s consent, and receives the patient as printed on the ' +
          'card and every subsidy record valid on that date (validFrom ≤ serviceDate ≤ validTo), exactly as the municipalities ' +
          `registered them, never with the 個人番号. Order: ${SUBSIDY_ORDER_RULE}. ${EMPTY_RULE} Past dates are answered ` +
          'from the registered history; every check is stored (`GET /clinic/v1/eligibility-checks/{checkId}`) and written ' +
          `to the access log. ${checkProblems.text}`,
        body: eligibilityCheckRequestSchema,
        response: { 200: eligibilityCheckSchema, ...checkProblems.responses },
      },
    },
    async (req, reply) => sendJsonText(reply, await service.check(req.institution, req.body)),
  );

  app.post(
    '/eligibility-checks/batch',
    {
      schema: {
        tags: ['eligibility'],
        security: institutionSecurity,
        operationId: 'createEligibilityCheckBatch',
        summary: 'Check up to 1,000 patients at once',
        description:
          'For pharmacies and home-care providers re-checking their patients: each item is checked exactly as ' +
          '`POST /clinic/v1/eligibility-checks` would (and stored and logged as its own check), and answered in request order ' +
          'with its status and either its result or its problem; one bad item never fails the others. ' +
          `Item problem codes: ${batchItemProblems}. ${batchProblems.text}`,
        body: eligibilityBatchRequestSchema,
        response: { 200: eligibilityBatchResponseSchema, ...batchProblems.responses },
      },
      // The documented body is strict per item; only the envelope is checked up front so a bad item fails alone.
      validatorCompiler: (route) =>
        validatorCompiler({ ...route, schema: route.httpPart === 'body' ? eligibilityBatchEnvelopeSchema : (route.schema as unknown as z.ZodType) }),
    },
    async (req, reply) => sendJsonText(reply, await service.checkBatch(req.institution, req.body.items as unknown[], req.url.split('?')[0]!)),
  );

  app.get(
    '/eligibility-checks',
    {
      schema: {
        tags: ['eligibility'],
        security: institutionSecurity,
        operationId: 'listOwnEligibilityChecks',
        summary: 'This institution’s recent checks',
        description:
          'The checks this institution made, newest first: when, for which service date, the consent it sent, the patient as the ' +
          'card says and how many subsidies came back — never the 個人番号, nor any other institution’s checks. Read one whole answer ' +
          `with \`GET /clinic/v1/eligibility-checks/{checkId}\`. Cursor-paginated. ${listProblems.text}`,
        querystring: clinicCheckListQuerySchema,
        response: { 200: clinicCheckPageSchema, ...listProblems.responses },
      },
    },
    async (req) => service.recentChecks(req.institution, req.query),
  );

  app.get(
    '/eligibility-checks/:checkId',
    {
      schema: {
        tags: ['eligibility'],
        security: institutionSecurity,
        operationId: 'getEligibilityCheck',
        summary: 'Read an earlier check’s answer',
        description:
          'The answer of an earlier check by this institution, exactly as it was returned: records changed or deleted since do ' +
          `not change it (a new check sees the current registrations). ${findProblems.text}`,
        params: checkIdParamsSchema,
        response: { 200: eligibilityCheckSchema, ...findProblems.responses },
      },
    },
    async (req, reply) => sendJsonText(reply, await service.findCheck(req.institution, req.params.checkId)),
  );
};
