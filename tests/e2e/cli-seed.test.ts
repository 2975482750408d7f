import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase } from '../../src/db/database.js';
import { databaseUrl } from '../../src/db/embedded.js';
import { TEST_CARDS, TEST_INSTITUTION } from '../../src/sandbox/test-cards.js';
import { TEST_ADMIN_TOKEN } from '../helpers/app.js';
import { runProcess, startServer, type ServerProcess } from '../helpers/server-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/pmh-sandbox.mjs');

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runProcess(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
}

/** The real server: well-known test cards after start-up, `pmh-sandbox seed` against it. */
describe('pmh-sandbox seed against the running service', () => {
  const name = `pmh_seed_${process.pid}_${Date.now()}`;
  const server = inject('pgServerUrl');
  let proc: ServerProcess | undefined;
  afterAll(async () => {
    await proc?.stop();
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  });

  const check = (token: string, serial: string, consent = true) =>
    fetch(`${proc!.baseUrl}/clinic/v1/eligibility-checks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ certificateSerialNumber: serial, consent: { medicalSubsidy: consent } }),
    });

  it('the well-known test cards exist after start-up; seed --scenario edge-cases prints the cards and tokens', async () => {
    await ensureDatabase(server, name);
    proc = await startServer({ DATABASE_URL: databaseUrl(server, name), SANDBOX_ADMIN_TOKEN: TEST_ADMIN_TOKEN });

    for (const card of TEST_CARDS) {
      const res = await check(TEST_INSTITUTION.token, card.certificateSerialNumber, card.consent);
      expect(res.status, card.case).toBe(card.expected.status);
      if (card.expected.status === 200) expect((await res.json()).medicalSubsidies, card.case).toHaveLength(card.expected.subsidies.length);
    }

    const out = await cli(['seed', '--scenario', 'edge-cases'], { PMH_SANDBOX_URL: proc.baseUrl, SANDBOX_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    expect(out.code, out.stderr).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result.scenario).toBe('edge-cases');
    expect(result.cards).toHaveLength(11);
    const revoked = result.cards.find((c: { case: string }) => c.case === 'card revoked');
    const res = await check(result.institutions[0].token, revoked.certificateSerialNumber);
    expect(res.status).toBe(422);
    expect((await res.json()).code).toBe('certificate_revoked');

    const twice = result.cards.find((c: { case: string }) => c.case === 'two municipalities');
    expect((await (await check(result.institutions[0].token, twice.certificateSerialNumber)).json()).medicalSubsidies).toHaveLength(2);
  }, 120_000);

  it('--url and --admin-token override the environment; a wrong token or name fails', async () => {
    const ok = await cli(['seed', '--scenario', 'load:20', '--url', proc!.baseUrl, '--admin-token', TEST_ADMIN_TOKEN], {});
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).tasks[0]).toMatchObject({ status: 'succeeded', receivedCount: 20 });

    const wrong = await cli(['seed', '--scenario', 'edge-cases', '--url', proc!.baseUrl, '--admin-token', 'not-the-admin-token-0000'], {});
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('invalid_token');

    const usage = await cli(['seed', '--scenario', 'nope', '--admin-token', TEST_ADMIN_TOKEN], {});
    expect(usage.code).toBe(2);
  }, 60_000);
});
