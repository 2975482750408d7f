import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN_AUTH_PROBLEMS, describeProblems } from '../http/problem.js';
import { adminSecurity } from '../http/auth.js';
import { lgCodeParamsSchema, municipalCredentialSchema } from './schemas.js';
import type { CredentialsService } from './service.js';

const issueProblems = describeProblems(['validation_failed', 'invalid_local_gov_code', ...ADMIN_AUTH_PROBLEMS, 'municipality_not_found']);

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
          issueProblems.text,
        params: lgCodeParamsSchema,
        response: { 201: municipalCredentialSchema, ...issueProblems.responses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.issueMunicipalCredential(req.params.lgCode)),
  );
};
