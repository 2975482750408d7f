import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROBLEMS, type ProblemCode, type ProblemDefinition } from './problems.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One failing field of a request (or of one record of a batch). */
export const problemFieldErrorSchema = z
  .object({
    index: z.int().min(0).optional().describe('0-based position of the record in a batch, when the error is about one record'),
    field: z.string().describe('Where the error is: a dotted path inside the body, or a query/path parameter name'),
    code: z.string().describe('Stable machine-readable error code'),
    message: z.string(),
  })
  .meta({ id: 'ProblemFieldError' });

/** RFC 9457 problem details, with a stable `code`. */
export const problemSchema = z
  .object({
    type: z.string().describe('URI identifying the problem type: urn:pmh-sandbox:problem:<code>'),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string().optional(),
    instance: z.string().optional().describe('The request path that produced the problem'),
    code: z.string().describe('Stable machine-readable problem code'),
    errors: z.array(problemFieldErrorSchema).optional(),
    injected: z
      .object({
        by: z
          .enum(['fault', 'prefer', 'maintenance'])
          .describe('A fault of POST /sandbox/v1/faults, the request’s own `Prefer: sandbox-fault=…`, or the maintenance window'),
        faultId: z.uuid().optional().describe('The fault, when by = fault'),
      })
      .optional()
      .describe('Sandbox only: present when the sandbox injected this error on purpose (fault injection), absent on real errors'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details. Served as application/problem+json.' });

export type Problem = z.infer<typeof problemSchema>;
export type ProblemFieldError = z.infer<typeof problemFieldErrorSchema>;

export const problemType = (code: string) => `urn:pmh-sandbox:problem:${code}`;

export interface ProblemOptions {
  /** This occurrence's explanation; the title is the code's own. */
  detail?: string;
  errors?: ProblemFieldError[];
  headers?: Record<string, string>;
}

/** A problem body (without type and instance) of a registered code. */
export type ProblemBody = Omit<Problem, 'type' | 'instance' | 'code'> & { code: ProblemCode };

/** Thrown by services and routes; turned into a problem+json response. Status and title come from the registry. */
export class ProblemError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: ProblemFieldError[];
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ProblemCode,
    options: ProblemOptions = {},
  ) {
    const { status, title } = PROBLEMS[code];
    super(options.detail ?? title);
    this.status = status;
    this.title = title;
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers;
  }
}

/** The error to throw for a registered problem code. */
export const problem = (code: ProblemCode, options?: ProblemOptions) => new ProblemError(code, options);

/** The body of a registered problem, for answers assembled by hand (batch items). */
export function problemBody(code: ProblemCode, options: Omit<ProblemOptions, 'headers'> = {}): ProblemBody {
  const { status, title } = PROBLEMS[code];
  return {
    status,
    code,
    title,
    ...(options.detail !== undefined && { detail: options.detail }),
    ...(options.errors !== undefined && { errors: options.errors }),
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, p: Omit<Problem, 'type' | 'instance'>, headers?: Record<string, string>) {
  const body: Problem = { type: problemType(p.code), instance: request.url.split('?')[0], ...p };
  if (headers) reply.headers(headers);
  return reply.status(p.status).type(PROBLEM_CONTENT_TYPE).serializer(JSON.stringify).send(body);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Media types the route's body may be sent as, for a 415's detail and Accept headers (default: application/json). */
    acceptedMediaTypes?: readonly string[];
  }
}

/**
 * 415 unsupported_media_type naming what the route reads: in the detail, in `Accept` (RFC 9110 §15.5.16) and in
 * `Accept-Post` / `Accept-Patch` for those methods.
 */
export function unsupportedMediaType(request: FastifyRequest): ProblemError {
  const accepted = request.routeOptions.config?.acceptedMediaTypes ?? ['application/json'];
  const list = accepted.join(', ');
  const headers: Record<string, string> = { accept: list };
  if (request.method === 'POST') headers['accept-post'] = list;
  if (request.method === 'PATCH') headers['accept-patch'] = list;
  const sent = (request.headers['content-type'] ?? '').split(';')[0]!.trim().slice(0, 60);
  return problem('unsupported_media_type', {
    detail: `${sent ? `Content-Type ${sent} is not read here` : 'No Content-Type was sent'}; send ${accepted.length > 1 ? 'one of ' : ''}${list}`,
    headers,
  });
}

/** Fastify's own client errors, mapped to stable codes. */
const FASTIFY_CLIENT_ERRORS: Record<string, ProblemCode> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_BAD_URL: 'bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'path_parameter_too_long',
};

