/**
 * Pure rules of fault injection: which requests a fault or the maintenance window applies to.
 * No I/O; tested in tests/unit/sandbox-fault-match.test.ts.
 */

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface FaultMatch {
  method?: (typeof HTTP_METHODS)[number];
  path?: string;
  actor?: string;
}

export interface FaultEffect {
  status?: number;
  problemCode?: string;
  latencyMs?: number;
}

export interface Fault {
  id: string;
  match: FaultMatch;
  effect: FaultEffect;
  /** Applications left; null = unlimited. */
  remaining: number | null;
  hits: number;
  expiresAt: Date | null;
  createdAt: Date;
}

export interface MaintenanceWindow {
  from: Date | null;
  until: Date;
  message: string | null;
}

/** Paths no fault, preference or maintenance window ever touches: the sandbox's own controls and the service's plumbing. */
export const NEVER_FAULTED_PREFIXES = ['/sandbox/v1', '/health', '/ready', '/docs'];

/** Routes that mirror PMH itself, where a scheduled PMH outage (maintenance window) shows. */
export const PMH_PREFIXES = ['/municipal/v1', '/clinic/v1'];

const underPrefix = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

export const isFaultablePath = (path: string) => !NEVER_FAULTED_PREFIXES.some((p) => underPrefix(path, p));
export const isPmhPath = (path: string) => PMH_PREFIXES.some((p) => underPrefix(path, p));

/**
 * Glob match: `*` stands for any run of characters, `/` included; everything else matches itself exactly.
 * `/municipal/v1/registration-tasks` is exact, `/municipal/v1/*` is every municipal route, `municipality:*` every municipality.
 */
export function globMatches(pattern: string, value: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === value;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!value.startsWith(first) || value.length < first.length + last.length || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = value.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

export interface RequestFacts {
  method: string;
  path: string;
  /** Resolved only when a fault needs it. */
  actor?: string;
}

export function faultIsActive(fault: Pick<Fault, 'remaining' | 'expiresAt'>, now: Date): boolean {
  return (fault.remaining === null || fault.remaining > 0) && (fault.expiresAt === null || fault.expiresAt.getTime() > now.getTime());
}

/** Whether a fault's match applies to a request; `actor` must be given when the match names one. */
export function faultMatches(match: FaultMatch, req: RequestFacts): boolean {
  if (match.method && match.method.toUpperCase() !== req.method.toUpperCase()) return false;
  if (match.path && !globMatches(match.path, req.path)) return false;
  if (match.actor && (req.actor === undefined || !globMatches(match.actor, req.actor))) return false;
  return true;
}

export function maintenanceIsActive(w: MaintenanceWindow, now: Date): boolean {
  const t = now.getTime();
  return (w.from === null || w.from.getTime() <= t) && t < w.until.getTime();
}

/** Seconds until the window ends, for Retry-After (at least 1). */
export const retryAfterSeconds = (w: MaintenanceWindow, now: Date) => Math.max(1, Math.ceil((w.until.getTime() - now.getTime()) / 1000));

const DEFAULT_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  408: 'request_timeout',
  409: 'conflict',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

/** The problem code of an injected error when the fault does not name one. */
export const defaultProblemCode = (status: number) => DEFAULT_CODES[status] ?? 'injected_fault';

export const PROBLEM_CODE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const MAX_LATENCY_MS = 30_000;

export type PreferFault = { effect: FaultEffect; applied: string[] } | { error: string } | null;

/**
 * Reads the per-request fault preferences of a `Prefer` header (RFC 7240):
 * `sandbox-fault=<status 400–599>`, `sandbox-latency=<ms 0–30000>`, `sandbox-problem=<code>` (with sandbox-fault).
 * Other preferences are ignored; a malformed sandbox preference is an error (a typo would otherwise pass silently).
 */
export function parsePreferFault(header: string | string[] | undefined): PreferFault {
  if (!header) return null;
  const text = Array.isArray(header) ? header.join(',') : header;
  const effect: FaultEffect = {};
  const applied: string[] = [];
  for (const raw of text.split(/[,;]/)) {
    const [k, ...rest] = raw.split('=');
    const key = k!.trim().toLowerCase();
    if (!key.startsWith('sandbox-')) continue;
    const value = rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (key === 'sandbox-fault') {
      if (!/^[45][0-9]{2}$/.test(value)) return { error: `sandbox-fault must be an HTTP status 400–599, not "${value}"` };
      effect.status = Number(value);
    } else if (key === 'sandbox-latency') {
      if (!/^[0-9]{1,5}$/.test(value) || Number(value) > MAX_LATENCY_MS)
        return { error: `sandbox-latency must be milliseconds 0–${MAX_LATENCY_MS}, not "${value}"` };
      effect.latencyMs = Number(value);
    } else if (key === 'sandbox-problem') {
      if (!PROBLEM_CODE_PATTERN.test(value)) return { error: `sandbox-problem must be a code like service_unavailable, not "${value}"` };
      effect.problemCode = value;
    } else {
      return { error: `unknown sandbox preference ${key} (known: sandbox-fault, sandbox-latency, sandbox-problem)` };
    }
    applied.push(`${key}=${value}`);
  }
  if (applied.length === 0) return null;
  if (effect.problemCode && effect.status === undefined) return { error: 'sandbox-problem needs sandbox-fault=<status>' };
  return { effect, applied };
}
