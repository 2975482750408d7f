import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN_AUTH_PROBLEMS, describeProblems } from '../http/problem.js';
import { adminSecurity } from '../http/auth.js';
import { createMedicalInstitutionBodySchema, institutionCredentialSchema } from './schemas.js';
import type { InstitutionsService } from './service.js';

const createProblems = describeProblems(['validation_failed', 'invalid_medical_institution_code', 'institution_kind_mismatch', ...ADMIN_AUTH_PROBLEMS]);

/** Sandbox: medical institutions and their tokens. Mounted under /sandbox/v1. */
export const institutionRoutes: FastifyPluginAsyncZod<{ service: InstitutionsService }> = async (app, { service }) => {
  app.post(
    '/medical-institutions',
    {
      schema: {
        tags: ['sandbox'],
        security: adminSecurity,
        operationId: 'createMedicalInstitution',
        summary: 'Create a medical institution and issue its bearer token',
        description:
          'Sandbox only. Creates a clinic, dental clinic, pharmacy or 訪問看護 station by its 医療機関コード (posting an existing ' +
          'code replaces its name and kind and issues one more token) and returns a token that authenticates clinic API calls ' +
          '(`/clinic/v1/...`) as this institution. The token is returned once; only its SHA-256 is stored. The code must have ' +
          `a valid prefecture, 点数表 digit and check digit, and \`kind\` must match the 点数表 digit. ${createProblems.text}`,
        body: createMedicalInstitutionBodySchema,
        response: { 201: institutionCredentialSchema, ...createProblems.responses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createInstitution(req.body)),
  );
};
