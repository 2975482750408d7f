import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problemResponses } from '../http/problem.js';
import { adminSecurity } from '../http/auth.js';
import { cardSchema, createCardBodySchema } from './schemas.js';
import type { CardsService } from './service.js';

/** Sandbox: simulated マイナンバーカード. Mounted under /sandbox/v1. */
export const cardRoutes: FastifyPluginAsyncZod<{ service: CardsService }> = async (app, { service }) => {
  app.post(
    '/cards',
    {
      schema: {
        tags: ['sandbox'],
        security: adminSecurity,
        operationId: 'createCard',
        summary: 'Issue a simulated マイナンバーカード',
        description:
          'Sandbox only. Issues a card for a 個人番号 with a random 電子証明書 serial number (never derived from the 個人番号), ' +
          'which is what a card reader hands to the clinic system: pass it to `POST /clinic/v1/eligibility-checks`. Face data ' +
          '(券面) not given is taken from the person’s most recently registered record, or generated. `status` and ' +
          '`certificateExpiresOn` let you simulate expired and revoked certificates. The 個人番号 is never returned. ' +
          'Problem codes: `validation_failed` / `invalid_my_number` (400), `unauthenticated` / `invalid_token` (401, no or wrong admin token).',
        body: createCardBodySchema,
        response: { 201: cardSchema, ...problemResponses(400, 401) },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createCard(req.body)),
  );
};
