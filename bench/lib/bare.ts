import Fastify from 'fastify';
import { LOOPBACK, loopbackOrigin } from './net.js';

export interface BareServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Full URL of the one route. */
  url: string;
  close(): Promise<void>;
}

/**
 * The baseline: plain Fastify, logger off, one route returning a small JSON
 * object. What this machine can do with no validation, no database, no plugins.
 */
export async function startBareServer(): Promise<BareServer> {
  const app = Fastify({ logger: false });
  app.get('/bare', async () => ({ ok: true }));
  await app.listen({ host: LOOPBACK, port: 0 });
  const origin = loopbackOrigin(app.server.address());
  return { origin, url: `${origin}/bare`, close: () => app.close() };
}
