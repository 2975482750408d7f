import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { municipalSecurity } from '../http/auth.js';
import { AUTH_PROBLEMS, describeProblems, type ProblemDeclaration } from '../http/problem.js';
import {
  createdWebhookEndpointSchema,
  createWebhookEndpointSchema,
  deliveriesQuerySchema,
  deliveryParamsSchema,
  endpointParamsSchema,
  webhookDeliveryPageSchema,
  webhookDeliverySchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
} from './schemas.js';
import type { WebhooksService } from './service.js';

const tags = ['webhooks'];
const NOT_FOUND: ProblemDeclaration = [['webhook_endpoint_not_found'], 'also for another municipality’s endpoint'];
const createProblems = describeProblems([
  [['validation_failed'], 'e.g. a URL that is not http/https'],
  ...AUTH_PROBLEMS,
  [['webhook_url_refused'], 'an address the URL policy refuses'],
  [['too_many_webhook_endpoints'], 'at most 20'],
]);
const listProblems = describeProblems(AUTH_PROBLEMS);
const endpointProblems = describeProblems(['validation_failed', ...AUTH_PROBLEMS, NOT_FOUND]);
const deliveriesProblems = describeProblems(['validation_failed', 'invalid_cursor', ...AUTH_PROBLEMS, NOT_FOUND]);
const deliveryProblems = describeProblems(['validation_failed', ...AUTH_PROBLEMS, NOT_FOUND, 'webhook_delivery_not_found']);

export const WEBHOOK_SEMANTICS = `Sandbox-only (PMH has no webhooks): when a registration task of the municipality reaches a final status
(succeeded, completed_with_errors, failed), the sandbox POSTs a \`registration_task.finished\` event (schema WebhookEvent: \`{ id, type,
createdAt, data: { task } }\`, the task as GET /municipal/v1/registration-tasks/{id} returns it) to every endpoint of the municipality.

Signature: header \`PMH-Sandbox-Signature: t=<unix seconds>,v1=<hex>\` with v1 = HMAC-SHA256(key = the secret as UTF-8, message =
\`<t>.<raw body>\`); verify over the raw bytes before parsing, and refuse a \`t\` more than a few minutes from your clock. Also sent:
\`PMH-Sandbox-Event-Id\` (the same on every attempt: de-duplicate on it), \`PMH-Sandbox-Delivery-Id\`, \`PMH-Sandbox-Attempt\`.

Delivery: a 2xx answer within WEBHOOK_TIMEOUT_MS (default 5 s) is a success; any other status (redirects are not followed), a refused
connection or a timeout is retried after WEBHOOK_RETRY_BASE_SECONDS (default 1 s), doubling each time (1, 2, 4, … 64 s), up to
WEBHOOK_MAX_ATTEMPTS attempts (default 8), then the delivery is \`failed\`. Each attempt is listed with its status code or error.
The event, its deliveries and their jobs are written in the transaction that finishes the task, so no finished task is missed, even
across a crash. lastError is a category: connection_refused, timeout, dns_failure, refused_address, http_status, tls_error, network_error.

URLs: http or https, stored normalised (WHATWG URL); whitespace and control characters, credentials and #fragments are refused (400).
Link-local (169.254/16, fe80::/10), cloud-metadata (169.254.169.254, fd00:ec2::254, metadata.google.internal, …), unspecified,
multicast and broadcast addresses are always refused (422 \`webhook_url_refused\`, the field error's code names the rule); loopback and
private ranges only while WEBHOOK_ALLOW_PRIVATE is true (the default, for a local sandbox), and never the sandbox's own /sandbox/ API on
a loopback host. Each delivery resolves the host, checks every address and connects to the checked one (refused: \`refused_address\`).`;

/** Webhook endpoints and deliveries of the calling municipality. Mounted in the municipal scope (/municipal/v1). */
export const webhookRoutes: FastifyPluginAsyncZod<{ service: WebhooksService }> = async (app, { service }) => {
  app.post(
    '/webhook-endpoints',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'createWebhookEndpoint',
        summary: 'Register a webhook endpoint',
        description:
          `Registers a URL to receive registration-task events; the answer holds the signing secret, shown this once.\n\n${WEBHOOK_SEMANTICS}\n\n` +
          createProblems.text,
        body: createWebhookEndpointSchema,
        response: { 201: createdWebhookEndpointSchema, ...createProblems.responses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createEndpoint(req.municipality.code, req.body)),
  );

  app.get(
    '/webhook-endpoints',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'listWebhookEndpoints',
        summary: 'List webhook endpoints',
        description: `The calling municipality's endpoints, oldest first, without their secrets.\n\n${listProblems.text}`,
        response: { 200: webhookEndpointListSchema, ...listProblems.responses },
      },
    },
    async (req) => service.listEndpoints(req.municipality.code),
  );

  app.get(
    '/webhook-endpoints/:endpointId',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'getWebhookEndpoint',
        summary: 'Get a webhook endpoint',
        description: `One endpoint, without its secret.\n\n${endpointProblems.text}`,
        params: endpointParamsSchema,
        response: { 200: webhookEndpointSchema, ...endpointProblems.responses },
      },
    },
    async (req) => service.getEndpoint(req.municipality.code, req.params.endpointId),
  );

  app.delete(
    '/webhook-endpoints/:endpointId',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'deleteWebhookEndpoint',
        summary: 'Delete a webhook endpoint',
        description: `Stops sending events to it and deletes its deliveries (attempts still queued are dropped).\n\n${endpointProblems.text}`,
        params: endpointParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...endpointProblems.responses },
      },
    },
    async (req, reply) => {
      await service.deleteEndpoint(req.municipality.code, req.params.endpointId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/webhook-endpoints/:endpointId/deliveries',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'listWebhookDeliveries',
        summary: 'List deliveries to a webhook endpoint',
        description:
          `Every event sent (or being sent) to this endpoint, newest first, with its attempts, last status code or error and next attempt.\n\n` +
          deliveriesProblems.text,
        params: endpointParamsSchema,
        querystring: deliveriesQuerySchema,
        response: { 200: webhookDeliveryPageSchema, ...deliveriesProblems.responses },
      },
    },
    async (req) => service.listDeliveries(req.municipality.code, req.params.endpointId, req.query),
  );

  app.get(
    '/webhook-endpoints/:endpointId/deliveries/:deliveryId',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'getWebhookDelivery',
        summary: 'Get one webhook delivery',
        description: deliveryProblems.text,
        params: deliveryParamsSchema,
        response: { 200: webhookDeliverySchema, ...deliveryProblems.responses },
      },
    },
    async (req) => service.getDelivery(req.municipality.code, req.params.endpointId, req.params.deliveryId),
  );

  app.post(
    '/webhook-endpoints/:endpointId/deliveries/:deliveryId/redeliver',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'redeliverWebhookDelivery',
        summary: 'Send an event again',
        description:
          'Sends the delivery’s event to the endpoint again as a new delivery (same event id and body, newly signed, attempts from 1), ' +
          `whatever the old one's status; answers 202 with the new delivery.\n\n${deliveryProblems.text}`,
        params: deliveryParamsSchema,
        response: { 202: webhookDeliverySchema, ...deliveryProblems.responses },
      },
    },
    async (req, reply) => reply.status(202).send(await service.redeliver(req.municipality.code, req.params.endpointId, req.params.deliveryId)),
  );
};
