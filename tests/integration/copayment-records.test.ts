import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { card, institution, recordResponses } from '../helpers/clinic.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

type Municipality = Awaited<ReturnType<typeof municipality>>;
type Institution = Awaited<ReturnType<typeof institution>>;
type Subsidy = { medicalSubsidyInsurerNumber: string; subsidyRef: string; copaymentLimit: Record<string, unknown> | null };

let t: TestApp;
let responses: string[];
let tokyo: Municipality;
let hachioji: Municipality;
let clinicA: Institution;
let clinicB: Institution;
let pharmacy: Institution;
let stranger: Institution;
const holders: string[] = [];

const RECORDS = '/clinic/v1/copayment-records';
const LEDGERS = '/municipal/v1/copayment-ledgers';
const P1 = myNumber(201); // 難病, cap 10,000 (record), designated: clinic A and the pharmacy
const P2 = myNumber(202); // 難病 without maxCopaymentAmount: the type's 一般所得Ⅰ cap (10,000); no 指定医療機関 listed
const P3 = myNumber(203); // こども医療 (local, no cap)
const P4 = myNumber(204); // 難病, 12 months of history for the municipal candidates

function record(who: string, over: Record<string, unknown>) {
  const r: Record<string, unknown> = { ...nanbyoRecord(0), myNumber: who, ...over };
  for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
  holders.push(who);
  return r;
}

async function upload(m: Municipality, records: unknown[]) {
  const res = await m.upload(records, { query: 'wait=30' });
  expect(res.json(), res.body).toMatchObject({ status: 'succeeded' });
}

/** A consented check of `serial` at `inst` on `serviceDate`; its 難病 (or first) subsidy. */
async function subsidyAt(inst: Institution, serial: string, serviceDate: string, insurer = '54130018'): Promise<Subsidy> {
  const res = await inst.check({ certificateSerialNumber: serial, serviceDate, consent: { medicalSubsidy: true } });
  expect(res.statusCode, res.body).toBe(200);
  const s = (res.json().medicalSubsidies as Subsidy[]).find((x) => x.medicalSubsidyInsurerNumber === insurer);
  expect(s).toBeDefined();
  return s!;
}

const post = (inst: Institution, body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: RECORDS, headers: inst.headers, payload: body });
const put = (inst: Institution, visitId: string, body: Record<string, unknown>) =>
  t.app.inject({ method: 'PUT', url: `${RECORDS}/${visitId}`, headers: inst.headers, payload: body });
const del = (inst: Institution, visitId: string, query = '') => t.app.inject({ method: 'DELETE', url: `${RECORDS}/${visitId}${query}`, headers: inst.headers });
const get = (inst: Institution, url: string) => t.app.inject({ method: 'GET', url, headers: inst.headers });

const line = (subsidyRef: string, visitId: string, over: Record<string, unknown> = {}) => ({
  subsidyRef,
  visitId,
  serviceDate: '2026-06-05',
  setting: 'outpatient',
  totalMedicalCost: 20000,
  copaymentCharged: 4000,
  ...over,
});

let serial1: string;
let serial2: string;

