import fp from 'fastify-plugin';
import { myPortalRepository } from './repository.js';
import { myPortalRoutes } from './routes.js';
import { myPortalService } from './service.js';

/** マイナポータル (simulated): POST /myportal/v1/medical-subsidies, signed in with card and PIN. */
export const myPortalFeature = fp(
  async (app) => {
    const service = myPortalService(myPortalRepository(app.db), { cards: app.cards, ledger: app.copayments, now: () => app.clock.now() });
    await app.register(myPortalRoutes, { prefix: '/myportal/v1', service });
  },
  { name: 'myportal', dependencies: ['infrastructure', 'sandbox-tooling', 'cards', 'copayments'] },
);
