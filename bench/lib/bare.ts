import Fastify from 'fastify';
import { batcher } from '../../src/db/batcher.js';
import { createPool } from '../../src/db/pool.js';
import { LOOPBACK, loopbackOrigin } from './net.js';

export interface BareServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Full URL of the baseline route (GET). */
  url: string;
  /** Full URL of the same route for POST: Fastify parses the JSON body, the answer is the same. */
  postUrl: string;
  /**
   * With a database: POST routes that add one PostgreSQL round trip per request and nothing else
   * (`SELECT $1::text` of the body's certificateSerialNumber) — what the HTTP exchange plus reading
   * the database costs here, the floor of any design that reads PostgreSQL for each request.
   */
  db?: {
    /** One statement per request on a pool with a connection per concurrent request. */
    perRequestUrl: string;
    /** The requests of the same turn of the event loop in one statement, one in flight, as the eligibility check does. */
    batchedUrl: string;
  };
  close(): Promise<void>;
}

/** Lookup statements in flight on the batched route: as LOOKUPS_IN_FLIGHT of src/eligibility/repository.ts. */
const BATCHED_IN_FLIGHT = 1;

/**
 * The baseline: plain Fastify, logger off, one route returning a small JSON
 * object. What this machine can do with no validation, no database, no plugins.
 * Also for POST (with Fastify's JSON body parsing and nothing else), as a reference for
 * targets that are POSTs: the cost of the HTTP exchange itself, apart from the work.
 * Given `databaseUrl`, also the database floors of `BareServer.db`.
 */
export async function startBareServer(opts: { databaseUrl?: string; connections?: number } = {}): Promise<BareServer> {
  const app = Fastify({ logger: false });
  app.get('/bare', async () => ({ ok: true }));
  app.post('/bare', async () => ({ ok: true }));
  const pools: { end(): Promise<void> }[] = [];
  if (opts.databaseUrl) {
    const serialOf = (body: unknown) => {
      const serial = (body as { certificateSerialNumber?: unknown } | null)?.certificateSerialNumber;
      return typeof serial === 'string' ? serial : '';
    };
    const perRequest = createPool(opts.databaseUrl, opts.connections ?? 10);
    const batchedPool = createPool(opts.databaseUrl, BATCHED_IN_FLIGHT + 1);
    pools.push(perRequest, batchedPool);
    app.post('/bare/db', async (req) => {
      const { rows } = await perRequest.query<{ s: string }>({ name: 'bare-db', text: 'SELECT $1::text AS s', values: [serialOf(req.body)] });
      return { ok: rows[0]?.s === serialOf(req.body) };
    });
    const select = batcher(
      async (serials: string[]) => {
        const { rows } = await batchedPool.query<{ s: string }>({ name: 'bare-db-batched', text: 'SELECT s FROM unnest($1::text[]) AS s', values: [serials] });
        return rows.map((r) => r.s);
      },
      { maxInFlight: BATCHED_IN_FLIGHT },
    );
    app.post('/bare/db-batched', async (req) => ({ ok: (await select(serialOf(req.body))) === serialOf(req.body) }));
  }
  await app.listen({ host: LOOPBACK, port: 0 });
  const origin = loopbackOrigin(app.server.address());
  return {
    origin,
    url: `${origin}/bare`,
    postUrl: `${origin}/bare`,
    ...(opts.databaseUrl ? { db: { perRequestUrl: `${origin}/bare/db`, batchedUrl: `${origin}/bare/db-batched` } } : {}),
    async close() {
      await app.close();
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}
