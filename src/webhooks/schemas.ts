import { z } from 'zod';
import { paginationQuerySchema } from '../http/schemas.js';
import { CONTROL_OR_SPACE } from '../domain/webhook-url.js';
import { registrationTaskSchema } from '../registrations/schemas.js';

export const WEBHOOK_EVENT_TYPES = ['registration_task.finished'] as const;
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;

const EXAMPLE_TASK = registrationTaskSchema.meta()?.example;

/** http(s), absolute, no user:password@ (the secret signs instead), no #fragment, no control characters. The address policy (checkWebhookUrl) is applied by the service: 422 webhook_url_refused. */
export const webhookUrlSchema = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    // WHATWG URL drops tabs and newlines silently: refuse them (and any control character or space) in the text as sent.
    if (CONTROL_OR_SPACE.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'must not contain whitespace or control characters' });
      return;
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must be http or https' });
    if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not contain credentials; verify the signature instead' });
    if (url.hash) ctx.addIssue({ code: 'custom', message: 'must not contain a #fragment' });
  })
  .describe(
    'Where events are POSTed: an absolute http or https URL, without credentials, #fragment, whitespace or control characters; stored normalised (WHATWG URL). Link-local and cloud-metadata addresses are refused; loopback and private ranges only while WEBHOOK_ALLOW_PRIVATE is true (the default)',
  );

export const createWebhookEndpointSchema = z
  .object({
    url: webhookUrlSchema,
    description: z.string().min(1).max(500).optional().describe('Free text for your own records'),
  })
  .meta({
    id: 'CreateWebhookEndpoint',
    example: { url: 'http://127.0.0.1:8080/pmh/webhooks', description: '受給者証一括登録の完了通知' },
  });

const endpointFields = {
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
};
const ENDPOINT_EXAMPLE = {
  id: '0b7e6d4c-1a2f-4e3d-9c8b-7a6f5e4d3c2b',
  url: 'http://127.0.0.1:8080/pmh/webhooks',
  description: '受給者証一括登録の完了通知',
  createdAt: '2026-11-23T09:00:00.000Z',
};

export const webhookEndpointSchema = z.object(endpointFields).meta({
  id: 'WebhookEndpoint',
  description: 'A webhook endpoint of the calling municipality (the secret is only shown when it is created)',
  example: ENDPOINT_EXAMPLE,
});

export const createdWebhookEndpointSchema = z
  .object({
    ...endpointFields,
    secret: z.string().describe('Signing secret (`whsec_…`). Shown only in this response: store it to verify PMH-Sandbox-Signature'),
  })
  .meta({
    id: 'CreatedWebhookEndpoint',
    description: 'The new endpoint with its signing secret, shown this once',
    example: { ...ENDPOINT_EXAMPLE, secret: 'whsec_3q2-7wJtGm0cYkq1v9Xn4bRZ8sLpQe5aDfHuK6iTo0M' },
  });

export const webhookEndpointListSchema = z.object({ items: z.array(webhookEndpointSchema) }).meta({ id: 'WebhookEndpointList' });

export const webhookDeliverySchema = z
  .object({
    id: z.uuid(),
    endpointId: z.uuid(),
    eventId: z
      .uuid()
      .describe('`id` of the event, also sent as PMH-Sandbox-Event-Id: the same for every attempt and redelivery, so receivers can de-duplicate'),
    eventType: z.enum(WEBHOOK_EVENT_TYPES),
    taskId: z.uuid().nullable().describe('The registration task the event is about'),
    status: z
      .enum(DELIVERY_STATUSES)
      .describe('pending (an attempt is due at nextAttemptAt) | succeeded (a 2xx answer) | failed (WEBHOOK_MAX_ATTEMPTS attempts without one)'),
    attempts: z.int().min(0).describe('Attempts made so far'),
    lastStatusCode: z.int().nullable().describe('HTTP status of the last attempt; null when it got no response (connection refused, timeout)'),
    lastError: z
      .string()
      .nullable()
      .describe(
        'Why the last attempt failed, a category: connection_refused | timeout | dns_failure | refused_address (the URL or a resolved address is refused by the URL policy) | http_status (not 2xx; the code is lastStatusCode) | tls_error | network_error. Null after a success',
      ),
    nextAttemptAt: z.iso.datetime({ offset: true }).nullable().describe('When the next attempt is due (pending only)'),
    createdAt: z.iso.datetime({ offset: true }),
    deliveredAt: z.iso.datetime({ offset: true }).nullable().describe('When a 2xx answer was received'),
  })
  .meta({
    id: 'WebhookDelivery',
    description:
      'One event sent to one endpoint, with the outcome of its attempts. Its times are real (wall-clock) times, not the sandbox clock: they describe real HTTP calls',
    example: {
      id: '6c5b4a39-2817-4f06-9e5d-4c3b2a190817',
      endpointId: '0b7e6d4c-1a2f-4e3d-9c8b-7a6f5e4d3c2b',
      eventId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      eventType: 'registration_task.finished',
      taskId: '5f0c2a8e-3b1d-4c6e-9a7f-2d8e1b0c4a6f',
      status: 'succeeded',
      attempts: 3,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
      createdAt: '2026-11-23T09:00:00.130Z',
      deliveredAt: '2026-11-23T09:00:03.410Z',
    },
  });

export const webhookDeliveryPageSchema = z
  .object({
    items: z.array(webhookDeliverySchema),
    nextCursor: z.string().nullable().describe('Pass as `cursor` to get the next page; null on the last page'),
  })
  .meta({ id: 'WebhookDeliveryPage', description: 'Deliveries, newest first' });

/** The body POSTed to endpoints; documented as a component for SDK generators (it is not a response of this API). */
export const webhookEventSchema = z
  .object({
    id: z.uuid().describe('Event id (also the PMH-Sandbox-Event-Id header)'),
    type: z.enum(WEBHOOK_EVENT_TYPES),
    createdAt: z.iso.datetime({ offset: true }).describe('When the task finished (sandbox clock)'),
    data: z.object({ task: registrationTaskSchema.describe('The task as GET /municipal/v1/registration-tasks/{id} returned it when it finished') }),
  })
  .meta({
    id: 'WebhookEvent',
    description:
      'Body of a webhook POST. Headers: `PMH-Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, `PMH-Sandbox-Event-Id`, `Content-Type: application/json`',
    example: {
      id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      type: 'registration_task.finished',
      createdAt: '2026-11-23T09:00:00.120Z',
      data: { task: EXAMPLE_TASK },
    },
  });

export const endpointParamsSchema = z.object({ endpointId: z.uuid().describe('id of the webhook endpoint') });
export const deliveryParamsSchema = z.object({
  endpointId: z.uuid().describe('id of the webhook endpoint'),
  deliveryId: z.uuid().describe('id of the delivery'),
});
export const deliveriesQuerySchema = paginationQuerySchema;

export type WebhookEndpointView = z.infer<typeof webhookEndpointSchema>;
export type WebhookDeliveryView = z.infer<typeof webhookDeliverySchema>;