/** Fastify's routing errors (frameworkErrors): no route ran, so they bypass the error handler. The URL is not echoed. */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const known = err.code ? FASTIFY_CLIENT_ERRORS[err.code] : undefined;
  return sendProblem(reply, request, problemBody(known ?? 'bad_request'));
}

/** The client went away mid-request (socket reset, body aborted): nobody is left to answer. */
function isClientAbort(err: FastifyError, request: FastifyRequest): boolean {
  return request.raw.aborted || err.code === 'ECONNRESET' || err.code === 'ERR_STREAM_PREMATURE_CLOSE' || (request.raw.destroyed && !request.raw.complete);
}

interface ZodIssueLike {
  code?: string;
  params?: { code?: unknown };
}

/** The stable field-error code of a zod issue: a refinement names its own (params.code); zod's generic "custom" says nothing. */
export function fieldErrorCode(issue: ZodIssueLike): string {
  if (issue.code === 'custom' && typeof issue.params?.code === 'string') return issue.params.code;
  return issue.code ?? 'invalid';
}

function validationErrors(err: FastifyError): ProblemFieldError[] {
  const where = err.validationContext ?? 'body';
  return (err.validation ?? []).map((v) => {
    const pointer = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    // fastify-type-provider-zod: keyword is the zod issue code, params the rest of the issue.
    const params = v.params as { issue?: { code?: string }; params?: { code?: unknown } } | undefined;
    return {
      field: pointer || where,
      code: fieldErrorCode({ code: params?.issue?.code ?? v.keyword, params: params?.params }),
      message: v.message ?? 'invalid',
    };
  });
}

/** Every error leaves the service as application/problem+json. */
export function registerProblemHandlers(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ProblemError) {
      return sendProblem(reply, request, problemBody(err.code, { detail: err.detail, errors: err.errors }), err.headers);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = (err as FastifyError).validationContext ?? 'body';
      return sendProblem(
        reply,
        request,
        problemBody('validation_failed', { detail: `Invalid ${where}: see errors for each failing field`, errors: validationErrors(err) }),
      );
    }
    if (isResponseSerializationError(err)) {
      request.log.error(
        { err: { message: err.message, issues: err.cause.issues.map((i) => ({ path: i.path, code: i.code })) } },
        'response did not match its schema',
      );
      return sendProblem(reply, request, problemBody('internal_error'));
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const p = unsupportedMediaType(request);
      return sendProblem(reply, request, problemBody(p.code, { detail: p.detail }), p.headers);
    }
    const known = err.code ? FASTIFY_CLIENT_ERRORS[err.code] : undefined;
    if (known) return sendProblem(reply, request, problemBody(known, { detail: err.message }));
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return sendProblem(reply, request, { ...problemBody('bad_request', { detail: err.message }), status: err.statusCode });
    }
    if (isClientAbort(err, request)) {
      request.log.info({ code: err.code }, 'client aborted the request');
      return sendProblem(reply, request, problemBody('request_aborted'));
    }
    request.log.error({ err }, 'unhandled error');
    return sendProblem(reply, request, problemBody('internal_error'));
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      problemBody('route_not_found', { detail: `${request.method} ${request.url.split('?')[0]} is not a route of this API; see /docs` }),
    ),
  );
}

