import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN_AUTH_PROBLEMS, describeProblems } from '../../http/problem.js';
import { adminSecurity } from '../../http/auth.js';
import { scenarioParamsSchema, scenarioResultSchema } from './schemas.js';
import { LOAD_WAIT_LIMIT, type ScenariosService } from './service.js';

/** Sandbox: named scenarios. Mounted under /sandbox/v1. */
const loadProblems = describeProblems([[['validation_failed'], 'unknown scenario name'], ...ADMIN_AUTH_PROBLEMS]);

export const sandboxScenarioRoutes: FastifyPluginAsyncZod<{ service: ScenariosService }> = async (app, { service }) => {
  app.post(
    '/scenarios/:name',
    {
      schema: {
        tags: ['sandbox'],
        security: adminSecurity,
        operationId: 'loadSandboxScenario',
        summary: 'Load a named scenario',
        description:
          'Sandbox only. Loads named test data through the same services the municipal and sandbox APIs use (certificate types through the 制度マスタ rules, ' +
          'records through registration tasks), and answers with the credentials, cards and what each card is meant to show. Validity is relative to the ' +
          'sandbox clock (today). Loading a scenario again re-registers the same records (`unchanged`) and issues new tokens and card serials. ' +
          'Its certificate types have ids of their own (`SCN…`: SCNNANBYO54, SCNSEISHIN21, SCNHITORIOYA81, SCNKODOMO88, SCNKOUKOUSEI89), so a ' +
          'municipality’s own types (NANBYO54, …) and their rows are never touched; its registration tasks are the municipality’s, and notify its ' +
          'webhook endpoints like any other.\n\n' +
          '- `pilot-municipalities`: 東京都 (130001) with 難病 54 and 精神通院 21, 八王子市 (132012) with its local programs 81 ひとり親, 88 乳幼児・義務教育就学児, ' +
          '89 高校生等; a municipal token each, an institution token, two cardholders per type.\n' +
          '- `edge-cases`: one card per case: no consent, expired record, future record, ends today, 不開示, not designated here, 常に償還払い, ' +
          'two municipalities at once, deleted history row, card expired, card revoked.\n' +
          '- `copayment-cases` (provisional, as the 上限額管理 and 窓口負担 APIs): copay.md’s worked examples, one card per case — cap reached ' +
          'mid-visit (9,000 of 10,000 already paid, 総額 20,000 → 1,000), a pharmacy after the cap (0), 52 inpatient with food (11,000), 自立支援 21 ' +
          'at 1割, a month rollover (the 1st of this month and the last day of the previous one), 大阪市-style ひとり親 (500 a day, 2 days, then 0; ' +
          '院外調剤 0) and 重度障がい (500 a day, 3,000 a month across institutions), a correction (PUT) that changes the accumulated amount. ' +
          '大阪府 (270008: SCNCOPAY54, SCNCOPAY52, SCNCOPAY21 with copaymentRules) and 大阪市 (271004: SCNOSAKAHITORI81, SCNOSAKAJUDO84 with rule rows); ' +
          'clinic A, hospital B and pharmacy P with their tokens (`institutions`, in that order). The earlier visits a case needs are recorded through ' +
          'the eligibility check and the ledger like any institution’s; each card’s `expected` says what a quote and a record give at which ' +
          'institution; the cards have the default PIN 1234 for POST /myportal/v1/medical-subsidies. Loading it again cancels the other lines of its certificates in this and the previous month and restores its own, so every ' +
          'case starts again (record with new visitIds).\n' +
          `- \`load:<count>\`: \`count\` generated 難病 records of 東京都 (deterministic generator, seed \`load:<count>\`), registered in tasks of up to 100000 records; ` +
          `up to ${LOAD_WAIT_LIMIT} records the answer waits for them (200), larger loads answer 202 with the task ids at once (poll GET /municipal/v1/registration-tasks/{id} with the token).\n\n` +
          loadProblems.text,
        params: scenarioParamsSchema,
        response: { 200: scenarioResultSchema, 202: scenarioResultSchema, ...loadProblems.responses },
      },
    },
    async (req, reply) => {
      const { result, finished } = await service.load(req.params.name);
      return reply.status(finished ? 200 : 202).send(result);
    },
  );
};
