import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { problemBody, sendProblem } from '../../http/problem.js';
import { isFaultablePath } from './match.js';
import type { FaultsService } from './service.js';

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
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (!isFaultablePath(path)) return;
    const d = await service.decide({ method: request.method, path, actor: request.principal.actor, prefer: request.headers.prefer });
    if (!d) return;
    if (d.kind === 'maintenance') {
      return sendProblem(
        reply,
        request,
        { ...problemBody(d.problemCode, { detail: d.detail }), injected: { by: 'maintenance' } },
        { 'retry-after': String(d.retryAfter) },
      );
    }
    if (d.kind === 'prefer') reply.header('preference-applied', d.applied);
    if (d.latencyMs) await sleep(d.latencyMs);
    if (d.status === undefined) return;
    return sendProblem(
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
  });
}
