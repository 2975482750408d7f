import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { card, institution } from '../helpers/clinic.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

type Institution = Awaited<ReturnType<typeof institution>>;
type Line = { institutionCode: string; copaymentCharged: number; cancelled: boolean };

let t: TestApp;
let clinic: Institution;
let pharmacy: Institution;
let serial: string;
let subsidyRef: string;
/** Other patients, for records of many subsidies at once. */
const OTHERS = [302, 303, 304, 305, 306, 307, 308, 309];
let otherRefs: string[];
let otherSerials: string[];

const RECORDS = '/clinic/v1/copayment-records';
const post = (inst: Institution, body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: RECORDS, headers: inst.headers, payload: body });
const line = (visitId: string, serviceDate: string, copaymentCharged: number) => ({
  subsidyRef,
  visitId,
  serviceDate,
  setting: 'outpatient',
  totalMedicalCost: 20000,
  copaymentCharged,
});

async function limit(serviceDate: string) {
  const res = await clinic.check({ certificateSerialNumber: serial, serviceDate, consent: { medicalSubsidy: true } });
  return res.json().medicalSubsidies[0].copaymentLimit as { accumulated: number; remaining: number; capReached: boolean };
}

/** Every current line of the month, of both institutions, through their own listings. */
async function lines(yearMonth: string): Promise<Line[]> {
  const out: Line[] = [];
  for (const inst of [clinic, pharmacy]) {
    const res = await t.app.inject({ method: 'GET', url: `${RECORDS}?subsidyRef=${subsidyRef}&yearMonth=${yearMonth}&limit=1000`, headers: inst.headers });
    out.push(...(res.json().items as Line[]));
  }
  return out;
}
const sum = (ls: Line[]) => ls.filter((l) => !l.cancelled).reduce((s, l) => s + l.copaymentCharged, 0);

