import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality } from '../helpers/municipal.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const PROBLEM = 'application/problem+json';
const admin = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) => t.app.inject({ method, url, headers: adminHeaders, payload });
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

async function addFault(body: object) {
  const res = await admin('POST', '/sandbox/v1/faults', body);
  expect(res.statusCode, res.body).toBe(201);
  expectMatchesOpenApi(res, 'POST', '/sandbox/v1/faults');
  return res.json() as { id: string; remaining: number | null; hits: number; active: boolean };
}
const clearFaults = () => admin('POST', '/sandbox/v1/reset?include=faults,maintenance,clock&keep=credentials');

describe('POST /sandbox/v1/faults', () => {
  it('fails matching requests `remaining` times with the problem code, marked as injected, then stops', async () => {
    const fault = await addFault({
      match: { method: 'GET', path: '/catalogue/v1/prefectures' },
      effect: { status: 503, problemCode: 'pmh_busy' },
      remaining: 2,
    });
    expect(fault).toMatchObject({ remaining: 2, hits: 0, active: true });
    for (let i = 0; i < 2; i++) {
      const res = await get('/catalogue/v1/prefectures');
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain(PROBLEM);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toMatchObject({
        status: 503,
        code: 'pmh_busy',
        type: 'urn:pmh-sandbox:problem:pmh_busy',
        injected: { by: 'fault', faultId: fault.id },
      });
    }
    expect((await get('/catalogue/v1/prefectures')).statusCode).toBe(200);
    expect((await get('/catalogue/v1/programs')).statusCode).toBe(200); // exact path only

    const list = await admin('GET', '/sandbox/v1/faults');
    expectMatchesOpenApi(list, 'GET', '/sandbox/v1/faults');
    expect(list.json().items).toEqual([expect.objectContaining({ id: fault.id, remaining: 0, hits: 2, active: false })]);
    await clearFaults();
  });

  it('defaults the code from the status and matches method and path globs', async () => {
    await addFault({ match: { method: 'POST', path: '/catalogue/v1/*' }, effect: { status: 500 } });
    await addFault({ match: { path: '/catalogue/v1/programs/*' }, effect: { status: 429 } });
    expect((await get('/catalogue/v1/prefectures')).statusCode).toBe(200); // GET ≠ POST
    const res = await get('/catalogue/v1/programs/54');
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('too_many_requests');
    expect(res.headers['retry-after']).toBeUndefined();
    const posted = await t.app.inject({ method: 'POST', url: '/catalogue/v1/nothing-here' });
    expect(posted.json()).toMatchObject({ status: 500, code: 'internal_error', injected: { by: 'fault' } });
    await clearFaults();
  });

  it('matches callers: a municipality, any municipality, anonymous — before the route’s own authentication', async () => {
    const a = await municipality(t.app, '130001');
    const b = await municipality(t.app, '270008');
    await addFault({ match: { path: '/municipal/v1/*', actor: 'municipality:130001' }, effect: { status: 503 } });
    expect((await a.get('/municipal/v1/certificate-types')).statusCode).toBe(503);
    expect((await b.get('/municipal/v1/certificate-types')).statusCode).toBe(200);
    expect((await get('/municipal/v1/certificate-types')).json().code).toBe('unauthenticated');
    await clearFaults();

    await addFault({ match: { actor: 'anonymous' }, effect: { status: 502 } });
    expect((await get('/catalogue/v1/prefectures')).statusCode).toBe(502);
    expect((await a.get('/municipal/v1/certificate-types')).statusCode).toBe(200);
    await clearFaults();

    await addFault({ match: { actor: 'municipality:*' }, effect: { status: 500 } });
    expect((await b.get('/municipal/v1/certificate-types')).statusCode).toBe(500);
    expect((await get('/catalogue/v1/prefectures')).statusCode).toBe(200);
    await clearFaults();
  });

  it('adds latency, and with no status lets the request through', async () => {
    await addFault({ match: { path: '/catalogue/v1/prefectures' }, effect: { latencyMs: 150 }, remaining: 1 });
    const started = performance.now();
    const res = await get('/catalogue/v1/prefectures');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.statusCode).toBe(200);
    const again = performance.now();
    await get('/catalogue/v1/prefectures');
    expect(performance.now() - again).toBeLessThan(140);
    await clearFaults();
  });

  it('uses `remaining` exactly, however many requests race for it', async () => {
    const fault = await addFault({ match: { path: '/catalogue/v1/prefectures' }, effect: { status: 503 }, remaining: 3 });
    const statuses = await Promise.all(Array.from({ length: 12 }, () => get('/catalogue/v1/prefectures').then((r) => r.statusCode)));
    expect(statuses.filter((s) => s === 503)).toHaveLength(3);
    expect(statuses.filter((s) => s === 200)).toHaveLength(9);
    const { rows } = await t.pool.query('SELECT remaining, hits FROM sandbox_fault WHERE id = $1', [fault.id]);
    expect(rows[0]).toEqual({ remaining: 0, hits: 3 });
    await clearFaults();
  });

  it('expires at expiresAt of the sandbox clock', async () => {
    await admin('PUT', '/sandbox/v1/clock', { now: '2027-01-01T00:00:00Z' });
    const past = await admin('POST', '/sandbox/v1/faults', { effect: { status: 503 }, expiresAt: '2026-12-31T23:59:59Z' });
    expect(past.statusCode).toBe(422);
    expect(past.json().code).toBe('expires_in_past');
    expectMatchesOpenApi(past, 'POST', '/sandbox/v1/faults');
    await addFault({ match: { path: '/catalogue/v1/prefectures' }, effect: { status: 503 }, expiresAt: '2027-01-01T01:00:00Z' });
    expect((await get('/catalogue/v1/prefectures')).statusCode).toBe(503);
    await admin('PUT', '/sandbox/v1/clock', { now: '2027-01-01T01:00:00Z' });
    expect((await get('/catalogue/v1/prefectures')).statusCode).toBe(200);
    expect((await admin('GET', '/sandbox/v1/faults')).json().items[0].active).toBe(false);
    await clearFaults();
  });

  it('never touches /sandbox/v1, /health, /ready or /docs', async () => {
    await addFault({ match: { path: '/*' }, effect: { status: 500 } });
    expect((await get('/catalogue/v1/prefectures')).statusCode).toBe(500);
    for (const url of ['/health', '/ready', '/docs/json']) expect((await get(url)).statusCode, url).toBe(200);
    expect((await admin('GET', '/sandbox/v1/faults')).statusCode).toBe(200);
    await clearFaults();
  });

  it('survives a restart, and is removed by DELETE', async () => {
    const fault = await addFault({ match: { path: '/catalogue/v1/prefectures' }, effect: { status: 503 } });
    t = await t.restart();
    expect((await get('/catalogue/v1/prefectures')).statusCode).toBe(503);
    const del = await admin('DELETE', `/sandbox/v1/faults/${fault.id}`);
    expect(del.statusCode).toBe(204);
    expect((await get('/catalogue/v1/prefectures')).statusCode).toBe(200);
    const again = await admin('DELETE', `/sandbox/v1/faults/${fault.id}`);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('fault_not_found');
    expectMatchesOpenApi(again, 'DELETE', '/sandbox/v1/faults/{faultId}');
  });

  it.each([
    [{ effect: {} }],
    [{ effect: { status: 200 } }],
    [{ effect: { status: 503, problemCode: 'Not A Code' } }],
    [{ effect: { latencyMs: 60_000 } }],
    [{ match: { path: 'no-slash' }, effect: { status: 503 } }],
    [{ match: { method: 'FETCH' }, effect: { status: 503 } }],
    [{ effect: { status: 503 }, remaining: 0 }],
  ])('refuses %j with 400 validation_failed', async (body) => {
    const res = await admin('POST', '/sandbox/v1/faults', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
  });
});

