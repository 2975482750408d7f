import type pg from 'pg';
import type { Db } from '../db/prisma.js';
import { inTransaction } from '../db/pool.js';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface EndpointRow {
  id: string;
  municipalityCode: string;
  url: string;
  description: string | null;
  createdAt: Date;
}

export interface DeliveryRow {
  id: string;
  endpointId: string;
  eventId: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
  event: { type: string; taskId: string | null };
}

/** What one attempt needs: where, how to sign, what to send. */
export interface DeliveryTarget {
  id: string;
  status: string;
  attempts: number;
  eventId: string;
  body: string;
  url: string;
  secret: string;
}

export interface AttemptRecord {
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

const endpointSelect = { id: true, municipalityCode: true, url: true, description: true, createdAt: true } as const;
const deliveryInclude = { event: { select: { type: true, taskId: true } } } as const;

export function webhooksRepository(db: Db, pool: pg.Pool) {
  return {
    pool,

    countEndpoints: (municipalityCode: string) => db.webhookEndpoint.count({ where: { municipalityCode } }),

    createEndpoint: (e: EndpointRow & { secret: string }): Promise<EndpointRow> => db.webhookEndpoint.create({ data: e, select: endpointSelect }),

    listEndpoints: (municipalityCode: string): Promise<EndpointRow[]> =>
      db.webhookEndpoint.findMany({ where: { municipalityCode }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: endpointSelect }),

    findEndpoint: (municipalityCode: string, id: string): Promise<EndpointRow | null> =>
      db.webhookEndpoint.findFirst({ where: { id, municipalityCode }, select: endpointSelect }),

    /** Deliveries go with it (ON DELETE CASCADE); their queued jobs then find nothing to do. */
    deleteEndpoint: async (municipalityCode: string, id: string) => (await db.webhookEndpoint.deleteMany({ where: { id, municipalityCode } })).count > 0,

    /** Newest first; `after` is the (createdAt, id) of the last delivery of the previous page. */
    listDeliveries: (endpointId: string, limit: number, after?: { createdAt: Date; id: string }): Promise<DeliveryRow[]> =>
      db.webhookDelivery.findMany({
        where: {
          endpointId,
          ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit,
        include: deliveryInclude,
      }),

    findDelivery: (endpointId: string, id: string): Promise<DeliveryRow | null> =>
      db.webhookDelivery.findFirst({ where: { id, endpointId }, include: deliveryInclude }),

    /** Endpoint ids of a municipality, read in the caller's transaction. */
    async endpointIdsOf(client: pg.ClientBase, municipalityCode: string): Promise<string[]> {
      const { rows } = await client.query<{ id: string }>('SELECT id FROM webhook_endpoint WHERE municipality_code = $1 ORDER BY created_at, id', [
        municipalityCode,
      ]);
      return rows.map((r) => r.id);
    },

    async insertEvent(client: pg.ClientBase, e: { id: string; municipalityCode: string; type: string; taskId: string | null; body: string; createdAt: Date }) {
      await client.query('INSERT INTO webhook_event (id, municipality_code, type, task_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        e.id,
        e.municipalityCode,
        e.type,
        e.taskId,
        e.body,
        e.createdAt,
      ]);
    },

    async insertDelivery(client: pg.ClientBase, d: { id: string; endpointId: string; eventId: string; createdAt: Date }) {
      await client.query(
        `INSERT INTO webhook_delivery (id, endpoint_id, event_id, status, attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, 'pending', 0, $4, $4)`,
        [d.id, d.endpointId, d.eventId, d.createdAt],
      );
    },

    async findTarget(deliveryId: string): Promise<DeliveryTarget | null> {
      const { rows } = await pool.query<DeliveryTarget>(
        `SELECT d.id, d.status, d.attempts, d.event_id AS "eventId", ev.body, e.url, e.secret
           FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id JOIN webhook_event ev ON ev.id = d.event_id
          WHERE d.id = $1`,
        [deliveryId],
      );
      return rows[0] ?? null;
    },

    /** Locks the delivery in the caller's transaction; null when it is gone (endpoint deleted, sandbox reset). */
    async lockDelivery(client: pg.ClientBase, deliveryId: string): Promise<{ status: string; attempts: number } | null> {
      const { rows } = await client.query<{ status: string; attempts: number }>('SELECT status, attempts FROM webhook_delivery WHERE id = $1 FOR UPDATE', [
        deliveryId,
      ]);
      return rows[0] ?? null;
    },

    async recordAttempt(client: pg.ClientBase, deliveryId: string, a: AttemptRecord) {
      await client.query(
        `UPDATE webhook_delivery SET status = $2, attempts = $3, last_status_code = $4, last_error = $5, next_attempt_at = $6, delivered_at = $7 WHERE id = $1`,
        [deliveryId, a.status, a.attempts, a.lastStatusCode, a.lastError, a.nextAttemptAt, a.deliveredAt],
      );
    },

    /** Runs `fn` in a transaction on its own connection. */
    inTransaction: <T>(fn: (client: pg.ClientBase) => Promise<T>) => inTransaction(pool, fn),
  };
}

export type WebhooksRepository = ReturnType<typeof webhooksRepository>;
