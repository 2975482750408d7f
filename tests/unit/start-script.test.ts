import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { SERVICE_ENV, SERVICE_NODE_ARGS } from '../../scripts/build.mjs';

const read = (file: string) => readFileSync(path.join(PACKAGE_ROOT, file), 'utf8');

// The benchmarks and the end-to-end test start the bundle with SERVICE_NODE_ARGS / SERVICE_ENV; users run
// `npm start` or the Docker image. They must agree, or the figures measure something nobody runs.
describe('how the service is started', () => {
  const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

  it('npm start builds first, then runs dist/server.mjs with the same Node arguments and environment as the benchmarks', () => {
    expect(start.prestart).toBe('node scripts/build.mjs');
    const env = Object.entries(SERVICE_ENV as Record<string, string>).map(([k, v]) => `${k}=\${${k}:-${v}}`);
    // `exec`: npm forwards SIGINT/SIGTERM to its child, which must be node itself, not a shell waiting for it.
    expect(start.start).toBe([...env, 'exec', 'node', ...(SERVICE_NODE_ARGS as string[]), 'dist/server.mjs'].join(' '));
  });

  it('the Docker image runs the same', () => {
    const docker = read('Dockerfile');
    expect(docker).toContain(`CMD ${JSON.stringify(['node', ...(SERVICE_NODE_ARGS as string[]), 'dist/server.mjs'])}`.replace(/","/g, '", "'));
    for (const [k, v] of Object.entries(SERVICE_ENV as Record<string, string>)) expect(docker).toMatch(new RegExp(`ENV .*\\b${k}=${v}\\b`));
  });
});