beforeAll(async () => {
  t = await createTestApp();
  const tokyo = await municipality(t.app, '130001');
  expect((await tokyo.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
  const up = await tokyo.upload([nanbyoRecord(301), ...OTHERS.map((n) => nanbyoRecord(n))], { query: 'wait=30' });
  expect(up.json()).toMatchObject({ status: 'succeeded' });
  clinic = await institution(t.app);
  pharmacy = await institution(t.app, { kind: 'pharmacy' });
  serial = (await card(t.app, myNumber(301))).certificateSerialNumber;
  for (const inst of [clinic, pharmacy]) {
    const res = await inst.check({ certificateSerialNumber: serial, serviceDate: '2026-06-01', consent: { medicalSubsidy: true } });
    subsidyRef = res.json().medicalSubsidies[0].subsidyRef;
  }
  otherRefs = [];
  otherSerials = [];
  for (const n of OTHERS) {
    const other = (await card(t.app, myNumber(n))).certificateSerialNumber;
    otherSerials.push(other);
    for (const inst of [clinic, pharmacy]) {
      const res = await inst.check({ certificateSerialNumber: other, serviceDate: '2026-06-01', consent: { medicalSubsidy: true } });
      if (inst === pharmacy) otherRefs.push(res.json().medicalSubsidies[0].subsidyRef as string);
    }
  }
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('concurrent lines near the cap (10,000)', () => {
  it('never lets two institutions both take the last of the cap', async () => {
    expect((await post(clinic, line('base', '2026-06-02', 9000))).statusCode).toBe(201);
    // 1,000 left; 40 requests of 500 at once, half from each institution: exactly two fit.
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => post(i % 2 === 0 ? clinic : pharmacy, line(`race-${i}`, '2026-06-03', 500))));
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    expect(statuses.filter((s) => s === 409)).toHaveLength(38);
    expect(new Set(results.filter((r) => r.statusCode === 409).map((r) => r.json().code))).toEqual(new Set(['copayment_cap_exceeded']));
    // Each accepted line saw a distinct accumulated amount: 9,500 then 10,000.
    expect(
      results
        .filter((r) => r.statusCode === 201)
        .map((r) => r.json().accumulatedAfter as number)
        .sort((a, b) => a - b),
    ).toEqual([9500, 10000]);
    const all = await lines('2026-06');
    expect(sum(all)).toBe(10000);
    expect(await limit('2026-06-30')).toMatchObject({ accumulated: 10000, remaining: 0, capReached: true });
  });

  it('keeps the totals equal to the sum of the current versions under concurrent records, corrections and cancellations', async () => {
    expect((await post(clinic, line('m-base', '2026-07-01', 7000))).statusCode).toBe(201);
    // 3,000 left: amounts that do not divide it, from both institutions, with corrections and cancels of the base mixed in.
    const amounts = [700, 400, 1100, 300, 900, 200, 600, 800, 500, 1000, 250, 350];
    const ops = [
      ...amounts.map((a, i) => post(i % 2 === 0 ? clinic : pharmacy, line(`m-${i}`, '2026-07-02', a))),
      t.app.inject({
        method: 'PUT',
        url: `${RECORDS}/m-base`,
        headers: clinic.headers,
        payload: { ...line('m-base', '2026-07-01', 6500), visitId: undefined },
      }),
    ];
    const results = await Promise.all(ops);
    for (const r of results) expect([200, 201, 409]).toContain(r.statusCode);
    const all = await lines('2026-07');
    const total = sum(all);
    expect(total).toBeLessThanOrEqual(10000);
    const l = await limit('2026-07-31');
    expect(l.accumulated).toBe(total);
    expect(l.remaining).toBe(10000 - total);
    // Cancelling the base frees 6,500 exactly.
    const cancelled = await t.app.inject({ method: 'DELETE', url: `${RECORDS}/m-base`, headers: clinic.headers });
    expect(cancelled.statusCode).toBe(200);
    expect((await limit('2026-07-31')).accumulated).toBe(total - 6500);
    expect(sum(await lines('2026-07'))).toBe(total - 6500);
  });

  it('answers the same visit posted many times at once with one line', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => post(pharmacy, line('same', '2026-08-05', 1000))));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.json().version))).toEqual(new Set([1]));
    expect((await limit('2026-08-31')).accumulated).toBe(1000);
  });

  it('keeps both months right when corrections move lines between them while others record in each', async () => {
    expect((await post(clinic, line('mv-a', '2026-09-10', 3000))).statusCode).toBe(201);
    expect((await post(pharmacy, line('mv-b', '2026-10-10', 2000))).statusCode).toBe(201);
    const put = (inst: Institution, visitId: string, serviceDate: string, charged: number) =>
      t.app.inject({
        method: 'PUT',
        url: `${RECORDS}/${visitId}`,
        headers: inst.headers,
        payload: { ...line(visitId, serviceDate, charged), visitId: undefined },
      });
    // Opposite moves at once (each locks the two months in the same order), with new lines in both months.
    const results = await Promise.all([
      put(clinic, 'mv-a', '2026-10-11', 3500),
      put(pharmacy, 'mv-b', '2026-09-11', 1500),
      ...Array.from({ length: 8 }, (_, i) => post(i % 2 === 0 ? clinic : pharmacy, line(`mv-${i}`, i < 4 ? '2026-09-12' : '2026-10-12', 400 + i))),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, ...Array<number>(8).fill(201)]);
    const september = await lines('2026-09');
    const october = await lines('2026-10');
    expect(september.map((l) => (l as Line & { visitId: string }).visitId).sort()).toEqual(['mv-0', 'mv-1', 'mv-2', 'mv-3', 'mv-b']);
    expect(sum(september)).toBe(1500 + 400 + 401 + 402 + 403);
    expect(sum(october)).toBe(3500 + 404 + 405 + 406 + 407);
    expect((await limit('2026-09-30')).accumulated).toBe(sum(september));
    expect((await limit('2026-10-31')).accumulated).toBe(sum(october));
  });

  it('records many patients’ lines at once exactly: new and existing months, several lines of one month together', async () => {
    const ofRef = (ref: string, visitId: string, serviceDate: string, copaymentCharged: number) => ({
      ...line(visitId, serviceDate, copaymentCharged),
      subsidyRef: ref,
    });
    // November has no totals row yet for anyone; each patient gets 4 lines at once from both institutions (one month
    // several times in one moment), 9,600 of 10,000 in all, then 3 × 300 more of which only one fits.
    const first = await Promise.all(
      otherRefs.flatMap((ref, p) => [0, 1, 2, 3].map((k) => post(k % 2 === 0 ? clinic : pharmacy, ofRef(ref, `many-${p}-${k}`, '2026-11-02', 2400)))),
    );
    expect(first.map((r) => r.statusCode)).toEqual(Array<number>(otherRefs.length * 4).fill(201));
    const more = await Promise.all(
      otherRefs.flatMap((ref, p) => [0, 1, 2].map((k) => post(k % 2 === 0 ? pharmacy : clinic, ofRef(ref, `more-${p}-${k}`, '2026-11-03', 300)))),
    );
    for (let p = 0; p < otherRefs.length; p++) {
      const mine = more.slice(3 * p, 3 * p + 3).map((r) => r.statusCode);
      expect(mine.filter((c) => c === 201)).toHaveLength(1);
      expect(mine.filter((c) => c === 409)).toHaveLength(2);
    }
    for (const ref of otherRefs) {
      const all: Line[] = [];
      for (const inst of [clinic, pharmacy]) {
        const res = await t.app.inject({ method: 'GET', url: `${RECORDS}?subsidyRef=${ref}&yearMonth=2026-11&limit=1000`, headers: inst.headers });
        all.push(...(res.json().items as Line[]));
      }
      expect(all).toHaveLength(5);
      expect(sum(all)).toBe(9900);
      // The month's totals, as a check sees them, are the sum of its lines.
      const serialOf = otherSerials[otherRefs.indexOf(ref)]!;
      const checked = await clinic.check({ certificateSerialNumber: serialOf, serviceDate: '2026-11-30', consent: { medicalSubsidy: true } });
      expect(checked.json().medicalSubsidies[0].copaymentLimit).toMatchObject({ accumulated: 9900, remaining: 100, capReached: false });
    }
  });
});
