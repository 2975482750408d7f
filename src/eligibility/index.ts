import fp from 'fastify-plugin';
import { registerSandboxRoutes } from '../http/auth.js';
import { registerClinicRoutes } from '../institutions/index.js';
import { eligibilityRepository } from './repository.js';
import { clinicEligibilityRoutes } from './routes.js';
import { eligibilitySandboxRoutes } from './sandbox-routes.js';
import { eligibilityService, type EligibilityService } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The check path; other features read stored checks through it (findCheck waits for their writes). */
    eligibility: EligibilityService;
  }
}

/**
 * オンライン資格確認 of medical subsidies: checks under /clinic/v1, the access log and explanations
 * under /sandbox/v1. The check path's own connections are closed with the app.
 */
export const eligibilityFeature = fp(
  async (app) => {
    const service = eligibilityService(eligibilityRepository(app.db, app.pool), {
      now: () => app.clock.now(),
      ledger: app.copayments,
      onWriteError: (err, checkIds) => app.log.error({ err, checkIds }, 'eligibility checks answered but not stored'),
    });
    app.decorate('eligibility', service);
    // Answers are sent before their access-log write commits: those writes finish before its pool closes.
    app.addHook('onClose', () => service.close());
    // A reset must not be followed by the late write of a check answered before it.
    app.beforeSandboxReset(() => service.settled());
    await registerSandboxRoutes(app, (sandbox) => sandbox.register(eligibilitySandboxRoutes, { service }));
    await registerClinicRoutes(app, (clinic) => clinic.register(clinicEligibilityRoutes, { service }));
  },
  { name: 'eligibility', dependencies: ['infrastructure', 'sandbox-tooling', 'institutions', 'copayments'] },
);
