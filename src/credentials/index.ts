import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { registerSandboxRoutes, requirePrincipal } from '../http/auth.js';
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
export async function registerMunicipalRoutes(app: FastifyInstance, routes: (municipal: FastifyInstance) => PromiseLike<unknown>) {
  await app.register(
    async (municipal) => {
      municipal.decorateRequest('municipality', null as never);
      requirePrincipal(municipal, MUNICIPALITY, (request, m) => {
        request.municipality = m;
      });
      await routes(municipal);
    },
    { prefix: '/municipal/v1' },
  );
}
