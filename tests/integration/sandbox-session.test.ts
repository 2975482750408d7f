import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { institution } from '../helpers/clinic.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality } from '../helpers/municipal.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const session = (headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: '/sandbox/v1/session', headers });

describe('GET /sandbox/v1/session', () => {
  it('names the role and tenant of any valid token, with the clock and the maintenance window', async () => {
    const admin = await session(adminHeaders);
    expect(admin.statusCode, admin.body).toBe(200);
    expectMatchesOpenApi(admin, 'GET', '/sandbox/v1/session');
    expect(admin.json()).toMatchObject({ role: 'admin', actor: 'sandbox-admin', tenant: null, clock: { real: true }, maintenance: { active: false } });

    const m = await municipality(t.app, '130001');
    expect((await session(m.headers)).json()).toMatchObject({ role: 'municipality', actor: 'municipality:130001', tenant: { code: '130001', name: '東京都' } });
    const inst = await institution(t.app, { name: '見本医院' });
    const res = await session(inst.headers);
    expectMatchesOpenApi(res, 'GET', '/sandbox/v1/session');
    expect(res.json()).toMatchObject({ role: 'institution', actor: `institution:${inst.code}`, tenant: { code: inst.code, name: '見本医院' } });
  });

  it('shows a frozen clock and an open maintenance window to a clinic, and still answers during the window', async () => {
    const inst = await institution(t.app);
    await t.app.inject({ method: 'PUT', url: '/sandbox/v1/clock', headers: adminHeaders, payload: { now: '2027-04-01T00:00:00Z' } });
    const put = await t.app.inject({
      method: 'PUT',
      url: '/sandbox/v1/maintenance',
      headers: adminHeaders,
      payload: { until: '2027-04-01T01:00:00Z', message: '定期メンテナンス' },
    });
    expect(put.statusCode, put.body).toBe(200);
    try {
      const res = await session(inst.headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        clock: { now: '2027-04-01T00:00:00.000Z', real: false },
        maintenance: { active: true, window: { until: '2027-04-01T01:00:00.000Z', message: '定期メンテナンス' } },
      });
      // The clinic API itself is down meanwhile.
      expect((await t.app.inject({ method: 'GET', url: '/clinic/v1/eligibility-checks', headers: inst.headers })).statusCode).toBe(503);
    } finally {
      await t.app.inject({ method: 'DELETE', url: '/sandbox/v1/maintenance', headers: adminHeaders });
      await t.app.inject({ method: 'DELETE', url: '/sandbox/v1/clock', headers: adminHeaders });
    }
  });

  it('answers 401 without a token or with one nobody issued', async () => {
    const none = await session();
    expect([none.statusCode, none.json().code]).toEqual([401, 'unauthenticated']);
    expectMatchesOpenApi(none, 'GET', '/sandbox/v1/session');
    const unknown = await session({ authorization: 'Bearer pmh_ins_nobody_issued_this_token_000000' });
    expect([unknown.statusCode, unknown.json().code]).toEqual([401, 'invalid_token']);
  });
});