/**
 * A problem code an operation can answer, or codes sharing a note for the docs:
 * `'task_not_found'`, `[['task_not_found'], 'also for other municipalities’ tasks']`.
 */
export type ProblemDeclaration = ProblemCode | readonly [readonly ProblemCode[], string];

/** validation_failed of an operation that takes dates: names the field code of a date outside the accepted range. */
export const DATED_VALIDATION = [['validation_failed'], 'a date out of range is errors[].code `date_out_of_range`'] as const satisfies ProblemDeclaration;

/** Bearer-token failures of the municipal and clinic APIs. */
export const AUTH_PROBLEMS = ['unauthenticated', 'invalid_token', 'wrong_token_kind'] as const satisfies readonly ProblemDeclaration[];
/** Bearer-token failures of the sandbox administration API. */
export const ADMIN_AUTH_PROBLEMS = [
  [['unauthenticated', 'invalid_token', 'wrong_token_kind'], 'no or wrong admin token'],
] as const satisfies readonly ProblemDeclaration[];

/**
 * The list of problem codes an operation declares, for its description: by status, codes without a note of one status
 * together (`validation_failed` / `invalid_cursor` (400)), a noted entry on its own (`task_not_found` (404, note)).
 * A code with field codes in the registry is noted with them (`invalid_csv_header` (400, errors[].code `missing_header` / …)).
 */
export function problemCodesList(declared: readonly ProblemDeclaration[]): string {
  const entries: { status: number; codes: ProblemCode[]; note?: string }[] = [];
  for (const d of declared) {
    const fieldCodes = typeof d === 'string' ? (PROBLEMS[d] as ProblemDefinition).fieldCodes : undefined;
    const [codes, note] = typeof d === 'string' ? [[d], fieldCodes && `errors[].code ${fieldCodes.map((c) => `\`${c}\``).join(' / ')}`] : d;
    const status = PROBLEMS[codes[0]!].status;
    if (codes.some((c) => PROBLEMS[c].status !== status)) throw new Error(`problem codes ${codes.join(', ')} share a note but not a status`);
    const plain = note === undefined ? entries.find((e) => e.status === status && e.note === undefined) : undefined;
    if (plain) plain.codes.push(...codes);
    else entries.push({ status, codes: [...codes], note });
  }
  // Array sort is stable: entries of one status keep their declared order.
  return entries
    .sort((a, b) => a.status - b.status)
    .map((e) => `${e.codes.map((c) => `\`${c}\``).join(' / ')} (${e.status}${e.note ? `, ${e.note}` : ''})`)
    .join(', ');
}

/**
 * What an operation declares about its problems, for its schema: `text` is the "Problem codes: …." sentence of its
 * description (`heading` replaces "Problem codes"), `responses` the problem+json response of every status those codes have.
 */
export function describeProblems(declared: readonly ProblemDeclaration[], heading = 'Problem codes') {
  const codes = declared.flatMap((d) => (typeof d === 'string' ? [d] : d[0]));
  const statuses = [...new Set(codes.map((c) => PROBLEMS[c].status))].sort((a, b) => a - b);
  return {
    text: `${heading}: ${problemCodesList(declared)}.`,
    responses: Object.fromEntries(statuses.map((s) => [s, problemSchema])) as Record<number, typeof problemSchema>,
  };
}

/** For requests that never reach routing because Node's HTTP parser refused them. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket) {
  if (!socket.writable) return socket.destroy();
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const code: ProblemCode = tooLarge ? 'headers_too_large' : 'malformed_request';
  const { status, title } = PROBLEMS[code];
  const body = JSON.stringify({
    type: problemType(code),
    title,
    status,
    code,
    detail: 'The HTTP request could not be parsed; percent-encode non-ASCII characters in the URL (e.g. curl -G --data-urlencode).',
  });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
