// POST /sandbox/v1/scenarios/copayment-cases: every case played as a vendor would — check with the card, quote, record —
// against the yen amounts of copay.md §6, on today's date by the sandbox clock and on the 1st of a month after February.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t?.close());

interface Institution {
  code: string;
  name: string;
  kind: string;
  token: string;
}
interface Scenario {
  scenario: string;
  municipalities: { code: string; certificateTypes: string[] }[];
  institutions: Institution[];
  cards: { certificateSerialNumber: string; case: string; shows: string; consent: boolean; expected: string }[];
}

const RECORDS = '/clinic/v1/copayment-records';
const QUOTES = '/clinic/v1/copayment-quotes';

async function load(): Promise<Scenario> {
  const res = await t.app.inject({ method: 'POST', url: '/sandbox/v1/scenarios/copayment-cases', headers: adminHeaders });
  expect(res.statusCode, res.body).toBe(200);
  expectMatchesOpenApi(res, 'post', '/sandbox/v1/scenarios/{name}');
  return res.json() as Scenario;
}

/** The scenario's dates for a JST day: today, the 1st of its month, the last day and day `n` of the month before. */
function datesOf(today: string) {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const first = `${today.slice(0, 7)}-01`;
  const prevLastDate = new Date(Date.UTC(y, m - 1, 0));
  const prevLast = prevLastDate.toISOString().slice(0, 10);
  const prev = (d: number) => `${prevLast.slice(0, 7)}-${String(d).padStart(2, '0')}`;
  return { today, first, prevLast, prev };
}

type At = 'A' | 'B' | 'P';
interface Step {
  at: At;
  serviceDate: string;
  setting: 'outpatient' | 'inpatient' | 'pharmacy';
  totalMedicalCost: number;
  foodCost?: number;
  /** What the quote must say */
  quote: Record<string, unknown> & { patientPays: number };
  /** The subsidy's part of the quote */
  subsidy?: Record<string, unknown>;
  /** The check's copaymentLimit before the visit (null: no monthly cap on the record) */
  limit?: Record<string, unknown> | null;
  accumulatedAfter: number;
  capReached: boolean;
}

const step = (at: At, serviceDate: string, setting: Step['setting'], totalMedicalCost: number, patientPays: number, after: number, capReached: boolean) => ({
  at,
  serviceDate,
  setting,
  totalMedicalCost,
  quote: { patientPays },
  accumulatedAfter: after,
  capReached,
});

/** copay.md §6, as the scenario's `expected` texts say it. */
function casesOf(d: ReturnType<typeof datesOf>): Record<string, Step[]> {
  return {
    '#1 cap reached mid-visit': [
      {
        ...step('A', d.today, 'outpatient', 20000, 1000, 10000, true),
        quote: { patientPays: 1000, insurancePays: 14000 },
        subsidy: { pays: 5000, copaymentCharged: 1000, monthToDate: 9000, capReached: true },
        limit: { monthlyCap: 10000, accumulated: 9000, remaining: 1000, capReached: false },
      },
      { ...step('P', d.today, 'pharmacy', 8000, 0, 10000, true), subsidy: { copaymentCharged: 0, monthToDate: 10000 } },
    ],
    '#2 pharmacy after the cap': [
      {
        ...step('P', d.today, 'pharmacy', 8000, 0, 10000, true),
        subsidy: { copaymentCharged: 0, monthToDate: 10000 },
        limit: { accumulated: 10000, remaining: 0, capReached: true },
      },
    ],
    '#4 52 inpatient with food': [
      {
        ...step('A', d.today, 'inpatient', 30000, 11000, 5000, true),
        foodCost: 12000,
        quote: { patientPays: 11000, patientPaysMedical: 5000, patientPaysFood: 6000, insurancePays: 21000 },
        subsidy: { copaymentCharged: 5000, capReached: true },
      },
    ],
    '#5 自立支援 21 at 1割': [
      step('A', d.today, 'outpatient', 30000, 3000, 3000, false),
      { ...step('P', d.today, 'pharmacy', 25000, 2000, 5000, true), subsidy: { monthToDate: 3000, capReached: true } },
      step('A', d.today, 'outpatient', 10000, 0, 5000, true),
    ],
    '#8 month rollover': [
      { ...step('A', d.first, 'outpatient', 20000, 4000, 4000, false), subsidy: { monthToDate: 0 } },
      { ...step('A', d.prevLast, 'outpatient', 20000, 0, 10000, true), subsidy: { monthToDate: 10000 } },
    ],
    '#9 ひとり親 500 a day, 2 days, then free': [
      { ...step('A', d.prev(5), 'outpatient', 5000, 500, 500, false), limit: { monthlyCap: 2500, accumulated: 0, remaining: 2500 } },
      step('A', d.prev(12), 'outpatient', 5000, 500, 1000, false),
      step('A', d.prev(19), 'outpatient', 5000, 0, 1000, false),
      step('P', d.prev(5), 'pharmacy', 3000, 0, 1000, false),
    ],
    '#10 重度障がい across two institutions': [
      { ...step('B', d.prev(18), 'outpatient', 5000, 500, 2800, false), subsidy: { monthToDate: 2300 }, limit: { monthlyCap: 3000, accumulated: 2300 } },
      { ...step('A', d.prev(23), 'outpatient', 5000, 200, 3000, true), subsidy: { capReached: true } },
      step('B', d.prevLast, 'outpatient', 5000, 0, 3000, true),
    ],
  };
}

