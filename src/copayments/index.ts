import fp from 'fastify-plugin';
import { registerMunicipalRoutes } from '../credentials/index.js';
import { registerClinicRoutes } from '../institutions/index.js';
import { copaymentsRepository } from './repository.js';
import { clinicCopaymentRoutes, municipalCopaymentRoutes } from './routes.js';
import { copaymentsService, type CopaymentsService } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** 上限額管理 (provisional): subsidyRefs and month totals for eligibility answers and co-payment quotes. */
    copayments: CopaymentsService;
  }
}

/**
 * 上限額管理 (provisional, our design: PMH has not published it): the per-certificate subsidyRef, the
 * institutions' visit lines under /clinic/v1/copayment-records and the municipal view of the months.
 */
export const copaymentsFeature = fp(
  async (app) => {
    const service = copaymentsService(copaymentsRepository(app.pool), { now: () => app.clock.now() });
    app.decorate('copayments', service);
    app.addHook('onClose', () => service.close());
    // A one-tenant reset deletes one institution's lines and the month totals they were part of.
    app.onSandboxReset(async ({ scope }) => {
      if (scope === 'institution') await service.rebuildMissingMonths();
    });
    await registerClinicRoutes(app, (clinic) => clinic.register(clinicCopaymentRoutes, { service }));
    await registerMunicipalRoutes(app, (municipal) => municipal.register(municipalCopaymentRoutes, { service }));
  },
  { name: 'copayments', dependencies: ['infrastructure', 'sandbox-tooling', 'institutions', 'credentials'] },
);
