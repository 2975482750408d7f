import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { catalogueRepository } from './catalogue/repository.js';
import { seedCatalogue } from './catalogue/seed.js';
import { ConfigError, loadConfig } from './config.js';
import { DatabaseUrlError, openDatabase } from './db/database.js';
import { migrate, readMigrations } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { createPrisma } from './db/prisma.js';
import { startJobQueue, type JobQueue } from './jobs/queue.js';
import { loggerOptions } from './logger.js';
import { ensureAdminToken } from './sandbox/admin/service.js';
import { loadSandboxClock } from './sandbox/clock/service.js';
import { sandboxSettingsRepository } from './sandbox/settings.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = pino(loggerOptions(config.LOG_LEVEL));

  const database = await openDatabase(config, logger);
  const db = createPrisma(database.url);
  const pool = createPool(database.url);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let jobs: JobQueue | undefined;

  closeWithGrace({ delay: 10_000, logger }, async ({ err, signal }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await app?.close();
    await jobs?.stop();
    await pool.end();
    await db.$disconnect();
    await database.stop();
    logger.info('stopped');
  });

  await migrate(database.url, logger);
  const seeded = await seedCatalogue(catalogueRepository(db));
  logger.info(seeded, 'catalogue seeded');

  const settings = sandboxSettingsRepository(db);
  await ensureAdminToken(settings, config, logger);
  // The test clock as last set, so that it survives a restart (everything using the app's clock follows it).
  const clock = await loadSandboxClock(settings);
  if (clock.state().frozenAt) logger.info({ sandboxClock: clock.now().toISOString() }, 'sandbox clock is frozen (DELETE /sandbox/v1/clock for real time)');

  const expectedMigrations = (await readMigrations()).map((m) => m.name);
  jobs = await startJobQueue(database.url, logger);
  app = await buildApp({ config, db, pool, jobs, runWorkers: true, expectedMigrations, logger, clock });
  // Registered through the registration task workers, so after buildApp started them.
  logger.info(await app.seedTestCards(), 'well-known test cards loaded');
  await app.listen({ host: config.HOST, port: config.PORT });
  logger.info(
    { startupMs: Math.round(performance.now()), docs: `http://${config.HOST}:${config.PORT}/docs` },
    'ready: /ready answers from now on',
  );
}

main().catch((err) => {
  if (err instanceof DatabaseUrlError) {
    console.error(err.message);
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
});
