import { z } from 'zod';
import { maintenanceSchema } from '../faults/schemas.js';
import { sandboxClockSchema } from '../clock/schemas.js';

export const SESSION_ROLES = ['admin', 'municipality', 'institution'] as const;

export const sandboxSessionSchema = z
  .object({
    role: z
      .enum(SESSION_ROLES)
      .describe('The kind of the bearer token: the sandbox admin, a municipality (/municipal/v1) or a medical institution (/clinic/v1)'),
    actor: z.string().describe('How the request journal and faults name the caller, e.g. `municipality:130001`'),
    tenant: z
      .object({ code: z.string().describe('全国地方公共団体コード or 医療機関コード'), name: z.string() })
      .nullable()
      .describe('The municipality or institution the token acts for; null for the admin'),
    clock: sandboxClockSchema,
    maintenance: maintenanceSchema,
  })
  .meta({
    id: 'SandboxSession',
    description: 'Who the bearer token is, with the sandbox state every caller sees: its clock and the maintenance window',
    example: {
      role: 'institution',
      actor: 'institution:1310000017',
      tenant: { code: '1310000017', name: 'サンドボックス試験医院' },
      clock: { now: '2027-04-01T00:00:00.000Z', real: false, frozenAt: '2027-04-01T00:00:00.000Z', realNow: '2026-11-23T09:00:00.000Z' },
      maintenance: { window: null, active: false, retryAfterSeconds: null },
    },
  });

export type SandboxSession = z.infer<typeof sandboxSessionSchema>;
