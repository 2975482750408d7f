// Bundles the service (src/server.ts and what it imports, not node_modules) into dist/server.mjs, which
// `npm start` runs: plain Node, no TypeScript loader in the process (tsx's loader thread alone costs ~35 MB of RSS).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the service bundle; `outfile` is relative to the package root. */
export async function buildService(outfile = 'dist/server.mjs') {
  await build({
    absWorkingDir: root,
    entryPoints: ['src/server.ts'],
    outfile,
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
