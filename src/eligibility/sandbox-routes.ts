import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN_AUTH_PROBLEMS, describeProblems } from '../http/problem.js';
import { adminSecurity } from '../http/auth.js';
import { accessLogPageSchema, accessLogQuerySchema, checkIdParamsSchema, eligibilityExplanationSchema } from './schemas.js';
import type { EligibilityService } from './service.js';

const accessLogProblems = describeProblems(['validation_failed', 'invalid_cursor', ...ADMIN_AUTH_PROBLEMS]);
const explainProblems = describeProblems(['validation_failed', ...ADMIN_AUTH_PROBLEMS, 'eligibility_check_not_found']);

/** Sandbox: the eligibility access log and explanations. Mounted under /sandbox/v1. */
export const eligibilitySandboxRoutes: FastifyPluginAsyncZod<{ service: EligibilityService }> = async (app, { service }) => {
  app.get(
    '/eligibility-checks',
    {
      schema: {
        tags: ['sandbox'],
        security: adminSecurity,
        operationId: 'listEligibilityChecks',
        summary: 'Access log of eligibility checks',
        description:
          'Sandbox only. Every eligibility check answered, newest first: which institution asked, when, for which service date, ' +
          'and how many subsidies it returned — not their content. Filter by `institutionCode`; cursor-paginated. ' +
          accessLogProblems.text,
        querystring: accessLogQuerySchema,
        response: { 200: accessLogPageSchema, ...accessLogProblems.responses },
      },
    },
    async (req) => service.accessLog(req.query),
  );

  app.get(
    '/eligibility-checks/:checkId/explanation',
    {
      schema: {
        tags: ['sandbox'],
        security: adminSecurity,
        operationId: 'explainEligibilityCheck',
        summary: 'Why an eligibility check answered what it did',
        description:
          'Sandbox only — PMH never tells the clinic why `medicalSubsidies` is empty. The outcome (returned, no_consent, no_records, ' +
          'none_valid_on_service_date, all_not_disclosed) and every registered row of the card holder as the check saw it, ' +
          `with the decision on each; never the 個人番号. ${explainProblems.text}`,
        params: checkIdParamsSchema,
        response: { 200: eligibilityExplanationSchema, ...explainProblems.responses },
      },
    },
    async (req) => service.explain(req.params.checkId),
  );
};
