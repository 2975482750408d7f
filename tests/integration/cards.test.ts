import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { institution } from '../helpers/clinic.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const post = (payload: object) => t.app.inject({ method: 'POST', url: '/sandbox/v1/cards', headers: adminHeaders, payload });

describe('POST /sandbox/v1/cards for a registered person, without the 個人番号', () => {
  it('issues a card named by municipality, type and 受給者番号, with the registration’s face data, that checks to the subsidy', async () => {
    const tokyo = await municipality(t.app, '130001');
    expect((await tokyo.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
    const face = { name: '登録　三郎', nameKana: 'トウロク　サブロウ', address: '東京都新宿区西新宿二丁目8番1号', dateOfBirth: '1985-05-06', sex: '1' };
    const records = [
      nanbyoRecord(201, { basicFiveInfo: face, medicalSubsidyRecipientNumber: '0000026' }),
      // Two persons under one 受給者番号: a municipality's data error the sandbox must not guess through.
      nanbyoRecord(202, { medicalSubsidyRecipientNumber: '0000034' }),
      nanbyoRecord(203, { medicalSubsidyRecipientNumber: '0000034' }),
    ];
    const task = await tokyo.upload(records, { query: 'wait=30' });
    expect(task.json(), task.body).toMatchObject({ status: 'succeeded' });

    const byRegistration = { municipality: '130001', orgSpecificCertificateTypeId: 'NANBYO54', medicalSubsidyRecipientNumber: '0000026' };
    const res = await post(byRegistration);
    expect(res.statusCode, res.body).toBe(201);
    expectMatchesOpenApi(res, 'POST', '/sandbox/v1/cards');
    expect(res.json()).toMatchObject({ ...face, faceDataSource: 'registration', status: 'active' });
    expect(res.body).not.toContain(myNumber(201));

    const clinic = await institution(t.app);
    const check = await clinic.check({
      certificateSerialNumber: res.json().certificateSerialNumber,
      serviceDate: '2026-06-01',
      consent: { medicalSubsidy: true },
    });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json().medicalSubsidies).toHaveLength(1);
    expect(check.json().medicalSubsidies[0]).toMatchObject({ medicalSubsidyRecipientNumber: '0000026' });

    const none = await post({ ...byRegistration, medicalSubsidyRecipientNumber: '9999999' });
    expect([none.statusCode, none.json().code]).toEqual([404, 'registered_person_not_found']);
    expectMatchesOpenApi(none, 'POST', '/sandbox/v1/cards');
    const otherMunicipality = await post({ ...byRegistration, municipality: '132012' });
    expect([otherMunicipality.statusCode, otherMunicipality.json().code]).toEqual([404, 'registered_person_not_found']);

    const several = await post({ ...byRegistration, medicalSubsidyRecipientNumber: '0000034' });
    expect([several.statusCode, several.json().code]).toEqual([422, 'registered_person_ambiguous']);
    expectMatchesOpenApi(several, 'POST', '/sandbox/v1/cards');
    expect(several.body).not.toContain('0000034');
  });

  it('needs exactly one way of naming the person: myNumber, or all three registration fields', async () => {
    for (const payload of [
      {},
      { municipality: '130001' },
      { myNumber: myNumber(201), municipality: '130001', orgSpecificCertificateTypeId: 'NANBYO54', medicalSubsidyRecipientNumber: '0000026' },
    ]) {
      const res = await post(payload);
      expect([res.statusCode, res.json().code], JSON.stringify(payload)).toEqual([400, 'validation_failed']);
      expect(res.json().errors).toEqual([
        { field: 'body', code: 'invalid_union', message: expect.stringContaining('give myNumber, or municipality + orgSpecificCertificateTypeId') },
      ]);
      expectMatchesOpenApi(res, 'POST', '/sandbox/v1/cards');
    }
    // Either way, a bad field of the one chosen is reported on that field.
    const badDate = await post({
      municipality: '130001',
      orgSpecificCertificateTypeId: 'NANBYO54',
      medicalSubsidyRecipientNumber: '0000026',
      dateOfBirth: '2026-02-30',
    });
    expect(badDate.json().errors).toEqual([expect.objectContaining({ field: 'dateOfBirth' })]);
    const badMunicipality = await post({ municipality: '13000', orgSpecificCertificateTypeId: 'NANBYO54', medicalSubsidyRecipientNumber: '0000026' });
    expect(badMunicipality.json().errors).toEqual([expect.objectContaining({ field: 'municipality' })]);
  });
});

describe('the card’s PIN (利用者証明用電子証明書)', () => {
  const reset = (serial: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/sandbox/v1/cards/${serial}/pin-reset`, headers: adminHeaders, payload });
  const RESET = '/sandbox/v1/cards/{certificateSerialNumber}/pin-reset';

  it('is settable when the card is issued, never returned, and must be 4 digits', async () => {
    const res = await post({ myNumber: myNumber(301), pin: '0420' });
    expect(res.statusCode, res.body).toBe(201);
    expectMatchesOpenApi(res, 'POST', '/sandbox/v1/cards');
    expect(res.json().pinTriesRemaining).toBe(3);
    expect(res.json()).not.toHaveProperty('pin');
    expect(res.body).not.toContain('0420');
    for (const pin of ['123', '12345', '１２３４', 1234]) {
      const bad = await post({ myNumber: myNumber(301), pin });
      expect([bad.statusCode, bad.json().code], String(pin)).toEqual([400, 'validation_failed']);
      expectMatchesOpenApi(bad, 'POST', '/sandbox/v1/cards');
    }
  });

  it('a PIN reset answers the tries left (a new PIN optional); 404 card_not_found for an unknown serial', async () => {
    const card = (await post({ myNumber: myNumber(302) })).json();
    for (const body of [{}, { pin: '9876' }]) {
      const res = await reset(card.certificateSerialNumber, body);
      expect(res.statusCode, res.body).toBe(200);
      expectMatchesOpenApi(res, 'POST', RESET);
      expect(res.json()).toEqual({ certificateSerialNumber: card.certificateSerialNumber, pinTriesRemaining: 3 });
    }
    const bad = await reset(card.certificateSerialNumber, { pin: 'abcd' });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'validation_failed']);
    const unknown = await reset('NOSUCHCARD0000000000', {});
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'card_not_found']);
    expectMatchesOpenApi(unknown, 'POST', RESET);
  });
});
