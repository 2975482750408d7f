import { z } from 'zod';
import { instantInputSchema } from '../../http/schemas.js';

export const journalQuerySchema = z.object({
  actor: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('Only this caller (`municipality:131016`, `institution:…`, `anonymous`, `unknown`, `sandbox-admin`); `*` globs'),
  path: z.string().min(1).max(500).optional().describe('Only this path: exact, or a glob where `*` is any run of characters (`/municipal/v1/*`)'),
  since: instantInputSchema('Only requests that arrived at or after this instant (real time)').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Page size (1–1000, default 100)'),
  cursor: z.string().max(200).optional().describe('Opaque cursor from the previous page’s nextCursor'),
});

export const journalEntrySchema = z
  .object({
    id: z.string(),
    at: z.iso.datetime({ offset: true }).describe('When the request arrived (real time, not the sandbox clock)'),
    method: z.string(),
    path: z
      .string()
      .describe(
        'Path without the query string; digit runs of 10+ digits (個人番号, also hyphenated, full-width or percent-encoded) and percent-encoded non-ASCII text are masked',
      ),
    route: z.string().nullable().describe('Route template that handled the request; null when none matched (404)'),
    status: z.int(),
    actor: z.string().describe('`municipality:<code>`, `institution:<code>`, `sandbox-admin`, `anonymous` (no token) or `unknown` (a token nobody issued)'),
    durationMs: z.number().describe('Time to answer, in milliseconds'),
    problemCode: z.string().nullable().describe('`code` of the problem when the answer was an error'),
    requestId: z.string(),
  })
  .meta({
    id: 'SandboxRequestLogEntry',
    description: 'One request as the sandbox saw it; bodies, query strings and headers are never kept',
    example: {
      id: '42',
      at: '2026-11-23T09:00:00.000Z',
      method: 'POST',
      path: '/municipal/v1/registration-tasks',
      route: '/municipal/v1/registration-tasks',
      status: 503,
      actor: 'municipality:131016',
      durationMs: 1.7,
      problemCode: 'service_unavailable',
      requestId: 'f1b2c3d4-0000-4000-8000-000000000001',
    },
  });

export const journalPageSchema = z
  .object({
    items: z.array(journalEntrySchema),
    nextCursor: z.string().nullable().describe('Pass as `cursor` to get older entries; null on the last page'),
  })
  .meta({ id: 'SandboxRequestLogPage' });
