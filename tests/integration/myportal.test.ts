// マイナポータル (simulated): the holder's own view, signed in with card and PIN, on registrations made through the municipal API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeMedicalInstitutionCode } from '../../src/domain/numbers.js';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { card, institution, recordResponses } from '../helpers/clinic.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

const PORTAL = '/myportal/v1/medical-subsidies';
/** The 指定医療機関 of the 難病 record: a clinic and a pharmacy. */
const PHARMACY = completeMedicalInstitutionCode('134999401');
const DESIGNATED = `1311234566;${PHARMACY}`;
let t: TestApp;
let responses: string[];

const portal = (payload: object) => t.app.inject({ method: 'POST', url: PORTAL, payload });
const pinReset = (serial: string, payload: object = {}) =>
  t.app.inject({ method: 'POST', url: `/sandbox/v1/cards/${serial}/pin-reset`, headers: adminHeaders, payload });

const P_NANBYO = myNumber(401); // 難病 (cap 10,000) + こども (no cap) + a 不開示 難病 row of another period
const P_LOCK = myNumber(402);
const P_NONE = myNumber(403); // nobody registered anything

let nanbyoSerial: string;

beforeAll(async () => {
  t = await createTestApp();
  responses = recordResponses(t.app);
  await t.app.inject({ method: 'PUT', url: '/sandbox/v1/clock', headers: adminHeaders, payload: { now: '2026-06-15T10:00:00+09:00' } });
  const tokyo = await municipality(t.app, '130001');
  const hachioji = await municipality(t.app, '132012');
  expect((await tokyo.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
  expect(
    (await hachioji.putType('KODOMO', { kind: 'local', localCategory: 'children', name: '八王子市こども医療証', insurerNumbers: ['88138243'] })).statusCode,
  ).toBe(201);
  const nanbyo = await tokyo.upload(
    [
      nanbyoRecord(401, { designatedMedicalInstitutions: DESIGNATED }),
      // The same certificate's earlier period, 不開示.
      nanbyoRecord(401, { historyKey: 'H0', validFrom: '2025-04-01', validTo: '2026-03-31', isNotDisclosed: true }),
      nanbyoRecord(402),
    ],
    { query: 'wait=30' },
  );
  expect(nanbyo.json(), nanbyo.body).toMatchObject({ status: 'succeeded' });
  const kodomo = await hachioji.upload(
    [
      {
        ...nanbyoRecord(401),
        orgSpecificCertificateTypeId: 'KODOMO',
        medicalSubsidyInsurerNumber: '88138243',
        certificationName: '八王子市こども医療証',
        medicalSubsidyRecipientNumber: '1234567',
        incomeSegment: undefined,
        maxCopaymentAmount: undefined,
        certificationDetail: [],
      },
    ].map((r) => JSON.parse(JSON.stringify(r)) as unknown),
    { query: 'wait=30' },
  );
  expect(kodomo.json(), kodomo.body).toMatchObject({ status: 'succeeded' });
  nanbyoSerial = (await card(t.app, P_NANBYO)).certificateSerialNumber;
});
afterAll(() => t.close());

describe('POST /myportal/v1/medical-subsidies', () => {
  it('answers the holder’s own certificates as registered, with their municipality, never the 個人番号', async () => {
    const res = await portal({ certificateSerialNumber: nanbyoSerial, pin: '1234' });
    expect(res.statusCode, res.body).toBe(200);
    expectMatchesOpenApi(res, 'POST', PORTAL);
    const body = res.json();
    expect(body).toMatchObject({ today: '2026-06-15', yearMonth: '2026-06' });
    const subsidies = body.medicalSubsidies as Record<string, unknown>[];
    expect(subsidies.map((s) => [(s.registeringMunicipality as { code: string }).code, s.orgSpecificCertificateTypeId, s.validFrom])).toEqual([
      ['130001', 'NANBYO54', '2025-04-01'],
      ['130001', 'NANBYO54', '2026-04-01'],
      ['132012', 'KODOMO', '2026-04-01'],
    ]);
    const [past, current, kodomo] = subsidies;
    expect(current).toMatchObject({
      registeringMunicipality: { code: '130001', name: '東京都' },
      program: { kind: 'national', lawCode: '54' },
      medicalSubsidyInsurerNumber: '54130018',
      medicalSubsidyRecipientNumber: '0000018',
      validToday: true,
      incomeSegment: 'IPPAN1',
      maxCopaymentAmount: { monthly: 10000 },
      designatedMedicalInstitutions: DESIGNATED,
      isNotDisclosed: false,
      copaymentLimitManageFormCode: '54',
      // No clinic has checked the card yet: no subsidyRef, nothing recorded this month.
      subsidyRef: null,
      copaymentLimit: { yearMonth: '2026-06', monthlyCap: 10000, accumulated: 0, remaining: 10000, capReached: false },
      lines: [],
    });
    expect(past).toMatchObject({ validToday: false, copaymentLimit: null, lines: [] });
    // A local program without a monthly cap keeps no 上限額管理票.
    expect(kodomo).toMatchObject({
      registeringMunicipality: { code: '132012', name: '八王子市' },
      program: { kind: 'local', lawCode: null, localCategory: 'children' },
      copaymentLimitManageFormCode: '00',
      copaymentLimit: null,
      lines: [],
    });
    expect(res.body).not.toContain(P_NANBYO);
  });

  it('shows a 不開示 record to its own holder, marked, while a clinic’s check does not return it', async () => {
    const own = (await portal({ certificateSerialNumber: nanbyoSerial, pin: '1234' })).json();
    const hidden = own.medicalSubsidies.filter((s: { isNotDisclosed: boolean }) => s.isNotDisclosed);
    expect(hidden).toHaveLength(1);
    expect(hidden[0]).toMatchObject({ validFrom: '2025-04-01', validTo: '2026-03-31', medicalSubsidyRecipientNumber: '0000018' });

    const clinic = await institution(t.app);
    const check = await clinic.check({ certificateSerialNumber: nanbyoSerial, serviceDate: '2025-06-01', consent: { medicalSubsidy: true } });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json().medicalSubsidies).toEqual([]);
  });

  it('after a consented check the certificate has its subsidyRef, the same as the clinic’s', async () => {
    const clinic = await institution(t.app);
    const check = await clinic.check({ certificateSerialNumber: nanbyoSerial, serviceDate: '2026-06-15', consent: { medicalSubsidy: true } });
    const ref = check.json().medicalSubsidies.find((s: { program: { lawCode: string } }) => s.program.lawCode === '54').subsidyRef;
    expect(ref).toMatch(/^sr_/);
    const own = (await portal({ certificateSerialNumber: nanbyoSerial, pin: '1234' })).json();
    const current = own.medicalSubsidies.find((s: { validToday: boolean; program: { lawCode: string } }) => s.validToday && s.program.lawCode === '54');
    expect(current.subsidyRef).toBe(ref);
  });

  it('shows this month’s lines of every institution and the totals, not last month’s nor cancelled ones', async () => {
    const clinic = await institution(t.app, { code: '1311234566', name: '指定医院' });
    const pharmacy = await institution(t.app, { code: PHARMACY, kind: 'pharmacy' });
    const refOf = async (inst: Awaited<ReturnType<typeof institution>>, serviceDate: string) => {
      const res = await inst.check({ certificateSerialNumber: nanbyoSerial, serviceDate, consent: { medicalSubsidy: true } });
      return res.json().medicalSubsidies.find((s: { program: { lawCode: string } }) => s.program.lawCode === '54').subsidyRef as string;
    };
    const ref = await refOf(clinic, '2026-06-03');
    expect(await refOf(pharmacy, '2026-06-03')).toBe(ref);
    const record = (inst: Awaited<ReturnType<typeof institution>>, visitId: string, body: object) =>
      t.app.inject({
        method: 'POST',
        url: '/clinic/v1/copayment-records',
        headers: inst.headers,
        payload: { subsidyRef: ref, visitId, setting: 'outpatient', ...body },
      });
    for (const [inst, visitId, body] of [
      [clinic, 'C1', { serviceDate: '2026-06-03', totalMedicalCost: 45000, copaymentCharged: 9000 }],
      [pharmacy, 'P1', { serviceDate: '2026-06-03', setting: 'pharmacy', totalMedicalCost: 8000, copaymentCharged: 1000 }],
      [clinic, 'C0', { serviceDate: '2026-05-20', totalMedicalCost: 10000, copaymentCharged: 2000 }],
      [clinic, 'C2', { serviceDate: '2026-06-10', totalMedicalCost: 5000, copaymentCharged: 0 }],
    ] as const) {
      const res = await record(inst, visitId, body);
      expect(res.statusCode, res.body).toBe(201);
    }
    const cancelled = await t.app.inject({ method: 'DELETE', url: '/clinic/v1/copayment-records/C2?subsidyRef=' + ref, headers: clinic.headers });
    expect(cancelled.statusCode, cancelled.body).toBe(200);

    const res = await portal({ certificateSerialNumber: nanbyoSerial, pin: '1234' });
    expectMatchesOpenApi(res, 'POST', PORTAL);
    const current = res.json().medicalSubsidies.find((s: { validToday: boolean; program: { lawCode: string } }) => s.validToday && s.program.lawCode === '54');
    expect(current.copaymentLimit).toMatchObject({
      yearMonth: '2026-06',
      monthlyCap: 10000,
      accumulated: 10000,
      remaining: 0,
      capReached: true,
      capReachedOn: '2026-06-03',
    });
    expect(current.lines).toEqual([
      expect.objectContaining({
        institutionCode: '1311234566',
        institutionName: '指定医院',
        serviceDate: '2026-06-03',
        totalMedicalCost: 45000,
        copaymentCharged: 9000,
      }),
      expect.objectContaining({ institutionCode: pharmacy.code, setting: 'pharmacy', copaymentCharged: 1000, accumulatedAfter: 10000, capReached: true }),
    ]);
    expect(current.lines[0]).not.toHaveProperty('visitId');
  });

  it('a holder with no registration sees an empty list', async () => {
    const serial = (await card(t.app, P_NONE)).certificateSerialNumber;
    const res = await portal({ certificateSerialNumber: serial, pin: '1234' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().medicalSubsidies).toEqual([]);
  });

  it('counts wrong PINs: 401 pin_incorrect with the tries left, the third locks (423 card_locked), a PIN reset unlocks', async () => {
    const serial = (await card(t.app, P_LOCK, { pin: '2468' })).certificateSerialNumber;
    expect((await portal({ certificateSerialNumber: serial, pin: '1234' })).json().errors[0].message).toContain('2 tries left');
    // A right PIN clears the count.
    expect((await portal({ certificateSerialNumber: serial, pin: '2468' })).statusCode).toBe(200);
    for (const left of [2, 1]) {
      const wrong = await portal({ certificateSerialNumber: serial, pin: '0000' });
      expect([wrong.statusCode, wrong.json().code]).toEqual([401, 'pin_incorrect']);
      expectMatchesOpenApi(wrong, 'POST', PORTAL);
      expect(wrong.json().detail).toContain(`${left} ${left === 1 ? 'try' : 'tries'} left`);
      expect(wrong.json().errors).toEqual([expect.objectContaining({ field: 'pin', code: 'pin_incorrect' })]);
    }
    const third = await portal({ certificateSerialNumber: serial, pin: '0000' });
    expect([third.statusCode, third.json().code]).toEqual([423, 'card_locked']);
    expectMatchesOpenApi(third, 'POST', PORTAL);
    // Locked: the right PIN no longer opens it, nor does a check of anything reveal it.
    const right = await portal({ certificateSerialNumber: serial, pin: '2468' });
    expect([right.statusCode, right.json().code]).toEqual([423, 'card_locked']);
    expect(right.body).not.toContain('0000018');

    const reset = await pinReset(serial);
    expect(reset.json()).toEqual({ certificateSerialNumber: serial, pinTriesRemaining: 3 });
    expect((await portal({ certificateSerialNumber: serial, pin: '2468' })).statusCode).toBe(200);
    // A reset with a new PIN replaces the old one.
    await pinReset(serial, { pin: '1357' });
    expect((await portal({ certificateSerialNumber: serial, pin: '2468' })).json().code).toBe('pin_incorrect');
    expect((await portal({ certificateSerialNumber: serial, pin: '1357' })).statusCode).toBe(200);
  });

  it('concurrent wrong PINs are all counted: never more than 3 tries', async () => {
    const serial = (await card(t.app, P_LOCK)).certificateSerialNumber;
    const answers = await Promise.all(Array.from({ length: 6 }, () => portal({ certificateSerialNumber: serial, pin: '9999' })));
    const codes = answers.map((a) => a.json().code).sort();
    expect(codes).toEqual(['card_locked', 'card_locked', 'card_locked', 'card_locked', 'pin_incorrect', 'pin_incorrect']);
  });

  it('refuses an unknown card, an expired or revoked certificate (once the PIN is right) and a malformed body', async () => {
    const unknown = await portal({ certificateSerialNumber: 'NOSUCHCARD0000000000', pin: '1234' });
    expect([unknown.statusCode, unknown.json().code]).toEqual([422, 'unknown_certificate_serial']);
    expectMatchesOpenApi(unknown, 'POST', PORTAL);
    const revoked = (await card(t.app, P_NONE, { status: 'revoked' })).certificateSerialNumber;
    expect((await portal({ certificateSerialNumber: revoked, pin: '1234' })).json().code).toBe('certificate_revoked');
    const expired = (await card(t.app, P_NONE, { certificateExpiresOn: '2026-06-14' })).certificateSerialNumber;
    const res = await portal({ certificateSerialNumber: expired, pin: '1234' });
    expect([res.statusCode, res.json().code]).toEqual([422, 'certificate_expired']);
    expectMatchesOpenApi(res, 'POST', PORTAL);
    for (const body of [
      {},
      { certificateSerialNumber: nanbyoSerial },
      { certificateSerialNumber: nanbyoSerial, pin: '12345' },
      { certificateSerialNumber: nanbyoSerial, pin: '1234', myNumber: P_NANBYO },
    ]) {
      const bad = await portal(body);
      expect([bad.statusCode, bad.json().code], JSON.stringify(body)).toEqual([400, 'validation_failed']);
      expectMatchesOpenApi(bad, 'POST', PORTAL);
    }
  });

  it('no answer ever carried a 個人番号', () => {
    for (const n of [P_NANBYO, P_LOCK, P_NONE]) expect(responses.some((r) => r.includes(n))).toBe(false);
  });
});
