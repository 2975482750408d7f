import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { registerPrincipalRoutes, registerSandboxRoutes } from '../http/auth.js';
import { credentialsRepository } from './repository.js';
import { credentialRoutes } from './routes.js';
import { credentialsService, MUNICIPALITY, type CredentialsService } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    credentials: CredentialsService;
  }
}

/**
 * Municipal credentials: issues tokens (sandbox route), resolves them to municipalities for
 * http/identity.ts, and gives other features the /municipal/v1 scope (registerMunicipalRoutes).
 */
export const credentialsFeature = fp(
  async (app) => {
    const credentials = credentialsService(credentialsRepository(app.db));
    app.decorate('credentials', credentials);
    app.identity.register((hash) => credentials.principalOf(hash));
    await registerSandboxRoutes(app, (sandbox) => sandbox.register(credentialRoutes, { service: credentials }));
  },
  { name: 'credentials', dependencies: ['infrastructure', 'identity'] },
);

/** Registers `routes` under /municipal/v1 in a context that requires a municipality's token (request.municipality). */
export const registerMunicipalRoutes = (app: FastifyInstance, routes: (municipal: FastifyInstance) => PromiseLike<unknown>) =>
  registerPrincipalRoutes(app, { prefix: '/municipal/v1', kind: MUNICIPALITY, decorate: 'municipality' }, routes);
