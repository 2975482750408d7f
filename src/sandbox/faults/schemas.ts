import { z } from 'zod';
import { instantInputSchema } from '../../http/schemas.js';
import { HTTP_METHODS, MAX_LATENCY_MS, PROBLEM_CODE_PATTERN } from './match.js';

export const faultMatchSchema = z
  .object({
    method: z.enum(HTTP_METHODS).optional().describe('HTTP method; any when absent'),
    path: z
      .string()
      .min(1)
      .max(500)
      .regex(/^\//, 'must start with /')
      .optional()
      .describe(
        'Request path without the query string: exact, or a glob where `*` is any run of characters (`/` included), e.g. `/municipal/v1/*`. Any when absent',
      ),
    actor: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe(
        'Who calls: `municipality:<地方公共団体コード>`, `institution:<医療機関コード>`, `anonymous` (no bearer token) or `unknown` ' +
          '(a token nobody issued); `*` globs like in path (`municipality:*`). Any when absent',
      ),
  })
  .meta({ id: 'SandboxFaultMatch', description: 'Which requests a fault applies to; every given field must match' });

export const faultEffectSchema = z
  .object({
    status: z.int().min(400).max(599).optional().describe('HTTP status of the injected error (503 when only problemCode is given)'),
    problemCode: z
      .string()
      .regex(PROBLEM_CODE_PATTERN, 'lower-case letters, digits and _')
      .optional()
      .describe('`code` of the injected problem; by default one that fits the status (503 → service_unavailable)'),
    latencyMs: z.int().min(0).max(MAX_LATENCY_MS).optional().describe('Delay before answering; without a status the request then proceeds normally'),
  })
  .refine((e) => e.status !== undefined || e.problemCode !== undefined || e.latencyMs !== undefined, {
    message: 'give at least one of status, problemCode, latencyMs',
  })
  .meta({ id: 'SandboxFaultEffect', description: 'What happens to a matching request: a delay, an error, or both' });

export const createFaultSchema = z
  .object({
    match: faultMatchSchema.default({}),
    effect: faultEffectSchema,
    remaining: z.int().min(1).max(1_000_000).optional().describe('Apply to this many matching requests, then stop; unlimited when absent'),
    expiresAt: instantInputSchema('Stop applying at this instant of the sandbox clock').optional(),
  })
  .meta({
    id: 'CreateSandboxFault',
    example: {
      match: { method: 'POST', path: '/municipal/v1/registration-tasks', actor: 'municipality:131016' },
      effect: { status: 503, problemCode: 'pmh_busy' },
      remaining: 2,
    },
  });

export const faultSchema = z
  .object({
    id: z.uuid(),
    match: faultMatchSchema,
    effect: faultEffectSchema,
    remaining: z.int().nullable().describe('Applications left; null = unlimited'),
    hits: z.int().describe('Times the fault has been applied'),
    active: z.boolean().describe('False once remaining is 0 or expiresAt has passed (the fault stays listed until deleted)'),
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({
    id: 'SandboxFault',
    description: 'An injected fault',
    example: {
      id: '7d1f4c2a-3b5e-4f60-8a71-9c0d2e3f4a5b',
      match: { method: 'POST', path: '/municipal/v1/registration-tasks', actor: 'municipality:131016' },
      effect: { status: 503, problemCode: 'pmh_busy' },
      remaining: 1,
      hits: 1,
      active: true,
      expiresAt: null,
      createdAt: '2026-11-23T09:00:00.000Z',
    },
  });

export const faultListSchema = z.object({ items: z.array(faultSchema) }).meta({ id: 'SandboxFaultList' });

export const faultParamsSchema = z.object({ faultId: z.uuid().describe('id of the fault') });

export const setMaintenanceSchema = z
  .object({
    from: instantInputSchema('Start of the outage (sandbox clock); now when absent').optional(),
    until: instantInputSchema('End of the outage (sandbox clock); Retry-After counts down to it'),
    message: z.string().min(1).max(500).optional().describe('Shown as the problem `detail` during the outage'),
  })
  .meta({
    id: 'SetSandboxMaintenance',
    example: { from: '2026-11-23T12:00:00Z', until: '2026-11-23T13:00:00Z', message: '定期メンテナンスのため停止中です' },
  });

export const maintenanceSchema = z
  .object({
    window: z
      .object({ from: z.iso.datetime({ offset: true }).nullable(), until: z.iso.datetime({ offset: true }), message: z.string().nullable() })
      .nullable()
      .describe('The scheduled window; null when none'),
    active: z.boolean().describe('Whether PMH routes answer 503 right now (sandbox clock)'),
    retryAfterSeconds: z.int().nullable().describe('Retry-After sent while active'),
  })
  .meta({
    id: 'SandboxMaintenance',
    description: 'A scheduled PMH outage',
    example: {
      window: { from: '2026-11-23T12:00:00.000Z', until: '2026-11-23T13:00:00.000Z', message: '定期メンテナンスのため停止中です' },
      active: true,
      retryAfterSeconds: 1800,
    },
  });
