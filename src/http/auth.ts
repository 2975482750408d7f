import type { FastifyInstance } from 'fastify';
import type { AuthenticatedMunicipality, CredentialsService } from '../credentials/service.js';
import type { AuthenticatedInstitution, InstitutionsService } from '../institutions/service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the municipal auth hook on every /municipal/v1 route. */
    municipality: AuthenticatedMunicipality;
    /** Set by the clinic auth hook on every /clinic/v1 route. */
    institution: AuthenticatedInstitution;
  }
}

/** onRequest hook for a whole route prefix: every call must carry a municipality's bearer token. */
export function requireMunicipality(app: FastifyInstance, credentials: CredentialsService) {
  app.decorateRequest('municipality', null as unknown as AuthenticatedMunicipality);
  app.addHook('onRequest', async (request) => {
    request.municipality = await credentials.authenticateMunicipality(request.headers.authorization);
  });
}

/** OpenAPI security requirement of municipal routes. */
export const municipalSecurity = [{ municipalToken: [] }];

/** onRequest hook for a whole route prefix: every call must carry a medical institution's bearer token. */
export function requireInstitution(app: FastifyInstance, institutions: InstitutionsService) {
  app.decorateRequest('institution', null as unknown as AuthenticatedInstitution);
  app.addHook('onRequest', async (request) => {
    request.institution = await institutions.authenticate(request.headers.authorization);
  });
}

/** OpenAPI security requirement of clinic routes. */
export const institutionSecurity = [{ institutionToken: [] }];
