import fp from 'fastify-plugin';
import { registerSandboxRoutes } from '../http/auth.js';
import { cardsRepository } from './repository.js';
import { cardRoutes } from './routes.js';
import { cardsService, type CardsService } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    cards: CardsService;
  }
}

/** Simulated マイナンバーカード: POST /sandbox/v1/cards. */
export const cardsFeature = fp(
  async (app) => {
    const service = cardsService(cardsRepository(app.db), () => app.clock.now());
    app.decorate('cards', service);
    await registerSandboxRoutes(app, (sandbox) => sandbox.register(cardRoutes, { service }));
  },
  { name: 'cards', dependencies: ['infrastructure', 'sandbox-tooling'] },
);
