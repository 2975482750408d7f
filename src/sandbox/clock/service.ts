import { z } from 'zod';
import { SandboxClock } from '../../clock/sandbox-clock.js';
import type { Clock } from '../../clock/clock.js';
import type { SandboxSettingsRepository } from '../settings.js';

const storedClockSchema = z.object({ frozenAt: z.iso.datetime({ offset: true }).nullable() });

/** The sandbox clock as last set (persisted in sandbox_setting), for the server to start with. */
export async function loadSandboxClock(settings: SandboxSettingsRepository, base?: Clock): Promise<SandboxClock> {
  const stored = storedClockSchema.safeParse(await settings.get('clock'));
  const frozenAt = stored.success && stored.data.frozenAt ? new Date(stored.data.frozenAt) : null;
  return new SandboxClock(base, { frozenAt });
}

export function sandboxClockService(clock: SandboxClock, settings: SandboxSettingsRepository) {
  const view = () => {
    const { frozenAt } = clock.state();
    return { now: clock.now().toISOString(), real: frozenAt === null, frozenAt: frozenAt?.toISOString() ?? null, realNow: new Date().toISOString() };
  };
  return {
    get: view,
    /** Freezes the clock at `at`; stored first so that a restart keeps it. */
    async set(at: Date) {
      await settings.set('clock', { frozenAt: at.toISOString() });
      clock.freeze(at);
      return view();
    },
    /** Back to real time. */
    async reset() {
      await settings.delete('clock');
      clock.unfreeze();
      return view();
    },
  };
}

export type SandboxClockService = ReturnType<typeof sandboxClockService>;
