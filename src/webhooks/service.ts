import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Transaction } from '../db/pool.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from '../domain/webhook-signature.js';
import { checkWebhookUrl } from '../domain/webhook-url.js';
import { problem } from '../http/problem.js';
import { decodeCursor, encodeCursor } from '../http/schemas.js';
import type { JobQueue } from '../jobs/queue.js';
import type { TaskRow } from '../registrations/repository.js';
import { taskView } from '../registrations/service.js';
import { guardedPost, type Resolver } from './deliver.js';
import type { AttemptRecord, DeliveryRow, EndpointRow, WebhooksRepository } from './repository.js';
import type { WebhookDeliveryView, WebhookEndpointView } from './schemas.js';

/** Endpoints one municipality may register. */
export const MAX_ENDPOINTS = 20;

export interface DeliveryPolicy {
  /** Attempts before a delivery is marked failed (WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** Delay before the second attempt in seconds, doubled after each failure (WEBHOOK_RETRY_BASE_SECONDS). */
  retryBaseSeconds: number;
  /** Per-attempt timeout (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** Loopback and private ranges allowed (WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
}

export interface WebhooksServiceDeps {
  repo: WebhooksRepository;
  jobs: JobQueue;
  policy: DeliveryPolicy;
  /** The sandbox clock: endpoint and event timestamps follow it, like the task's own. */
  now(): Date;
  logger: FastifyBaseLogger;
  /** The real time: attempts, retries and signature timestamps happen in real time, whatever the sandbox clock says. */
  realNow?: () => Date;
  /** Name resolution of deliveries (tests inject one); every address it returns is checked before connecting. */
  resolve?: Resolver;
}

/** Delay after failed attempt number `attempts` (1-based): base · 2^(attempts−1). */
export const retryDelaySeconds = (policy: DeliveryPolicy, attempts: number) => policy.retryBaseSeconds * 2 ** (attempts - 1);

const endpointView = (e: EndpointRow): WebhookEndpointView => ({ id: e.id, url: e.url, description: e.description, createdAt: e.createdAt.toISOString() });

const deliveryView = (d: DeliveryRow): WebhookDeliveryView => ({
  id: d.id,
  endpointId: d.endpointId,
  eventId: d.eventId,
  eventType: d.event.type as WebhookDeliveryView['eventType'],
  taskId: d.event.taskId,
  status: d.status as WebhookDeliveryView['status'],
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
});

const notFound = () => problem('webhook_endpoint_not_found');

