import { z } from 'zod';

export const RESET_EXTRAS = ['clock', 'faults', 'maintenance', 'requests'] as const;

const commaList = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .max(200)
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)));

export const resetQuerySchema = z.object({
  municipality: z
    .string()
    .regex(/^[0-9]{6}$/, 'must be 6 half-width digits')
    .optional()
    .describe('Reset only this municipality’s data (全国地方公共団体コード)'),
  institution: z
    .string()
    .regex(/^[0-9]{10}$/, 'must be 10 half-width digits')
    .optional()
    .describe('Reset only this medical institution’s data (医療機関コード)'),
  include: commaList(RESET_EXTRAS)
    .optional()
    .describe('Comma-separated sandbox state to reset too: `clock` (back to real time), `faults`, `maintenance`, `requests` (the journal)'),
  keep: commaList(['credentials'] as const)
    .optional()
    .describe('`credentials`: keep issued tokens working'),
});

export const resetResultSchema = z
  .object({
    scope: z.enum(['all', 'municipality', 'institution']),
    code: z.string().nullable().describe('The municipality or institution reset; null for all'),
    tables: z
      .array(z.object({ table: z.string(), rows: z.int().nullable().describe('Rows deleted; null when the table was truncated whole') }))
      .describe('Tenant tables emptied'),
    cleared: z.array(z.enum(RESET_EXTRAS)).describe('Sandbox state reset as asked by `include`'),
    durationMs: z.number(),
  })
  .meta({
    id: 'SandboxResetResult',
    example: {
      scope: 'municipality',
      code: '131016',
      tables: [
        { table: 'registration_task_result', rows: 1 },
        { table: 'registration_task_input', rows: 120 },
        { table: 'registration_task', rows: 1 },
        { table: 'recipient_certificate', rows: 118 },
        { table: 'certificate_type', rows: 1 },
        { table: 'municipal_credential', rows: 1 },
      ],
      cleared: [],
      durationMs: 12.4,
    },
  });
