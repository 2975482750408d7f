import { pino } from 'pino';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashToken } from '../../src/http/identity.js';
import { OPENAPI_PATH } from '../../src/openapi.js';
import { ensureAdminToken } from '../../src/sandbox/admin/service.js';
import { sandboxSettingsRepository } from '../../src/sandbox/settings.js';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';

const PROBLEM = 'application/problem+json';

describe('sandbox admin token from SANDBOX_ADMIN_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it.each([
    ['GET', '/sandbox/v1/clock'],
    ['POST', '/sandbox/v1/municipalities/131016/credentials'],
    ['POST', '/sandbox/v1/faults'],
    ['POST', '/sandbox/v1/reset'],
    ['GET', '/sandbox/v1/requests'],
  ] as const)('%s %s without a token: 401 unauthenticated, with a token that is not the admin’s: 401 invalid_token', async (method, url) => {
    const none = await t.app.inject({ method, url });
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toContain(PROBLEM);
    expect(none.json()).toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(none.headers['www-authenticate']).toContain('Bearer');

    const wrong = await t.app.inject({ method, url, headers: { authorization: 'Bearer not-the-admin-token-at-all' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('invalid_token');
    expect(wrong.headers['www-authenticate']).toContain('invalid_token');
  });

  it('a municipality’s own token is not an admin token', async () => {
    const cred = await t.app.inject({ method: 'POST', url: '/sandbox/v1/municipalities/131016/credentials', headers: adminHeaders });
    expect(cred.statusCode).toBe(201);
    expectMatchesOpenApi(cred, 'POST', '/sandbox/v1/municipalities/{lgCode}/credentials');
    const res = await t.app.inject({ method: 'GET', url: '/sandbox/v1/clock', headers: { authorization: `Bearer ${cred.json().token}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('wrong_token_kind');
    expect(res.json().detail).toBe('This is the municipality token (municipality); this API needs the sandbox admin token (sandbox-admin)');
    expectMatchesOpenApi(res, 'GET', '/sandbox/v1/clock');
  });

  it('lets the admin token through', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/sandbox/v1/clock', headers: adminHeaders });
    expect(res.statusCode).toBe(200);
  });

  it('documents every /sandbox/v1 operation with the adminToken scheme and tag sandbox (GET /sandbox/v1/session: any token)', () => {
    const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8'));
    expect(doc.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ops = Object.entries<Record<string, any>>(doc.paths)
      .filter(([p]) => p.startsWith('/sandbox/v1/'))
      .flatMap(([p, item]) => Object.entries<any>(item).map(([m, op]) => ({ where: `${m} ${p}`, op })));
    expect(ops.length).toBeGreaterThanOrEqual(12);
    for (const { where, op } of ops) {
      const security = where === 'get /sandbox/v1/session' ? [{ adminToken: [] }, { municipalToken: [] }, { institutionToken: [] }] : [{ adminToken: [] }];
      expect(op.security, where).toEqual(security);
      expect(op.tags, where).toEqual(['sandbox']);
      expect(op.responses['401'], where).toBeDefined();
    }
  });
});

describe('a generated admin token (no SANDBOX_ADMIN_TOKEN)', () => {
  let t: TestApp;
  const started: Record<string, unknown>[] = [];
  beforeAll(async () => {
    // The start (src/bootstrap.ts, as the server's) generates the token: its log is read here.
    t = await createTestApp({ SANDBOX_ADMIN_TOKEN: '' }, { logger: pino({ level: 'info' }, { write: (line: string) => void started.push(JSON.parse(line)) }) });
  });
  afterAll(() => t.close());

  const capture = () => {
    const lines: { obj: Record<string, unknown>; msg: string }[] = [];
    return {
      lines,
      logger: {
        info: (obj: object, msg: string) => lines.push({ obj: obj as never, msg }),
        warn: (obj: object, msg: string) => lines.push({ obj: obj as never, msg }),
      },
    };
  };
  const config = { SANDBOX_ROTATE_ADMIN_TOKEN: false };
  const clock = (token: string) => t.app.inject({ method: 'GET', url: '/sandbox/v1/clock', headers: { authorization: `Bearer ${token}` } });

  it('is generated and printed once on first start, stored only as its SHA-256, reused later, and rotated on request', async () => {
    const settings = sandboxSettingsRepository(t.db);
    expect((await clock('pmh_adm_whatever_it_may_be_000')).json().code).toBe('invalid_token');

    const printed = started.filter((l) => typeof l.sandboxAdminToken === 'string');
    expect(printed).toHaveLength(1);
    const token = printed[0]!.sandboxAdminToken as string;
    expect(printed[0]!.msg).toContain(token);
    expect(token).toMatch(/^pmh_adm_[A-Za-z0-9_-]{32}$/);

    const { rows } = await t.pool.query(`SELECT value FROM sandbox_setting`);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.map((r) => r.value)).toContain(hashToken(token));
    expect((await clock(token)).statusCode).toBe(200);

    const second = capture();
    expect(await ensureAdminToken(settings, config, second.logger)).toBe('stored');
    expect(JSON.stringify(second.lines)).not.toContain('pmh_adm_');

    const rotated = capture();
    expect(await ensureAdminToken(settings, { SANDBOX_ROTATE_ADMIN_TOKEN: true }, rotated.logger)).toBe('generated');
    const newToken = rotated.lines.find((l) => l.obj.sandboxAdminToken)!.obj.sandboxAdminToken as string;
    expect(newToken).not.toBe(token);
    t = await t.restart();
    expect((await clock(newToken)).statusCode).toBe(200);
    expect((await clock(token)).json().code).toBe('invalid_token');
  });

  it('is printed on stderr when the log level hides warnings (LOG_LEVEL=error), and works', async () => {
    const printed: string[] = [];
    const logged = capture();
    const quiet = { ...logged.logger, isLevelEnabled: (level: string) => level === 'error' || level === 'fatal' };
    const settings = sandboxSettingsRepository(t.db);
    expect(await ensureAdminToken(settings, { SANDBOX_ROTATE_ADMIN_TOKEN: true }, quiet, (text) => printed.push(text))).toBe('generated');
    expect(logged.lines).toEqual([]);
    expect(printed).toHaveLength(1);
    const token = /pmh_adm_[A-Za-z0-9_-]{32}/.exec(printed[0]!)![0];
    expect(printed[0]).toContain('SANDBOX_ROTATE_ADMIN_TOKEN=true');
    t = await t.restart();
    expect((await clock(token)).statusCode).toBe(200);
  });

  it('is printed on stderr by a start at LOG_LEVEL=error', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let quiet: TestApp | undefined;
    try {
      quiet = await createTestApp({ SANDBOX_ADMIN_TOKEN: '' }, { logger: pino({ level: 'error' }, { write: () => undefined }) });
      const written = stderr.mock.calls.map((c) => String(c[0])).join('');
      const token = /sandbox admin token generated: (pmh_adm_[A-Za-z0-9_-]{32})/.exec(written)?.[1];
      expect(token).toBeDefined();
      const res = await quiet.app.inject({ method: 'GET', url: '/sandbox/v1/clock', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
    } finally {
      stderr.mockRestore();
      await quiet?.close();
    }
  });

  it('is not generated when SANDBOX_ADMIN_TOKEN is set', async () => {
    const log = capture();
    expect(
      await ensureAdminToken(sandboxSettingsRepository(t.db), { SANDBOX_ADMIN_TOKEN: 'x'.repeat(20), SANDBOX_ROTATE_ADMIN_TOKEN: false }, log.logger),
    ).toBe('configured');
    expect(log.lines).toEqual([]);
  });
});
