import fp from 'fastify-plugin';
import { registerMunicipalRoutes } from '../credentials/index.js';
import { documentWebhook } from '../http/openapi.js';
import { webhooksRepository } from './repository.js';
import { WEBHOOK_SEMANTICS, webhookRoutes } from './routes.js';
import { webhooksService } from './service.js';

documentWebhook('registration_task.finished', {
  post: {
    operationId: 'registrationTaskFinishedWebhook',
    summary: 'A registration task finished (sent to your webhook endpoint)',
    description: WEBHOOK_SEMANTICS,
    tags: ['webhooks'],
    parameters: [
      {
        name: 'PMH-Sandbox-Signature',
        in: 'header',
        required: true,
        schema: { type: 'string' },
        example: 't=1795424400,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
      },
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
});

/**
 * Sandbox-only webhooks (PMH has none): endpoints under /municipal/v1/webhook-endpoints, an event
 * enqueued in the transaction that finishes each registration task, and the delivery worker.
 */
export const webhooksFeature = fp(
  async (app) => {
    const { config } = app;
    const service = webhooksService({
      repo: webhooksRepository(app.db, app.pool),
      jobs: app.jobs,
      now: () => app.clock.now(),
      logger: app.log,
      policy: {
        maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
        retryBaseSeconds: config.WEBHOOK_RETRY_BASE_SECONDS,
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
      },
    });
    // Test data the sandbox loads (test cards, scenarios, a seed file) is not the municipality's upload: no event.
    app.onRegistrationTaskFinished((client, task) => (task.origin === 'sandbox' ? Promise.resolve() : service.enqueueTaskFinished(client, task)));
    await registerMunicipalRoutes(app, (municipal) => municipal.register(webhookRoutes, { service }));
    if (app.runWorkers) await app.jobs.work('webhook-delivery', (job) => service.attempt(job), { workers: 4 });
  },
  { name: 'webhooks', dependencies: ['infrastructure', 'sandbox-tooling', 'credentials', 'registrations'] },
);
