import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN_AUTH_PROBLEMS, describeProblems } from '../../http/problem.js';
import { adminSecurity } from '../../http/auth.js';
import { resetQuerySchema, resetResultSchema } from './schemas.js';
import type { ResetService } from './service.js';

const resetProblems = describeProblems([
  'validation_failed',
  'conflicting_reset_scope',
  ...ADMIN_AUTH_PROBLEMS,
  [['reset_busy'], 'the tables stayed locked for 5 s'],
]);

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
          `deleted data stops. ${resetProblems.text}`,
        querystring: resetQuerySchema,
        response: { 200: resetResultSchema, ...resetProblems.responses },
      },
    },
    async (req) => service.reset(req.query),
  );
};
