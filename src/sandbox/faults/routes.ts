import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ADMIN_AUTH_PROBLEMS, DATED_VALIDATION, describeProblems } from '../../http/problem.js';
import { adminSecurity } from '../../http/auth.js';
import { createFaultSchema, faultListSchema, faultParamsSchema, faultSchema, maintenanceSchema, setMaintenanceSchema } from './schemas.js';
import type { FaultsService } from './service.js';

const tags = ['sandbox'];
const adminOnly = describeProblems(ADMIN_AUTH_PROBLEMS);
const createProblems = describeProblems([DATED_VALIDATION, ...ADMIN_AUTH_PROBLEMS, 'expires_in_past', [['too_many_faults'], 'at most 1000 faults']]);
const deleteProblems = describeProblems(['validation_failed', ...ADMIN_AUTH_PROBLEMS, 'fault_not_found']);
const setMaintenanceProblems = describeProblems([
  DATED_VALIDATION,
  ...ADMIN_AUTH_PROBLEMS,
  [['invalid_maintenance_window'], 'from not before until'],
  [['maintenance_window_in_past'], 'until not after now'],
]);

export const FAULT_SEMANTICS = `Faults apply to every route except \`/sandbox/v1/...\`, \`/health\`, \`/ready\` and \`/docs\`, before the route's own
authentication. A matching request gets \`effect.latencyMs\` of delay, then (with a \`status\`) an \`application/problem+json\` error
with the fault's \`problemCode\` and \`injected: { by: "fault", faultId }\` — the request is not processed. When several faults match,
the oldest active one applies. \`remaining\` is decremented atomically in the database, so n concurrent requests never use a fault more
than n times; faults survive a restart and stay listed (inactive) when used up or expired, until deleted.

Per-request form, without creating a fault: \`Prefer: sandbox-fault=503\` (any status 400–599), optionally with
\`sandbox-problem=<code>\` and \`sandbox-latency=<ms>\` (0–30000; alone it only delays), e.g.
\`Prefer: sandbox-fault=503, sandbox-problem=pmh_busy\`. The response then carries \`Preference-Applied\`; a malformed sandbox
preference is refused with 400 \`invalid_prefer_header\`.`;

/** Fault injection and the maintenance window. Mounted in the sandbox scope (/sandbox/v1). */
export const sandboxFaultRoutes: FastifyPluginAsyncZod<{ service: FaultsService }> = async (app, { service }) => {
  app.post(
    '/faults',
    {
      schema: {
        tags,
        security: adminSecurity,
        operationId: 'createSandboxFault',
        summary: 'Inject a fault',
        description: `Makes matching requests fail or slow down.\n\n${FAULT_SEMANTICS}\n\n${createProblems.text}`,
        body: createFaultSchema,
        response: { 201: faultSchema, ...createProblems.responses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.create(req.body)),
  );

  app.get(
    '/faults',
    {
      schema: {
        tags,
        security: adminSecurity,
        operationId: 'listSandboxFaults',
        summary: 'List injected faults',
        description: `Every fault, oldest first, with how often it has been applied (\`hits\`) and what is left.\n\n${adminOnly.text}`,
        response: { 200: faultListSchema, ...adminOnly.responses },
      },
    },
    async () => service.list(),
  );

  app.delete(
    '/faults/:faultId',
    {
      schema: {
        tags,
        security: adminSecurity,
        operationId: 'deleteSandboxFault',
        summary: 'Remove a fault',
        description: `Stops injecting this fault.\n\n${deleteProblems.text}`,
        params: faultParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...deleteProblems.responses },
      },
    },
    async (req, reply) => {
      await service.remove(req.params.faultId);
      return reply.status(204).send(null);
    },
  );

  const MAINTENANCE = `While the window is open (sandbox clock: \`from\` ≤ now < \`until\`), every PMH-mirroring route (\`/municipal/v1/...\`,
\`/clinic/v1/...\`) answers 503 \`pmh_maintenance\` with \`Retry-After\` (seconds until \`until\`) and \`injected: { by: "maintenance" }\`,
like a scheduled PMH outage; the catalogue, health and sandbox routes keep working. One window at a time; it survives a restart.`;

  app.get(
    '/maintenance',
    {
      schema: {
        tags,
        security: adminSecurity,
        operationId: 'getSandboxMaintenance',
        summary: 'Read the maintenance window',
        description: `${MAINTENANCE}\n\n${adminOnly.text}`,
        response: { 200: maintenanceSchema, ...adminOnly.responses },
      },
    },
    async () => service.getMaintenance(),
  );

  app.put(
    '/maintenance',
    {
      schema: {
        tags,
        security: adminSecurity,
        operationId: 'setSandboxMaintenance',
        summary: 'Schedule a PMH maintenance window',
        description: `Replaces the window.\n\n${MAINTENANCE}\n\n${setMaintenanceProblems.text}`,
        body: setMaintenanceSchema,
        response: { 200: maintenanceSchema, ...setMaintenanceProblems.responses },
      },
    },
    async (req) => service.setMaintenance(req.body),
  );

  app.delete(
    '/maintenance',
    {
      schema: {
        tags,
        security: adminSecurity,
        operationId: 'clearSandboxMaintenance',
        summary: 'Cancel the maintenance window',
        description: `Ends or cancels the window; PMH routes answer normally again. Idempotent.\n\n${adminOnly.text}`,
        response: { 200: maintenanceSchema, ...adminOnly.responses },
      },
    },
    async () => service.clearMaintenance(),
  );
};
