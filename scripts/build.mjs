// Bundles the service (src/server.ts and what it imports, not node_modules) into dist/server.mjs, which
// `npm start` runs: plain Node, no TypeScript loader in the process (tsx's loader thread alone costs ~35 MB of RSS).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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
  await buildConsole(path.join(path.dirname(outfile), 'console'));
  return path.join(root, outfile);
}

/**
 * Builds the console (console/src, plain TypeScript + DOM, for the browser) into `outdir` (relative to the
 * package root, beside the service bundle, where src/console/index.ts serves it from): one minified script
 * and one stylesheet named by their content hash (cached for a year) and index.html (revalidated), which
 * names them. Nothing is fetched from elsewhere at run time.
 */
export async function buildConsole(outdir = 'dist/console') {
  const out = path.join(root, outdir);
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['console/src/main.ts', 'console/src/console.css'],
    bundle: true,
    minify: true,
    write: false,
    outdir: out,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'warning',
  });
  await rm(out, { recursive: true, force: true });
  await mkdir(path.join(out, 'assets'), { recursive: true });
  const names = {};
  for (const file of result.outputFiles) {
    const ext = path.extname(file.path);
    const hash = createHash('sha256').update(file.contents).digest('base64url').slice(0, 12);
    const name = `assets/${path.basename(file.path, ext)}-${hash}${ext}`;
    names[ext] = name;
    await writeFile(path.join(out, name), file.contents);
  }
  const html = (await readFile(path.join(root, 'console/index.html'), 'utf8'))
    .replace('{{script}}', `/console/${names['.js']}`)
    .replace('{{style}}', `/console/${names['.css']}`);
  await writeFile(path.join(out, 'index.html'), html);
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildService(process.argv[2]);
}
