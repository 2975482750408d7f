import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { municipalSecurity } from '../http/auth.js';
import { AUTH_PROBLEMS, DATED_VALIDATION, describeProblems } from '../http/problem.js';
import { recipientCertificatePageSchema, recipientsQuerySchema } from './schemas.js';
import type { RecipientsService } from './service.js';

const listProblems = describeProblems([DATED_VALIDATION, 'invalid_cursor', ...AUTH_PROBLEMS]);

/** Municipal API: read-back of the municipality's registered 受給者証 rows. Mounted under /municipal/v1. */
export const recipientRoutes: FastifyPluginAsyncZod<{ service: RecipientsService }> = async (app, { service }) => {
  app.get(
    '/recipients',
    {
      schema: {
        tags: ['registration'],
        security: municipalSecurity,
        operationId: 'listRecipients',
        summary: 'List the municipality’s registered 受給者証 rows',
        description:
          'Reads back the history rows the calling municipality has registered, in key order (certificate type, person, ' +
          'sub-key, history key), paginated; rows of other municipalities are never listed. The 個人番号 is masked except its ' +
          'last 4 digits and 基本5情報 are left out. Filters combine: `orgSpecificCertificateTypeId`, `recipientNumber` ' +
          '(exact), `validOn` (rows with validFrom ≤ validOn ≤ validTo). The rows of the well-known test cards (個人番号 99990000xxx, ' +
          'registered by the sandbox for 東京都 and 八王子市) are left out unless `includeTestData=true`. Cursors are opaque and valid only for the ' +
          `municipality that received them, until the server restarts. ${listProblems.text}`,
        querystring: recipientsQuerySchema,
        response: { 200: recipientCertificatePageSchema, ...listProblems.responses },
      },
    },
    async (req) => service.list(req.municipality.code, req.query),
  );
};
