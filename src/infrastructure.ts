import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import type { Config } from './config.js';
import type { Db } from './db/prisma.js';
import type { JobQueue } from './jobs/queue.js';

/** What every feature plugin builds on, decorated once on the root instance. */
export interface Infrastructure {
  config: Config;
  /** Prisma client */
  db: Db;
  /** node-postgres pool on the same database, for COPY and set-based hot paths */
  pool: pg.Pool;
  /** The job queue; features send jobs and, when `runWorkers` is set, work them */
  jobs: JobQueue;
  runWorkers: boolean;
}

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging: the instance gains Infrastructure's members
  interface FastifyInstance extends Infrastructure {}
}

export const infrastructure = fp(
  async (app: FastifyInstance, deps: Infrastructure) => {
    app.decorate('config', deps.config);
    app.decorate('db', deps.db);
    app.decorate('pool', deps.pool);
    app.decorate('jobs', deps.jobs);
    app.decorate('runWorkers', deps.runWorkers);
  },
  { name: 'infrastructure' },
);
