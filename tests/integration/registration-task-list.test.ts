import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

let t: TestApp;
let osaka: Awaited<ReturnType<typeof municipality>>;
let other: Awaited<ReturnType<typeof municipality>>;
const PATH = '/municipal/v1/registration-tasks';

beforeAll(async () => {
  t = await createTestApp();
  // 大阪府 and 北海道: no well-known test cards of their own, so their lists hold only what the test uploads.
  osaka = await municipality(t.app, '270008');
  other = await municipality(t.app, '010006');
  const type = { ...NANBYO_TYPE, insurerNumbers: [] };
  expect((await osaka.putType('NANBYO54', type)).statusCode).toBe(201);
  expect((await other.putType('NANBYO54', type)).statusCode).toBe(201);
});
afterAll(() => t.close());

async function upload(m: typeof osaka, records: unknown[]) {
  const res = await m.upload(records.map((r) => ({ ...(r as object), medicalSubsidyInsurerNumber: undefined })));
  expect(res.statusCode).toBe(202);
  return m.finished(res.json().id);
}

describe('GET /municipal/v1/registration-tasks', () => {
  it('lists the municipality’s tasks newest first, page by page, filtered by status, never another municipality’s', async () => {
    const first = await upload(osaka, [nanbyoRecord(1)]);
    const second = await upload(osaka, [nanbyoRecord(2), nanbyoRecord(3, { incomeSegment: 'NOPE' })]);
    const third = await upload(osaka, [nanbyoRecord(4)]);
    expect([first.status, second.status, third.status]).toEqual(['succeeded', 'completed_with_errors', 'succeeded']);
    await upload(other, [nanbyoRecord(5)]);

    const all = await osaka.get(PATH);
    expect(all.statusCode).toBe(200);
    expectMatchesOpenApi(all, 'GET', PATH);
    const body = all.json();
    expect(body.items.map((x: { id: string }) => x.id)).toEqual([third.id, second.id, first.id]);
    expect(body.nextCursor).toBeNull();
    // Each item is the task as GET …/{id} shows it.
    expect(body.items[1]).toEqual((await osaka.get(`${PATH}/${second.id}`)).json());

    const page1 = (await osaka.get(`${PATH}?limit=2`)).json();
    expect(page1.items.map((x: { id: string }) => x.id)).toEqual([third.id, second.id]);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await osaka.get(`${PATH}?limit=2&cursor=${page1.nextCursor}`);
    expectMatchesOpenApi(page2, 'GET', PATH);
    expect(page2.json()).toEqual({ items: [expect.objectContaining({ id: first.id })], nextCursor: null });

    const withErrors = (await osaka.get(`${PATH}?status=completed_with_errors`)).json();
    expect(withErrors.items.map((x: { id: string }) => x.id)).toEqual([second.id]);

    const others = (await other.get(PATH)).json();
    expect(others.items).toHaveLength(1);
    expect(others.items[0].id).not.toBe(first.id);
  });

  it('refuses a bad cursor, limit or status with a problem, and a request without a municipal token', async () => {
    const badCursor = await osaka.get(`${PATH}?cursor=bm9wZQ`);
    expect(badCursor.statusCode).toBe(400);
    expectMatchesOpenApi(badCursor, 'GET', PATH);
    expect(badCursor.json().code).toBe('invalid_cursor');
    const badLimit = await osaka.get(`${PATH}?limit=0`);
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json()).toMatchObject({ code: 'validation_failed', errors: [expect.objectContaining({ field: 'limit' })] });
    const badStatus = await osaka.get(`${PATH}?status=done`);
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().errors[0].field).toBe('status');
    const anonymous = await t.app.inject({ method: 'GET', url: PATH });
    expect(anonymous.statusCode).toBe(401);
    expectMatchesOpenApi(anonymous, 'GET', PATH);
  });
});
