import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jstDate } from '../../src/domain/dates.js';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { card, institution, institutionCode, recordResponses } from '../helpers/clinic.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

type Municipality = Awaited<ReturnType<typeof municipality>>;
type Institution = Awaited<ReturnType<typeof institution>>;

let t: TestApp;
let responses: string[];
let tokyo: Municipality;
let hachioji: Municipality;
let clinicA: Institution;
let clinicB: Institution;
let pharmacy: Institution;
const registered: string[] = [];

const CHECK = '/clinic/v1/eligibility-checks';
const P1 = myNumber(101); // 難病 (designated: clinic A), 精神通院, こども医療; an older 難病 history row
const P2 = myNumber(102); // only a 不開示 record
const P3 = myNumber(103); // nothing registered
const P4 = myNumber(104); // record later changed, then deleted
const FACE = { name: '見本　次郎', nameKana: 'ミホン　ジロウ', dateOfBirth: '1980-02-03', sex: '1', address: '東京都八王子市元本郷町三丁目24番1号' };

/** A record of `typeId` for `who`, from nanbyoRecord with fields replaced or (undefined) removed. */
function record(who: string, typeId: string, over: Record<string, unknown>) {
  const r: Record<string, unknown> = { ...nanbyoRecord(0), orgSpecificCertificateTypeId: typeId, myNumber: who, ...over };
  for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
  registered.push(who);
  return r;
}

async function upload(m: Municipality, records: unknown[]) {
  const res = await m.upload(records, { query: 'wait=30' });
  expect(res.json(), res.body).toMatchObject({ status: 'succeeded' });
}

const check = (inst: Institution, serial: string, serviceDate: string | undefined, consent = true) =>
  inst.check({ certificateSerialNumber: serial, ...(serviceDate ? { serviceDate } : {}), consent: { medicalSubsidy: consent } });

