import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { maskPath } from '../domain/personal-text.js';

/**
 * One log line per answered request, at info: `request` with reqId, method, path (no query string,
 * digit runs of 10+ digits — a 個人番号, hyphenated, full-width or percent-encoded — and percent-encoded runs
 * — a name in kana or kanji — masked), route,
 * status and ms. It replaces Fastify's two lines per
 * request (switched off by the logController in app.ts), which logged the raw URL and ran the redaction of
 * `redactPaths` twice per request. This line is written by a child logger without redaction: every
 * field is built here and none can carry personal data, and redacting a line cost more than writing it
 * (bench/eligibility.ts: at info, the two default lines were ~100 µs of a check's CPU).
 */
/** The path as logged: what maskPath hides, and any percent-encoded run (non-ASCII text such as a name) too. */
export const loggedPath = (url: string) => {
  const path = maskPath(url);
  return path.includes('%') ? path.replace(/(?:%[0-9A-Fa-f]{2})+/g, '%…') : path;
};

export function installAccessLog(app: FastifyInstance) {
  const access = app.log.child({}, { redact: { paths: [] } });
  const enabled = () => (access as FastifyBaseLogger & { isLevelEnabled?: (l: string) => boolean }).isLevelEnabled?.('info') ?? true;
  app.addHook('onResponse', (request, reply, done) => {
    if (enabled()) {
      access.info(
        {
          reqId: request.id,
          method: request.method,
          path: loggedPath(request.url),
          route: request.routeOptions.url ?? null,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request',
      );
    }
    done();
  });
}
