import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '../../http/problem.js';
import type { ActorDirectory } from '../actors.js';
import { maskPath, type RequestJournal } from './journal.js';

/** Not journaled: the journal's own reads and the Swagger UI assets. */
const NOT_JOURNALED = (path: string) => path === '/sandbox/v1/requests' || path === '/docs' || path.startsWith('/docs/');

/**
 * App-level hooks writing every answered request to the journal, with the problem code of errors.
 * Install before the feature plugins so that their routes inherit them.
 */
export function installRequestJournal(app: FastifyInstance, journal: RequestJournal, actors: ActorDirectory) {
  if (journal.capacity === 0) return;
  const problemCodes = new WeakMap<FastifyRequest, string>();
  // The caller is looked up while the request runs, so that the entry is usually written synchronously
  // when the response ends (a client reading the journal right after its answer finds its request).
  const callers = new WeakMap<FastifyRequest, { actor?: string; pending: Promise<string> }>();
  app.addHook('onRequest', async (request) => {
    if (NOT_JOURNALED(request.url.split('?')[0]!)) return;
    const caller: { actor?: string; pending: Promise<string> } = { pending: Promise.resolve('unknown') };
    caller.pending = actors
      .actorOf(request.headers.authorization)
      .catch(() => 'unknown')
      .then((actor) => (caller.actor = actor));
    callers.set(request, caller);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    // A token seen for the first time may still be being looked up; the answer waits for it (once per token).
    const caller = callers.get(request);
    if (caller && caller.actor === undefined) await caller.pending;
    if (typeof payload === 'string' && String(reply.getHeader('content-type') ?? '').startsWith(PROBLEM_CONTENT_TYPE)) {
      try {
        const code = (JSON.parse(payload) as { code?: unknown }).code;
        if (typeof code === 'string') problemCodes.set(request, code);
      } catch {
        /* not our problem body */
      }
    }
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const path = maskPath(request.url);
    if (NOT_JOURNALED(path)) return;
    const durationMs = Math.round(reply.elapsedTime * 10) / 10;
    const caller = callers.get(request);
    const actor = caller?.actor ?? (await (caller?.pending ?? actors.actorOf(request.headers.authorization).catch(() => 'unknown')));
    journal.add({
      at: new Date(Date.now() - reply.elapsedTime),
      method: request.method,
      path,
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      actor,
      durationMs,
      problemCode: problemCodes.get(request) ?? null,
      requestId: String(request.id),
    });
  });
}
