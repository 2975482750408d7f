import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN_AUTH_PROBLEMS, DATED_VALIDATION, describeProblems } from '../../http/problem.js';
import { adminSecurity } from '../../http/auth.js';
import { sandboxClockSchema, setSandboxClockSchema } from './schemas.js';
import type { SandboxClockService } from './service.js';

const tags = ['sandbox'];
const readProblems = describeProblems(ADMIN_AUTH_PROBLEMS);
const setProblems = describeProblems([DATED_VALIDATION, ...ADMIN_AUTH_PROBLEMS]);

export const CLOCK_SEMANTICS =
  'The sandbox clock is **frozen** once set, like Stripe test clocks: it stays at the set instant (it does not move forward) ' +
  'until it is set again or returned to real time with DELETE. Everything that defaults to "now" or "today" follows it — ' +
  'registration task timestamps, validity on the service date, the maintenance window and fault expiry. It is stored in the ' +
  'database, so it survives a restart. `POST /sandbox/v1/reset` leaves it alone unless `include=clock`.';

/** Sandbox test clock. Mounted in the sandbox scope (/sandbox/v1). */
export const sandboxClockRoutes: FastifyPluginAsyncZod<{ service: SandboxClockService }> = async (app, { service }) => {
  app.get(
    '/clock',
    {
      schema: {
        tags,
        security: adminSecurity,
        operationId: 'getSandboxClock',
        summary: 'Read the sandbox clock',
        description: `${CLOCK_SEMANTICS}\n\n${readProblems.text}`,
        response: { 200: sandboxClockSchema, ...readProblems.responses },
      },
    },
    async () => service.get(),
  );

  app.put(
    '/clock',
    {
      schema: {
        tags,
        security: adminSecurity,
        operationId: 'setSandboxClock',
        summary: 'Freeze the sandbox clock at an instant',
        description: `Sets the sandbox clock to \`now\` (past or future) and freezes it there.\n\n${CLOCK_SEMANTICS}\n\n${setProblems.text}`,
        body: setSandboxClockSchema,
        response: { 200: sandboxClockSchema, ...setProblems.responses },
      },
    },
    async (req) => service.set(new Date(req.body.now)),
  );

  app.delete(
    '/clock',
    {
      schema: {
        tags,
        security: adminSecurity,
        operationId: 'resetSandboxClock',
        summary: 'Return the sandbox clock to real time',
        description: `Unfreezes the clock: "now" is the real time again. Idempotent.\n\n${CLOCK_SEMANTICS}\n\n${readProblems.text}`,
        response: { 200: sandboxClockSchema, ...readProblems.responses },
      },
    },
    async () => service.reset(),
  );
};
