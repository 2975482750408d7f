import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN_AUTH_PROBLEMS, DATED_VALIDATION, describeProblems } from '../http/problem.js';
import { adminSecurity } from '../http/auth.js';
import { cardPinStateSchema, cardSchema, cardSerialParamsSchema, createCardBodySchema, DEFAULT_PIN, PIN_TRIES, pinResetBodySchema } from './schemas.js';
import type { CardsService } from './service.js';

const issueProblems = describeProblems([
  DATED_VALIDATION,
  'invalid_my_number',
  'registered_person_not_found',
  'registered_person_ambiguous',
  ...ADMIN_AUTH_PROBLEMS,
]);
const pinResetProblems = describeProblems(['validation_failed', ...ADMIN_AUTH_PROBLEMS, 'card_not_found']);

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
          `The card’s PIN (\`pin\`, default ${DEFAULT_PIN}) is asked by POST /myportal/v1/medical-subsidies; ${PIN_TRIES} wrong ` +
          'PINs in a row lock it until POST /sandbox/v1/cards/{certificateSerialNumber}/pin-reset. ' +
          issueProblems.text,
        body: createCardBodySchema,
        response: { 201: cardSchema, ...issueProblems.responses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createCard(req.body)),
  );

  app.post(
    '/cards/:certificateSerialNumber/pin-reset',
    {
      schema: {
        tags: ['sandbox'],
        security: adminSecurity,
        operationId: 'resetCardPin',
        summary: 'Unlock a simulated card’s PIN (暗証番号の初期化)',
        description:
          `Sandbox only. Clears the card’s count of wrong PINs, so a card locked by ${PIN_TRIES} wrong PINs in a row takes its PIN ` +
          'again, and sets a new PIN when `pin` is given (send `{}` to keep its PIN). For a real card this is done at the ' +
          'municipality’s window. The well-known test cards get their PIN back, unlocked, at every start and reset. ' +
          pinResetProblems.text,
        params: cardSerialParamsSchema,
        body: pinResetBodySchema,
        response: { 200: cardPinStateSchema, ...pinResetProblems.responses },
      },
    },
    async (req) => service.resetPin(req.params.certificateSerialNumber, req.body.pin),
  );
};
