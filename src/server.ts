import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { bootstrap, Closer } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';
import { DatabaseUrlError } from './db/database.js';
import { logDestination, loggerOptions } from './logger.js';
import { SeedFileError } from './sandbox/seed-file/load.js';

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
  const logger = pino(loggerOptions(config.LOG_LEVEL), logDestination());
  const closer = new Closer();
  closeWithGrace({ delay: 10_000, logger }, async ({ err, signal }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await closer.close();
    logger.info('stopped');
  });

  const { app, testCards } = await bootstrap(config, { logger, closer, testCards: true });
  logger.info(testCards, 'well-known test cards loaded');
  await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ startupMs: Math.round(performance.now()), docs: `http://${config.HOST}:${config.PORT}/docs` }, 'ready: /ready answers from now on');
}

main().catch((err) => {
  if (err instanceof DatabaseUrlError || err instanceof SeedFileError) {
    console.error(err.message);
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
});