let visits = 0;

/** Plays the scenario as a vendor: for each case, check → quote → record, with the amounts of copay.md §6. */
async function play(s: Scenario, today: string) {
  const d = datesOf(today);
  const byKind = { A: s.institutions[0]!, B: s.institutions[1]!, P: s.institutions[2]! };
  const headers = (i: Institution) => ({ authorization: `Bearer ${i.token}` });
  const cardOf = (name: string) => s.cards.find((c) => c.case === name)!;

  async function check(i: Institution, serial: string, serviceDate: string) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/clinic/v1/eligibility-checks',
      headers: headers(i),
      payload: { certificateSerialNumber: serial, serviceDate, consent: { medicalSubsidy: true } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.medicalSubsidies).toHaveLength(1);
    return { checkId: body.checkId as string, subsidy: body.medicalSubsidies[0] as { subsidyRef: string; copaymentLimit: Record<string, unknown> | null } };
  }
  async function quote(i: Institution, payload: Record<string, unknown>) {
    const res = await t.app.inject({ method: 'POST', url: QUOTES, headers: headers(i), payload });
    expect(res.statusCode, res.body).toBe(200);
    expectMatchesOpenApi(res, 'POST', QUOTES);
    return res.json();
  }
  async function record(i: Institution, payload: Record<string, unknown>) {
    const res = await t.app.inject({ method: 'POST', url: RECORDS, headers: headers(i), payload: { visitId: `V${++visits}`, ...payload } });
    expect(res.statusCode, res.body).toBe(201);
    expectMatchesOpenApi(res, 'POST', RECORDS);
    return res.json();
  }

  for (const [name, steps] of Object.entries(casesOf(d))) {
    const card = cardOf(name);
    expect(card, name).toBeDefined();
    for (const [n, st] of steps.entries()) {
      const at = byKind[st.at];
      const where = `${name} step ${n + 1} at ${st.at}`;
      const { checkId, subsidy } = await check(at, card.certificateSerialNumber, st.serviceDate);
      if (st.limit === null) expect(subsidy.copaymentLimit, where).toBeNull();
      else if (st.limit) expect(subsidy.copaymentLimit, where).toMatchObject(st.limit);
      const visit = { serviceDate: st.serviceDate, setting: st.setting, totalMedicalCost: st.totalMedicalCost };
      const q = await quote(at, { checkId, ...visit, insuranceShare: 0.3, ...(st.foodCost ? { foodCost: st.foodCost } : {}) });
      expect(q, where).toMatchObject(st.quote);
      expect(q.subsidies[0], where).toMatchObject({ subsidyRef: subsidy.subsidyRef, applied: true, ...st.subsidy });
      const r = await record(at, {
        subsidyRef: subsidy.subsidyRef,
        ...visit,
        copaymentCharged: q.subsidies[0].copaymentCharged,
        ...(st.foodCost ? { foodCost: q.patientPaysFood } : {}),
      });
      expect({ accumulatedAfter: r.accumulatedAfter, capReached: r.capReached }, where).toEqual({
        accumulatedAfter: st.accumulatedAfter,
        capReached: st.capReached,
      });
    }
  }

  // The cap reached mid-visit shows in the next check's copaymentLimit, at any institution.
  const capped = await check(byKind.B, cardOf('#1 cap reached mid-visit').certificateSerialNumber, d.today);
  expect(capped.subsidy.copaymentLimit).toMatchObject({ monthlyCap: 10000, accumulated: 10000, remaining: 0, capReached: true });
  // The holder's own view (default PIN 1234): the scenario's line at B, the vendor's at A and at the pharmacy.
  const portal = await t.app.inject({
    method: 'POST',
    url: '/myportal/v1/medical-subsidies',
    payload: { certificateSerialNumber: cardOf('#1 cap reached mid-visit').certificateSerialNumber, pin: '1234' },
  });
  expect(portal.statusCode, portal.body).toBe(200);
  const own = portal.json().medicalSubsidies[0];
  expect(own.lines.map((l: { institutionCode: string; copaymentCharged: number }) => [l.institutionCode, l.copaymentCharged]).sort()).toEqual(
    [
      [byKind.B.code, 9000],
      [byKind.A.code, 1000],
      [byKind.P.code, 0],
    ].sort(),
  );

  // The correction: PUT the wrong line, and the month's accumulated amount (and so the next visit's charge) follows.
  const corr = cardOf('correction (PUT) changes the accumulated amount');
  const c = await check(byKind.A, corr.certificateSerialNumber, d.today);
  expect(c.subsidy.copaymentLimit).toMatchObject({ accumulated: 6000, remaining: 4000 });
  const before = await quote(byKind.A, { checkId: c.checkId, serviceDate: d.today, setting: 'outpatient', totalMedicalCost: 30000, insuranceShare: 0.3 });
  expect(before.patientPays).toBe(4000);
  const put = await t.app.inject({
    method: 'PUT',
    url: `${RECORDS}/SCN-CORR`,
    headers: headers(byKind.A),
    payload: { subsidyRef: c.subsidy.subsidyRef, serviceDate: d.first, setting: 'outpatient', totalMedicalCost: 20000, copaymentCharged: 4000 },
  });
  expect(put.statusCode, put.body).toBe(200);
  expectMatchesOpenApi(put, 'PUT', `${RECORDS}/{visitId}`);
  expect(put.json()).toMatchObject({ accumulatedAfter: 4000, capReached: false, copaymentLimit: { accumulated: 4000, remaining: 6000 } });
  expect(put.json().versions.map((v: { copaymentCharged: number }) => v.copaymentCharged)).toEqual(expect.arrayContaining([6000, 4000]));
  const after = await quote(byKind.A, { checkId: c.checkId, serviceDate: d.today, setting: 'outpatient', totalMedicalCost: 30000, insuranceShare: 0.3 });
  expect(after).toMatchObject({ patientPays: 6000, subsidies: [{ copaymentCharged: 6000, monthToDate: 4000, capReached: true }] });
  const r = await record(byKind.A, {
    subsidyRef: c.subsidy.subsidyRef,
    serviceDate: d.today,
    setting: 'outpatient',
    totalMedicalCost: 30000,
    copaymentCharged: 6000,
  });
  expect(r).toMatchObject({ accumulatedAfter: 10000, capReached: true });
}

