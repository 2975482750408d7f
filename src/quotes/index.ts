import fp from 'fastify-plugin';
import { registerClinicRoutes } from '../institutions/index.js';
import { copaymentQuoteRoutes } from './routes.js';
import { quotesService } from './service.js';

/** 窓口負担 quotes (provisional): POST /clinic/v1/copayment-quotes over a stored check and the ledger. */
export const quotesFeature = fp(
  async (app) => {
    const service = quotesService({ checks: app.eligibility, ledger: app.copayments });
    await registerClinicRoutes(app, (clinic) => clinic.register(copaymentQuoteRoutes, { service }));
  },
  { name: 'copayment-quotes', dependencies: ['infrastructure', 'institutions', 'eligibility', 'copayments'] },
);
