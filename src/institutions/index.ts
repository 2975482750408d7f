import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { registerPrincipalRoutes, registerSandboxRoutes } from '../http/auth.js';
import { institutionsRepository } from './repository.js';
import { institutionRoutes } from './routes.js';
import { INSTITUTION, institutionsService, type InstitutionsService } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    institutions: InstitutionsService;
  }
}

/**
 * Sandbox medical institutions: created with a token (POST /sandbox/v1/medical-institutions), resolved
 * for http/identity.ts, and the /clinic/v1 scope for other features (registerClinicRoutes).
 */
export const institutionsFeature = fp(
  async (app) => {
    const service = institutionsService(institutionsRepository(app.db, app.pool));
    app.decorate('institutions', service);
    app.identity.register((hash) => service.principalOf(hash));
    await registerSandboxRoutes(app, (sandbox) => sandbox.register(institutionRoutes, { service }));
  },
  { name: 'institutions', dependencies: ['infrastructure', 'identity'] },
);

/** Registers `routes` under /clinic/v1 in a context that requires a medical institution's token (request.institution). */
export const registerClinicRoutes = (app: FastifyInstance, routes: (clinic: FastifyInstance) => PromiseLike<unknown>) =>
  registerPrincipalRoutes(app, { prefix: '/clinic/v1', kind: INSTITUTION, decorate: 'institution' }, routes);
