import PgBoss from 'pg-boss';
import type pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';

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
  boss.on('error', (err) => logger.error({ err }, 'job queue error'));
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

/** A queue that accepts nothing: for building the app without a database (OpenAPI generation). */
export const offlineJobQueue: JobQueue = {
  async send() {
    throw new Error('no job queue in this context');
  },
  async work() {},
  wake() {},
  async stop() {},
};
