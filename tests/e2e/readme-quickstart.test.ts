import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase } from '../../src/db/database.js';
import { databaseUrl } from '../../src/db/embedded.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { runProcess, startServer, type ServerProcess } from '../helpers/server-process.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { buildService } from '../../scripts/build.mjs';

/** The shell blocks of README.md between the quickstart markers, in order. */
export function quickstartBlocks(readme: string): string[] {
  const start = readme.indexOf('<!-- quickstart:start -->');
  const end = readme.indexOf('<!-- quickstart:end -->');
  if (start < 0 || end < start) throw new Error('README.md has no <!-- quickstart:start --> … <!-- quickstart:end --> section');
  return [...readme.slice(start, end).matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** Files the blocks write in the project root (removed afterwards unless they were there before). */
const WRITTEN = ['nanbyo54.json', 'records.ndjson'];

describe('README quickstart, as written, against the service as npm start runs it', () => {
  const name = `pmh_readme_${process.pid}_${Date.now()}`;
  const server = inject('pgServerUrl');
  const outDir = `dist/e2e-readme-${process.pid}`;
  const created = WRITTEN.filter((f) => !existsSync(path.join(PACKAGE_ROOT, f)));
  let proc: ServerProcess | undefined;
  afterAll(async () => {
    await proc?.stop();
    for (const f of created) await rm(path.join(PACKAGE_ROOT, f), { force: true });
    await rm(path.join(PACKAGE_ROOT, outDir), { recursive: true, force: true });
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  });

  it('the blocks run with bash and the final check returns the registered person’s subsidy', async () => {
    const blocks = quickstartBlocks(readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const bundle = await buildService(`${outDir}/server.mjs`);
    await ensureDatabase(server, name);
    const adminToken = 'readme-quickstart-admin-token-0123456789';

    const started = performance.now();
    proc = await startServer({ DATABASE_URL: databaseUrl(server, name), SANDBOX_ADMIN_TOKEN: adminToken }, 60_000, bundle);
    const ready = performance.now();
    // Only the sandbox's address and admin token come from outside, through the variables the blocks read.
    const script = `set -eo pipefail\n${blocks.join('\n')}`;
    const env: NodeJS.ProcessEnv = { ...process.env, PMH_SANDBOX_URL: proc!.baseUrl, SANDBOX_ADMIN_TOKEN: adminToken };
    const run = await runProcess('bash', ['-c', script], { cwd: PACKAGE_ROOT, env });
    const answered = performance.now();
    console.log(
      `README quickstart: server ready in ${Math.round(ready - started)} ms, blocks ran in ${Math.round(answered - ready)} ms, ` +
        `${Math.round(answered - started)} ms from server start to the final answer`,
    );
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);

    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('特定医療費（指定難病）受給者証');
    expect(lines[1]).toBe('succeeded');
    const answer = JSON.parse(lines.at(-1)!);
    expect(answer.medicalSubsidies).toHaveLength(1);
    expect(answer.medicalSubsidies[0]).toMatchObject({
      medicalSubsidyInsurerNumber: '54130018',
      medicalSubsidyRecipientNumber: expect.stringMatching(/^\d{7}$/),
      designatedHere: true,
    });
    expect(answered - started).toBeLessThan(60_000);
  }, 90_000);
});
