import fp from 'fastify-plugin';
import { healthRepository } from './repository.js';
import { healthRoutes } from './routes.js';

/** GET /health and /ready. */
export const healthFeature = fp(
  async (app, opts: { expectedMigrations: string[] }) => {
    await app.register(healthRoutes, { repo: healthRepository(app.db), expectedMigrations: opts.expectedMigrations });
  },
  { name: 'health', dependencies: ['infrastructure'] },
);
