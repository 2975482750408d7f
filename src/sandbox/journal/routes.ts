import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN_AUTH_PROBLEMS, DATED_VALIDATION, describeProblems, problem } from '../../http/problem.js';
import { adminSecurity } from '../../http/auth.js';
import type { RequestJournal } from './journal.js';
import { journalPageSchema, journalQuerySchema } from './schemas.js';

/** The request journal. Mounted in the sandbox scope (/sandbox/v1). */
const listProblems = describeProblems([DATED_VALIDATION, 'invalid_cursor', ...ADMIN_AUTH_PROBLEMS]);

export const sandboxJournalRoutes: FastifyPluginAsyncZod<{ journal: RequestJournal }> = async (app, { journal }) => {
  app.get(
    '/requests',
    {
      schema: {
        tags: ['sandbox'],
        security: adminSecurity,
        operationId: 'listSandboxRequests',
        summary: 'List recent requests (request journal)',
        description:
          'What the sandbox received, newest first, so an integrator can see what their system really sent: method, path, status, ' +
          'caller, duration and problem code. Bodies, query strings and headers are never kept, and digit runs of 10+ digits in a path ' +
          '(個人番号, also with separators, full-width or percent-encoded) and percent-encoded non-ASCII text (a name) are masked. The journal keeps the last SANDBOX_JOURNAL_SIZE requests (default 10000) in memory: it is emptied by a ' +
          'restart or by `POST /sandbox/v1/reset?include=requests`. Reads of this endpoint and of `/docs` and `/console` assets are not journaled. ' +
          `Filters combine. ${listProblems.text}`,
        querystring: journalQuerySchema,
        response: { 200: journalPageSchema, ...listProblems.responses },
      },
    },
    async (req) => {
      const { actor, path, since, limit, cursor } = req.query;
      let before: number | undefined;
      if (cursor !== undefined) {
        if (!/^[1-9][0-9]{0,15}$/.test(cursor)) {
          throw problem('invalid_cursor', {
            detail: 'The cursor is not one this endpoint gave',
            errors: [{ field: 'cursor', code: 'invalid_cursor', message: 'not a cursor of this list' }],
          });
        }
        before = Number(cursor);
      }
      const page = journal.list({ actor, path, since: since ? new Date(since) : undefined, limit, before });
      return {
        items: page.items.map((e) => ({ ...e, at: e.at.toISOString() })),
        nextCursor: page.more ? page.items[page.items.length - 1]!.id : null,
      };
    },
  );
};
