// Bundles the service (src/server.ts and what it imports, not node_modules) into dist/server.mjs, which
// `npm start` runs: plain Node, no TypeScript loader in the process (tsx's loader thread alone costs ~35 MB of RSS).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * How `npm start` runs the bundle (package.json "start" spells the same; tests/unit/start-script.test.ts checks):
 * a 128 MB old generation (an ingest otherwise lets garbage grow the heap to ~200 MB between collections;
 * the live set stays under 70 MB) and at most two glibc malloc arenas (each thread's arena otherwise holds tens of MB).
 * The script `exec`s node: npm forwards SIGINT/SIGTERM only to its own child, and a shell between them would keep
 * SIGINT until node exited (never) and die of SIGTERM leaving node behind.
 */
export const SERVICE_NODE_ARGS = ['--enable-source-maps', '--max-old-space-size=128'];
export const SERVICE_ENV = { MALLOC_ARENA_MAX: '2' };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Builds the service bundle; `outfile` is relative to the package root. Beside it goes
 * prepare-worker.mjs, the upload worker threads' entry (src/registrations/prepare-pool.ts loads it from there).
 */
export async function buildService(outfile = 'dist/server.mjs') {
  await build({
    absWorkingDir: root,
    entryPoints: [
      { in: 'src/server.ts', out: path.basename(outfile, '.mjs') },
      { in: 'src/registrations/prepare-worker.ts', out: 'prepare-worker' },
    ],
    outdir: path.dirname(outfile),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return path.join(root, outfile);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildService(process.argv[2]);
}
