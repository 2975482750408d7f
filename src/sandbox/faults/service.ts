import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../clock/clock.js';
import { problem } from '../../http/problem.js';
import type { ProblemCode } from '../../http/problems.js';
import type { SandboxSettingsRepository } from '../settings.js';
import {
  defaultProblemCode,
  faultIsActive,
  faultMatches,
  isPmhPath,
  maintenanceIsActive,
  parsePreferFault,
  retryAfterSeconds,
  type Fault,
  type FaultEffect,
  type FaultMatch,
  type MaintenanceWindow,
} from './match.js';
import type { FaultsRepository } from './repository.js';

const MAX_FAULTS = 1000;

const storedWindowSchema = z.object({
  from: z.iso.datetime({ offset: true }).nullable(),
  until: z.iso.datetime({ offset: true }),
  message: z.string().nullable(),
});

/** What the fault hook does to a request. */
export type FaultDecision =
  | { kind: 'maintenance'; status: 503; problemCode: typeof MAINTENANCE_PROBLEM_CODE; detail: string; retryAfter: number }
  | { kind: 'fault'; faultId: string; status?: number; problemCode?: string; latencyMs?: number }
  | { kind: 'prefer'; status?: number; problemCode?: string; latencyMs?: number; applied: string };

export interface IncomingRequest {
  method: string;
  path: string;
  /** Who the request acts for (request.principal.actor) */
  actor: string;
  prefer?: string | string[];
}

export const MAINTENANCE_PROBLEM_CODE = 'pmh_maintenance' satisfies ProblemCode;

/**
 * Faults and the maintenance window. The database is the record (faults survive a restart, and `remaining`
 * is decremented by one atomic UPDATE); a copy in memory keeps requests that match nothing free of queries.
 * The copy is loaded on the first request, so building the app (e.g. for the OpenAPI document) needs no database.
 */
