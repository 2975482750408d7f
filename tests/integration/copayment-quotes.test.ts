// POST /clinic/v1/copayment-quotes (provisional): copay.md's worked examples priced over real checks of registrations
// made through the municipal API, with the month-to-date from lines recorded through POST /clinic/v1/copayment-records.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeInsurerNumber } from '../../src/domain/numbers.js';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { card, institution } from '../helpers/clinic.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

type Institution = Awaited<ReturnType<typeof institution>>;
type Municipality = Awaited<ReturnType<typeof municipality>>;
interface Subsidy {
  subsidyRef: string;
  medicalSubsidyInsurerNumber: string;
}

const QUOTES = '/clinic/v1/copayment-quotes';
const SHOMAN = completeInsurerNumber('5213001');
const SEISHIN = completeInsurerNumber('2113001');
const HITORI = completeInsurerNumber('8313201');
const JUDO = completeInsurerNumber('8413201');

let t: TestApp;
let tokyo: Municipality;
let hachioji: Municipality;
let person = 500;

const LOCAL_ROW = {
  kind: 'local',
  label: '外来',
  conditions: {},
  copay: { kind: 'remaining' },
  perDayCap: 500,
  grouping: { inpatientOutpatient: 'separate', dental: 'separate' },
  pharmacy: 'as_others',
  food: 'full',
  rounding: 'round10',
};

beforeAll(async () => {
  t = await createTestApp();
  await t.app.inject({ method: 'PUT', url: '/sandbox/v1/clock', headers: adminHeaders, payload: { now: '2026-06-15T10:00:00+09:00' } });
  tokyo = await municipality(t.app, '130001');
  hachioji = await municipality(t.app, '132012');
  const types: [Municipality, string, object][] = [
    [tokyo, 'NANBYO54', NANBYO_TYPE],
    [tokyo, 'NANBYO1WARI', { ...NANBYO_TYPE, name: '難病（1割の上書き）', copaymentRules: { share: 0.1 } }],
    [
      tokyo,
      'SHOMAN52',
      {
        kind: 'national',
        lawCode: '52',
        name: '小児慢性特定疾病医療受給者証',
        insurerNumbers: [SHOMAN],
        incomeSegments: [{ code: 'IPPAN1', name: '一般所得Ⅰ', monthlyCap: 5000 }],
      },
    ],
    [
      tokyo,
      'SEISHIN21',
      {
        kind: 'national',
        lawCode: '21',
        name: '自立支援医療受給者証（精神通院）',
        insurerNumbers: [SEISHIN],
        incomeSegments: [{ code: 'TEI2', name: '低所得2', monthlyCap: 5000 }],
      },
    ],
    [
      hachioji,
      'HITORI',
      {
        kind: 'local',
        localCategory: 'single_parent',
        name: 'ひとり親家庭等医療証',
        insurerNumbers: [HITORI],
        copaymentRules: {
          rows: [
            {
              ...LOCAL_ROW,
              label: 'ひとり親 1日500円・月2日',
              countLimit: { unit: 'day', max: 2, after: 'free' },
              monthlyCap: { amount: 2500, scope: 'across_institutions', mode: 'window' },
              pharmacy: 'free',
            },
          ],
        },
      },
    ],
    [hachioji, 'KODOMO', { kind: 'local', localCategory: 'children', name: 'こども医療証', insurerNumbers: ['88138243'], copay: { rate: 0 } }],
    [
      hachioji,
      'JUDO',
      {
        kind: 'local',
        localCategory: 'disability',
        name: '重度障がい者医療証',
        insurerNumbers: [JUDO],
        copaymentRules: {
          rows: [{ ...LOCAL_ROW, label: '重度 1日500円・月3,000円', monthlyCap: { amount: 3000, scope: 'across_institutions', mode: 'window' } }],
        },
      },
    ],
  ];
  for (const [m, id, body] of types) {
    const res = await m.putType(id, body);
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(() => t.close());

/** A person registered by `m` with `records` (nanbyoRecord fields overridden), and their card's serial. */
async function registered(m: Municipality, ...records: Record<string, unknown>[]): Promise<string> {
  const n = ++person;
  const res = await m.upload(
    records.map((over) => {
      const r: Record<string, unknown> = { ...nanbyoRecord(n), ...over };
      for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
      return r;
    }),
    { query: 'wait=30' },
  );
  expect(res.json(), res.body).toMatchObject({ status: 'succeeded' });
  return (await card(t.app, myNumber(n))).certificateSerialNumber;
}

const local = (typeId: string, insurer: string) => ({
  orgSpecificCertificateTypeId: typeId,
  medicalSubsidyInsurerNumber: insurer,
  certificationName: typeId,
  medicalSubsidyRecipientNumber: '1234567',
  incomeSegment: undefined,
  maxCopaymentAmount: undefined,
  certificationDetail: [],
});

async function checkAt(inst: Institution, serial: string, serviceDate = '2026-06-15', consent = true) {
  const res = await inst.check({ certificateSerialNumber: serial, serviceDate, consent: { medicalSubsidy: consent } });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as { checkId: string; medicalSubsidies: Subsidy[] };
  return { checkId: body.checkId, refs: body.medicalSubsidies.map((s) => s.subsidyRef) };
}

async function quote(inst: Institution, body: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: QUOTES, headers: inst.headers, payload: body });
  expectMatchesOpenApi(res, 'POST', QUOTES);
  return res;
}

const visit = (checkId: string, over: Record<string, unknown> = {}) => ({
  checkId,
  serviceDate: '2026-06-15',
  setting: 'outpatient',
  totalMedicalCost: 20000,
  insuranceShare: 0.3,
  ...over,
});

let visits = 0;
async function recordLine(inst: Institution, subsidyRef: string, over: Record<string, unknown>) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/clinic/v1/copayment-records',
    headers: inst.headers,
    payload: { subsidyRef, visitId: `V${++visits}`, serviceDate: '2026-06-15', setting: 'outpatient', totalMedicalCost: 20000, copaymentCharged: 0, ...over },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { visitId: string };
}

