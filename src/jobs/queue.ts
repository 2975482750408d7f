import PgBoss from 'pg-boss';
import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import { isServerShutdown } from '../db/pool.js';

/** Job names and payloads. */
export interface JobPayloads {
  'registration-task': { taskId: string };
  /** One attempt of a webhook delivery; `attempt` (1-based) makes a duplicate or stale job a no-op. */
  'webhook-delivery': { deliveryId: string; attempt: number };
}
export type JobName = keyof JobPayloads;

/** The part of the job queue that features use: send (optionally inside a transaction) and work. */
export interface JobQueue {
  send<N extends JobName>(name: N, data: JobPayloads[N], opts?: { client?: pg.ClientBase; singletonKey?: string; startAfter?: Date }): Promise<void>;
  /** `handler` gets `lastAttempt: true` when the queue will not retry the job after this attempt. */
  work<N extends JobName>(
    name: N,
    handler: (data: JobPayloads[N], meta: { lastAttempt: boolean }) => Promise<void>,
    opts?: { workers?: number },
  ): Promise<void>;
  /** Wakes local workers now (e.g. after the transaction that sent a job committed). */
  wake(): void;
  stop(): Promise<void>;
}

const QUEUES: JobName[] = ['registration-task', 'webhook-delivery'];

/**
 * pg-boss on the service's own PostgreSQL (schema `pgboss`). A job sent with a
 * client joins that client's transaction, so a task and its job commit together.
 */
export async function startJobQueue(databaseUrl: string, logger: FastifyBaseLogger): Promise<JobQueue> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    max: 4,
    // A worker that died mid-job (crash, kill) leaves the job active; it is retried after this.
    expireInSeconds: 15 * 60,
    retryLimit: 20,
    retryDelay: 2,
    retryBackoff: true,
    supervise: true,
    schedule: false,
  });
  boss.on('error', queueErrorLogger(logger));
  await boss.start();
  for (const q of QUEUES) await boss.createQueue(q);
  const workers: string[] = [];

  return {
    async send(name, data, opts) {
      await boss.send(name, data as object, {
        singletonKey: opts?.singletonKey,
        startAfter: opts?.startAfter,
        db: opts?.client ? { executeSql: (text, values) => opts.client!.query(text, values) } : undefined,
      });
      if (!opts?.client) for (const w of workers) boss.notifyWorker(w);
    },
    wake() {
      for (const w of workers) boss.notifyWorker(w);
    },
    async work(name, handler, opts) {
      // Several workers on one queue take jobs in parallel (one slow webhook receiver does not hold up the others).
      for (let i = 0; i < (opts?.workers ?? 1); i++) {
        const id = await boss.work<JobPayloads[typeof name]>(name, { pollingIntervalSeconds: 1, batchSize: 1, includeMetadata: true }, async (jobs) => {
          for (const job of jobs) await handler(job.data, { lastAttempt: job.retryCount >= job.retryLimit });
        });
        workers.push(id);
      }
    },
    async stop() {
      await boss.stop({ graceful: true, timeout: 10_000, wait: true });
    },
  };
}

/**
 * pg-boss's error events. PostgreSQL stopping under the queue (Ctrl-C in a terminal signals the embedded PostgreSQL
 * too, which then ends every session at once) makes each of the queue's connections fail with 57P01: one warning
 * says so, instead of a multi-KB error line with a stack per connection.
 */
export function queueErrorLogger(logger: Pick<FastifyBaseLogger, 'error' | 'warn'>) {
  let toldShutdown = false;
  return (err: Error) => {
    if (isServerShutdown(err)) {
      if (!toldShutdown) logger.warn({ code: (err as { code?: string }).code }, 'job queue: PostgreSQL is shutting down and closed the queue’s connections');
      toldShutdown = true;
      return;
    }
    logger.error({ err }, 'job queue error');
  };
}

/** A queue that accepts nothing: for building the app without a database (OpenAPI generation). */
export const offlineJobQueue: JobQueue = {
  async send() {
    throw new Error('no job queue in this context');
  },
  async work() {},
  wake() {},
  async stop() {},
};
