import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { catalogueRepository } from './catalogue/repository.js';
import { catalogueRoutes } from './catalogue/routes.js';
import { catalogueService } from './catalogue/service.js';
import { uploadWorkerThreads, type Config } from './config.js';
import { credentialsRepository } from './credentials/repository.js';
import { credentialRoutes } from './credentials/routes.js';
import { credentialsService } from './credentials/service.js';
import type { Db } from './db/prisma.js';
import pg from 'pg';
const pgPool = pg.Pool;
import type { JobQueue } from './jobs/queue.js';
import { certificateTypesRepository } from './certificate-types/repository.js';
import { certificateTypeRoutes } from './certificate-types/routes.js';
import { certificateTypesService } from './certificate-types/service.js';
import { PreparePool } from './registrations/prepare-pool.js';
import { registrationsRepository } from './registrations/repository.js';
import { registrationProcessor } from './registrations/processor.js';
import { registrationRoutes } from './registrations/routes.js';
import { registrationsService } from './registrations/service.js';
import { healthRepository } from './health/repository.js';
import { healthRoutes } from './health/routes.js';
import { installAccessLog } from './http/access-log.js';
import { requireInstitution, requireMunicipality } from './http/auth.js';
import { cardsRepository } from './cards/repository.js';
import { cardRoutes } from './cards/routes.js';
import { cardsService } from './cards/service.js';
import { eligibilityRepository } from './eligibility/repository.js';
import { clinicEligibilityRoutes } from './eligibility/routes.js';
import { eligibilitySandboxRoutes } from './eligibility/sandbox-routes.js';
import { eligibilityService } from './eligibility/service.js';
import { institutionsRepository } from './institutions/repository.js';
import { institutionRoutes } from './institutions/routes.js';
import { institutionsService } from './institutions/service.js';
import { transformOpenApiObject } from './http/openapi.js';
import { installRequestGuards } from './http/guards.js';
import { clientErrorHandler, frameworkErrorHandler, registerProblemHandlers } from './http/problem.js';
import { lazyChildLoggerFactory, loggerOptions } from './logger.js';
import type { Clock } from './clock/clock.js';
import { sandboxScope, SANDBOX_PREFIX } from './sandbox/scope.js';
import { sandboxTooling } from './sandbox/tooling.js';
import { sandboxLoader } from './sandbox/loader.js';
import { sandboxScenarioRoutes } from './sandbox/scenarios/routes.js';
import { scenariosService } from './sandbox/scenarios/service.js';
import { seedTestCards } from './sandbox/test-cards-seed.js';
import { resetTouchesTestCards } from './sandbox/test-cards.js';
import { recipientsRepository } from './recipients/repository.js';
import { recipientRoutes } from './recipients/routes.js';
import { recipientsService } from './recipients/service.js';
import { webhooksRepository } from './webhooks/repository.js';
import { WEBHOOK_SEMANTICS, webhookRoutes } from './webhooks/routes.js';
import { webhooksService } from './webhooks/service.js';

export interface AppDeps {
  config: Config;
  db: Db;
  /** node-postgres pool on the same database, for COPY and set-based hot paths. */
  pool: pg.Pool;
  /** The job queue; the app sends jobs and, when `runWorkers` is set, works them. */
  jobs: JobQueue;
  runWorkers?: boolean;
  /** Migration names this build expects (for /ready). */
  expectedMigrations: string[];
  /** The sandbox clock; the system clock unless a test clock replaces it. */
  clock?: Clock;
  /** The process logger; without one the app makes its own from the config. */
  logger?: FastifyBaseLogger;
}

export const API_DESCRIPTION = `A sandbox of PMH (Public Medical Hub), Japan's online eligibility system for medical subsidies (医療費助成).

Every error is \`application/problem+json\` (RFC 9457) with a stable \`code\`; validation errors list each failing field in \`errors\`.

Sandbox-only operations (tag \`sandbox\`, under \`/sandbox/v1\`) need the sandbox admin token (\`adminToken\`). With the sandbox's fault
injection (faults, \`Prefer: sandbox-fault=503\`, a maintenance window) any other operation may answer an error it does not list; such a
problem carries \`injected\`.`;

