import fp from 'fastify-plugin';
import { registerMunicipalRoutes } from '../credentials/index.js';
import { recipientsRepository } from './repository.js';
import { recipientRoutes } from './routes.js';
import { recipientsService } from './service.js';

/** Read-back of registered rows: GET /municipal/v1/recipients. */
export const recipientsFeature = fp(
  async (app) => {
    const service = recipientsService(recipientsRepository(app.db));
    await registerMunicipalRoutes(app, (municipal) => municipal.register(recipientRoutes, { service }));
  },
  { name: 'recipients', dependencies: ['infrastructure', 'credentials'] },
);