describe('POST /clinic/v1/copayment-quotes — national programs (copay.md §6)', () => {
  it('#1 cap reached mid-visit: 9,000 of 10,000 already paid, 総額 20,000 → 1,000; a quote records nothing', async () => {
    const serial = await registered(tokyo, {});
    const [a, b] = [await institution(t.app), await institution(t.app)];
    const first = await checkAt(a, serial);
    await recordLine(a, first.refs[0]!, { serviceDate: '2026-06-02', totalMedicalCost: 45000, copaymentCharged: 9000 });
    const { checkId, refs } = await checkAt(b, serial);
    const res = await quote(b, visit(checkId));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      checkId,
      yearMonth: '2026-06',
      patientPays: 1000,
      insurancePays: 14000,
      subsidies: [{ subsidyRef: refs[0], pays: 5000, applied: true, copaymentCharged: 1000, capReached: true, monthToDate: 9000 }],
    });
    const steps = res.json().trace.map((s: { step: string; before: number; after: number }) => [s.step, s.before, s.after]);
    expect(steps).toEqual([
      ['insurance', 20000, 6000],
      ['high_cost', 6000, 6000],
      ['national', 6000, 4000],
      ['national', 4000, 1000],
    ]);
    expect(res.json().trace[1].rule).toContain('not modelled');
    // Nothing recorded: the same quote again is the same, and the ledger still has one line.
    expect((await quote(b, visit(checkId))).json()).toEqual(res.json());
    for (const [inst, count] of [
      [a, 1],
      [b, 0],
    ] as const) {
      const lines = await t.app.inject({ method: 'GET', url: `/clinic/v1/copayment-records?subsidyRef=${refs[0]}&yearMonth=2026-06`, headers: inst.headers });
      expect(lines.json().items).toHaveLength(count);
    }
  });

  it('#2 a pharmacy after the cap pays nothing; #8 the next month starts again', async () => {
    const serial = await registered(tokyo, {});
    const clinic = await institution(t.app);
    const pharmacy = await institution(t.app, { kind: 'pharmacy' });
    const { refs } = await checkAt(clinic, serial);
    await recordLine(clinic, refs[0]!, { totalMedicalCost: 50000, copaymentCharged: 10000 });
    const { checkId } = await checkAt(pharmacy, serial);
    const after = (await quote(pharmacy, visit(checkId, { setting: 'pharmacy', totalMedicalCost: 8000 }))).json();
    expect(after).toMatchObject({ patientPays: 0, subsidies: [{ copaymentCharged: 0, monthToDate: 10000, capReached: false }] });
    const july = (await quote(pharmacy, visit(checkId, { serviceDate: '2026-07-01', setting: 'pharmacy', totalMedicalCost: 20000 }))).json();
    expect(july).toMatchObject({ yearMonth: '2026-07', patientPays: 4000, subsidies: [{ monthToDate: 0 }] });
  });

  it('#3 54 with insurance at 1割 stays 1割; a type’s copaymentRules override the law', async () => {
    const serial = await registered(tokyo, {});
    const clinic = await institution(t.app);
    const { checkId } = await checkAt(clinic, serial);
    expect((await quote(clinic, visit(checkId, { totalMedicalCost: 30000, insuranceShare: 0.1 }))).json().patientPays).toBe(3000);

    const overridden = await registered(tokyo, { orgSpecificCertificateTypeId: 'NANBYO1WARI' });
    const other = await checkAt(clinic, overridden);
    expect((await quote(clinic, visit(other.checkId, { totalMedicalCost: 30000 }))).json().patientPays).toBe(3000);
  });

  it('#4 52 inpatient with food: 6,000 capped to 5,000, food half of 12,000 → 11,000', async () => {
    const serial = await registered(tokyo, {
      orgSpecificCertificateTypeId: 'SHOMAN52',
      medicalSubsidyInsurerNumber: SHOMAN,
      maxCopaymentAmount: undefined,
    });
    const hospital = await institution(t.app);
    const { checkId } = await checkAt(hospital, serial);
    const res = (await quote(hospital, visit(checkId, { setting: 'inpatient', totalMedicalCost: 30000, foodCost: 12000 }))).json();
    expect(res).toMatchObject({
      patientPays: 11000,
      patientPaysMedical: 5000,
      patientPaysFood: 6000,
      subsidies: [{ copaymentCharged: 5000, capReached: true }],
    });
    expect(res.trace.map((s: { step: string }) => s.step)).toContain('food');
  });

  it('#5 21 at 1割 with cap 5,000: clinic 3,000, then the pharmacy 2,000 of its 2,500', async () => {
    const serial = await registered(tokyo, {
      orgSpecificCertificateTypeId: 'SEISHIN21',
      medicalSubsidyInsurerNumber: SEISHIN,
      incomeSegment: 'TEI2',
      maxCopaymentAmount: undefined,
    });
    const clinic = await institution(t.app);
    const pharmacy = await institution(t.app, { kind: 'pharmacy' });
    const c = await checkAt(clinic, serial);
    const first = (await quote(clinic, visit(c.checkId, { totalMedicalCost: 30000 }))).json();
    expect(first.patientPays).toBe(3000);
    await recordLine(clinic, c.refs[0]!, { totalMedicalCost: 30000, copaymentCharged: first.subsidies[0].copaymentCharged });
    const p = await checkAt(pharmacy, serial);
    expect((await quote(pharmacy, visit(p.checkId, { setting: 'pharmacy', totalMedicalCost: 25000 }))).json()).toMatchObject({
      patientPays: 2000,
      subsidies: [{ monthToDate: 3000, capReached: true }],
    });
  });

  it('#6 not designated here, 償還払い, not valid on the date: the subsidy is left out and the trace says why', async () => {
    const clinic = await institution(t.app);
    const elsewhere = await registered(tokyo, { designatedMedicalInstitutions: '1311234566' });
    const a = await checkAt(clinic, elsewhere);
    const notHere = (await quote(clinic, visit(a.checkId, { totalMedicalCost: 10000 }))).json();
    expect(notHere).toMatchObject({ patientPays: 3000, subsidies: [{ applied: false, pays: 0, copaymentCharged: 0 }] });
    expect(notHere.trace.map((s: { rule: string }) => s.rule).join('\n')).toContain('not designated');

    const refund = await registered(tokyo, { isAlwaysReimbursement: '1' });
    const b = await checkAt(clinic, refund);
    expect((await quote(clinic, visit(b.checkId, { totalMedicalCost: 10000 }))).json()).toMatchObject({ patientPays: 3000, subsidies: [{ applied: false }] });

    const serial = await registered(tokyo, {});
    const c = await checkAt(clinic, serial);
    const later = (await quote(clinic, visit(c.checkId, { serviceDate: '2027-04-01', totalMedicalCost: 10000 }))).json();
    expect(later).toMatchObject({ patientPays: 3000, subsidies: [{ applied: false }] });
    expect(later.trace.at(-1).rule).toContain('not on 2027-04-01');
  });

  it('#7 生活保護 (cap 0): nothing to pay', async () => {
    const serial = await registered(tokyo, { maxCopaymentAmount: { monthly: 0 } });
    const clinic = await institution(t.app);
    const { checkId } = await checkAt(clinic, serial);
    expect((await quote(clinic, visit(checkId, { totalMedicalCost: 10000 }))).json()).toMatchObject({
      patientPays: 0,
      subsidies: [{ applied: true, pays: 3000 }],
    });
  });
});

