import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, problem, type ProblemError, problemType, type ProblemFieldError } from './problem.js';
import { PROBLEMS } from './problems.js';

/**
 * Request-level guards every route inherits: refusals that do not depend on the route, made before
 * any feature sees the request. Each answers a problem+json with a stable code.
 */

/** NUL (PostgreSQL text cannot hold it) or a UTF-16 surrogate without its pair (not encodable as UTF-8). */
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 64;

/** The dotted path of the first string (or object key) holding NUL or a lone surrogate, or null. */
export function findInvalidText(value: unknown, path = '', depth = 0): string | null {
  const keys = invalidTextKeys(value, depth);
  if (keys === null) return null;
  let at = path;
  for (let i = keys.length - 1; i >= 0; i--) at = at ? `${at}.${keys[i]}` : keys[i]!;
  return at;
}

/**
 * The keys leading to the first invalid text, innermost first, or null. Every request's query, params
 * and body pass through here: nothing is built unless something is found.
 */
function invalidTextKeys(value: unknown, depth: number): string[] | null {
  if (typeof value === 'string') return BAD_TEXT.test(value) ? [] : null;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || Buffer.isBuffer(value)) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = invalidTextKeys(value[i], depth + 1);
      if (found !== null) return (found.push(String(i)), found);
    }
    return null;
  }
  // A streamed body (NDJSON/CSV) is read by its route; query objects have a prototype of their own, so no prototype test.
  if (typeof (value as { pipe?: unknown }).pipe === 'function' || value instanceof Date || value instanceof Map) return null;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (BAD_TEXT.test(key)) return [key.replace(BAD_TEXT, '?')];
    const found = invalidTextKeys((value as Record<string, unknown>)[key], depth + 1);
    if (found !== null) return (found.push(key), found);
  }
  return null;
}

function invalidText(where: string, field: string): ProblemError {
  const error: ProblemFieldError = { field: field || where, code: 'invalid_text', message: 'contains a NUL character or an unpaired UTF-16 surrogate' };
  return problem('validation_failed', { detail: `Invalid ${where}: see errors for each failing field`, errors: [error] });
}

const ACCEPTED_CHARSETS = new Set(['utf-8', 'utf8']);

/** The `charset` parameter of a Content-Type, lower-cased, or undefined. */
export function contentTypeCharset(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return m ? m[1]!.toLowerCase() : undefined;
}

function countAuthorization(raw: string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 13 && raw[i]!.toLowerCase() === 'authorization') n++;
  return n;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body's text is checked record by record by the route itself (a registration upload), not refused whole. */
    recordsCheckTheirText?: boolean;
    /** `charset` labels (lower-case) the route reads besides UTF-8, by media type: e.g. Shift_JIS for text/csv. */
    extraCharsets?: Readonly<Record<string, readonly string[]>>;
  }
}

/** The charsets other than UTF-8 the route reads for this body's media type, if any. */
function extraCharsetsOf(req: FastifyRequest): readonly string[] {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return req.routeOptions.config?.extraCharsets?.[type] ?? [];
}

export function installRequestGuards(app: FastifyInstance) {
  app.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    const raw = req.raw;
    // Node's own check answers an empty 400; it is switched off (serverOptions) so that the answer is a problem.
    if (raw.httpVersionMajor === 1 && raw.httpVersionMinor === 1 && raw.headers.host === undefined) {
      return done(problem('missing_host', { detail: 'HTTP/1.1 requests must send a Host header' }));
    }
    // Node keeps the first of several Authorization headers: which credential was meant is unknowable.
    if (raw.headers.authorization !== undefined && countAuthorization(raw.rawHeaders) > 1) {
      return done(problem('duplicate_authorization', { detail: 'Send exactly one Authorization: Bearer <token> header' }));
    }
    const charset = contentTypeCharset(raw.headers['content-type']);
    if (charset !== undefined && !ACCEPTED_CHARSETS.has(charset)) {
      const extra = extraCharsetsOf(req);
      if (!extra.includes(charset)) {
        const also = extra.length ? ` (or ${extra.join(', ')})` : '';
        return done(
          problem('unsupported_charset', {
            detail: `Bodies are read as UTF-8${also}; send charset=utf-8${also} or no charset parameter, not ${charset.slice(0, 40)}`,
          }),
        );
      }
    }
    done();
  });

  app.addHook('preValidation', (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    const inQuery = findInvalidText(req.query);
    if (inQuery !== null) return done(invalidText('querystring', inQuery));
    const inParams = findInvalidText(req.params);
    if (inParams !== null) return done(invalidText('params', inParams));
    if (!req.routeOptions.config.recordsCheckTheirText) {
      const inBody = findInvalidText(req.body);
      if (inBody !== null) return done(invalidText('body', inBody));
    }
    done();
  });

  // A refusal sent before the body was read (a bad CSV header, a body too large, an auth failure) leaves the rest of the
  // body on the socket: a keep-alive client's next request would wait behind it. Such a connection is closed instead,
  // lingering: closing a socket with unread bytes sends a reset, which can reach a client still writing before it has
  // read the answer (EPIPE/ECONNRESET, answer lost).
  app.addHook('onSend', (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: Error | null, payload?: unknown) => void) => {
    if (!req.raw.complete) {
      reply.header('connection', 'close');
      lingerOnClose(req.raw.socket);
    }
    done(null, payload);
  });

  // `Expect` other than 100-continue: Node answers an empty 417 unless the server handles it.
  app.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const { status, title } = PROBLEMS.expectation_failed;
    const body = JSON.stringify({
      type: problemType('expectation_failed'),
      title,
      status,
      detail: 'Only Expect: 100-continue is supported',
      instance: (req.url ?? '').split('?')[0],
      code: 'expectation_failed',
    });
    res.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), connection: 'close' });
    res.end(body);
  });
}

/** How long a closed connection keeps reading (and dropping) what the client still sends. */
const LINGER_MS = 2_000;

/**
 * Makes Node's close after the answer (`destroySoon`) a lingering close, as web servers do: the answer and a FIN are
 * sent, then whatever the client still sends is read and dropped until it closes its side or LINGER_MS pass.
 */
function lingerOnClose(socket: Socket | null) {
  if (!socket || socket.destroyed) return;
  socket.destroySoon = function lingeringDestroySoon(this: Socket) {
    if (this.writable) this.end();
    const timer = setTimeout(() => this.destroy(), LINGER_MS).unref();
    this.once('end', () => this.destroy());
    this.once('close', () => clearTimeout(timer));
    this.resume();
  };
}
