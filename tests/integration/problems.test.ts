import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('errors are RFC 9457 problems', () => {
  it('unknown routes answer 404 route_not_found as application/problem+json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/no/such/route?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toEqual({
      type: 'urn:pmh-sandbox:problem:route_not_found',
      title: 'No such route',
      status: 404,
      code: 'route_not_found',
      instance: '/no/such/route',
      detail: expect.stringContaining('/no/such/route'),
    });
  });

  it('a wrong method on a known path is a 404 problem too', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/catalogue/v1/prefectures' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('route_not_found');
  });

  it('validation errors list every failing field', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/catalogue/v1/municipalities?limit=0&prefectureCode=x' });
    expect(res.statusCode).toBe(400);
    const fields = res
      .json()
      .errors.map((e: { field: string }) => e.field)
      .sort();
    expect(fields).toEqual(['limit', 'prefectureCode']);
  });

  it('whatever query garbage is sent, the answer is 2xx or a 4xx problem, never a 5xx', async () => {
    const paths = ['/catalogue/v1/municipalities', '/catalogue/v1/prefectures', '/catalogue/v1/programs/54'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.dictionary(fc.constantFrom('q', 'limit', 'cursor', 'prefectureCode', 'kind', 'x'), fc.string({ maxLength: 60 }), { maxKeys: 4 }),
        async (path, query) => {
          const qs = new URLSearchParams(query).toString();
          const res = await t.app.inject({ method: 'GET', url: `${path}?${qs}` });
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode >= 400) {
            expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
            expect(res.json()).toMatchObject({ status: res.statusCode, code: expect.any(String) });
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('garbage path segments never give a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 20 }), async (seg) => {
        for (const base of ['/catalogue/v1/insurer-numbers/', '/catalogue/v1/programs/']) {
          const res = await t.app.inject({ method: 'GET', url: base + encodeURIComponent(seg) });
          expect(res.statusCode).toBeLessThan(500);
        }
      }),
      { numRuns: 200 },
    );
  });
});