describe('POST /clinic/v1/copayment-quotes — local (地単) rule rows', () => {
  it('#9 ひとり親: 500 a day for 2 days, the 3rd day free, 院外調剤 free', async () => {
    const serial = await registered(hachioji, local('HITORI', HITORI));
    const clinic = await institution(t.app);
    const pharmacy = await institution(t.app, { kind: 'pharmacy' });
    const { checkId, refs } = await checkAt(clinic, serial);
    const day5 = (await quote(clinic, visit(checkId, { serviceDate: '2026-06-05', totalMedicalCost: 5000 }))).json();
    expect(day5).toMatchObject({ patientPays: 500, subsidies: [{ subsidyRef: refs[0], pays: 1000, copaymentCharged: 500 }] });
    await recordLine(clinic, refs[0]!, { serviceDate: '2026-06-05', totalMedicalCost: 5000, copaymentCharged: 500 });
    await recordLine(clinic, refs[0]!, { serviceDate: '2026-06-12', totalMedicalCost: 5000, copaymentCharged: 500 });
    const day19 = (await quote(clinic, visit(checkId, { serviceDate: '2026-06-19', totalMedicalCost: 5000 }))).json();
    expect(day19).toMatchObject({ patientPays: 0, subsidies: [{ monthToDate: 1000 }] });
    expect(day19.trace.map((s: { rule: string }) => s.rule).join('\n')).toContain('past the limit of 2');
    const p = await checkAt(pharmacy, serial, '2026-06-05');
    expect((await quote(pharmacy, visit(p.checkId, { serviceDate: '2026-06-05', setting: 'pharmacy', totalMedicalCost: 3000 }))).json().patientPays).toBe(0);
  });

  it('#10 重度障がい across two institutions stops at 3,000 for the month', async () => {
    const serial = await registered(hachioji, local('JUDO', JUDO));
    const [a, b] = [await institution(t.app), await institution(t.app)];
    const ca = await checkAt(a, serial);
    for (const day of ['02', '09', '16', '23']) {
      await recordLine(a, ca.refs[0]!, { serviceDate: `2026-06-${day}`, totalMedicalCost: 5000, copaymentCharged: 500 });
    }
    const cb = await checkAt(b, serial);
    await recordLine(b, cb.refs[0]!, { serviceDate: '2026-06-04', totalMedicalCost: 5000, copaymentCharged: 500 });
    await recordLine(b, cb.refs[0]!, { serviceDate: '2026-06-11', totalMedicalCost: 1000, copaymentCharged: 300 });
    const res = (await quote(b, visit(cb.checkId, { serviceDate: '2026-06-18', totalMedicalCost: 5000 }))).json();
    expect(res).toMatchObject({ patientPays: 200, subsidies: [{ monthToDate: 2800, capReached: true }] });
    // The same day at the same institution: what is left of its 500 a day.
    await recordLine(b, cb.refs[0]!, { serviceDate: '2026-06-18', totalMedicalCost: 1000, copaymentCharged: 200 });
    expect((await quote(b, visit(cb.checkId, { serviceDate: '2026-06-30', totalMedicalCost: 5000 }))).json().patientPays).toBe(0);
  });

  it('a local type without rows is priced by one row from its copay (こども rate 0: free)', async () => {
    const serial = await registered(hachioji, local('KODOMO', '88138243'));
    const clinic = await institution(t.app);
    const { checkId } = await checkAt(clinic, serial);
    const q = (await quote(clinic, visit(checkId, { totalMedicalCost: 10000 }))).json();
    expect(q).toMatchObject({ patientPays: 0, subsidies: [{ applied: true, pays: 3000 }] });
    expect(q.trace.at(-1).rule).toContain('from the type’s copay');
  });

  it('national first, then the local program on what it left (難病 + 重度)', async () => {
    const serial = await registered(hachioji, local('JUDO', JUDO));
    const clinic = await institution(t.app);
    const both = await checkAt(clinic, serial);
    expect(both.refs).toHaveLength(1);
    // 東京都 registers the same person's 難病 certificate.
    const n = person;
    const res = await tokyo.upload([nanbyoRecord(n)], { query: 'wait=30' });
    expect(res.json()).toMatchObject({ status: 'succeeded' });
    const { checkId, refs } = await checkAt(clinic, serial);
    expect(refs).toHaveLength(2);
    const q = (await quote(clinic, visit(checkId, { totalMedicalCost: 10000 }))).json();
    // 保険 3,000 → 難病 2割 2,000 → 重度 500 a day.
    expect(q).toMatchObject({
      patientPays: 500,
      subsidies: [
        { pays: 1000, copaymentCharged: 2000 },
        { pays: 1500, copaymentCharged: 500 },
      ],
    });
    // Each payer in turn: the local row's steps (copay, per day, monthly cap) after the national ones.
    expect(q.trace.map((s: { step: string }) => s.step)).toEqual(['insurance', 'high_cost', 'national', 'national', 'local', 'local', 'local']);
  });
});

