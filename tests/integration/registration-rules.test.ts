import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeMedicalInstitutionCode } from '../../src/domain/numbers.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { municipality, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

/** Business rules of pmh.md §2/§4 checked per record through the real API, and API-level robustness. */
let t: TestApp;
let tokyo: Awaited<ReturnType<typeof municipality>>;
let hachioji: Awaited<ReturnType<typeof municipality>>;

const PATH = '/municipal/v1/registration-tasks';
const hospital = completeMedicalInstitutionCode('131123456');

beforeAll(async () => {
  // Error logs on: the property tests below have twice met a 500 under a loaded machine that did not
  // recur; should one come again, the test output shows the logged cause.
  t = await createTestApp({ LOG_LEVEL: 'error' });
  tokyo = await municipality(t.app, '130001');
  hachioji = await municipality(t.app, '132012');
  expect((await tokyo.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
  expect(
    (await hachioji.putType('ONLYHACHIOJI', { kind: 'local', localCategory: 'children', name: '乳幼児医療証', insurerNumbers: ['88138243'] })).statusCode,
  ).toBe(201);
});
afterAll(() => t.close());

async function upload(records: unknown[]) {
  const res = await tokyo.upload(records, { query: 'wait=30' });
  expect(res.statusCode, res.body).toBe(200);
  const items = (await tokyo.get(`${PATH}/${res.json().id}/results?limit=1000`)).json().items as {
    index: number;
    outcome: string;
    errors: { field: string; code: string }[] | null;
  }[];
  return { task: res.json(), items };
}

describe('per-record business rules through POST /municipal/v1/registration-tasks', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['validTo before validFrom', { validFrom: '2026-04-02', validTo: '2026-04-01' }, 'validTo:valid_to_before_valid_from'],
    [
      'nameKana in hiragana',
      { basicFiveInfo: { ...nanbyoRecord(0).basicFiveInfo, nameKana: 'とちょう　たろう' } },
      'basicFiveInfo.nameKana:invalid_characters',
    ],
    [
      'nameKana in half-width katakana',
      { basicFiveInfo: { ...nanbyoRecord(0).basicFiveInfo, nameKana: 'ﾄﾁｮｳ ﾀﾛｳ' } },
      'basicFiveInfo.nameKana:invalid_characters',
    ],
    ['a segment the type does not define', { segment: 'NOPE' }, 'segment:unknown_segment'],
    ['an additional-condition item the type does not define', { additionalConditions: 'Z9-1' }, 'additionalConditions:unknown_condition_item'],
    ['an additional-condition code the item does not define', { additionalConditions: 'A1-9' }, 'additionalConditions:unknown_condition_code'],
    [
      'a designated institution with a wrong check digit',
      { designatedMedicalInstitutions: `${hospital.slice(0, 9)}${(Number(hospital[9]) + 1) % 10}` },
      'designatedMedicalInstitutions:invalid_medical_institution_code',
    ],
    [
      'the same designated institution twice',
      { designatedMedicalInstitutions: `${hospital};${hospital}` },
      'designatedMedicalInstitutions:duplicate_medical_institution_code',
    ],
    ['isAlwaysReimbursement other than "0"/"1"', { isAlwaysReimbursement: '2' }, 'isAlwaysReimbursement:invalid_value'],
    ['a certificate type of another municipality', { orgSpecificCertificateTypeId: 'ONLYHACHIOJI' }, 'orgSpecificCertificateTypeId:unknown_certificate_type'],
    ['a national 受給者番号 that is not 7 digits', { medicalSubsidyRecipientNumber: '00000018' }, 'medicalSubsidyRecipientNumber:invalid_format'],
    ['a missing required field', { certificationName: undefined }, 'certificationName:required'],
    ['a historyKey over 50 characters', { historyKey: 'H'.repeat(51) }, 'historyKey:too_long'],
    ['an unknown field inside basicFiveInfo', { basicFiveInfo: { ...nanbyoRecord(0).basicFiveInfo, age: 56 } }, 'basicFiveInfo.age:unknown_field'],
    ['a date that is not on the calendar', { validTo: '2027-02-29' }, 'validTo:invalid_date'],
  ];

  it('rejects each violating record with its field and code, and applies only the valid one', async () => {
    const records = [nanbyoRecord(1000, { designatedMedicalInstitutions: hospital, segment: 'KOUGAKU', additionalConditions: 'A1-2' })];
    cases.forEach(([, over], i) => {
      const r: Record<string, unknown> = nanbyoRecord(1001 + i, over);
      for (const [k, v] of Object.entries(over)) if (v === undefined) delete r[k];
      records.push(r as ReturnType<typeof nanbyoRecord>);
    });
    const { task, items } = await upload(records);
    expect(task.counts).toMatchObject({ received: cases.length + 1, created: 1, rejected: cases.length });
    expect(items[0]!.outcome).toBe('created');
    cases.forEach(([name, , expected], i) => {
      const item = items[i + 1]!;
      expect(item.outcome, name).toBe('rejected');
      expect(
        item.errors!.map((e) => `${e.field}:${e.code}`),
        name,
      ).toContain(expected);
    });
    const { rows } = await t.pool.query(`SELECT my_number FROM recipient_certificate WHERE municipality_code = '130001'`);
    expect(rows.map((r) => r.my_number)).toEqual([records[0]!.myNumber]);
  });
});

describe('robustness', () => {
  const nasty = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('', ' ', '\u0000', '\uD800', '２０２６－０４－０１', '2026-13-01', 'ｱｲｳ', '9'.repeat(12), '0'.repeat(51)),
    fc.array(fc.anything(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.anything(), { maxKeys: 3 }),
  );
  const fields = Object.keys(nanbyoRecord(0));
  const mutatedRecord = fc
    .tuple(fc.nat(10_000), fc.subarray(fields, { maxLength: 4 }), fc.array(nasty, { minLength: 4, maxLength: 4 }), fc.boolean())
    .map(([n, keys, values, dropInstead]) => {
      const r: Record<string, unknown> = nanbyoRecord(n);
      keys.forEach((k, i) => {
        if (dropInstead && i === 0) delete r[k];
        else r[k] = values[i];
      });
      return r;
    });

  it('answers any batch of mutated records with a finished task whose counts add up, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            mutatedRecord,
            nasty.filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v)),
          ),
          { minLength: 1, maxLength: 12 },
        ),
        async (records) => {
          const res = await tokyo.upload(records, { query: 'wait=30' });
          expect(res.statusCode, res.body).toBe(200);
          const task = res.json();
          expect(task.status).toMatch(/^(succeeded|completed_with_errors)$/);
          const c = task.counts;
          expect(c.received).toBe(records.length);
          expect(c.accepted + c.rejected).toBe(c.received);
          expect(c.created + c.updated + c.unchanged + c.deleted).toBe(c.accepted);
          const items = (await tokyo.get(`${PATH}/${task.id}/results?limit=1000`)).json().items as { index: number; outcome: string }[];
          expect(items.map((i) => i.index)).toEqual(records.map((_, i) => i));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('answers any raw body with 2xx or a 4xx problem, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        ),
        fc.constantFrom(
          'application/json',
          'application/x-ndjson',
          'text/csv',
          'text/csv; charset=utf-8',
          'application/json; charset=shift_jis',
          'application/xml',
        ),
        async (body, contentType) => {
          const res = await tokyo.upload(body, { contentType });
          expect(res.statusCode, res.body).toBeLessThan(500);
          if (res.statusCode >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        },
      ),
      { numRuns: 60 },
    );
  });
});