export function webhooksService(deps: WebhooksServiceDeps) {
  const { repo, policy } = deps;
  const realNow = deps.realNow ?? (() => new Date());

  async function ownEndpoint(municipalityCode: string, id: string) {
    // Another municipality's endpoint is indistinguishable from a missing one.
    const e = await repo.findEndpoint(municipalityCode, id);
    if (!e) throw notFound();
    return e;
  }

  /** One POST of the event under the URL policy; a 2xx answer within the timeout is a success, anything else a failure with its category. */
  async function post(target: { id: string; url: string; secret: string; eventId: string; body: string }, attempt: number) {
    const timestamp = Math.floor(realNow().getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'PMH-Sandbox-Webhooks/0.1',
      [SIGNATURE_HEADER]: signWebhook(target.secret, target.body, timestamp),
      [EVENT_ID_HEADER]: target.eventId,
      'pmh-sandbox-delivery-id': target.id,
      'pmh-sandbox-attempt': String(attempt),
    };
    // A URL stored before the policy was stricter is checked again, as registered, before its name is resolved.
    if (!checkWebhookUrl(target.url, { allowPrivate: policy.allowPrivate }).ok) return { statusCode: null, error: 'refused_address' as const };
    // Redirects are answered, not followed: the endpoint's URL is the one the municipality registered.
    return guardedPost(target.url, { headers, body: target.body, timeoutMs: policy.timeoutMs }, { allowPrivate: policy.allowPrivate }, deps.resolve);
  }

  return {
    async createEndpoint(municipalityCode: string, input: { url: string; description?: string }) {
      if ((await repo.countEndpoints(municipalityCode)) >= MAX_ENDPOINTS) {
        throw problem('too_many_webhook_endpoints', { detail: `A municipality may register at most ${MAX_ENDPOINTS}; delete one first` });
      }
      const verdict = checkWebhookUrl(input.url, { allowPrivate: policy.allowPrivate });
      if (!verdict.ok) {
        throw problem('webhook_url_refused', {
          detail: `The URL ${verdict.message}`,
          errors: [{ field: 'url', code: verdict.rule, message: verdict.message }],
        });
      }
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      const e = await repo.createEndpoint({
        id: randomUUID(),
        municipalityCode,
        url: verdict.url,
        description: input.description ?? null,
        secret,
        createdAt: deps.now(),
      });
      return { ...endpointView(e), secret };
    },

    listEndpoints: async (municipalityCode: string) => ({ items: (await repo.listEndpoints(municipalityCode)).map(endpointView) }),

    getEndpoint: async (municipalityCode: string, id: string) => endpointView(await ownEndpoint(municipalityCode, id)),

    async deleteEndpoint(municipalityCode: string, id: string) {
      if (!(await repo.deleteEndpoint(municipalityCode, id))) throw notFound();
    },

    async listDeliveries(municipalityCode: string, endpointId: string, q: { limit: number; cursor?: string }) {
      await ownEndpoint(municipalityCode, endpointId);
      let after: { createdAt: Date; id: string } | undefined;
      if (q.cursor) {
        const [at, id] = decodeCursor(q.cursor).split('|');
        const createdAt = new Date(at ?? '');
        if (!id || Number.isNaN(createdAt.getTime())) throw problem('invalid_cursor', { detail: 'Pass nextCursor from a previous page unchanged' });
        after = { createdAt, id };
      }
      const rows = await repo.listDeliveries(endpointId, q.limit + 1, after);
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return { items: page.map(deliveryView), nextCursor: rows.length > q.limit && last ? encodeCursor(`${last.createdAt.toISOString()}|${last.id}`) : null };
    },

    async getDelivery(municipalityCode: string, endpointId: string, deliveryId: string) {
      await ownEndpoint(municipalityCode, endpointId);
      const d = await repo.findDelivery(endpointId, deliveryId);
      if (!d) throw problem('webhook_delivery_not_found');
      return deliveryView(d);
    },

    /** Sends the delivery's event again as a new delivery (same event id and body, fresh attempts). */
    async redeliver(municipalityCode: string, endpointId: string, deliveryId: string) {
      await ownEndpoint(municipalityCode, endpointId);
      const d = await repo.findDelivery(endpointId, deliveryId);
      if (!d) throw problem('webhook_delivery_not_found');
      const id = randomUUID();
      await repo.inTransaction(async (client) => {
        await repo.insertDelivery(client, { id, endpointId, eventId: d.eventId, createdAt: realNow() });
        await deps.jobs.send('webhook-delivery', { deliveryId: id, attempt: 1 }, { client });
      });
      deps.jobs.wake();
      return deliveryView((await repo.findDelivery(endpointId, id))!);
    },

    /**
     * In the transaction that finishes a registration task: one event, one delivery per endpoint of the
     * municipality, and their jobs — all commit with the task's final status, or none does.
     */
    async enqueueTaskFinished(client: Transaction, task: TaskRow) {
      const endpointIds = await repo.endpointIdsOf(client, task.municipalityCode);
      if (endpointIds.length === 0) return;
      const event = {
        id: randomUUID(),
        type: 'registration_task.finished' as const,
        createdAt: (task.finishedAt ?? deps.now()).toISOString(),
        data: { task: taskView(task) },
      };
      const body = JSON.stringify(event);
      await repo.insertEvent(client, {
        id: event.id,
        municipalityCode: task.municipalityCode,
        type: event.type,
        taskId: task.id,
        body,
        createdAt: new Date(event.createdAt),
      });
      const createdAt = realNow();
      for (const endpointId of endpointIds) {
        const id = randomUUID();
        await repo.insertDelivery(client, { id, endpointId, eventId: event.id, createdAt });
        await deps.jobs.send('webhook-delivery', { deliveryId: id, attempt: 1 }, { client });
      }
    },

    /**
     * Job handler: makes attempt number `attempt` of a delivery. A duplicate or stale job (the delivery is no
     * longer pending, or already past this attempt, or gone) does nothing. A failure is recorded and the next
     * attempt scheduled as a new job in the same transaction, with an exact, listed nextAttemptAt.
     */
    async attempt({ deliveryId, attempt }: { deliveryId: string; attempt: number }) {
      const target = await repo.findTarget(deliveryId);
      if (!target || target.status !== 'pending' || target.attempts !== attempt - 1) return;
      const result = await post(target, attempt);
      const at = realNow();
      await repo.inTransaction(async (client) => {
        const current = await repo.lockDelivery(client, deliveryId);
        if (!current || current.status !== 'pending' || current.attempts !== attempt - 1) return;
        let record: AttemptRecord;
        if (result.error === null) {
          record = { status: 'succeeded', attempts: attempt, lastStatusCode: result.statusCode, lastError: null, nextAttemptAt: null, deliveredAt: at };
        } else if (attempt >= policy.maxAttempts) {
          record = { status: 'failed', attempts: attempt, lastStatusCode: result.statusCode, lastError: result.error, nextAttemptAt: null, deliveredAt: null };
        } else {
          const nextAttemptAt = new Date(at.getTime() + retryDelaySeconds(policy, attempt) * 1000);
          record = { status: 'pending', attempts: attempt, lastStatusCode: result.statusCode, lastError: result.error, nextAttemptAt, deliveredAt: null };
          await deps.jobs.send('webhook-delivery', { deliveryId, attempt: attempt + 1 }, { client, startAfter: nextAttemptAt });
        }
        await repo.recordAttempt(client, deliveryId, record);
      });
      if (result.error !== null) deps.logger.info({ deliveryId, attempt, statusCode: result.statusCode, error: result.error }, 'webhook attempt failed');
    },
  };
}

export type WebhooksService = ReturnType<typeof webhooksService>;
