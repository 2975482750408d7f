import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { addressVerdict, classifyAddress, classifyHost, type UrlPolicy } from '../domain/webhook-url.js';

/**
 * Why an attempt failed, as stored in lastError (never the raw socket text: it would tell the caller what
 * listens where). `http_status`: an answer that is not 2xx (its code is lastStatusCode; redirects are not followed).
 */
export const DELIVERY_ERRORS = ['connection_refused', 'timeout', 'dns_failure', 'refused_address', 'http_status', 'tls_error', 'network_error'] as const;
export type DeliveryError = (typeof DELIVERY_ERRORS)[number];

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;
export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

class AttemptError extends Error {
  constructor(readonly category: DeliveryError) {
    super(category);
  }
}

/**
 * The address to connect to: the URL's own IP, or the first address of the name; every resolved address is
 * checked against the policy first (a name that resolves to a refused address among others is refused: DNS
 * rebinding). The connection then goes to this address, not to a second resolution of the name.
 */
export async function resolveChecked(hostname: string, policy: UrlPolicy, resolve: Resolver = systemResolver): Promise<{ address: string; family: number }> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const byName = classifyHost(hostname);
  if (!addressVerdict(byName, policy).ok) throw new AttemptError('refused_address');
  if (isIP(bare)) return { address: bare, family: isIP(bare) };
  let addresses: { address: string; family: number }[];
  try {
    addresses = await resolve(bare);
  } catch {
    throw new AttemptError('dns_failure');
  }
  if (addresses.length === 0) throw new AttemptError('dns_failure');
  for (const a of addresses) {
    const cls = classifyAddress(a.address);
    if (!cls || !addressVerdict(cls, policy).ok) throw new AttemptError('refused_address');
  }
  return addresses[0]!;
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** Maps a request error to its category. */
export function categorise(err: unknown): DeliveryError {
  if (err instanceof AttemptError) return err.category;
  const e = err as { code?: string; library?: string };
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return 'timeout';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') return 'dns_failure';
  if (TLS_CODE.test(code) || e.library === 'SSL routines') return 'tls_error';
  return 'network_error';
}

export interface PostResult {
  statusCode: number | null;
  error: DeliveryError | null;
}

/**
 * One POST under the URL policy: resolve, check, connect to the checked address (Host header and TLS server name
 * are the URL's). A 2xx answer within timeoutMs is a success; the body of the answer is not read.
 */
export async function guardedPost(
  target: string,
  init: { headers: Record<string, string>; body: string; timeoutMs: number },
  policy: UrlPolicy,
  resolve: Resolver = systemResolver,
): Promise<PostResult> {
  const url = new URL(target);
  let timer: NodeJS.Timeout | undefined;
  let req: http.ClientRequest | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new AttemptError('timeout');
      req?.destroy(err);
      reject(err);
    }, init.timeoutMs);
  });
  const attempt = (async () => {
    const { address, family } = await resolveChecked(url.hostname, policy, resolve);
    const bareHost = url.hostname.replace(/^\[|\]$/g, '');
    const secure = url.protocol === 'https:';
    return new Promise<number>((resolvePost, reject) => {
      const options: https.RequestOptions = {
        method: 'POST',
        host: address,
        family,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        headers: { ...init.headers, host: url.host, 'content-length': String(Buffer.byteLength(init.body)) },
        agent: false,
        ...(secure && !isIP(bareHost) ? { servername: bareHost.replace(/\.$/, '') } : {}),
      };
      req = (secure ? https : http).request(options, (res) => {
        res.resume();
        res.on('error', () => undefined);
        resolvePost(res.statusCode ?? 0);
        res.destroy();
      });
      req.on('error', reject);
      req.end(init.body);
    });
  })();
  try {
    const status = await Promise.race([attempt, timeout]);
    return { statusCode: status, error: status >= 200 && status < 300 ? null : 'http_status' };
  } catch (err) {
    return { statusCode: null, error: categorise(err) };
  } finally {
    clearTimeout(timer);
    attempt.catch(() => undefined);
  }
}
