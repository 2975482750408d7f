import { pino, type Logger } from 'pino';
import { buildApp, type App } from './app.js';
import { catalogueRepository } from './catalogue/repository.js';
import { seedCatalogue } from './catalogue/seed.js';
import type { Clock } from './clock/clock.js';
import type { Config } from './config.js';
import { openDatabase } from './db/database.js';
import { migrate, readMigrations } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { createPrisma } from './db/prisma.js';
import { startJobQueue } from './jobs/queue.js';
import { loggerOptions } from './logger.js';
import { ensureAdminToken } from './sandbox/admin/service.js';
import { loadSandboxClock } from './sandbox/clock/service.js';
import { sandboxSettingsRepository } from './sandbox/settings.js';

/** Closes what a start opened, last opened first; safe to call at any point of the start, and more than once. */
export class Closer {
  private readonly steps: (() => Promise<unknown>)[] = [];
  private closing: Promise<void> | undefined;

  add(step: () => Promise<unknown>) {
    this.steps.push(step);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const step of this.steps.reverse()) await step();
    })();
    return this.closing;
  }
}

export interface BootstrapOptions {
  logger?: Logger;
  /** Receives what the start opens, so a signal during the start closes it too (server.ts). */
  closer?: Closer;
  /** The database is already migrated and seeded (tests copy a template database): skip both. */
  databaseReady?: boolean;
  /** Connections of the shared pools (Prisma's and node-postgres'). */
  poolSize?: number;
  /** What the sandbox clock runs on: the system clock unless a test gives another. */
  clock?: Clock;
  /** Load the well-known test cards after the start (the server does; most tests do not). */
  testCards?: boolean;
}

export interface Service {
  app: App;
  databaseUrl: string;
  testCards?: { cards: number; institution: string };
  close(): Promise<void>;
}

/**
 * Everything between a config and a ready app, for the server and the tests alike: the database
 * (embedded when there is no DATABASE_URL), migrations and catalogue, the admin token, the sandbox
 * clock as last set, the job queue, the app with its workers, and the test cards.
 */
export async function bootstrap(config: Config, opts: BootstrapOptions = {}): Promise<Service> {
  const logger = opts.logger ?? pino(loggerOptions(config.LOG_LEVEL));
  const closer = opts.closer ?? new Closer();
  try {
    const database = await openDatabase(config, logger);
    closer.add(() => database.stop());
    const db = createPrisma(database.url, opts.poolSize);
    closer.add(() => db.$disconnect());
    const pool = createPool(database.url, opts.poolSize);
    closer.add(() => pool.end());

    if (!opts.databaseReady) {
      await migrate(database.url, logger);
      logger.info(await seedCatalogue(catalogueRepository(db)), 'catalogue seeded');
    }
    const settings = sandboxSettingsRepository(db);
    await ensureAdminToken(settings, config, logger);
    // The test clock as last set, so that it survives a restart (everything using the app's clock follows it).
    const clock = await loadSandboxClock(settings, opts.clock);
    if (clock.state().frozenAt) logger.info({ sandboxClock: clock.now().toISOString() }, 'sandbox clock is frozen (DELETE /sandbox/v1/clock for real time)');

    const jobs = await startJobQueue(database.url, logger);
    closer.add(() => jobs.stop());
    const expectedMigrations = (await readMigrations()).map((m) => m.name);
    const app = await buildApp({ config, db, pool, jobs, runWorkers: true, expectedMigrations, logger, clock });
    closer.add(() => app.close());
    await app.ready();
    // Registered through the registration task workers, so once the app is ready.
    const testCards = opts.testCards ? await app.seedTestCards() : undefined;
    if (config.SANDBOX_SEED_FILE) logger.info({ file: config.SANDBOX_SEED_FILE, ...(await app.loadSeedFile(config.SANDBOX_SEED_FILE)) }, 'seed file loaded');
    return { app, databaseUrl: database.url, testCards, close: () => closer.close() };
  } catch (err) {
    await closer.close().catch((closeErr: unknown) => logger.error({ err: closeErr }, 'closing after a failed start failed'));
    throw err;
  }
}
