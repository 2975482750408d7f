import type { RawResponse } from './http.js';

/** Slower than this is a failure: no answer of this service may take it (scenarios and ?wait= are kept short). */
export const SLOW_MS = 10_000;

/**
 * What is wrong with an answer, or null: a 5xx that the sandbox's fault feature did not inject, an answer slower
 * than SLOW_MS or none at all, a 4xx that is not application/problem+json with a string `code`.
 * `mayClose`: the client stopped sending mid-body, so a closed connection without an answer is acceptable.
 */
export function judge(res: RawResponse, opts: { mayClose?: boolean } = {}): string | null {
  if (res.status === 0) {
    if (res.error === 'timeout') return `no answer within ${Math.round(res.ms)} ms`;
    return opts.mayClose ? null : `connection ${res.error ?? 'closed'} without an answer`;
  }
  if (res.incomplete && !opts.mayClose) return `${res.status} cut short: connection ${res.error ?? 'closed'} before the whole body`;
  if (res.ms > SLOW_MS) return `answered in ${Math.round(res.ms)} ms (over ${SLOW_MS} ms)`;
  if (res.status >= 400) {
    const problem = parseProblem(res);
    if (res.status >= 500) {
      if (problem && problem.injected && typeof problem.injected === 'object') return null;
      return `${res.status}${problem ? ` ${String(problem.code)}` : ''}`;
    }
    if (!(res.headers['content-type'] ?? '').toLowerCase().startsWith('application/problem+json'))
      return `${res.status} with Content-Type ${res.headers['content-type'] ?? '(none)'}`;
    if (!problem) return `${res.status} problem+json body is not a JSON object`;
    if (typeof problem.code !== 'string') return `${res.status} problem without a string code`;
  }
  return null;
}

function parseProblem(res: RawResponse): Record<string, unknown> | null {
  try {
    const v = JSON.parse(res.body.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}
