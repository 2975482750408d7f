import Fastify from 'fastify';
import { LOOPBACK, loopbackOrigin } from './net.js';

export interface BareServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Full URL of the baseline route (GET). */
  url: string;
  /** Full URL of the same route for POST: Fastify parses the JSON body, the answer is the same. */
  postUrl: string;
  close(): Promise<void>;
}

/**
 * The baseline: plain Fastify, logger off, one route returning a small JSON
 * object. What this machine can do with no validation, no database, no plugins.
 * Also for POST (with Fastify's JSON body parsing and nothing else), as a reference for
 * targets that are POSTs: the cost of the HTTP exchange itself, apart from the work.
 */
export async function startBareServer(): Promise<BareServer> {
  const app = Fastify({ logger: false });
  app.get('/bare', async () => ({ ok: true }));
  app.post('/bare', async () => ({ ok: true }));
  await app.listen({ host: LOOPBACK, port: 0 });
  const origin = loopbackOrigin(app.server.address());
  return { origin, url: `${origin}/bare`, postUrl: `${origin}/bare`, close: () => app.close() };
}