export function faultsService(deps: { repo: FaultsRepository; settings: SandboxSettingsRepository; clock: Clock }) {
  let faults: Fault[] = [];
  let maintenance: MaintenanceWindow | null = null;
  let loading: Promise<void> | undefined;
  let loaded = false;

  // What applies to a request, from the copy in memory: shared by decide() and nothingApplies().
  const inMaintenance = (req: IncomingRequest, now: Date) => maintenance !== null && isPmhPath(req.path) && maintenanceIsActive(maintenance, now);
  const applies = (f: Fault, req: IncomingRequest, now: Date) => faultIsActive(f, now) && faultMatches(f.match, req);

  const ensureLoaded = () =>
    (loading ??= (async () => {
      faults = await deps.repo.list();
      const w = storedWindowSchema.safeParse(await deps.settings.get('maintenance'));
      maintenance = w.success ? { from: w.data.from ? new Date(w.data.from) : null, until: new Date(w.data.until), message: w.data.message } : null;
      loaded = true;
    })().catch((err) => {
      loading = undefined;
      throw err;
    }));

  const view = (f: Fault) => ({
    id: f.id,
    match: f.match,
    effect: f.effect,
    remaining: f.remaining,
    hits: f.hits,
    active: faultIsActive(f, deps.clock.now()),
    expiresAt: f.expiresAt?.toISOString() ?? null,
    createdAt: f.createdAt.toISOString(),
  });

  const maintenanceView = () => {
    const now = deps.clock.now();
    const active = maintenance !== null && maintenanceIsActive(maintenance, now);
    return {
      window: maintenance ? { from: maintenance.from?.toISOString() ?? null, until: maintenance.until.toISOString(), message: maintenance.message } : null,
      active,
      retryAfterSeconds: active ? retryAfterSeconds(maintenance!, now) : null,
    };
  };

  const replace = (f: Fault) => {
    faults = faults.map((x) => (x.id === f.id ? f : x));
  };

  return {
    ensureLoaded,

    async create(input: { match: FaultMatch; effect: FaultEffect; remaining?: number; expiresAt?: string }) {
      await ensureLoaded();
      const now = deps.clock.now();
      const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
      if (expiresAt && expiresAt.getTime() <= now.getTime()) {
        throw problem('expires_in_past', {
          detail: `The sandbox clock says ${now.toISOString()}`,
          errors: [{ field: 'expiresAt', code: 'expires_in_past', message: 'must be after the sandbox clock’s now' }],
        });
      }
      if (faults.length >= MAX_FAULTS)
        throw problem('too_many_faults', { detail: `At most ${MAX_FAULTS} faults: delete some (or POST /sandbox/v1/reset?include=faults)` });
      const effect: FaultEffect = { ...input.effect };
      if (effect.problemCode && effect.status === undefined) effect.status = 503;
      const fault = await deps.repo.create({ id: randomUUID(), match: input.match, effect, remaining: input.remaining ?? null, expiresAt });
      faults = [...faults, fault];
      return view(fault);
    },

    async list() {
      await ensureLoaded();
      return { items: faults.map(view) };
    },

    async remove(id: string) {
      await ensureLoaded();
      if (!(await deps.repo.delete(id))) throw problem('fault_not_found');
      faults = faults.filter((f) => f.id !== id);
    },

    async clearFaults() {
      await ensureLoaded();
      await deps.repo.deleteAll();
      faults = [];
    },

    async getMaintenance() {
      await ensureLoaded();
      return maintenanceView();
    },

    async setMaintenance(input: { from?: string; until: string; message?: string }) {
      await ensureLoaded();
      const now = deps.clock.now();
      const from = input.from ? new Date(input.from) : null;
      const until = new Date(input.until);
      if (from && from.getTime() >= until.getTime()) {
        throw problem('invalid_maintenance_window', {
          errors: [{ field: 'until', code: 'invalid_maintenance_window', message: 'must be after from' }],
        });
      }
      if (until.getTime() <= now.getTime()) {
        throw problem('maintenance_window_in_past', {
          detail: `The sandbox clock says ${now.toISOString()}`,
          errors: [{ field: 'until', code: 'maintenance_window_in_past', message: 'must be after the sandbox clock’s now' }],
        });
      }
      const w = { from, until, message: input.message ?? null };
      await deps.settings.set('maintenance', { from: from?.toISOString() ?? null, until: until.toISOString(), message: w.message });
      maintenance = w;
      return maintenanceView();
    },

    async clearMaintenance() {
      await ensureLoaded();
      await deps.settings.delete('maintenance');
      maintenance = null;
      return maintenanceView();
    },

    /**
     * Whether decide() would certainly answer null, known without waiting: the copy is loaded, the
     * request has no `Prefer` header, and neither the maintenance window nor any fault applies to it.
     * Lets the hook pass the usual request without a promise; false means "ask decide()".
     */
    nothingApplies(req: IncomingRequest): boolean {
      if (!loaded || req.prefer !== undefined) return false;
      const now = deps.clock.now();
      return !inMaintenance(req, now) && !faults.some((f) => applies(f, req, now));
    },

    /**
     * What happens to a request (already known to be on a faultable path): the request's own `Prefer`
     * first, then the maintenance window (PMH routes only), then the oldest active matching fault.
     */
    async decide(req: IncomingRequest): Promise<FaultDecision | null> {
      const prefer = parsePreferFault(req.prefer);
      if (prefer && 'error' in prefer) throw problem('invalid_prefer_header', { detail: prefer.error });
      if (prefer) {
        const { status, problemCode, latencyMs } = prefer.effect;
        return {
          kind: 'prefer',
          status,
          problemCode: status !== undefined ? (problemCode ?? defaultProblemCode(status)) : undefined,
          latencyMs,
          applied: prefer.applied.join(', '),
        };
      }

      await ensureLoaded();
      const now = deps.clock.now();
      if (inMaintenance(req, now)) {
        return {
          kind: 'maintenance',
          status: 503,
          problemCode: MAINTENANCE_PROBLEM_CODE,
          detail: maintenance!.message ?? `PMH is in scheduled maintenance until ${maintenance!.until.toISOString()}`,
          retryAfter: retryAfterSeconds(maintenance!, now),
        };
      }

      const candidates = faults.filter((f) => applies(f, req, now));
      for (const candidate of candidates) {
        const taken = await deps.repo.take(candidate.id, now);
        if (!taken) {
          // Used up, expired or deleted meanwhile (the copy was stale): reload it and try the next.
          faults = await deps.repo.list();
          continue;
        }
        replace(taken);
        const { status, problemCode, latencyMs } = taken.effect;
        return {
          kind: 'fault',
          faultId: taken.id,
          status,
          problemCode: status !== undefined ? (problemCode ?? defaultProblemCode(status)) : undefined,
          latencyMs,
        };
      }
      return null;
    },
  };
}

export type FaultsService = ReturnType<typeof faultsService>;
