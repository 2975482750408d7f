import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problemResponses } from '../../http/problem.js';
import { adminSecurity } from '../../http/auth.js';
import { resetQuerySchema, resetResultSchema } from './schemas.js';
import type { ResetService } from './service.js';

export const sandboxResetRoutes: FastifyPluginAsyncZod<{ service: ResetService }> = async (app, { service }) => {
  app.post(
    '/reset',
    {
      schema: {
        tags: ['sandbox'],
        security: adminSecurity,
        operationId: 'resetSandbox',
        summary: 'Empty tenant data (all, one municipality or one institution)',
        description:
          'Deletes tenant data — municipalities’ registration tasks (with inputs and results), registered 受給者証 rows, certificate ' +
          'types (制度マスタ) and credentials; medical institutions with their credentials and eligibility checks; simulated cards ' +
          '(full reset only) — and keeps the catalogue. Without a scope every tenant table is emptied in one transaction, in time ' +
          'independent of its size (big tables are swapped for identical empty ones and their files dropped after the answer); ' +
          '`municipality` or `institution` deletes only that tenant’s rows, set-based. Fast enough to call before every test.\n\n' +
          'The sandbox’s own state (clock, faults, maintenance window, request journal) is left alone unless named in `include`; ' +
          '`keep=credentials` keeps issued tokens (and the institutions they belong to) working. A registration task running on ' +
          'deleted data stops. ' +
          'Problem codes: `validation_failed` / `conflicting_reset_scope` (400), `unauthenticated` / `invalid_token` (401, no or ' +
          'wrong admin token), `reset_busy` (409, the tables stayed locked for 5 s).',
        querystring: resetQuerySchema,
        response: { 200: resetResultSchema, ...problemResponses(400, 401, 409) },
      },
    },
    async (req) => service.reset(req.query),
  );
};
