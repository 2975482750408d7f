import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problemResponses } from '../http/problem.js';
import { adminSecurity } from '../http/auth.js';
import { lgCodeParamsSchema, municipalCredentialSchema } from './schemas.js';
import type { CredentialsService } from './service.js';

export const credentialRoutes: FastifyPluginAsyncZod<{ service: CredentialsService }> = async (app, { service }) => {
  app.post(
    '/municipalities/:lgCode/credentials',
    {
      schema: {
        tags: ['sandbox'],
        security: adminSecurity,
        operationId: 'createMunicipalCredential',
        summary: 'Issue a bearer token for a municipality',
        description:
          'Sandbox only. Issues a token that authenticates municipal API calls (`/municipal/v1/...`) as this municipality ' +
          '(any 地方公共団体 of the catalogue). The token is returned once; only its SHA-256 is stored. ' +
          'Problem codes: `validation_failed` / `invalid_local_gov_code` (400), `unauthenticated` / `invalid_token` (401, no or wrong admin token), ' +
          '`municipality_not_found` (404).',
        params: lgCodeParamsSchema,
        response: { 201: municipalCredentialSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (req, reply) => reply.status(201).send(await service.issueMunicipalCredential(req.params.lgCode)),
  );
};
