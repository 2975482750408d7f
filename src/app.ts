import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { cardsFeature } from './cards/index.js';
import { catalogueFeature } from './catalogue/index.js';
import { certificateTypesFeature } from './certificate-types/index.js';
import type { Clock } from './clock/clock.js';
import { consoleFeature } from './console/index.js';
import { copaymentsFeature } from './copayments/index.js';
import { credentialsFeature } from './credentials/index.js';
import { eligibilityFeature } from './eligibility/index.js';
import { healthFeature } from './health/index.js';
import { installAccessLog } from './http/access-log.js';
import { installRequestGuards } from './http/guards.js';
import { identityPlugin } from './http/identity.js';
import { openApiOptions } from './http/openapi.js';
import { clientErrorHandler, frameworkErrorHandler, registerProblemHandlers } from './http/problem.js';
import { infrastructure, type Infrastructure } from './infrastructure.js';
import { institutionsFeature } from './institutions/index.js';
import { myPortalFeature } from './myportal/index.js';
import { quotesFeature } from './quotes/index.js';
import { accessLogOnlyController, lazyChildLoggerFactory, loggerOptions } from './logger.js';
import { recipientsFeature } from './recipients/index.js';
import { registrationsFeature } from './registrations/index.js';
import { sandboxTooling } from './sandbox/index.js';
import { scenariosFeature } from './sandbox/scenarios/index.js';
import { webhooksFeature } from './webhooks/index.js';

export interface AppDeps extends Omit<Infrastructure, 'runWorkers'> {
  /** Work the job queue's jobs (registration tasks, webhook deliveries) in this process. */
  runWorkers?: boolean;
  /** Migration names this build expects (for /ready). */
  expectedMigrations: string[];
  /** The sandbox clock; the system clock unless a test clock replaces it. */
  clock?: Clock;
  /** The process logger; without one the app makes its own from the config. */
  logger?: FastifyBaseLogger;
}

/**
 * The whole application: HTTP conventions, shared infrastructure, then one plugin per feature, each
 * building its own repository → service → routes (and jobs). The server and the tests use it alike.
 * Order matters only where a feature uses another's decorator (each plugin names its dependencies).
 */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: loggerOptions(deps.config.LOG_LEVEL) }),
    bodyLimit: deps.config.BODY_LIMIT_BYTES,
    // Request ids for correlating log lines; never derived from request content.
    genReqId: () => crypto.randomUUID(),
    childLoggerFactory: lazyChildLoggerFactory,
    // One line per request instead of Fastify's two (src/http/access-log.ts).
    logController: accessLogOnlyController(),
    // Requests Node's HTTP parser rejects (e.g. raw non-ASCII in the URL) still get a problem.
    clientErrorHandler,
    // Routing errors (a malformed percent-encoding, a path parameter over the limit) as problems too.
    frameworkErrors: frameworkErrorHandler,
    // A missing Host is refused by src/http/guards.ts with a problem instead of Node's empty 400.
    http: { requireHostHeader: false },
  }).withTypeProvider<ZodTypeProvider>();

  // Bodies are JSON (and the upload's NDJSON/CSV): text/plain is refused with 415 like any other type, not parsed to a string.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app);
  installAccessLog(app);
  installRequestGuards(app);

  await app.register(infrastructure, { config: deps.config, db: deps.db, pool: deps.pool, jobs: deps.jobs, runWorkers: deps.runWorkers ?? false });
  await app.register(identityPlugin);
  await app.register(fastifySwagger, openApiOptions(deps.config.PUBLIC_URL));
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  await app.register(healthFeature, { expectedMigrations: deps.expectedMigrations });
  await app.register(catalogueFeature);
  await app.register(credentialsFeature);
  // The clock, faults, journal and reset: app-level hooks every route inherits, wherever registered.
  await app.register(sandboxTooling, { clock: deps.clock });
  await app.register(certificateTypesFeature);
  await app.register(recipientsFeature);
  await app.register(registrationsFeature);
  await app.register(webhooksFeature);
  await app.register(cardsFeature);
  await app.register(institutionsFeature);
  await app.register(copaymentsFeature);
  await app.register(eligibilityFeature);
  await app.register(myPortalFeature);
  await app.register(quotesFeature);
  await app.register(scenariosFeature);
  // The web console: static files of a client of the routes above, no routes of its own.
  await app.register(consoleFeature);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
