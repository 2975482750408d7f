import fp from 'fastify-plugin';
import { catalogueRepository } from './repository.js';
import { catalogueRoutes } from './routes.js';
import { catalogueService } from './service.js';

/** The public catalogue under /catalogue/v1. */
export const catalogueFeature = fp(
  async (app) => {
    await app.register(catalogueRoutes, { prefix: '/catalogue/v1', service: catalogueService(catalogueRepository(app.db)) });
  },
  { name: 'catalogue', dependencies: ['infrastructure'] },
);