describe('Prefer: sandbox-fault', () => {
  it('fails one request on demand, saying which preference it applied', async () => {
    const res = await get('/catalogue/v1/prefectures', { prefer: 'sandbox-fault=503' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['preference-applied']).toBe('sandbox-fault=503');
    expect(res.json()).toMatchObject({ code: 'service_unavailable', injected: { by: 'prefer' } });
    const custom = await get('/catalogue/v1/prefectures', { prefer: 'return=minimal, sandbox-fault=429, sandbox-problem=rate_limited' });
    expect(custom.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((await get('/catalogue/v1/prefectures')).statusCode).toBe(200);
  });

  it('delays with sandbox-latency', async () => {
    const started = performance.now();
    const res = await get('/catalogue/v1/prefectures', { prefer: 'sandbox-latency=120' });
    expect(res.statusCode).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('refuses a malformed sandbox preference with 400 invalid_prefer_header', async () => {
    const res = await get('/catalogue/v1/prefectures', { prefer: 'sandbox-fault=abc' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid_prefer_header');
  });

  it('is ignored by the sandbox admin API', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/sandbox/v1/faults', headers: { ...adminHeaders, prefer: 'sandbox-fault=503' } });
    expect(res.statusCode).toBe(200);
  });
});

describe('/sandbox/v1/maintenance', () => {
  it('answers 503 pmh_maintenance with Retry-After on PMH routes while the window is open (sandbox clock)', async () => {
    const { headers } = await municipality(t.app, '130001');
    // t.app changes on restart: always call the current one.
    const m = { get: (url: string) => get(url, headers) };
    await admin('PUT', '/sandbox/v1/clock', { now: '2027-01-01T00:00:00Z' });
    const set = await admin('PUT', '/sandbox/v1/maintenance', {
      from: '2027-01-01T01:00:00Z',
      until: '2027-01-01T02:00:00Z',
      message: '定期メンテナンスのため停止中です',
    });
    expect(set.statusCode).toBe(200);
    expectMatchesOpenApi(set, 'PUT', '/sandbox/v1/maintenance');
    expect(set.json()).toMatchObject({
      active: false,
      retryAfterSeconds: null,
      window: { from: '2027-01-01T01:00:00.000Z', until: '2027-01-01T02:00:00.000Z' },
    });
    expect((await m.get('/municipal/v1/certificate-types')).statusCode).toBe(200);

    await admin('PUT', '/sandbox/v1/clock', { now: '2027-01-01T01:30:00Z' });
    const down = await m.get('/municipal/v1/certificate-types');
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe('1800');
    expect(down.json()).toMatchObject({ code: 'pmh_maintenance', detail: '定期メンテナンスのため停止中です', injected: { by: 'maintenance' } });
    expect((await get('/clinic/v1/eligibility-checks/00000000-0000-4000-8000-000000000000')).json().code).toBe('pmh_maintenance');
    expect((await get('/catalogue/v1/prefectures')).statusCode).toBe(200);
    const read = await admin('GET', '/sandbox/v1/maintenance');
    expectMatchesOpenApi(read, 'GET', '/sandbox/v1/maintenance');
    expect(read.json()).toMatchObject({ active: true, retryAfterSeconds: 1800 });

    t = await t.restart();
    expect((await m.get('/municipal/v1/certificate-types')).statusCode).toBe(503);
    await admin('PUT', '/sandbox/v1/clock', { now: '2027-01-01T02:00:00Z' });
    expect((await m.get('/municipal/v1/certificate-types')).statusCode).toBe(200);

    await admin('PUT', '/sandbox/v1/maintenance', { until: '2027-01-01T03:00:00Z' });
    expect((await m.get('/municipal/v1/certificate-types')).json().detail).toContain('2027-01-01T03:00:00.000Z');
    const cleared = await admin('DELETE', '/sandbox/v1/maintenance');
    expectMatchesOpenApi(cleared, 'DELETE', '/sandbox/v1/maintenance');
    expect(cleared.json()).toEqual({ window: null, active: false, retryAfterSeconds: null });
    expect((await m.get('/municipal/v1/certificate-types')).statusCode).toBe(200);
    await clearFaults();
  });

  it.each([
    [{ from: '2027-01-01T02:00:00Z', until: '2027-01-01T01:00:00Z' }, 'invalid_maintenance_window'],
    [{ until: '2000-01-01T00:00:00Z' }, 'maintenance_window_in_past'],
  ])('refuses %j with 422 %s', async (body, code) => {
    const res = await admin('PUT', '/sandbox/v1/maintenance', body);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe(code);
    expectMatchesOpenApi(res, 'PUT', '/sandbox/v1/maintenance');
  });
});
