import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase } from '../../src/db/database.js';
import { databaseUrl } from '../../src/db/embedded.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';
import { freePort, startServer } from '../helpers/server-process.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { buildService } from '../../scripts/build.mjs';

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

// Real processes: builds, embedded PostgreSQL starts, restarts. Sharing 2 cores with the fuzz test, they take longer than the default.
describe('the service as a real process', { timeout: 120_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('as npm start runs it (the bundle of scripts/build.mjs): starts an embedded PostgreSQL, serves, shuts down cleanly, and restarts without initdb', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pmh-e2e-'));
    await chmod(dir, 0o755);
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // Built inside the package (its own directory, so a parallel `npm start` keeps dist/server.mjs): migrations and
    // the catalogue data are found from the bundle's location.
    const outDir = `dist/e2e-${process.pid}`;
    cleanups.push(() => rm(path.join(PACKAGE_ROOT, outDir), { recursive: true, force: true }));
    const bundle = await buildService(`${outDir}/server.mjs`);
    const pgPort = await freePort();
    // One upload worker thread, so the bundled worker entry (dist/…/prepare-worker.mjs) is exercised below.
    const env = {
      DATABASE_URL: undefined,
      SANDBOX_ADMIN_TOKEN: undefined,
      PMH_PG_DATA_DIR: path.join(dir, 'pg'),
      PMH_PG_PORT: String(pgPort),
      UPLOAD_WORKER_THREADS: '1',
    };

    const first = await startServer(env, 60_000, bundle);
    try {
      expect(first.logs.find((l) => l.msg === 'embedded PostgreSQL started')).toMatchObject({ initdb: true });
      const ready = await fetch(`${first.baseUrl}/ready`);
      expect(ready.status).toBe(200);
      const res = await fetch(`${first.baseUrl}/catalogue/v1/municipalities?q=${encodeURIComponent('八王子')}`);
      expect((await res.json()).items[0].code).toBe('132012');
    } finally {
      expect(await first.stop('SIGINT')).toBe(0);
    }
    // Without SANDBOX_ADMIN_TOKEN the first start generated an admin token and logged it, once.
    const adminToken = first.logs.find((l) => typeof l.sandboxAdminToken === 'string')?.sandboxAdminToken as string;
    expect(adminToken).toMatch(/^pmh_adm_/);
    expect(first.logs.some((l) => l.msg === 'stopped')).toBe(true);
    expect(await portOpen(pgPort)).toBe(false);

    const second = await startServer(env, 60_000, bundle);
    try {
      expect(second.logs.find((l) => l.msg === 'embedded PostgreSQL started')).toMatchObject({ initdb: false });
      expect(second.logs.some((l) => l.msg === 'applied migrations')).toBe(false);
      // The restart reuses the stored admin token and does not print one.
      expect(second.output()).not.toContain('pmh_adm_');
      const clock = await fetch(`${second.baseUrl}/sandbox/v1/clock`, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(clock.status).toBe(200);
      // An NDJSON upload, validated in the bundle's worker thread.
      const cred = await (
        await fetch(`${second.baseUrl}/sandbox/v1/municipalities/130001/credentials`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } })
      ).json();
      const municipal = { authorization: `Bearer ${cred.token}` };
      const put = await fetch(`${second.baseUrl}/municipal/v1/certificate-types/NANBYO54`, {
        method: 'PUT',
        headers: { ...municipal, 'content-type': 'application/json' },
        body: JSON.stringify(NANBYO_TYPE),
      });
      expect(put.status).toBe(201);
      const ndjson = [nanbyoRecord(1), nanbyoRecord(2), nanbyoRecord(3, { incomeSegment: 'NOPE' })].map((r) => JSON.stringify(r)).join('\n');
      const task = await fetch(`${second.baseUrl}/municipal/v1/registration-tasks?wait=30`, {
        method: 'POST',
        headers: { ...municipal, 'content-type': 'application/x-ndjson' },
        body: ndjson,
      });
      expect(await task.json()).toMatchObject({ status: 'completed_with_errors', counts: { created: 2, rejected: 1 } });
      // Seeding again at start never duplicates rows: the full list is the same size.
      const count = async () => {
        let n = 0;
        let cursor: string | null = null;
        do {
          const body: { items: unknown[]; nextCursor: string | null } = await (
            await fetch(`${second.baseUrl}/catalogue/v1/municipalities?limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
          ).json();
          n += body.items.length;
          cursor = body.nextCursor;
        } while (cursor);
        return n;
      };
      expect(await count()).toBe(first.logs.find((l) => l.msg === 'catalogue seeded')!.localGovernments);
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  });

  it('uses DATABASE_URL when set, migrating an empty database itself', async () => {
    const name = `pmh_e2e_${process.pid}_${Date.now()}`;
    const server = inject('pgServerUrl');
    await ensureDatabase(server, name);
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    });
    const proc = await startServer({ DATABASE_URL: databaseUrl(server, name) });
    try {
      expect(proc.logs.some((l) => l.msg === 'embedded PostgreSQL started')).toBe(false);
      expect(proc.logs.find((l) => l.msg === 'applied migrations')).toBeTruthy();
      expect((await fetch(`${proc.baseUrl}/ready`)).status).toBe(200);
      const problem = await fetch(`${proc.baseUrl}/catalogue/v1/insurer-numbers/87654321x`);
      expect(problem.status).toBe(400);
      expect(problem.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    } finally {
      expect(await proc.stop()).toBe(0);
    }
  });

  it('refuses to start on a bad variable, naming it', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PORT');
  });

  it('answers a raw non-ASCII URL with a problem, not a bare error', async () => {
    const name = `pmh_e2e_raw_${process.pid}_${Date.now()}`;
    const server = inject('pgServerUrl');
    await ensureDatabase(server, name);
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    });
    const proc = await startServer({ DATABASE_URL: databaseUrl(server, name) });
    try {
      const port = Number(new URL(proc.baseUrl).port);
      const raw = await new Promise<string>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => s.end(Buffer.from('GET /catalogue/v1/municipalities?q=八王子 HTTP/1.1\r\nHost: x\r\n\r\n')));
        let data = '';
        s.on('data', (d: Buffer) => (data += d.toString()));
        s.on('close', () => resolve(data));
      });
      expect(raw).toMatch(/^HTTP\/1\.1 400/);
      expect(raw).toContain('application/problem+json');
      expect(raw).toContain('"code":"malformed_request"');
    } finally {
      await proc.stop();
    }
  });
});
