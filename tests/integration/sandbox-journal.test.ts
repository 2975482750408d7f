import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

interface Entry {
  id: string;
  at: string;
  method: string;
  path: string;
  route: string | null;
  status: number;
  actor: string;
  durationMs: number;
  problemCode: string | null;
}

async function journal(query = '') {
  const res = await t.app.inject({ method: 'GET', url: `/sandbox/v1/requests${query}`, headers: adminHeaders });
  expect(res.statusCode, res.body).toBe(200);
  expectMatchesOpenApi(res, 'GET', '/sandbox/v1/requests');
  return res.json() as { items: Entry[]; nextCursor: string | null };
}

describe('GET /sandbox/v1/requests', () => {
  it('lists what was received, newest first: caller, status, route, problem code, duration', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    await t.app.inject({ method: 'POST', url: '/sandbox/v1/reset?include=requests', headers: adminHeaders });
    const m = await municipality(t.app, '130001');
    expect((await m.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
    await t.app.inject({ method: 'GET', url: '/catalogue/v1/municipalities?q=%E5%85%AB%E7%8E%8B%E5%AD%90' });
    await m.get('/municipal/v1/certificate-types/NOPE');
    await t.app.inject({ method: 'GET', url: '/municipal/v1/certificate-types', headers: { authorization: 'Bearer nobody-issued-this' } });

    const { items } = await journal(`?since=${encodeURIComponent(since)}`);
    expect(items.map((e) => [e.method, e.path, e.status, e.actor, e.problemCode])).toEqual([
      ['GET', '/municipal/v1/certificate-types', 401, 'unknown', 'invalid_token'],
      ['GET', '/municipal/v1/certificate-types/NOPE', 404, 'municipality:130001', expect.any(String)],
      ['GET', '/catalogue/v1/municipalities', 200, 'anonymous', null],
      ['PUT', '/municipal/v1/certificate-types/NANBYO54', 201, 'municipality:130001', null],
      ['POST', '/sandbox/v1/municipalities/130001/credentials', 201, 'sandbox-admin', null],
      ['POST', '/sandbox/v1/reset', 200, 'sandbox-admin', null],
    ]);
    expect(items[1]!.route).toBe('/municipal/v1/certificate-types/:orgSpecificCertificateTypeId');
    for (const e of items) {
      expect(e.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(e.at)).toBeGreaterThanOrEqual(Date.parse(since));
    }
    // The journal's own reads are not journaled.
    expect((await journal()).items.some((e) => e.path === '/sandbox/v1/requests')).toBe(false);
  });

  it('never keeps personal data: no bodies, no query strings, 個人番号 in paths masked', async () => {
    const m = await municipality(t.app, '130001');
    await m.upload([nanbyoRecord(77)], { query: 'wait=10' });
    await t.app.inject({ method: 'GET', url: `/municipal/v1/recipients/${myNumber(77)}`, headers: m.headers });
    await t.app.inject({ method: 'GET', url: `/catalogue/v1/municipalities?q=${encodeURIComponent('都庁 太郎')}` });
    const text = JSON.stringify(await journal('?limit=1000'));
    expect(text).not.toContain(myNumber(77));
    expect(text).not.toContain('都庁');
    expect(text).not.toContain(encodeURIComponent('都庁'));
    expect(text).toContain('/municipal/v1/recipients/************');
  });

  it('filters by actor and path (globs) and pages with a cursor', async () => {
    const a = await municipality(t.app, '130001');
    for (let i = 0; i < 5; i++) await a.get('/municipal/v1/certificate-types');
    const page1 = await journal('?actor=municipality:130001&path=/municipal/v1/certificate-types&limit=3');
    expect(page1.items).toHaveLength(3);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await journal(`?actor=municipality:130001&path=/municipal/v1/certificate-types&limit=3&cursor=${page1.nextCursor}`);
    expect(page2.items.length).toBeGreaterThanOrEqual(2);
    const ids = [...page1.items, ...page2.items].map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    expect(new Set(ids).size).toBe(ids.length);
    expect((await journal('?actor=municipality:*&limit=1000')).items.every((e) => e.actor.startsWith('municipality:'))).toBe(true);
    expect((await journal('?path=/catalogue/*&limit=1000')).items.every((e) => e.path.startsWith('/catalogue/'))).toBe(true);
  });

  it('refuses a bad cursor with 400 invalid_cursor, and is emptied by reset?include=requests', async () => {
    const bad = await t.app.inject({ method: 'GET', url: '/sandbox/v1/requests?cursor=abc', headers: adminHeaders });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_cursor');
    expectMatchesOpenApi(bad, 'GET', '/sandbox/v1/requests');
    await t.app.inject({ method: 'POST', url: '/sandbox/v1/reset?include=requests', headers: adminHeaders });
    const { items } = await journal();
    // Only the reset itself remains (it is journaled once answered).
    expect(items.map((e) => e.path)).toEqual(['/sandbox/v1/reset']);
  });

  it('journals injected faults with their problem code', async () => {
    await t.app.inject({ method: 'GET', url: '/catalogue/v1/prefectures', headers: { prefer: 'sandbox-fault=503' } });
    const [latest] = (await journal('?path=/catalogue/v1/prefectures')).items;
    expect(latest).toMatchObject({ status: 503, problemCode: 'service_unavailable', actor: 'anonymous' });
  });
});
