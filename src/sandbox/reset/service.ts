import { problem } from '../../http/problem.js';
import type { SandboxClockService } from '../clock/service.js';
import type { FaultsService } from '../faults/service.js';
import type { RequestJournal } from '../journal/journal.js';
import type { ResetRepository } from './repository.js';
import type { RESET_EXTRAS } from './schemas.js';
import { TENANT_TABLES, type TenantTable } from './tables.js';

type Extra = (typeof RESET_EXTRAS)[number];

/** What was reset: everything, or one municipality's or institution's data (`code`). */
export type ResetListener = (what: { scope: 'all' | 'municipality' | 'institution'; code: string | null }) => void | Promise<void>;

export function resetService(deps: {
  repo: ResetRepository;
  tables?: TenantTable[];
  /** Drops cached token lookups (http/identity.ts). */
  forgetIdentities: () => void;
  clock: SandboxClockService;
  faults: FaultsService;
  journal: RequestJournal;
  /** Called (and awaited, in order) after every reset, e.g. to drop caches of what was deleted or re-seed the well-known test cards. */
  afterReset?: ResetListener[];
  /** Called (and awaited) before every reset: writes still in flight (answered checks) land before the tables are emptied. */
  beforeReset?: (() => Promise<void>)[];
}) {
  const registry = deps.tables ?? TENANT_TABLES;
  return {
    async reset(q: { municipality?: string; institution?: string; include?: Extra[]; keep?: 'credentials'[] }) {
      const started = performance.now();
      if (q.municipality && q.institution) {
        throw problem('conflicting_reset_scope', {
          errors: [{ field: 'institution', code: 'conflicting_reset_scope', message: 'cannot be combined with municipality' }],
        });
      }
      const tables = registry.filter((t) => !(t.credential && q.keep?.includes('credentials')));
      const scope = q.municipality ? 'municipality' : q.institution ? 'institution' : 'all';
      const code = q.municipality ?? q.institution ?? null;
      let counts: { table: string; rows: number | null }[];
      let swapped: string[] = [];
      for (const settle of deps.beforeReset ?? []) await settle();
      if (scope === 'all') {
        swapped = await deps.repo.truncate(tables);
        counts = tables.map((t) => ({ table: t.table, rows: null }));
      } else {
        const scoped = tables.flatMap((t) => {
          const where = scope === 'municipality' ? t.municipality : t.institution;
          return where ? [{ table: t.table, where }] : [];
        });
        counts = await deps.repo.deleteTenant(scoped, code!);
      }
      // Tokens that were reset away must stop resolving to their old actor.
      deps.forgetIdentities();
      for (const listener of deps.afterReset ?? []) await listener({ scope, code });

      const cleared = [...new Set(q.include ?? [])];
      for (const extra of cleared) {
        if (extra === 'clock') await deps.clock.reset();
        if (extra === 'faults') await deps.faults.clearFaults();
        if (extra === 'maintenance') await deps.faults.clearMaintenance();
        if (extra === 'requests') deps.journal.clear();
      }
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      // The swapped-out tables' files are deleted after the answer (src/sandbox/reset/repository.ts): ~1 ms per MB of
      // kernel time that would otherwise slow the re-seeding above. Not awaited.
      if (swapped.length > 0) setImmediate(() => void deps.repo.dropDiscarded());
      return { scope, code, tables: counts, cleared, durationMs } as const;
    },
  };
}

export type ResetService = ReturnType<typeof resetService>;
