import fp from 'fastify-plugin';
import type { Clock } from '../clock/clock.js';
import { SandboxClock } from '../clock/sandbox-clock.js';
import { isServerShutdown } from '../db/pool.js';
import { registerSandboxRoutes, SANDBOX_PREFIX } from '../http/auth.js';
import { sandboxAdminAuth } from './admin/service.js';
import { sandboxClockRoutes } from './clock/routes.js';
import { sandboxClockService } from './clock/service.js';
import { installFaultInjection } from './faults/hook.js';
import { faultsRepository } from './faults/repository.js';
import { sandboxFaultRoutes } from './faults/routes.js';
import { faultsService } from './faults/service.js';
import { installRequestJournal } from './journal/hook.js';
import { RequestJournal } from './journal/journal.js';
import { sandboxJournalRoutes } from './journal/routes.js';
import { resetRepository } from './reset/repository.js';
import { sandboxResetRoutes } from './reset/routes.js';
import { resetService, type ResetListener } from './reset/service.js';
import { sandboxSessionRoutes } from './session/routes.js';
import { sandboxSettingsRepository } from './settings.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The sandbox clock: what every feature takes as now (PUT /sandbox/v1/clock moves it). */
    clock: SandboxClock;
    /** Runs (and awaits) `listener` after every POST /sandbox/v1/reset, e.g. to re-seed what a reset removed. */
    onSandboxReset(listener: ResetListener): void;
    /** Awaits `settle` before every reset, e.g. to let writes already answered land before the tables are emptied. */
    beforeSandboxReset(settle: () => Promise<void>): void;
  }
}

/**
 * The sandbox's test tooling: the clock, admin identity, fault injection, maintenance window, reset and
 * request journal. Its hooks are app-level, so every route inherits them; its routes live under
 * /sandbox/v1 behind the admin token.
 */
export const sandboxTooling = fp(
  async (app, opts: { clock?: Clock }) => {
    const settings = sandboxSettingsRepository(app.db);
    const clock = SandboxClock.over(opts.clock);
    app.decorate('clock', clock);
    const adminAuth = sandboxAdminAuth({ configuredToken: app.config.SANDBOX_ADMIN_TOKEN, settings });
    app.identity.register((hash) => adminAuth.principalOf(hash));

    const clockService = sandboxClockService(clock, settings);
    const faults = faultsService({ repo: faultsRepository(app.db), settings, clock });
    const journal = new RequestJournal(app.config.SANDBOX_JOURNAL_SIZE);
    const afterReset: ResetListener[] = [];
    app.decorate('onSandboxReset', (listener: ResetListener) => void afterReset.push(listener));
    const beforeReset: (() => Promise<void>)[] = [];
    app.decorate('beforeSandboxReset', (settle: () => Promise<void>) => void beforeReset.push(settle));
    const resetRepo = resetRepository(app.pool, {
      onDiscardError: (err) =>
        isServerShutdown(err)
          ? app.log.warn('dropping tables swapped out by a reset: PostgreSQL is shutting down; the next start drops them')
          : app.log.error({ err }, 'dropping tables swapped out by a reset failed'),
    });
    const reset = resetService({
      repo: resetRepo,
      forgetIdentities: () => app.identity.forget(),
      clock: clockService,
      faults,
      journal,
      afterReset,
      beforeReset,
    });

    installFaultInjection(app, faults);
    installRequestJournal(app, journal);
    // Tables a full reset swapped out are dropped after its answer; a stopped process may have left some.
    app.addHook('onReady', async () => {
      void resetRepo.dropDiscarded();
    });
    app.addHook('onClose', () => resetRepo.dropDiscarded());

    await registerSandboxRoutes(app, async (sandbox) => {
      await sandbox.register(sandboxClockRoutes, { service: clockService });
      await sandbox.register(sandboxFaultRoutes, { service: faults });
      await sandbox.register(sandboxResetRoutes, { service: reset });
      await sandbox.register(sandboxJournalRoutes, { journal });
    });
    // Outside the admin scope: any valid token reads who it is and the sandbox clock.
    await app.register(sandboxSessionRoutes, { prefix: SANDBOX_PREFIX, clock: clockService, faults });
  },
  { name: 'sandbox-tooling', dependencies: ['infrastructure', 'identity'] },
);