beforeAll(async () => {
  t = await createTestApp();
  responses = recordResponses(t.app);
  tokyo = await municipality(t.app, '130001');
  hachioji = await municipality(t.app, '132012');
  clinicA = await institution(t.app);
  clinicB = await institution(t.app);
  pharmacy = await institution(t.app, { kind: 'pharmacy' });
  for (const [m, id, body] of [
    [tokyo, 'NANBYO54', NANBYO_TYPE],
    [tokyo, 'SEISHIN', { kind: 'national', lawCode: '21', name: '自立支援医療受給者証（精神通院）', insurerNumbers: ['21130018'] }],
    [hachioji, 'KODOMO', { kind: 'local', localCategory: 'children', name: '八王子市こども医療証', insurerNumbers: ['88138243'] }],
  ] as const) {
    const res = await m.putType(id, body);
    expect(res.statusCode, res.body).toBe(201);
  }
  await upload(tokyo, [
    record(P1, 'NANBYO54', {
      designatedMedicalInstitutions: `${clinicA.code};${pharmacy.code}`,
      additionalConditions: 'A1-1',
      segment: 'KOUGAKU',
    }),
    record(P1, 'NANBYO54', { historyKey: 'H0', validFrom: '2025-04-01', validTo: '2026-03-31', incomeSegment: 'JOUI', maxCopaymentAmount: { monthly: 30000 } }),
    record(P1, 'SEISHIN', {
      certificationName: '自立支援医療受給者証（精神通院）',
      medicalSubsidyInsurerNumber: '21130018',
      medicalSubsidyRecipientNumber: '1234566',
      incomeSegment: undefined,
      maxCopaymentAmount: { monthly: 5000 },
    }),
    record(P2, 'NANBYO54', { isNotDisclosed: true, validTo: '2028-03-31' }),
    record(P4, 'NANBYO54', {}),
  ]);
  await upload(hachioji, [
    record(P1, 'KODOMO', {
      certificationName: '八王子市こども医療証',
      medicalSubsidyInsurerNumber: '88138243',
      medicalSubsidyRecipientNumber: '00012345',
      incomeSegment: undefined,
      maxCopaymentAmount: undefined,
      isAlwaysReimbursement: '1',
      basicFiveInfo: {
        name: '八王子　一郎',
        nameKana: 'ハチオウジ　イチロウ',
        address: '東京都八王子市元本郷町三丁目24番1号',
        dateOfBirth: '2015-06-01',
        sex: '1',
      },
    }),
  ]);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('POST /clinic/v1/eligibility-checks', () => {
  it('returns every subsidy valid on the service date, national before local and then by 公費負担者番号, with the patient from the card', async () => {
    const c = await card(t.app, P1, FACE);
    const res = await check(clinicA, c.certificateSerialNumber, '2026-06-01');
    expect(res.statusCode, res.body).toBe(200);
    expectMatchesOpenApi(res, 'POST', CHECK);
    const body = res.json();
    expect(body.serviceDate).toBe('2026-06-01');
    expect(body.patient).toEqual({ name: FACE.name, nameKana: FACE.nameKana, dateOfBirth: FACE.dateOfBirth, sex: FACE.sex });
    expect(body.medicalSubsidies.map((s: { medicalSubsidyInsurerNumber: string }) => s.medicalSubsidyInsurerNumber)).toEqual([
      '21130018',
      '54130018',
      '88138243',
    ]);
    const [seishin, nanbyo, kodomo] = body.medicalSubsidies;
    expect(nanbyo).toEqual({
      medicalSubsidyInsurerNumber: '54130018',
      medicalSubsidyRecipientNumber: '0000018',
      certificationName: '特定医療費（指定難病）受給者証',
      program: { kind: 'national', lawCode: '54', localCategory: null, name: expect.stringMatching(/.+/) },
      validFrom: '2026-04-01',
      validTo: '2027-03-31',
      segment: 'KOUGAKU',
      incomeSegment: 'IPPAN1',
      additionalConditions: 'A1-1',
      additionalConditionPairs: [{ itemCode: 'A1', conditionCode: '1' }],
      maxCopaymentAmount: { monthly: 10000 },
      isAlwaysReimbursement: '0',
      designatedHere: true,
      certificationDetail: [{ label: '疾病名', value: 'パーキンソン病' }],
      registeringMunicipality: { code: '130001', name: '東京都' },
      subsidyRef: expect.stringMatching(/^sr_[A-Z2-7]{20}$/),
      copaymentLimit: {
        yearMonth: '2026-06',
        monthlyCap: 10000,
        accumulated: 0,
        remaining: 10000,
        capReached: false,
        capReachedOn: null,
        capReachedAt: null,
      },
    });
    expect(seishin).toMatchObject({ program: { kind: 'national', lawCode: '21' }, designatedHere: null, incomeSegment: null, additionalConditionPairs: [] });
    expect(kodomo).toMatchObject({
      program: { kind: 'local', lawCode: null, localCategory: 'children', name: '八王子市こども医療証' },
      isAlwaysReimbursement: '1',
      maxCopaymentAmount: null,
      designatedHere: null,
      registeringMunicipality: { code: '132012', name: '八王子市' },
    });
  });

  it('designatedHere is false at an institution the record does not list, true at a listed pharmacy', async () => {
    const c = await card(t.app, P1);
    const atB = (await check(clinicB, c.certificateSerialNumber, '2026-06-01')).json();
    expect(atB.medicalSubsidies.find((s: { medicalSubsidyInsurerNumber: string }) => s.medicalSubsidyInsurerNumber === '54130018').designatedHere).toBe(false);
    const atPharmacy = (await check(pharmacy, c.certificateSerialNumber, '2026-06-01')).json();
    expect(atPharmacy.medicalSubsidies.find((s: { medicalSubsidyInsurerNumber: string }) => s.medicalSubsidyInsurerNumber === '54130018').designatedHere).toBe(
      true,
    );
  });

  it('takes the card face data from the latest registration when none is given', async () => {
    const c = await card(t.app, P4);
    expect(c).toMatchObject({ faceDataSource: 'registration', name: '都庁 太郎', nameKana: 'トチョウ　タロウ' });
    const generated = await card(t.app, P3);
    expect(generated.faceDataSource).toBe('generated');
    const res = await check(clinicA, generated.certificateSerialNumber, '2026-06-01');
    expect(res.json().patient).toEqual({ name: generated.name, nameKana: generated.nameKana, dateOfBirth: generated.dateOfBirth, sex: generated.sex });
  });

  it('validity includes both its first and its last day; the day before and after return nothing', async () => {
    const c = await card(t.app, P4);
    const count = async (d: string) => (await check(clinicA, c.certificateSerialNumber, d)).json().medicalSubsidies.length;
    expect(await count('2026-04-01')).toBe(1);
    expect(await count('2027-03-31')).toBe(1);
    expect(await count('2026-03-31')).toBe(0);
    expect(await count('2027-04-01')).toBe(0);
  });

  it('answers a past service date from the history row valid then', async () => {
    const c = await card(t.app, P1);
    const body = (await check(clinicA, c.certificateSerialNumber, '2025-10-01')).json();
    expect(body.medicalSubsidies).toHaveLength(1);
    expect(body.medicalSubsidies[0]).toMatchObject({
      validFrom: '2025-04-01',
      validTo: '2026-03-31',
      incomeSegment: 'JOUI',
      maxCopaymentAmount: { monthly: 30000 },
    });
  });

  it('defaults serviceDate to today (JST) by the sandbox clock', async () => {
    const c = await card(t.app, P4);
    const before = jstDate(new Date());
    const res = await clinicA.check({ certificateSerialNumber: c.certificateSerialNumber, consent: { medicalSubsidy: true } });
    expect(res.statusCode, res.body).toBe(200);
    expect([before, jstDate(new Date())]).toContain(res.json().serviceDate);
  });

  it('gives byte-for-byte the same [] answer for no consent, nothing valid, all 不開示 and nothing registered; only the sandbox tells why', async () => {
    const serviceDate = '2028-01-01';
    const cards = { p1: await card(t.app, P1, FACE), p2: await card(t.app, P2, FACE), p3: await card(t.app, P3, FACE) };
    const cases = [
      { outcome: 'no_consent', res: await check(clinicA, cards.p1.certificateSerialNumber, '2026-06-01', false) },
      { outcome: 'none_valid_on_service_date', res: await check(clinicA, cards.p1.certificateSerialNumber, serviceDate) },
      { outcome: 'all_not_disclosed', res: await check(clinicA, cards.p2.certificateSerialNumber, serviceDate) },
      { outcome: 'no_records', res: await check(clinicA, cards.p3.certificateSerialNumber, serviceDate) },
    ];
    const normalised = cases.map(({ res }) => {
      expect(res.statusCode, res.body).toBe(200);
      expectMatchesOpenApi(res, 'POST', CHECK);
      const { checkId, checkedAt, serviceDate: d } = res.json();
      return res.body.replace(checkId, 'ID').replace(checkedAt, 'AT').replace(d, 'DATE');
    });
    expect(new Set(normalised).size).toBe(1);
    expect(normalised[0]).toContain('"medicalSubsidies":[]');
    const headerNames = cases.map(({ res }) => Object.keys(res.headers).sort().join(','));
    expect(new Set(headerNames).size).toBe(1);
    expect(new Set(cases.map(({ res }) => res.headers['content-length'])).size).toBe(1);

    for (const { outcome, res } of cases) {
      const ex = await t.app.inject({ method: 'GET', url: `/sandbox/v1/eligibility-checks/${res.json().checkId}/explanation`, headers: adminHeaders });
      expect(ex.statusCode, ex.body).toBe(200);
      expectMatchesOpenApi(ex, 'GET', '/sandbox/v1/eligibility-checks/{checkId}/explanation');
      expect(ex.json()).toMatchObject({ outcome, subsidyCount: 0, institution: { code: clinicA.code } });
    }
    const noConsent = (
      await t.app.inject({ method: 'GET', url: `/sandbox/v1/eligibility-checks/${cases[0]!.res.json().checkId}/explanation`, headers: adminHeaders })
    ).json();
    expect(noConsent.consent).toBe(false);
    // The records that would have applied are shown to the sandbox, with their decisions.
    expect(
      noConsent.records.map((r: { medicalSubsidyInsurerNumber: string; historyKey: string; decision: string }) => [
        r.medicalSubsidyInsurerNumber,
        r.historyKey,
        r.decision,
      ]),
    ).toEqual([
      ['21130018', 'H1', 'applies'],
      ['54130018', 'H0', 'not_valid_on_service_date'],
      ['54130018', 'H1', 'applies'],
      ['88138243', 'H1', 'applies'],
    ]);
    const p2 = (
      await t.app.inject({ method: 'GET', url: `/sandbox/v1/eligibility-checks/${cases[2]!.res.json().checkId}/explanation`, headers: adminHeaders })
    ).json();
    expect(p2.records).toEqual([
      expect.objectContaining({ isNotDisclosed: true, decision: 'not_disclosed', registeringMunicipality: { code: '130001', name: '東京都' } }),
    ]);
  });

  it('keeps an earlier answer when the record changes or is deleted later; a new check sees the change', async () => {
    const c = await card(t.app, P4);
    const first = await check(clinicA, c.certificateSerialNumber, '2026-06-01');
    expect(first.json().medicalSubsidies).toHaveLength(1);
    await upload(tokyo, [record(P4, 'NANBYO54', { incomeSegment: 'JOUI', maxCopaymentAmount: { monthly: 30000 } })]);
    const changed = (await check(clinicA, c.certificateSerialNumber, '2026-06-01')).json();
    expect(changed.medicalSubsidies[0]).toMatchObject({ incomeSegment: 'JOUI' });
    await upload(tokyo, [{ orgSpecificCertificateTypeId: 'NANBYO54', myNumber: P4, historyKey: 'H1', isDeleted: true }]);
    expect((await check(clinicA, c.certificateSerialNumber, '2026-06-01')).json().medicalSubsidies).toEqual([]);

    const again = await clinicA.get(first.json().checkId);
    expect(again.statusCode, again.body).toBe(200);
    expectMatchesOpenApi(again, 'GET', '/clinic/v1/eligibility-checks/{checkId}');
    expect(again.body).toBe(first.body);
    expect(again.json().medicalSubsidies[0]).toMatchObject({ incomeSegment: 'IPPAN1' });
  });

  it('stores the answer byte for byte when the record holds backslashes, tabs, line breaks and quotes', async () => {
    const who = myNumber(105);
    const detail = [{ label: '備考', value: 'C:\\pmh\\受給者\t"引用"\r\n2行目\\n（改行でない）' }];
    await upload(tokyo, [record(who, 'NANBYO54', { certificationDetail: detail })]);
    const c = await card(t.app, who);
    const first = await check(clinicA, c.certificateSerialNumber, '2026-06-01');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().medicalSubsidies[0].certificationDetail).toEqual(detail);

    const again = await clinicA.get(first.json().checkId);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.body).toBe(first.body);
    const explained = await t.app.inject({ method: 'GET', url: `/sandbox/v1/eligibility-checks/${first.json().checkId}/explanation`, headers: adminHeaders });
    expect(explained.statusCode, explained.body).toBe(200);
    expect(explained.json()).toMatchObject({ outcome: 'returned', subsidyCount: 1 });
  });
  it('rejects unknown, expired and revoked cards with distinct problems', async () => {
    const expectProblem = async (serial: string, status: number, code: string) => {
      const res = await check(clinicA, serial, '2026-06-01');
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe(code);
      expectMatchesOpenApi(res, 'POST', CHECK);
    };
    await expectProblem('ABCDEF0123456789ABCD', 422, 'unknown_certificate_serial');
    await expectProblem((await card(t.app, P1, { status: 'expired' })).certificateSerialNumber, 422, 'certificate_expired');
    await expectProblem((await card(t.app, P1, { status: 'active', certificateExpiresOn: '2020-01-01' })).certificateSerialNumber, 422, 'certificate_expired');
    await expectProblem((await card(t.app, P1, { status: 'revoked' })).certificateSerialNumber, 422, 'certificate_revoked');
  });

  it('answers malformed input with a 400 problem', async () => {
    const c = await card(t.app, P1);
    const bad = [
      { certificateSerialNumber: c.certificateSerialNumber, serviceDate: '2026-02-30', consent: { medicalSubsidy: true } },
      // ISO 8601 allows year 0000; PostgreSQL's date does not (it answered 500; found by the fuzz test).
      { certificateSerialNumber: c.certificateSerialNumber, serviceDate: '0000-01-01', consent: { medicalSubsidy: true } },
      { certificateSerialNumber: c.certificateSerialNumber, serviceDate: '1899-12-31', consent: { medicalSubsidy: true } },
      { certificateSerialNumber: c.certificateSerialNumber, serviceDate: '2026-06-01' },
      { certificateSerialNumber: c.certificateSerialNumber, consent: { medicalSubsidy: 'yes' } },
      { certificateSerialNumber: 'no spaces!', consent: { medicalSubsidy: true } },
      { certificateSerialNumber: c.certificateSerialNumber, consent: { medicalSubsidy: true }, myNumber: P1 },
    ];
    for (const body of bad) {
      const res = await clinicA.check(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expectMatchesOpenApi(res, 'POST', CHECK);
    }
    const notJson = await t.app.inject({ method: 'POST', url: CHECK, headers: { ...clinicA.headers, 'content-type': 'application/json' }, payload: '{' });
    expect(notJson.statusCode).toBe(400);
  });

  it('needs an institution token', async () => {
    const body = { certificateSerialNumber: 'ABC', consent: { medicalSubsidy: true } };
    const none = await t.app.inject({ method: 'POST', url: CHECK, payload: body });
    expect([none.statusCode, none.json().code]).toEqual([401, 'unauthenticated']);
    const municipal = await t.app.inject({ method: 'POST', url: CHECK, headers: tokyo.headers, payload: body });
    expect([municipal.statusCode, municipal.json().code]).toEqual([401, 'wrong_token_kind']);
    expect(municipal.json().detail).toBe('This is the municipality token (municipality); this API needs the institution token (institution)');
    expect(municipal.headers['www-authenticate']).toContain('error="invalid_token"');
    expectMatchesOpenApi(municipal, 'POST', CHECK);
    const unknown = await t.app.inject({ method: 'POST', url: CHECK, headers: { authorization: 'Bearer nobody-issued-this' }, payload: body });
    expect([unknown.statusCode, unknown.json().code]).toEqual([401, 'invalid_token']);
  });
});

describe('GET /clinic/v1/eligibility-checks/{checkId}', () => {
  it('is only readable by the institution that asked', async () => {
    const c = await card(t.app, P1);
    const { checkId } = (await check(clinicA, c.certificateSerialNumber, '2026-06-01')).json();
    const other = await clinicB.get(checkId);
    expect([other.statusCode, other.json().code]).toEqual([404, 'eligibility_check_not_found']);
    expectMatchesOpenApi(other, 'GET', '/clinic/v1/eligibility-checks/{checkId}');
    expect((await clinicA.get('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await clinicA.get('not-a-uuid')).statusCode).toBe(400);
  });
});

describe('POST /clinic/v1/eligibility-checks/batch', () => {
  it('answers every item in order; a bad item fails alone', async () => {
    const c = await card(t.app, P1);
    const revoked = await card(t.app, P1, { status: 'revoked' });
    const res = await clinicA.batch([
      { certificateSerialNumber: c.certificateSerialNumber, serviceDate: '2026-06-01', consent: { medicalSubsidy: true } },
      { certificateSerialNumber: c.certificateSerialNumber, serviceDate: 'yesterday', consent: { medicalSubsidy: true } },
      { certificateSerialNumber: 'ABCDEF0123456789ABCD', serviceDate: '2026-06-01', consent: { medicalSubsidy: true } },
      { certificateSerialNumber: revoked.certificateSerialNumber, serviceDate: '2026-06-01', consent: { medicalSubsidy: true } },
      { certificateSerialNumber: c.certificateSerialNumber, serviceDate: '2026-06-01', consent: { medicalSubsidy: false } },
      42,
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expectMatchesOpenApi(res, 'POST', '/clinic/v1/eligibility-checks/batch');
    const items = res.json().items;
    expect(items.map((i: { index: number; status: number; problem: { code: string } | null }) => [i.index, i.status, i.problem?.code ?? null])).toEqual([
      [0, 200, null],
      [1, 400, 'validation_failed'],
      [2, 422, 'unknown_certificate_serial'],
      [3, 422, 'certificate_revoked'],
      [4, 200, null],
      [5, 400, 'validation_failed'],
    ]);
    expect(items[0].result.medicalSubsidies).toHaveLength(3);
    expect(items[1].problem.errors).toEqual([expect.objectContaining({ index: 1, field: 'serviceDate' })]);
    expect(items[4].result.medicalSubsidies).toEqual([]);
    // Each answered item is a check of its own, readable later.
    const stored = await clinicA.get(items[0].result.checkId);
    expect(stored.json()).toEqual(items[0].result);
  });

  it('rejects an empty batch and one of more than 1,000 items as a whole', async () => {
    const item = { certificateSerialNumber: 'ABC', consent: { medicalSubsidy: true } };
    for (const items of [[], Array.from({ length: 1001 }, () => item)]) {
      const res = await clinicA.batch(items);
      expect([res.statusCode, res.json().code]).toEqual([400, 'validation_failed']);
    }
  });

  it('answers 1,000 items', async () => {
    const c = await card(t.app, P1);
    const res = await clinicB.batch(
      Array.from({ length: 1000 }, (_, i) => ({
        certificateSerialNumber: c.certificateSerialNumber,
        serviceDate: i % 2 ? '2026-06-01' : '2025-06-01',
        consent: { medicalSubsidy: true },
      })),
    );
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items).toHaveLength(1000);
    expect(items.every((i: { status: number; index: number }, n: number) => i.status === 200 && i.index === n)).toBe(true);
    expect(items[1].result.medicalSubsidies).toHaveLength(3);
    expect(items[0].result.medicalSubsidies).toHaveLength(1);
  });
});

describe('sandbox: cards, institutions, access log', () => {
  it('validates cards and institutions', async () => {
    const badMyNumber = await t.app.inject({ method: 'POST', url: '/sandbox/v1/cards', headers: adminHeaders, payload: { myNumber: '123456789012' } });
    expect([badMyNumber.statusCode, badMyNumber.json().code]).toEqual([400, 'invalid_my_number']);
    for (const dates of [{ dateOfBirth: '0000-01-01' }, { certificateExpiresOn: '0000-01-01' }, { dateOfBirth: '2026-02-30' }]) {
      const badDate = await t.app.inject({ method: 'POST', url: '/sandbox/v1/cards', headers: adminHeaders, payload: { myNumber: P3, ...dates } });
      expect([badDate.statusCode, badDate.json().code], JSON.stringify(dates)).toEqual([400, 'validation_failed']);
    }
    expectMatchesOpenApi(badMyNumber, 'POST', '/sandbox/v1/cards');
    const okCard = await t.app.inject({ method: 'POST', url: '/sandbox/v1/cards', headers: adminHeaders, payload: { myNumber: P3 } });
    expect(okCard.statusCode).toBe(201);
    expectMatchesOpenApi(okCard, 'POST', '/sandbox/v1/cards');
    expect(okCard.json().certificateSerialNumber).toMatch(/^[0-9A-F]{20}$/);

    const post = (payload: object) => t.app.inject({ method: 'POST', url: '/sandbox/v1/medical-institutions', headers: adminHeaders, payload });
    const badCode = await post({ code: '1311234560', name: 'x', kind: 'medical' });
    const okCode = institutionCode('medical');
    const wrongDigit = `${okCode.slice(0, 9)}${(Number(okCode[9]) + 1) % 10}`;
    const mismatch = await post({ code: okCode, name: 'x', kind: 'pharmacy' });
    expect([mismatch.statusCode, mismatch.json().code]).toEqual([400, 'institution_kind_mismatch']);
    const checkDigit = await post({ code: wrongDigit, name: 'x', kind: 'medical' });
    expect([checkDigit.statusCode, checkDigit.json().code]).toEqual([400, 'invalid_medical_institution_code']);
    expect(badCode.statusCode).toBe(400);
    const created = await post({ code: okCode, name: '新しい医院', kind: 'medical' });
    expect(created.statusCode).toBe(201);
    expectMatchesOpenApi(created, 'POST', '/sandbox/v1/medical-institutions');
    expect(created.json()).toMatchObject({ token: expect.stringMatching(/^pmh_ins_/), institution: { code: okCode, name: '新しい医院', kind: 'medical' } });
  });

  it('logs every check: institution, time, serviceDate and count, not content; newest first, paginated', async () => {
    const inst = await institution(t.app);
    const c = await card(t.app, P1);
    const ids: string[] = [];
    for (const d of ['2026-06-01', '2025-06-01', '2024-06-01']) ids.push((await check(inst, c.certificateSerialNumber, d)).json().checkId);
    const page1 = await t.app.inject({ method: 'GET', url: `/sandbox/v1/eligibility-checks?institutionCode=${inst.code}&limit=2`, headers: adminHeaders });
    expect(page1.statusCode, page1.body).toBe(200);
    expectMatchesOpenApi(page1, 'GET', '/sandbox/v1/eligibility-checks');
    const p1 = page1.json();
    expect(p1.items).toHaveLength(2);
    const page2 = (
      await t.app.inject({
        method: 'GET',
        url: `/sandbox/v1/eligibility-checks?institutionCode=${inst.code}&limit=2&cursor=${p1.nextCursor}`,
        headers: adminHeaders,
      })
    ).json();
    expect(page2.nextCursor).toBeNull();
    const all = [...p1.items, ...page2.items];
    expect(all.map((e: { checkId: string }) => e.checkId).sort()).toEqual([...ids].sort());
    const byId = new Map(all.map((e: { checkId: string }) => [e.checkId, e]));
    expect(byId.get(ids[0]!)).toEqual({
      checkId: ids[0],
      institution: { code: inst.code, name: `テスト医院 ${inst.code}` },
      checkedAt: expect.any(String),
      serviceDate: '2026-06-01',
      subsidyCount: 3,
    });
    expect(byId.get(ids[2]!)).toMatchObject({ serviceDate: '2024-06-01', subsidyCount: 0 });
    const times = all.map((e: { checkedAt: string }) => e.checkedAt);
    expect([...times].sort().reverse()).toEqual(times);
    const badCursor = await t.app.inject({ method: 'GET', url: '/sandbox/v1/eligibility-checks?cursor=zzz', headers: adminHeaders });
    expect([badCursor.statusCode, badCursor.json().code]).toEqual([400, 'invalid_cursor']);
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/sandbox/v1/eligibility-checks/00000000-0000-4000-8000-000000000000/explanation',
      headers: adminHeaders,
    });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'eligibility_check_not_found']);
  });
});

describe('個人番号', () => {
  it('appears in no response header or body of this file', () => {
    expect(responses.length).toBeGreaterThan(50);
    const leaks = [...new Set(registered)].flatMap((n) => responses.filter((r) => r.includes(n)).map((r) => `${n}: ${r.slice(0, 200)}`));
    expect(leaks).toEqual([]);
  });
});
