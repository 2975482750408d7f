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
  // Callback hooks, not async ones: they run on every request, and a known caller needs no promise.
  const callers = new WeakMap<FastifyRequest, { actor?: string; pending?: Promise<string> }>();
  const lookUp = (authorization: string | undefined) => actors.actorOf(authorization).catch(() => 'unknown');
  app.addHook('onRequest', (request, _reply, done) => {
    if (!NOT_JOURNALED(request.url.split('?')[0]!)) {
      const actor = actors.knownActorOf(request.headers.authorization);
      if (actor !== undefined) callers.set(request, { actor });
      else {
        const caller: { actor?: string; pending?: Promise<string> } = {};
        caller.pending = lookUp(request.headers.authorization).then((a) => (caller.actor = a));
        callers.set(request, caller);
      }
    }
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const finish = () => {
      if (typeof payload === 'string' && String(reply.getHeader('content-type') ?? '').startsWith(PROBLEM_CONTENT_TYPE)) {
        try {
          const code = (JSON.parse(payload) as { code?: unknown }).code;
          if (typeof code === 'string') problemCodes.set(request, code);
        } catch {
          /* not our problem body */
        }
      }
      done(null, payload);
    };
    // A token seen for the first time may still be being looked up; the answer waits for it (once per token).
    const caller = callers.get(request);
    if (caller?.actor === undefined && caller?.pending) void caller.pending.then(finish, finish);
    else finish();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const path = maskPath(request.url);
    if (!NOT_JOURNALED(path)) {
      const at = new Date(Date.now() - reply.elapsedTime);
      const add = (actor: string) =>
        journal.add({
          at,
          method: request.method,
          path,
          route: request.routeOptions.url ?? null,
          status: reply.statusCode,
          actor,
          durationMs: Math.round(reply.elapsedTime * 10) / 10,
          problemCode: problemCodes.get(request) ?? null,
          requestId: String(request.id),
        });
      const caller = callers.get(request);
      if (caller?.actor !== undefined) add(caller.actor);
      else void (caller?.pending ?? lookUp(request.headers.authorization)).then(add, () => add('unknown'));
    }
    done();
  });
}