const jstToday = (now: Date) => new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);

describe('POST /sandbox/v1/scenarios/copayment-cases', () => {
  it('lists each case with what a quote and a record give, and the institutions with their tokens', async () => {
    const s = await load();
    expect(s.scenario).toBe('copayment-cases');
    expect(s.municipalities.map((m) => m.code)).toEqual(['270008', '271004']);
    expect(s.institutions.map((i) => i.kind)).toEqual(['medical', 'medical', 'pharmacy']);
    for (const i of s.institutions) expect(i.token).toMatch(/\S{20,}/);
    expect(s.cards.map((c) => c.case)).toEqual([...Object.keys(casesOf(datesOf(jstToday(new Date())))), 'correction (PUT) changes the accumulated amount']);
    const first = s.cards[0]!;
    expect(first.expected).toContain('patientPays 1,000');
    expect(first.expected).toContain('accumulatedAfter 10,000, capReached true');
    expect(first.expected).toContain(s.institutions[0]!.code);
  });

  it('every case gives the documented yen amounts today; loading again starts every case again', async () => {
    const today = jstToday(new Date());
    await play(await load(), today);
    const again = await load();
    // Same institutions and cardholders, new credentials; the vendor's lines were cancelled, the scenario's restored.
    await play(again, today);
  }, 120_000);

  it('works on the 1st of a month after a 28-day February (month rollover across the sandbox clock)', async () => {
    const clock = await t.app.inject({ method: 'PUT', url: '/sandbox/v1/clock', headers: adminHeaders, payload: { now: '2027-03-01T09:00:00+09:00' } });
    expect(clock.statusCode, clock.body).toBe(200);
    const s = await load();
    const rollover = s.cards.find((c) => c.case === '#8 month rollover')!;
    expect(rollover.expected).toContain('2027-03-01');
    expect(rollover.expected).toContain('2027-02-28');
    await play(s, '2027-03-01');
  }, 120_000);
});
