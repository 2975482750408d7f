import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN_AUTH_PROBLEMS, DATED_VALIDATION, describeProblems } from '../http/problem.js';
import { adminSecurity } from '../http/auth.js';
import { cardSchema, createCardBodySchema } from './schemas.js';
import type { CardsService } from './service.js';

const issueProblems = describeProblems([
  DATED_VALIDATION,
  'invalid_my_number',
  'registered_person_not_found',
  'registered_person_ambiguous',
  ...ADMIN_AUTH_PROBLEMS,
]);

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
          'Sandbox only. Issues a card for a 個人番号, or for the person a registration names (municipality + ' +
          'orgSpecificCertificateTypeId + medicalSubsidyRecipientNumber, for when you registered someone and read-back masks ' +
          'their 個人番号), with a random 電子証明書 serial number (never derived from the 個人番号), ' +
          'which is what a card reader hands to the clinic system: pass it to `POST /clinic/v1/eligibility-checks`. Face data ' +
          '(券面) not given is taken from the person’s most recently registered record, or generated. `status` and ' +
          '`certificateExpiresOn` let you simulate expired and revoked certificates. The 個人番号 is never returned. ' +
          issueProblems.text,
        body: createCardBodySchema,
        response: { 201: cardSchema, ...issueProblems.responses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createCard(req.body)),
  );
};
