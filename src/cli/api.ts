/**
 * What the commands that talk to a running sandbox share: where it is (`--url`, `PMH_SANDBOX_URL`), the
 * admin token (`--admin-token`, `SANDBOX_ADMIN_TOKEN`), and one request helper whose failures become
 * CliError (exit code 1) with the problem's code and detail.
 */
import { jstDate } from '../domain/dates.js';
import { CliError, UsageError, type CliIo } from './command.js';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

/** The parseArgs options every such command takes. */
export const targetOptions = {
  url: { type: 'string' },
  'admin-token': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The --help lines of targetOptions, their descriptions starting at column `column`. */
export function targetUsage(column = 28): string {
  const row = (flag: string, text: string, more = '') => `      ${flag.padEnd(column - 6)}${text}${more ? `\n${' '.repeat(column)}${more}` : ''}`;
  return [
    row('--url <url>', 'the sandbox (default $PMH_SANDBOX_URL, else', `${DEFAULT_URL})`),
    row('--admin-token <token>', 'sandbox admin token (default $SANDBOX_ADMIN_TOKEN)'),
    row('--json', "print the API's answer as JSON instead of a summary"),
  ].join('\n');
}

export function baseUrl(values: { url?: string | undefined }, env: NodeJS.ProcessEnv): string {
  return (values.url ?? env.PMH_SANDBOX_URL ?? DEFAULT_URL).replace(/\/+$/, '');
}

export function adminToken(values: { 'admin-token'?: string | undefined }, env: NodeJS.ProcessEnv): string {
  const token = values['admin-token'] ?? env.SANDBOX_ADMIN_TOKEN;
  if (!token) throw new UsageError('no admin token: pass --admin-token or set SANDBOX_ADMIN_TOKEN (the token the sandbox logged at its first start)');
  return token;
}

/** What fetch says of a failed connection: its cause (ECONNREFUSED …) when it has one. */
export const errorText = (err: unknown) => {
  const e = err as Error;
  return e.cause instanceof Error ? e.cause.message : e.message;
};

export interface CallOptions {
  token?: string;
  /** A JSON body, or raw bytes/stream with `contentType`. */
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
}

/** One API call; resolves to the parsed JSON answer, throws CliError for a refused connection or a non-2xx answer. */
export async function call<T = Record<string, unknown>>(base: string, method: string, path: string, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.contentType) headers['content-type'] = opts.contentType;
  let res: Response;
  try {
    // duplex: a stream body (an upload) is sent as it is read.
    res = await fetch(`${base}${path}`, { method, headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) });
  } catch (err) {
    throw new CliError(`cannot reach ${base}: ${errorText(err)}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let summary = text;
    try {
      const p = JSON.parse(text) as { code?: string; detail?: string; title?: string; errors?: { field: string; message: string }[] };
      const fields = (p.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ');
      summary = [p.code, p.detail ?? (fields || p.title)].filter(Boolean).join(': ');
    } catch {
      // Not JSON: show it as is.
    }
    throw new CliError(`${method} ${path}: ${res.status} ${summary}`);
  }
  return (text === '' ? {} : JSON.parse(text)) as T;
}

/** Writes `value` as indented JSON. */
export const printJson = (io: CliIo, value: unknown) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

/** Today (JST) by the sandbox clock: what validity and a check's default serviceDate follow. */
export async function sandboxToday(base: string, token: string): Promise<string> {
  const clock = await call<{ now: string }>(base, 'GET', '/sandbox/v1/clock', { token });
  return jstDate(new Date(clock.now));
}
