import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { card, institution } from '../helpers/clinic.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const LIST = '/clinic/v1/eligibility-checks';

describe('GET /clinic/v1/eligibility-checks', () => {
  it('lists the institution’s own checks, newest first, paginated, with the patient and never the 個人番号', async () => {
    const holder = myNumber(301);
    const m = await municipality(t.app, '130001');
    expect((await m.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
    expect((await m.upload([{ ...nanbyoRecord(1), myNumber: holder }], { query: 'wait=30' })).json()).toMatchObject({ status: 'succeeded' });
    const c = await card(t.app, holder);
    const mine = await institution(t.app);
    const other = await institution(t.app);
    const ids: string[] = [];
    for (const [serviceDate, consent] of [
      ['2026-06-01', true],
      ['2026-06-02', false],
      ['2026-06-03', true],
    ] as const) {
      const res = await mine.check({ certificateSerialNumber: c.certificateSerialNumber, serviceDate, consent: { medicalSubsidy: consent } });
      expect(res.statusCode, res.body).toBe(200);
      ids.push(res.json().checkId);
    }
    await other.check({ certificateSerialNumber: c.certificateSerialNumber, consent: { medicalSubsidy: true } });

    const page1 = await t.app.inject({ method: 'GET', url: `${LIST}?limit=2`, headers: mine.headers });
    expect(page1.statusCode, page1.body).toBe(200);
    expectMatchesOpenApi(page1, 'GET', LIST);
    const p1 = page1.json();
    expect(p1.items).toHaveLength(2);
    expect(p1.nextCursor).toEqual(expect.any(String));
    const page2 = await t.app.inject({ method: 'GET', url: `${LIST}?limit=2&cursor=${p1.nextCursor}`, headers: mine.headers });
    expectMatchesOpenApi(page2, 'GET', LIST);
    const p2 = page2.json();
    expect(p2.nextCursor).toBeNull();
    const all = [...p1.items, ...p2.items];
    // Newest first: the checks were made in order, so their ids come back reversed.
    expect(all.map((e: { checkId: string }) => e.checkId)).toEqual([...ids].reverse());
    expect(all[1]).toEqual({
      checkId: ids[1],
      checkedAt: expect.any(String),
      serviceDate: '2026-06-02',
      consent: false,
      patient: { name: c.name, nameKana: expect.any(String), dateOfBirth: expect.any(String), sex: expect.any(String) },
      subsidyCount: 0,
    });
    expect(all[0]).toMatchObject({ serviceDate: '2026-06-03', consent: true, subsidyCount: 1 });
    for (const res of [page1, page2]) expect(res.body).not.toContain(holder);

    const others = (await t.app.inject({ method: 'GET', url: LIST, headers: other.headers })).json();
    expect(others.items).toHaveLength(1);
    expect(ids).not.toContain(others.items[0].checkId);
  });

  it('answers problems for a bad cursor, a bad limit and a token of another kind', async () => {
    const inst = await institution(t.app);
    const badCursor = await t.app.inject({ method: 'GET', url: `${LIST}?cursor=zzz`, headers: inst.headers });
    expect([badCursor.statusCode, badCursor.json().code]).toEqual([400, 'invalid_cursor']);
    expectMatchesOpenApi(badCursor, 'GET', LIST);
    const badLimit = await t.app.inject({ method: 'GET', url: `${LIST}?limit=0`, headers: inst.headers });
    expect([badLimit.statusCode, badLimit.json().code]).toEqual([400, 'validation_failed']);
    const empty = await t.app.inject({ method: 'GET', url: LIST, headers: inst.headers });
    expect(empty.json()).toEqual({ items: [], nextCursor: null });
    const m = await municipality(t.app, '130001');
    const wrongKind = await t.app.inject({ method: 'GET', url: LIST, headers: m.headers });
    expect([wrongKind.statusCode, wrongKind.json().code]).toEqual([401, 'wrong_token_kind']);
    const anonymous = await t.app.inject({ method: 'GET', url: LIST });
    expect([anonymous.statusCode, anonymous.json().code]).toEqual([401, 'unauthenticated']);
  });
});
