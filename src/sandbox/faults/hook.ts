import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problemBody, sendProblem } from '../../http/problem.js';
import { isFaultablePath } from './match.js';
import type { FaultsService, IncomingRequest } from './service.js';

/** Injected faults answer the code and status their caller chose, so they are not in http/problems.ts; pmh_maintenance is. */
const TITLES: Record<string, string> = {
  fault: 'Injected fault (sandbox)',
  prefer: 'Injected fault requested by the Prefer header (sandbox)',
};

/**
 * App-level onRequest hook: applies the maintenance window, faults and `Prefer: sandbox-fault=…` before
 * any route's own hooks (authentication included), as an outage in front of PMH would. Must be installed
 * before the feature plugins so that their routes inherit it.
 */
export function installFaultInjection(app: FastifyInstance, service: FaultsService) {
  /** Decides and applies; resolves true when it answered the request itself. */
  const apply = async (request: FastifyRequest, reply: FastifyReply, incoming: IncomingRequest): Promise<boolean> => {
    const d = await service.decide(incoming);
    if (!d) return false;
    if (d.kind === 'maintenance') {
      sendProblem(
        reply,
        request,
        { ...problemBody(d.problemCode, { detail: d.detail }), injected: { by: 'maintenance' } },
        { 'retry-after': String(d.retryAfter) },
      );
      return true;
    }
    if (d.kind === 'prefer') reply.header('preference-applied', d.applied);
    if (d.latencyMs) await sleep(d.latencyMs);
    if (d.status === undefined) return false;
    sendProblem(
      reply,
      request,
      {
        status: d.status,
        code: d.problemCode!,
        title: TITLES[d.kind]!,
        detail: `The sandbox answered ${d.status} on purpose${d.kind === 'fault' ? ` (fault ${d.faultId})` : ''}; no request was processed.`,
        injected: d.kind === 'fault' ? { by: 'fault', faultId: d.faultId } : { by: 'prefer' },
      },
      d.status === 503 ? { 'retry-after': '1' } : undefined,
    );
    return true;
  };

  // A callback hook: the usual request, to which nothing applies, passes without a promise.
  app.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?')[0]!;
    if (!isFaultablePath(path)) return done();
    const incoming: IncomingRequest = { method: request.method, path, actor: request.principal.actor, prefer: request.headers.prefer };
    if (service.nothingApplies(incoming)) return done();
    apply(request, reply, incoming).then(
      (answered) => {
        if (!answered) done();
      },
      (err: Error) => done(err),
    );
  });
}
