import fp from 'fastify-plugin';
import pg from 'pg';
import { uploadWorkerThreads } from '../config.js';
import type { Transaction } from '../db/pool.js';
import { registerMunicipalRoutes } from '../credentials/index.js';
import { PreparePool } from './prepare-pool.js';
import { registrationProcessor } from './processor.js';
import { registrationsRepository, type TaskRow } from './repository.js';
import { registrationRoutes } from './routes.js';
import { registrationsService, type RegistrationsService } from './service.js';

/** Called in the transaction that finishes a task (e.g. to enqueue its webhook deliveries with it). */
export type TaskFinishedListener = (tx: Transaction, task: TaskRow) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    registrations: RegistrationsService;
    /** Adds a listener run inside the transaction that finishes each registration task. */
    onRegistrationTaskFinished(listener: TaskFinishedListener): void;
  }
}

/**
 * Batch registration (PMH postRegistrationTasks): uploads under /municipal/v1/registration-tasks,
 * staged on a pool of their own, and the worker that validates and applies them. Owns its pools and
 * worker threads and closes them.
 */
export const registrationsFeature = fp(
  async (app) => {
    const { config } = app;
    const repo = registrationsRepository(app.db, app.pool);
    const threads = uploadWorkerThreads(config.UPLOAD_WORKER_THREADS);
    const preparePool = threads > 0 ? new PreparePool(threads) : undefined;
    if (preparePool) app.addHook('onClose', () => preparePool.close());
    // Uploads stage on connections of their own: a slow or stalled client never holds the shared pool's (clinic tokens, checks).
    const uploadPool = new pg.Pool({ ...app.pool.options, max: config.UPLOAD_MAX_IN_FLIGHT });
    uploadPool.on('error', () => undefined);
    app.addHook('onClose', () => uploadPool.end());
    const now = () => app.clock.now();
    const service = registrationsService({
      uploadPool,
      inFlight: { total: config.UPLOAD_MAX_IN_FLIGHT, perMunicipality: config.UPLOAD_MAX_IN_FLIGHT_PER_MUNICIPALITY },
      repo,
      jobs: app.jobs,
      loadRules: (code) => app.certificateTypes.loadRules(code),
      preparePool,
      now,
      limits: {
        maxBytes: config.UPLOAD_LIMIT_BYTES,
        maxRecords: config.MAX_RECORDS_PER_TASK,
        maxRecordBytes: 1024 * 1024,
        idleTimeoutMs: config.UPLOAD_IDLE_TIMEOUT_MS,
      },
    });
    app.decorate('registrations', service);
    const finishedListeners: TaskFinishedListener[] = [];
    app.decorate('onRegistrationTaskFinished', (listener: TaskFinishedListener) => void finishedListeners.push(listener));
    await registerMunicipalRoutes(app, (municipal) => municipal.register(registrationRoutes, { service, maxJsonRecords: config.MAX_JSON_RECORDS }));

    if (!app.runWorkers) return;
    const processor = registrationProcessor({
      repo,
      now,
      logger: app.log,
      chunkSize: config.REGISTRATION_CHUNK_SIZE,
      onFinished: async (tx, task) => {
        for (const listener of finishedListeners) await listener(tx, task);
      },
    });
    await app.jobs.work('registration-task', async ({ taskId }, { lastAttempt }) => {
      try {
        await processor.process(taskId);
      } catch (err) {
        app.log.warn({ err, taskId, lastAttempt }, 'registration task attempt failed');
        if (lastAttempt) await processor.fail(taskId, `gave up after repeated errors: ${(err as Error).message}`);
        throw err;
      } finally {
        // Jobs sent in the task's final transaction (webhooks) are due now.
        app.jobs.wake();
      }
    });
    // Tasks left unfinished by a stopped or crashed process get a new job; processing resumes where it stopped.
    app.addHook('onReady', async () => {
      for (const taskId of await repo.unfinishedTaskIds()) await app.jobs.send('registration-task', { taskId });
    });
  },
  { name: 'registrations', dependencies: ['infrastructure', 'sandbox-tooling', 'credentials', 'certificate-types'] },
);