/** Builds the whole application; the server and the tests use the same function. */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: loggerOptions(deps.config.LOG_LEVEL) }),
    bodyLimit: deps.config.BODY_LIMIT_BYTES,
    // Request ids for correlating log lines; never derived from request content.
    genReqId: () => crypto.randomUUID(),
    childLoggerFactory: lazyChildLoggerFactory,
    // One line per request instead of Fastify's two (src/http/access-log.ts).
    disableRequestLogging: true,
    // Requests Node's HTTP parser rejects (e.g. raw non-ASCII in the URL) still get a problem.
    clientErrorHandler,
    // Routing errors (a malformed percent-encoding, a path parameter over the limit) as problems too.
    frameworkErrors: frameworkErrorHandler,
    // A missing Host is refused by src/http/guards.ts with a problem instead of Node's empty 400.
    http: { requireHostHeader: false },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app);
  installAccessLog(app);
  installRequestGuards(app);
  // Fault injection and the request journal are app-level hooks: installed before any route, every route inherits them.
  const sandbox = sandboxTooling({ config: deps.config, db: deps.db, pool: deps.pool, clock: deps.clock, logger: app.log });
  sandbox.installHooks(app);
  const clock = sandbox.clock;

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'PMH Sandbox API', version: '0.1.0', description: API_DESCRIPTION },
      servers: [{ url: 'http://127.0.0.1:3000', description: 'Local sandbox' }],
      tags: [
        { name: 'catalogue', description: 'Public reference data: prefectures, 地方公共団体, national 公費 programs' },
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'certificate-types', description: 'Municipal API: 制度マスタ, the certificate types a municipality registers' },
        { name: 'registration', description: 'Municipal API: batch registration of 受給者証 records (PMH postRegistrationTasks) and read-back' },
        { name: 'eligibility', description: 'Clinic API: オンライン資格確認 of medical subsidies with a マイナンバーカード, for a date of service' },
        { name: 'webhooks', description: 'Municipal API, sandbox only (PMH has none): signed callbacks when a registration task finishes, and their deliveries' },
        { name: 'sandbox', description: 'Sandbox-only operations that do not exist in PMH: credentials, test tooling' },
      ],
      // Requests the sandbox sends, not receives (OpenAPI 3.1 webhooks): SDK generators give the event a named type.
      webhooks: {
        'registration_task.finished': {
          post: {
            operationId: 'registrationTaskFinishedWebhook',
            summary: 'A registration task finished (sent to your webhook endpoint)',
            description: WEBHOOK_SEMANTICS,
            tags: ['webhooks'],
            parameters: [
              { name: 'PMH-Sandbox-Signature', in: 'header', required: true, schema: { type: 'string' }, example: 't=1795424400,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd' },
              { name: 'PMH-Sandbox-Event-Id', in: 'header', required: true, schema: { type: 'string', format: 'uuid' } },
            ],
            requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookEvent' } } } },
            // The signature is the authentication: no bearer token is sent.
            security: [],
            responses: {
              '2XX': { description: 'Any 2xx answer within WEBHOOK_TIMEOUT_MS marks the delivery succeeded' },
              '4XX': { description: 'Retried with backoff, like any non-2xx answer, a timeout or a refused connection' },
              '5XX': { description: 'Retried with backoff' },
            },
          },
        },
      },
      components: {
        securitySchemes: {
          municipalToken: { type: 'http', scheme: 'bearer', description: 'Municipality token from POST /sandbox/v1/municipalities/{lgCode}/credentials' },
          adminToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'Sandbox admin token for /sandbox/v1/...: SANDBOX_ADMIN_TOKEN, or the one the service generated and logged once at its first start',
          },
          institutionToken: { type: 'http', scheme: 'bearer', description: 'Medical institution token from POST /sandbox/v1/medical-institutions' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: transformOpenApiObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { repo: healthRepository(deps.db), expectedMigrations: deps.expectedMigrations });
  await app.register(catalogueRoutes, { prefix: '/catalogue/v1', service: catalogueService(catalogueRepository(deps.db)) });

  const credentialsRepo = credentialsRepository(deps.db);
  const credentials = credentialsService(credentialsRepo);
  sandbox.actors.register(async (tokenHash) => {
    const lg = await credentialsRepo.findMunicipalityByTokenHash(tokenHash);
    return lg ? `municipality:${lg.code}` : null;
  });
  const now = () => clock.now();
  const certificateTypes = certificateTypesRepository(deps.db);
  const loadRules = (code: string) => certificateTypes.loadRules(code);
  const registrations = registrationsRepository(deps.db, deps.pool);
  const uploadThreads = uploadWorkerThreads(deps.config.UPLOAD_WORKER_THREADS);
  const preparePool = uploadThreads > 0 ? new PreparePool(uploadThreads) : undefined;
  if (preparePool) app.addHook('onClose', () => preparePool.close());
  // Uploads stage on connections of their own: a slow or stalled client never holds the shared pool's (clinic tokens, checks).
  const uploadPool = new pgPool({ ...deps.pool.options, max: deps.config.UPLOAD_MAX_IN_FLIGHT });
  uploadPool.on('error', () => undefined);
  app.addHook('onClose', () => uploadPool.end());
  const registrationsSvc = registrationsService({
    uploadPool,
    inFlight: { total: deps.config.UPLOAD_MAX_IN_FLIGHT, perMunicipality: deps.config.UPLOAD_MAX_IN_FLIGHT_PER_MUNICIPALITY },
    repo: registrations,
    jobs: deps.jobs,
    loadRules,
    preparePool,
    now,
    limits: { maxBytes: deps.config.UPLOAD_LIMIT_BYTES, maxRecords: deps.config.MAX_RECORDS_PER_TASK, maxRecordBytes: 1024 * 1024, idleTimeoutMs: deps.config.UPLOAD_IDLE_TIMEOUT_MS },
  });
  const webhooks = webhooksService({
    repo: webhooksRepository(deps.db, deps.pool),
    jobs: deps.jobs,
    now,
    logger: app.log,
    policy: { maxAttempts: deps.config.WEBHOOK_MAX_ATTEMPTS, retryBaseSeconds: deps.config.WEBHOOK_RETRY_BASE_SECONDS, timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS, allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE },
  });
  await app.register(
    async (municipal) => {
      requireMunicipality(municipal, credentials);
      await municipal.register(certificateTypeRoutes, { service: certificateTypesService(certificateTypes, catalogueRepository(deps.db)) });
      await municipal.register(recipientRoutes, { service: recipientsService(recipientsRepository(deps.db)) });
      await municipal.register(registrationRoutes, { service: registrationsSvc, maxJsonRecords: deps.config.MAX_JSON_RECORDS });
      await municipal.register(webhookRoutes, { service: webhooks });
    },
    { prefix: '/municipal/v1' },
  );

  const institutionsRepo = institutionsRepository(deps.db, deps.pool);
  const institutions = institutionsService(institutionsRepo);
  sandbox.actors.register(async (tokenHash) => {
    const institution = await institutionsRepo.findByTokenHash(tokenHash);
    return institution ? `institution:${institution.code}` : null;
  });
  const eligibility = eligibilityService(eligibilityRepository(deps.db, deps.pool), {
    now,
    onWriteError: (err, checkIds) => app.log.error({ err, checkIds }, 'eligibility checks answered but not stored'),
  });
  // Test data through the same services as the APIs: the well-known test cards (seeded by src/server.ts, kept by reset) and scenarios.
  const loader = sandboxLoader({
    credentials,
    credentialsRepo,
    certificateTypes: certificateTypesService(certificateTypes, catalogueRepository(deps.db)),
    registrations: registrationsSvc,
    institutions,
    institutionsRepo,
    cards: cardsService(cardsRepository(deps.db), now),
    cardsRepo: cardsRepository(deps.db),
  });
  let testCardsSeeded = false;
  app.decorate('seedTestCards', async () => {
    testCardsSeeded = true;
    return seedTestCards(loader);
  });
  sandbox.afterReset(async (what) => {
    institutions.forgetCachedTokens();
    if (testCardsSeeded && resetTouchesTestCards(what)) await seedTestCards(loader);
  });
  // Everything under /sandbox/v1 requires the admin token: sandbox features register their routes in this scope.
  await app.register(
    sandboxScope(sandbox.adminAuth, async (scope) => {
      await scope.register(credentialRoutes, { service: credentials });
      await sandbox.registerRoutes(scope);
      await scope.register(cardRoutes, { service: cardsService(cardsRepository(deps.db), now) });
      await scope.register(institutionRoutes, { service: institutions });
      await scope.register(eligibilitySandboxRoutes, { service: eligibility });
      await scope.register(sandboxScenarioRoutes, { service: scenariosService({ loader, now, maxRecordsPerTask: deps.config.MAX_RECORDS_PER_TASK }) });
    }),
    { prefix: SANDBOX_PREFIX },
  );
  await app.register(
    async (clinic) => {
      requireInstitution(clinic, institutions);
      await clinic.register(clinicEligibilityRoutes, { service: eligibility });
    },
    { prefix: '/clinic/v1' },
  );

  if (deps.runWorkers) {
    const processor = registrationProcessor({
      repo: registrations,
      now,
      logger: app.log,
      chunkSize: deps.config.REGISTRATION_CHUNK_SIZE,
      onFinished: (client, task) => webhooks.enqueueTaskFinished(client, task),
    });
    await deps.jobs.work('registration-task', async ({ taskId }, { lastAttempt }) => {
      try {
        await processor.process(taskId);
      } catch (err) {
        app.log.warn({ err, taskId, lastAttempt }, 'registration task attempt failed');
        if (lastAttempt) await processor.fail(taskId, `gave up after repeated errors: ${(err as Error).message}`);
        throw err;
      } finally {
        // Webhook jobs sent in the task's final transaction are due now.
        deps.jobs.wake();
      }
    });
    await deps.jobs.work('webhook-delivery', (job) => webhooks.attempt(job), { workers: 4 });
    // Tasks left unfinished by a stopped or crashed process get a new job; processing resumes where it stopped.
    app.addHook('onReady', async () => {
      for (const taskId of await registrations.unfinishedTaskIds()) await deps.jobs.send('registration-task', { taskId });
    });
  }

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Loads the well-known test cards (src/sandbox/test-cards.ts) and keeps them through every reset from then on. */
    seedTestCards(): Promise<{ cards: number; institution: string }>;
  }
}