describe('POST /clinic/v1/copayment-quotes — the check and the body', () => {
  it('404 eligibility_check_not_found for an unknown check and for another institution’s', async () => {
    const serial = await registered(tokyo, {});
    const [mine, other] = [await institution(t.app), await institution(t.app)];
    const { checkId } = await checkAt(mine, serial);
    for (const [inst, id] of [
      [mine, '00000000-0000-4000-8000-000000000000'],
      [other, checkId],
    ] as const) {
      const res = await quote(inst, visit(id));
      expect([res.statusCode, res.json().code]).toEqual([404, 'eligibility_check_not_found']);
    }
  });

  it('a check without consent returned no subsidy: insurance only', async () => {
    const serial = await registered(tokyo, {});
    const clinic = await institution(t.app);
    const { checkId } = await checkAt(clinic, serial, '2026-06-15', false);
    expect((await quote(clinic, visit(checkId))).json()).toMatchObject({ patientPays: 6000, insurancePays: 14000, subsidies: [] });
  });

  it('400 for a body out of shape (whatever is sent, never a 5xx); 401 without an institution token', async () => {
    const serial = await registered(tokyo, {});
    const clinic = await institution(t.app);
    const { checkId } = await checkAt(clinic, serial);
    for (const over of [
      { insuranceShare: 0.25 },
      { insuranceShare: '0.3' },
      { totalMedicalCost: -1 },
      { totalMedicalCost: 10.5 },
      { setting: 'ward' },
      { serviceDate: '2026-02-30' },
      { checkId: 'nope' },
      { extra: true },
    ]) {
      const res = await quote(clinic, visit(checkId, over));
      expect([res.statusCode, res.json().code], JSON.stringify(over)).toEqual([400, 'validation_failed']);
    }
    const field = fc.constantFrom('checkId', 'serviceDate', 'setting', 'totalMedicalCost', 'insuranceShare', 'foodCost');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(field, fc.jsonValue()), async (over) => {
        const res = await t.app.inject({ method: 'POST', url: QUOTES, headers: clinic.headers, payload: visit(checkId, over) });
        expect(res.statusCode, res.body).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
    const anonymous = await t.app.inject({ method: 'POST', url: QUOTES, payload: visit(checkId) });
    expect([anonymous.statusCode, anonymous.json().code]).toEqual([401, 'unauthenticated']);
    expectMatchesOpenApi(anonymous, 'POST', QUOTES);
  });
});
