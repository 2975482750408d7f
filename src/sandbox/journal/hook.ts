import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '../../http/problem.js';
import { maskPath } from '../../domain/personal-text.js';
import type { RequestJournal } from './journal.js';

/** Not journaled: the journal's own reads and the Swagger UI and console assets. */
const NOT_JOURNALED = (path: string) =>
  path === '/sandbox/v1/requests' || path === '/docs' || path.startsWith('/docs/') || path === '/console' || path.startsWith('/console/');

/** Who a request acted for: its principal (http/identity.ts); a request refused before its hooks ran has none. */
const actorOf = (app: FastifyInstance, request: FastifyRequest) =>
  request.principal?.actor ?? app.identity.peek(request.headers.authorization)?.actor ?? 'unknown';

/**
 * App-level hooks writing every answered request to the journal, with the problem code of errors and
 * the caller as http/identity.ts resolved it. Install before the feature plugins so that their routes
 * inherit them. Callback hooks, not async ones: they run on every request.
 */
export function installRequestJournal(app: FastifyInstance, journal: RequestJournal) {
  if (journal.capacity === 0) return;
  const problemCodes = new WeakMap<FastifyRequest, string>();
  app.addHook('onSend', (request, reply, payload, done) => {
    if (typeof payload === 'string' && String(reply.getHeader('content-type') ?? '').startsWith(PROBLEM_CONTENT_TYPE)) {
      try {
        const code = (JSON.parse(payload) as { code?: unknown }).code;
        if (typeof code === 'string') problemCodes.set(request, code);
      } catch {
        /* not our problem body */
      }
    }
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const path = maskPath(request.url);
    if (!NOT_JOURNALED(path)) {
      journal.add({
        at: new Date(Date.now() - reply.elapsedTime),
        method: request.method,
        path,
        route: request.routeOptions.url ?? null,
        status: reply.statusCode,
        actor: actorOf(app, request),
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        problemCode: problemCodes.get(request) ?? null,
        requestId: String(request.id),
      });
    }
    done();
  });
}