beforeAll(async () => {
  t = await createTestApp();
  responses = recordResponses(t.app);
  tokyo = await municipality(t.app, '130001');
  hachioji = await municipality(t.app, '132012');
  clinicA = await institution(t.app);
  clinicB = await institution(t.app);
  pharmacy = await institution(t.app, { kind: 'pharmacy' });
  stranger = await institution(t.app);
  expect((await tokyo.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
  expect(
    (await hachioji.putType('KODOMO', { kind: 'local', localCategory: 'children', name: '八王子市こども医療証', insurerNumbers: ['88138243'] })).statusCode,
  ).toBe(201);
  await upload(tokyo, [
    record(P1, { designatedMedicalInstitutions: `${clinicA.code};${pharmacy.code}` }),
    record(P2, { maxCopaymentAmount: undefined, medicalSubsidyRecipientNumber: '0000026' }),
    record(P4, { maxCopaymentAmount: undefined, medicalSubsidyRecipientNumber: '0000034', validFrom: '2025-10-01' }),
  ]);
  await upload(hachioji, [
    record(P3, {
      orgSpecificCertificateTypeId: 'KODOMO',
      certificationName: '八王子市こども医療証',
      medicalSubsidyInsurerNumber: '88138243',
      medicalSubsidyRecipientNumber: '00012345',
      incomeSegment: undefined,
      maxCopaymentAmount: undefined,
    }),
  ]);
  serial1 = (await card(t.app, P1)).certificateSerialNumber;
  serial2 = (await card(t.app, P2)).certificateSerialNumber;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('subsidyRef and copaymentLimit in eligibility answers', () => {
  it('gives one opaque subsidyRef per certificate, the same at every institution and in every check', async () => {
    const a = await subsidyAt(clinicA, serial1, '2026-06-01');
    const again = await subsidyAt(clinicA, serial1, '2026-07-01');
    const atPharmacy = await subsidyAt(pharmacy, serial1, '2026-06-01');
    expect(a.subsidyRef).toMatch(/^sr_[A-Z2-7]{20}$/);
    expect(again.subsidyRef).toBe(a.subsidyRef);
    expect(atPharmacy.subsidyRef).toBe(a.subsidyRef);
    expect(a.subsidyRef).not.toContain('0000018');
    const other = await subsidyAt(clinicA, serial2, '2026-06-01');
    expect(other.subsidyRef).not.toBe(a.subsidyRef);
    expect(a.copaymentLimit).toEqual({
      yearMonth: '2026-06',
      monthlyCap: 10000,
      accumulated: 0,
      remaining: 10000,
      capReached: false,
      capReachedOn: null,
      capReachedAt: null,
    });
  });

  it('takes the certificate type’s 所得区分 cap when the record has none; null without any monthly cap', async () => {
    expect((await subsidyAt(clinicA, serial2, '2026-06-01')).copaymentLimit).toMatchObject({ monthlyCap: 10000 });
    const kodomo = await subsidyAt(clinicA, (await card(t.app, P3)).certificateSerialNumber, '2026-06-01', '88138243');
    expect(kodomo.subsidyRef).toMatch(/^sr_/);
    expect(kodomo.copaymentLimit).toBeNull();
  });

  it('gives no subsidyRef without consent (nothing is returned)', async () => {
    const res = await stranger.check({ certificateSerialNumber: serial1, serviceDate: '2026-06-01', consent: { medicalSubsidy: false } });
    expect(res.json().medicalSubsidies).toEqual([]);
  });
});

describe('POST /clinic/v1/copayment-records', () => {
  it('records a line, is idempotent for the same body and refuses another body', async () => {
    const { subsidyRef } = await subsidyAt(clinicA, serial1, '2026-06-05');
    const res = await post(clinicA, line(subsidyRef, 'A-1'));
    expect(res.statusCode, res.body).toBe(201);
    expectMatchesOpenApi(res, 'POST', RECORDS);
    expect(res.json()).toMatchObject({
      subsidyRef,
      visitId: 'A-1',
      institutionCode: clinicA.code,
      version: 1,
      yearMonth: '2026-06',
      totalMedicalCost: 20000,
      copaymentCharged: 4000,
      foodCost: null,
      cancelled: false,
      accumulatedAfter: 4000,
      capReached: false,
      copaymentLimit: { yearMonth: '2026-06', monthlyCap: 10000, accumulated: 4000, remaining: 6000, capReached: false },
    });
    const again = await post(clinicA, line(subsidyRef, 'A-1'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(res.json());
    const other = await post(clinicA, line(subsidyRef, 'A-1', { copaymentCharged: 3000 }));
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('copayment_record_conflict');
    expectMatchesOpenApi(other, 'POST', RECORDS);
  });

  it('is refused where no consented check gave the subsidyRef, at a non-designated institution and outside validity', async () => {
    const { subsidyRef } = await subsidyAt(clinicA, serial1, '2026-06-05');
    const never = await post(stranger, line(subsidyRef, 'S-1'));
    expect(never.statusCode).toBe(404);
    expect(never.json().code).toBe('subsidy_ref_not_found');
    await subsidyAt(clinicB, serial1, '2026-06-05');
    const notDesignated = await post(clinicB, line(subsidyRef, 'B-1'));
    expect(notDesignated.statusCode).toBe(403);
    expect(notDesignated.json().code).toBe('institution_not_designated');
    const outside = await post(clinicA, line(subsidyRef, 'A-old', { serviceDate: '2026-03-31' }));
    expect(outside.statusCode).toBe(422);
    expect(outside.json().code).toBe('subsidy_not_valid_on_service_date');
    const unknown = await post(clinicA, line('sr_AAAAAAAAAAAAAAAAAAAA', 'A-x'));
    expect(unknown.json().code).toBe('subsidy_ref_not_found');
    const tooMuch = await post(clinicA, line(subsidyRef, 'A-y', { copaymentCharged: 30000 }));
    expect(tooMuch.statusCode).toBe(400);
  });

  it('reaches the cap across institutions, records lines after it with 0 charged and refuses charges beyond it', async () => {
    const { subsidyRef } = await subsidyAt(clinicA, serial2, '2026-06-10');
    await subsidyAt(pharmacy, serial2, '2026-06-10');
    await t.app.inject({ method: 'PUT', url: '/sandbox/v1/clock', headers: adminHeaders, payload: { now: '2026-06-12T01:00:00Z' } });
    expect((await post(clinicA, line(subsidyRef, 'C-1', { serviceDate: '2026-06-10', copaymentCharged: 9000, totalMedicalCost: 45000 }))).statusCode).toBe(201);
    // copay.md §6 example 1: 20,000 × 2割 = 4,000 but 1,000 left → 1,000, cap reached.
    const reach = await post(clinicA, line(subsidyRef, 'C-2', { serviceDate: '2026-06-11', copaymentCharged: 1000 }));
    expect(reach.statusCode, reach.body).toBe(201);
    expect(reach.json()).toMatchObject({
      accumulatedAfter: 10000,
      capReached: true,
      copaymentLimit: { remaining: 0, capReached: true, capReachedOn: '2026-06-11', capReachedAt: '2026-06-12T01:00:00.000Z' },
    });
    // Example 2: a pharmacy after the cap: 総額 8,000 recorded, 0 charged.
    const after = await post(
      pharmacy,
      line(subsidyRef, 'P-1', { serviceDate: '2026-06-12', setting: 'pharmacy', totalMedicalCost: 8000, copaymentCharged: 0 }),
    );
    expect(after.statusCode).toBe(201);
    expect(after.json()).toMatchObject({ accumulatedAfter: 10000, capReached: true, totalMedicalCost: 8000, copaymentCharged: 0 });
    const beyond = await post(pharmacy, line(subsidyRef, 'P-2', { serviceDate: '2026-06-13', setting: 'pharmacy', copaymentCharged: 10 }));
    expect(beyond.statusCode).toBe(409);
    expect(beyond.json().code).toBe('copayment_cap_exceeded');
    const checked = await subsidyAt(pharmacy, serial2, '2026-06-20');
    expect(checked.copaymentLimit).toMatchObject({ accumulated: 10000, remaining: 0, capReached: true, capReachedOn: '2026-06-11' });
    // Month rollover by the service date (example 8): July starts at 0; a late-entered June visit counts in June.
    expect((await subsidyAt(pharmacy, serial2, '2026-07-02')).copaymentLimit).toMatchObject({ yearMonth: '2026-07', accumulated: 0 });
    await t.app.inject({ method: 'DELETE', url: '/sandbox/v1/clock', headers: adminHeaders });
  });
});

describe('corrections, cancellations and reads', () => {
  it('corrects as a new version, cancels keeping the history, and the month follows', async () => {
    const { subsidyRef } = await subsidyAt(pharmacy, serial1, '2026-08-03');
    expect(
      (await post(pharmacy, line(subsidyRef, 'V-9', { serviceDate: '2026-08-03', setting: 'pharmacy', copaymentCharged: 1600, totalMedicalCost: 8000 })))
        .statusCode,
    ).toBe(201);
    const corrected = await put(pharmacy, 'V-9', {
      subsidyRef,
      serviceDate: '2026-08-03',
      setting: 'pharmacy',
      totalMedicalCost: 10000,
      copaymentCharged: 2000,
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    expectMatchesOpenApi(corrected, 'PUT', `${RECORDS}/{visitId}`);
    expect(corrected.json()).toMatchObject({ version: 2, copaymentCharged: 2000, accumulatedAfter: 2000, copaymentLimit: { accumulated: 2000 } });
    expect(corrected.json().versions.map((v: { version: number; copaymentCharged: number }) => [v.version, v.copaymentCharged])).toEqual([
      [1, 1600],
      [2, 2000],
    ]);
    // Moved to September: August drops to 0, September takes it.
    const moved = await put(pharmacy, 'V-9', { subsidyRef, serviceDate: '2026-09-01', setting: 'pharmacy', totalMedicalCost: 10000, copaymentCharged: 2000 });
    expect(moved.json()).toMatchObject({ version: 3, yearMonth: '2026-09', accumulatedAfter: 2000 });
    expect((await subsidyAt(pharmacy, serial1, '2026-08-20')).copaymentLimit).toMatchObject({ accumulated: 0 });
    const cancelled = await del(pharmacy, 'V-9');
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expectMatchesOpenApi(cancelled, 'DELETE', `${RECORDS}/{visitId}`);
    expect(cancelled.json()).toMatchObject({ version: 4, cancelled: true, accumulatedAfter: 0, copaymentLimit: { accumulated: 0 } });
    expect((await del(pharmacy, 'V-9')).json().version).toBe(4);
    const read = await get(pharmacy, `${RECORDS}/V-9?subsidyRef=${subsidyRef}`);
    expect(read.statusCode).toBe(200);
    expectMatchesOpenApi(read, 'GET', `${RECORDS}/{visitId}`);
    expect(read.json().versions).toHaveLength(4);
    expect((await get(clinicA, `${RECORDS}/V-9`)).json().code).toBe('copayment_record_not_found');
    expect(
      (await put(clinicA, 'V-9', { subsidyRef, serviceDate: '2026-08-03', setting: 'outpatient', totalMedicalCost: 1, copaymentCharged: 0 })).json().code,
    ).toBe('copayment_record_not_found');
  });

  it('lists only the institution’s own lines, by subsidyRef and month, paginated', async () => {
    const { subsidyRef } = await subsidyAt(clinicA, serial1, '2026-10-01');
    await subsidyAt(pharmacy, serial1, '2026-10-01');
    for (const d of ['01', '02', '03'])
      expect((await post(clinicA, line(subsidyRef, `L-${d}`, { serviceDate: `2026-10-${d}`, copaymentCharged: 100 }))).statusCode).toBe(201);
    expect((await post(pharmacy, line(subsidyRef, 'L-P', { serviceDate: '2026-10-02', setting: 'pharmacy', copaymentCharged: 100 }))).statusCode).toBe(201);
    const first = await get(clinicA, `${RECORDS}?subsidyRef=${subsidyRef}&yearMonth=2026-10&limit=2`);
    expect(first.statusCode).toBe(200);
    expectMatchesOpenApi(first, 'GET', RECORDS);
    expect(first.json().items.map((l: { visitId: string }) => l.visitId)).toEqual(['L-01', 'L-02']);
    const second = await get(clinicA, `${RECORDS}?subsidyRef=${subsidyRef}&yearMonth=2026-10&limit=2&cursor=${first.json().nextCursor}`);
    expect(second.json()).toMatchObject({ items: [{ visitId: 'L-03', institutionCode: clinicA.code }], nextCursor: null });
    expect((await get(pharmacy, `${RECORDS}?yearMonth=2026-10`)).json().items.map((l: { visitId: string }) => l.visitId)).toEqual(['L-P']);
    expect((await subsidyAt(clinicA, serial1, '2026-10-20')).copaymentLimit).toMatchObject({ accumulated: 400 });
  });
});

describe('GET /municipal/v1/copayment-ledgers', () => {
  it('shows the municipality’s recipients’ months with lines by institution and the 高額かつ長期 / 軽症高額 candidates', async () => {
    const serial4 = (await card(t.app, P4)).certificateSerialNumber;
    const { subsidyRef } = await subsidyAt(clinicA, serial4, '2026-01-10');
    await subsidyAt(pharmacy, serial4, '2026-01-10');
    // copay.md §6 example 13: 60,000 in six months, 50,000 in one (does not count).
    const months = ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'];
    for (const [i, m] of months.entries()) {
      expect((await post(clinicA, line(subsidyRef, `H-${i}`, { serviceDate: `${m}-10`, totalMedicalCost: 60000, copaymentCharged: 0 }))).statusCode).toBe(201);
    }
    expect((await post(clinicA, line(subsidyRef, 'H-7', { serviceDate: '2026-04-10', totalMedicalCost: 50000, copaymentCharged: 0 }))).statusCode).toBe(201);
    expect(
      (await post(pharmacy, line(subsidyRef, 'H-8', { serviceDate: '2026-03-02', setting: 'pharmacy', totalMedicalCost: 3000, copaymentCharged: 600 })))
        .statusCode,
    ).toBe(201);

    const res = await tokyo.get(`${LEDGERS}?yearMonth=2026-03`);
    expect(res.statusCode, res.body).toBe(200);
    expectMatchesOpenApi(res, 'GET', LEDGERS);
    const item = res.json().items.find((i: { subsidyRef: string }) => i.subsidyRef === subsidyRef);
    expect(item).toMatchObject({
      medicalSubsidyInsurerNumber: '54130018',
      medicalSubsidyRecipientNumber: '0000034',
      yearMonth: '2026-03',
      monthlyCap: 10000,
      accumulated: 600,
      totalMedicalCost: 63000,
      lineCount: 2,
      candidates: { highCostLongTerm: true, mildHighCost: true },
    });
    expect(item.lines.map((l: { institutionCode: string; serviceDate: string }) => [l.institutionCode, l.serviceDate])).toEqual(
      [
        [clinicA.code, '2026-03-10'],
        [pharmacy.code, '2026-03-02'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    // Five months over 50,000 by 2026-02: not yet 高額かつ長期.
    const feb = (await tokyo.get(`${LEDGERS}?yearMonth=2026-02&subsidyRef=${subsidyRef}`)).json().items[0];
    expect(feb.candidates).toMatchObject({ highCostLongTerm: false, mildHighCost: true });
    const byNumber = (await tokyo.get(`${LEDGERS}?yearMonth=2026-03&medicalSubsidyRecipientNumber=0000034`)).json();
    expect(byNumber.items.map((i: { subsidyRef: string }) => i.subsidyRef)).toEqual([subsidyRef]);
    // Another municipality sees none of it.
    expect((await hachioji.get(`${LEDGERS}?yearMonth=2026-03`)).json().items).toEqual([]);
  });
});

describe('sandbox reset', () => {
  it('an institution reset removes its lines and the month is summed again from the others; a municipality reset removes its refs', async () => {
    const { subsidyRef } = await subsidyAt(clinicA, serial1, '2026-11-02');
    await subsidyAt(pharmacy, serial1, '2026-11-02');
    expect((await post(clinicA, line(subsidyRef, 'R-1', { serviceDate: '2026-11-02', copaymentCharged: 3000 }))).statusCode).toBe(201);
    expect((await post(pharmacy, line(subsidyRef, 'R-2', { serviceDate: '2026-11-02', setting: 'pharmacy', copaymentCharged: 500 }))).statusCode).toBe(201);
    const reset = await t.app.inject({ method: 'POST', url: `/sandbox/v1/reset?institution=${pharmacy.code}&keep=credentials`, headers: adminHeaders });
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await subsidyAt(clinicA, serial1, '2026-11-20')).copaymentLimit).toMatchObject({ accumulated: 3000 });
    expect((await get(pharmacy, `${RECORDS}?yearMonth=2026-11`)).json().items).toEqual([]);
    // The pharmacy's receipt went too: it must check again before recording.
    expect((await post(pharmacy, line(subsidyRef, 'R-3', { serviceDate: '2026-11-03', setting: 'pharmacy', copaymentCharged: 0 }))).json().code).toBe(
      'subsidy_ref_not_found',
    );
    const municipal = await t.app.inject({ method: 'POST', url: `/sandbox/v1/reset?municipality=${tokyo.code}&keep=credentials`, headers: adminHeaders });
    expect(municipal.statusCode, municipal.body).toBe(200);
    expect((await get(clinicA, `${RECORDS}?subsidyRef=${subsidyRef}`)).json().items).toEqual([]);
    expect((await tokyo.get(`${LEDGERS}?yearMonth=2026-11`)).json().items).toEqual([]);
  });
});

describe('個人番号', () => {
  it('appears in no response of this file', () => {
    for (const who of holders) for (const r of responses) expect(r).not.toContain(who);
  });
});
