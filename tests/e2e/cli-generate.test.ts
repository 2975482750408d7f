import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { municipality } from '../helpers/municipal.js';
import { PRESETS } from '../../src/synthetic/presets.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/pmh-sandbox.mjs');

/** Runs the CLI as users do (the package's bin launcher) and collects its output. */
function cli(args: string[], opts: { cwd?: string } = {}): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Without an admin token generate never asks a sandbox's clock: the default reference date is today (JST).
    const { SANDBOX_ADMIN_TOKEN: _token, ...env } = process.env;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

const SHARES = [
  '--history-share',
  '0.2',
  '--expired-share',
  '0.1',
  '--future-share',
  '0.1',
  '--not-disclosed-share',
  '0.05',
  '--always-reimbursement-share',
  '0.05',
];

let t: TestApp;
let tokyo: Awaited<ReturnType<typeof municipality>>;
let hachioji: Awaited<ReturnType<typeof municipality>>;
let dir: string;

beforeAll(async () => {
  t = await createTestApp();
  tokyo = await municipality(t.app, '130001');
  hachioji = await municipality(t.app, '132012');
  dir = await mkdtemp(path.join(os.tmpdir(), 'pmh-cli-'));
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

async function rowCount(code: string, typeId: string) {
  const { rows } = await t.pool.query(`SELECT count(*)::int AS n FROM recipient_certificate WHERE municipality_code = $1 AND certificate_type_id = $2`, [
    code,
    typeId,
  ]);
  return rows[0].n as number;
}

describe('pmh-sandbox generate → POST /municipal/v1/registration-tasks', () => {
  it.each([
    ['csv', 'text/csv'],
    ['ndjson', 'application/x-ndjson'],
  ])(
    '2,000 %s records of the nanbyo54 preset are all created, none rejected',
    async (format, contentType) => {
      const typeId = `NANBYO${format.toUpperCase()}`;
      const gen = await cli([
        'generate',
        '--count',
        '2000',
        '--format',
        format,
        '--municipality',
        '130001',
        '--type',
        'nanbyo54',
        '--type-id',
        typeId,
        '--seed',
        format,
        ...SHARES,
      ]);
      expect(gen.stderr).toBe('');
      expect(gen.code).toBe(0);
      // The type the records were generated for, as --print-type gives its PUT body.
      const type = await cli(['generate', '--municipality', '130001', '--type', 'nanbyo54', '--print-type']);
      expect(type.code).toBe(0);
      expect((await tokyo.putType(typeId, JSON.parse(type.stdout.toString()))).statusCode).toBe(201);

      const res = await tokyo.upload(gen.stdout, { contentType, query: 'wait=30' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'succeeded',
        format,
        counts: { received: 2000, processed: 2000, accepted: 2000, rejected: 0, created: 2000 },
      });
      expect(await rowCount('130001', typeId)).toBe(2000);
    },
    60_000,
  );

  it('a type from a JSON file (a local こども type of 八王子市) in CSV: all created', async () => {
    const file = path.join(dir, 'kodomo.json');
    const definition = PRESETS.kodomo!.definition({ code: '132012', prefectureCode: '13' });
    await writeFile(file, JSON.stringify({ orgSpecificCertificateTypeId: 'KODOMOFILE', ...definition }));
    const gen = await cli(['generate', '-n', '1500', '-m', '132012', '-t', file, '-s', '7', '--history-share', '0.3']);
    expect(gen.code, gen.stderr).toBe(0);
    const text = gen.stdout.toString('utf8');
    expect(text.split('\r\n')[1]).toMatch(/^KODOMOFILE,\d{12},/);
    expect((await hachioji.putType('KODOMOFILE', definition)).statusCode).toBe(201);
    const res = await hachioji.upload(gen.stdout, { contentType: 'text/csv', query: 'wait=30' });
    expect(res.json()).toMatchObject({ status: 'succeeded', counts: { received: 1500, accepted: 1500, rejected: 0, created: 1500 } });
  }, 60_000);

  it('writes the same bytes for the same seed and reference date in two runs; another seed differs', async () => {
    const args = ['generate', '-n', '300', '-f', 'ndjson', '-t', 'shoman52', '--reference-date', '2026-04-01', '-s', '42'];
    const [a, b, c] = await Promise.all([cli(args), cli(args), cli([...args.slice(0, -1), '43'])]);
    expect(a.stdout.length).toBeGreaterThan(0);
    expect(a.stdout.equals(b.stdout)).toBe(true);
    expect(a.stdout.equals(c.stdout)).toBe(false);
  }, 60_000);

  it('without --reference-date the records are valid today in Japan', async () => {
    const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    const gen = await cli(['generate', '-n', '50', '-f', 'ndjson']);
    expect(gen.code, gen.stderr).toBe(0);
    const records = gen.stdout
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { validFrom: string; validTo: string });
    expect(records).toHaveLength(50);
    for (const r of records) expect(r.validFrom <= today && today <= r.validTo, JSON.stringify(r)).toBe(true);
  }, 60_000);

  it('--help, usage errors (exit 2), JSON output, and a reader that stops early', async () => {
    const help = await cli(['generate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toMatch(/Usage: pmh-sandbox generate/);
    const bads = [['--format', 'xml'], ['--count', 'ten'], ['--municipality', '999999'], ['--type', 'nope'], ['--expired-share', '2'], ['--bogus']];
    const results = await Promise.all(bads.map((bad) => cli(['generate', ...bad])));
    results.forEach((res, i) => {
      expect(res.code, bads[i]!.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/pmh-sandbox generate: .+\nRun `pmh-sandbox generate --help`/);
      expect(res.stdout.length).toBe(0);
    });
    expect((await cli(['nope'])).code).toBe(2);

    const json = await cli(['generate', '-n', '5', '-f', 'json', '--progress']);
    expect(JSON.parse(json.stdout.toString())).toHaveLength(5);
    expect(json.stderr).toMatch(/100% 5\/5/);

    // Like `| head -c 1000`: the CLI stops generating and exits 0 when stdout closes.
    const child = spawn(process.execPath, [BIN, 'generate', '-n', '10000000'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
