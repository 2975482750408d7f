import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { adminSecurity, ADMIN, institutionSecurity, municipalSecurity } from '../../http/auth.js';
import { describeProblems, problem } from '../../http/problem.js';
import type { SandboxClockService } from '../clock/service.js';
import type { FaultsService } from '../faults/service.js';
import { sandboxSessionSchema, type SandboxSession } from './schemas.js';

const sessionProblems = describeProblems([[['unauthenticated', 'invalid_token'], 'no token, or one nobody issued']]);

const ROLES: Record<string, SandboxSession['role']> = { [ADMIN.name]: 'admin', municipality: 'municipality', institution: 'institution' };

/**
 * GET /sandbox/v1/session: the one sandbox route any valid token may call (the console's sign-in and its
 * header: role, tenant, clock, maintenance). Registered beside, not inside, the admin scope.
 */
export const sandboxSessionRoutes: FastifyPluginAsyncZod<{ clock: SandboxClockService; faults: FaultsService }> = async (app, { clock, faults }) => {
  app.get(
    '/session',
    {
      schema: {
        tags: ['sandbox'],
        security: [...adminSecurity, ...municipalSecurity, ...institutionSecurity],
        operationId: 'getSandboxSession',
        summary: 'Who this token is, and the sandbox clock and maintenance window',
        description:
          'Any valid token — the admin’s, a municipality’s or an institution’s — may call it: the token’s role and tenant, the sandbox ' +
          'clock (what "today" is for every API) and the maintenance window, so a client can show them without the admin token. ' +
          `Faults and the maintenance window never apply to it. ${sessionProblems.text}`,
        response: { 200: sandboxSessionSchema, ...sessionProblems.responses },
      },
    },
    async (req) => {
      const { principal } = req;
      const role = ROLES[principal.kind];
      if (!role) {
        if (req.identityError) throw req.identityError as Error;
        throw principal.kind === 'anonymous'
          ? problem('unauthenticated', { detail: 'Send a sandbox token as `Authorization: Bearer <token>`' })
          : problem('invalid_token', { detail: 'Not a token of this sandbox (admin, municipality or institution)' });
      }
      const subject = principal.subject as { code?: unknown; name?: unknown } | null;
      const tenant = subject && typeof subject.code === 'string' && typeof subject.name === 'string' ? { code: subject.code, name: subject.name } : null;
      return { role, actor: principal.actor, tenant, clock: clock.get(), maintenance: await faults.getMaintenance() };
    },
  );
};
