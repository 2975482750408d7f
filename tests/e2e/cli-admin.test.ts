import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase } from '../../src/db/database.js';
import { databaseUrl } from '../../src/db/embedded.js';
import { TEST_ADMIN_TOKEN } from '../helpers/app.js';
import { runProcess, startServer, type ServerProcess } from '../helpers/server-process.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/pmh-sandbox.mjs');

let proc: ServerProcess;
let dir: string;
const name = `pmh_cli_admin_${process.pid}_${Date.now()}`;
const server = inject('pgServerUrl');

/** The CLI as users run it, against the server: PMH_SANDBOX_URL and SANDBOX_ADMIN_TOKEN set unless `env` unsets them. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PMH_SANDBOX_URL: proc.baseUrl, SANDBOX_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...env };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  return runProcess(process.execPath, [BIN, ...args], { cwd: dir, env: childEnv });
}

const admin = (method: string, url: string, body?: unknown) =>
  fetch(`${proc.baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pmh-cli-admin-'));
  await ensureDatabase(server, name);
  proc = await startServer({ DATABASE_URL: databaseUrl(server, name), SANDBOX_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
}, 90_000);
afterAll(async () => {
  await proc?.stop();
  await rm(dir, { recursive: true, force: true });
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.end();
});

describe('pmh-sandbox admin verbs against the running service', () => {
  it('quickstart registers generated people, issues a card for one and its check returns the subsidy; again, with --json', async () => {
    const first = await cli(['quickstart']);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    for (const n of [1, 2, 3, 4, 5, 6]) expect(first.stdout).toMatch(new RegExp(`^# ${n}\\. `, 'm'));
    expect(first.stdout).toMatch(/^\$ curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/clinic\/v1\/eligibility-checks/m);
    expect(first.stdout).toMatch(/^MUNI=pmh_mun_/m);
    expect(first.stdout).toMatch(/^CLINIC=pmh_ins_/m);
    expect(first.stdout).toMatch(/succeeded: 20\/20 accepted/);
    expect(first.stdout).toMatch(/^特定医療費（指定難病）受給者証 公費負担者番号 54130018 受給者番号 \d{7} .+ \(designated here\)$/m);

    const again = await cli(['quickstart', '--json', '--count', '5']);
    expect(again.code, again.stderr).toBe(0);
    const out = JSON.parse(again.stdout);
    expect(out).toMatchObject({ municipalityToken: expect.stringMatching(/^pmh_mun_/), institutionToken: expect.stringMatching(/^pmh_ins_/) });
    expect(out.task.counts).toMatchObject({ received: 5, unchanged: 5 });
    expect(out.check.medicalSubsidies).toHaveLength(1);
  }, 60_000);

  it('token, generate (today by the sandbox clock), upload, card and check, each with its exit code', async () => {
    expect((await admin('PUT', '/sandbox/v1/clock', { now: '2031-01-15T12:00:00+09:00' })).status).toBe(200);
    try {
      const muni = await cli(['token', 'municipality', '132012']);
      expect(muni.code, muni.stderr).toBe(0);
      const token = muni.stdout.trim();
      expect(token).toMatch(/^pmh_mun_[\w-]+$/);

      const type = await cli(['generate', '-m', '132012', '-t', 'kodomo', '--print-type']);
      const put = await fetch(`${proc.baseUrl}/municipal/v1/certificate-types/KODOMO`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: type.stdout,
      });
      expect(put.status).toBe(201);
      // No --reference-date: the records are valid on the sandbox clock's date.
      const gen = await cli(['generate', '-n', '30', '-f', 'csv', '-m', '132012', '-t', 'kodomo']);
      expect(gen.code, gen.stderr).toBe(0);
      await writeFile(path.join(dir, 'kodomo.csv'), gen.stdout);

      const upload = await cli(['upload', 'kodomo.csv', '--token', token, '--json']);
      expect(upload.code, upload.stderr).toBe(0);
      expect(upload.stderr).toMatch(/^uploading kodomo\.csv \([\d,]+ bytes, text\/csv\)$/m);
      expect(JSON.parse(upload.stdout)).toMatchObject({ status: 'succeeded', format: 'csv', counts: { received: 30, created: 30 } });

      const recipients = await fetch(`${proc.baseUrl}/municipal/v1/recipients?validOn=2031-01-15&limit=1`, { headers: { authorization: `Bearer ${token}` } });
      const [row] = (await recipients.json()).items;
      expect(row).toBeDefined();
      const card = await cli(['card', '--municipality', '132012', '--type', 'KODOMO', '--recipient', row.medicalSubsidyRecipientNumber]);
      expect(card.code, card.stderr).toBe(0);
      const serial = card.stdout.trim();
      expect(serial).toMatch(/^[0-9A-F]{20}$/);

      const clinic = await cli(['token', 'institution', '1311234566', '--json']);
      expect(JSON.parse(clinic.stdout)).toMatchObject({ institution: { code: '1311234566', kind: 'medical' } });
      const check = await cli(['check', serial, '--institution-token', JSON.parse(clinic.stdout).token]);
      expect(check.code, check.stderr).toBe(0);
      expect(check.stdout).toMatch(/^subsidies: 1$/m);
      expect(check.stdout).toContain(`受給者番号 ${row.medicalSubsidyRecipientNumber}`);
      const past = await cli(['check', serial, '--date', '2001-01-01', '--json']);
      expect(JSON.parse(past.stdout).medicalSubsidies).toEqual([]);

      const unknownCard = await cli(['check', 'TEST0000000000000000']);
      expect([unknownCard.code, unknownCard.stderr]).toEqual([1, expect.stringContaining('422 unknown_certificate_serial')]);
      const nobody = await cli(['card', '-m', '132012', '-t', 'KODOMO', '-r', '0000000']);
      expect([nobody.code, nobody.stderr]).toEqual([1, expect.stringContaining('404 registered_person_not_found')]);
      const noToken = await cli(['card', '--my-number', '123456789018'], { SANDBOX_ADMIN_TOKEN: undefined });
      expect([noToken.code, noToken.stderr]).toEqual([2, expect.stringContaining('no admin token')]);
      const badFile = await cli(['upload', 'records.txt', '--token', token]);
      expect([badFile.code, badFile.stderr]).toEqual([2, expect.stringContaining('.ndjson, .csv or .json')]);
      const unreachable = await cli(['token', 'municipality', '130001', '--url', 'http://127.0.0.1:9']);
      expect([unreachable.code, unreachable.stderr]).toEqual([1, expect.stringContaining('cannot reach http://127.0.0.1:9')]);
    } finally {
      await admin('DELETE', '/sandbox/v1/clock');
    }
  }, 60_000);

  it('generate asks the sandbox clock only with an admin token, and --reference-date wins', async () => {
    expect((await admin('PUT', '/sandbox/v1/clock', { now: '2033-06-10T09:00:00+09:00' })).status).toBe(200);
    try {
      const validity = async (args: string[], env: Record<string, string | undefined> = {}) => {
        const res = await cli(['generate', '-n', '3', '-f', 'ndjson', ...args], env);
        expect(res.code, res.stderr).toBe(0);
        return res.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { validFrom: string; validTo: string });
      };
      for (const r of await validity([])) expect(r.validFrom <= '2033-06-10' && '2033-06-10' <= r.validTo, JSON.stringify(r)).toBe(true);
      const fixed = await validity(['--reference-date', '2026-04-01']);
      for (const r of fixed) expect(r.validFrom <= '2026-04-01' && '2026-04-01' <= r.validTo).toBe(true);
      expect(await validity(['--reference-date', '2026-04-01'])).toEqual(fixed);
      // No token: today in Japan, whatever the sandbox clock says.
      const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
      for (const r of await validity([], { SANDBOX_ADMIN_TOKEN: undefined })) expect(r.validFrom <= today && today <= r.validTo).toBe(true);
      const urlOnly = await cli(['generate', '-n', '1', '--url', proc.baseUrl], { SANDBOX_ADMIN_TOKEN: undefined });
      expect([urlOnly.code, urlOnly.stderr]).toEqual([2, expect.stringContaining('--url needs an admin token')]);
    } finally {
      await admin('DELETE', '/sandbox/v1/clock');
    }
  }, 60_000);
});
