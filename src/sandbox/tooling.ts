import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Clock } from '../clock/clock.js';
import { SandboxClock } from '../clock/sandbox-clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/prisma.js';
import { actorDirectory } from './actors.js';
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
import { sandboxSettingsRepository } from './settings.js';

export const SANDBOX_ADMIN_ACTOR = 'sandbox-admin';

/**
 * The sandbox's test tooling: admin auth, test clock, fault injection, maintenance window, reset and
 * request journal. buildApp installs its hooks before any feature plugin and its routes in the sandbox scope.
 */
export function sandboxTooling(deps: { config: Config; db: Db; pool: pg.Pool; clock?: Clock; logger: FastifyBaseLogger }) {
  const settings = sandboxSettingsRepository(deps.db);
  const clock = SandboxClock.over(deps.clock);
  const adminAuth = sandboxAdminAuth({ configuredToken: deps.config.SANDBOX_ADMIN_TOKEN, settings });
  const actors = actorDirectory();
  actors.register(async (hash) => ((await adminAuth.isAdminHash(hash)) ? SANDBOX_ADMIN_ACTOR : null));
  const clockService = sandboxClockService(clock, settings);
  const faults = faultsService({ repo: faultsRepository(deps.db), settings, clock, actors });
  const journal = new RequestJournal(deps.config.SANDBOX_JOURNAL_SIZE);
  const afterReset: ResetListener[] = [];
  const resetRepo = resetRepository(deps.pool, { onDiscardError: (err) => deps.logger.error({ err }, 'dropping tables swapped out by a reset failed') });
  const reset = resetService({ repo: resetRepo, actors, clock: clockService, faults, journal, afterReset });

  return {
    clock,
    adminAuth,
    /** Register a resolver per kind of credential, so faults and the journal can name callers. */
    actors,

    /** Runs (and awaits) `listener` after every POST /sandbox/v1/reset (e.g. to clear an auth cache of deleted tokens). */
    afterReset(listener: ResetListener) {
      afterReset.push(listener);
    },

    /** App-level hooks; call before registering feature plugins so that every route inherits them. */
    installHooks(app: FastifyInstance) {
      installFaultInjection(app, faults);
      installRequestJournal(app, journal, actors);
      // Tables a full reset swapped out are dropped after its answer; a stopped process may have left some.
      app.addHook('onReady', async () => {
        void resetRepo.dropDiscarded();
      });
      app.addHook('onClose', () => resetRepo.dropDiscarded());
    },

    /** The tooling routes; register inside the sandbox scope. */
    async registerRoutes(sandbox: FastifyInstance) {
      await sandbox.register(sandboxClockRoutes, { service: clockService });
      await sandbox.register(sandboxFaultRoutes, { service: faults });
      await sandbox.register(sandboxResetRoutes, { service: reset });
      await sandbox.register(sandboxJournalRoutes, { journal });
    },
  };
}
