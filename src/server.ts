import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { bootstrap, Closer } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';
import { DatabaseUrlError } from './db/database.js';
import { logDestination, loggerOptions } from './logger.js';
import { SeedFileError } from './sandbox/seed-file/load.js';

/**
 * Stop signals are handled here rather than by close-with-grace, which exits at once on a second one: Ctrl-C in a
 * terminal signals the whole process group and `npm start` forwards the same SIGINT to the service, so one Ctrl-C
 * arrives twice. A repeat within REPEATED_SIGNAL_MS is that same Ctrl-C; a later one forces the exit.
 */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const REPEATED_SIGNAL_MS = 1_000;

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
  const grace = closeWithGrace({ delay: 10_000, logger, skip: [...STOP_SIGNALS] }, async ({ err, signal }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else if (signal) logger.info({ signal }, 'shutting down');
    await closer.close();
    logger.info('stopped');
  });
  let firstStopSignal: number | undefined;
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (firstStopSignal === undefined) {
        firstStopSignal = performance.now();
        logger.info({ signal }, 'shutting down');
        void grace.close();
      } else if (performance.now() - firstStopSignal > REPEATED_SIGNAL_MS) {
        logger.error({ signal }, 'second stop signal while shutting down, exiting now');
        process.exit(1);
      }
    });
  }

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
