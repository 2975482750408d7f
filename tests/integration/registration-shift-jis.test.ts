import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality, myNumber, NANBYO_TYPE } from '../helpers/municipal.js';

let t: TestApp;
let tokyo: Awaited<ReturnType<typeof municipality>>;
const PATH = '/municipal/v1/registration-tasks';

beforeAll(async () => {
  t = await createTestApp();
  tokyo = await municipality(t.app, '130001');
  expect((await tokyo.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
});
afterAll(() => t.close());

const COLUMNS = [
  'orgSpecificCertificateTypeId',
  'myNumber',
  'basicFiveInfo.name',
  'basicFiveInfo.nameKana',
  'basicFiveInfo.address',
  'basicFiveInfo.dateOfBirth',
  'basicFiveInfo.sex',
  'isNotDisclosed',
  'medicalSubsidyInsurerNumber',
  'certificationName',
  'medicalSubsidyRecipientNumber',
  'isAlwaysReimbursement',
  'validFrom',
  'validTo',
  'historyKey',
  'isDeleted',
  'certificationDetail',
];

// Kanji (CP932 extensions 髙 and 﨑 included), kana, a 全角 space; the last row's kana is half-width, rejected.
const PEOPLE = [
  ['髙橋　﨑子', 'タカハシ　サキコ'],
  ['渡邊　美智子', 'ワタナベ　ミチコ'],
  ['山田　太郎', 'ﾔﾏﾀﾞ ﾀﾛｳ'],
];

function csv(serial: number) {
  const rows = PEOPLE.map(([name, kana], i) =>
    [
      'NANBYO54',
      myNumber(serial + i),
      name,
      kana,
      '"東京都新宿区西新宿二丁目８番１号　都庁第一本庁舎"',
      '1980-02-29',
      '2',
      'false',
      '54130018',
      '特定医療費（指定難病）受給者証',
      '0000018',
      '0',
      '2026-04-01',
      '2027-03-31',
      'H1',
      'false',
      '"[{""label"":""疾病名"",""value"":""全身性エリテマトーデス""}]"',
    ].join(','),
  );
  return [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

/** Streams the body in 1–3 byte chunks, so multi-byte characters are split across chunks. */
const trickle = (bytes: Buffer) => {
  const chunks: Buffer[] = [];
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const n = 1 + (k % 3);
    chunks.push(bytes.subarray(i, i + n));
    i += n;
  }
  return Readable.from(chunks);
};

const upload = (body: Buffer, contentType: string) =>
  t.app.inject({
    method: 'POST',
    url: `${PATH}?wait=20`,
    headers: { ...tokyo.headers, 'content-type': contentType },
    payload: trickle(body),
  });

async function outcome(serial: number, res: Awaited<ReturnType<typeof upload>>) {
  expect(res.statusCode, res.body).toBe(200);
  const results = (await tokyo.get(`${PATH}/${res.json().id}/results?limit=100`)).json().items as Record<string, unknown>[];
  const stored = await t.pool.query<{ record: { basicFiveInfo: unknown } }>(
    `SELECT record FROM recipient_certificate WHERE municipality_code = '130001' AND my_number = ANY($1) ORDER BY my_number`,
    [PEOPLE.map((_, i) => myNumber(serial + i))],
  );
  return {
    counts: res.json().counts,
    results: results.map((r) => ({ index: r.index, outcome: r.outcome, errors: r.errors })),
    basicFiveInfo: stored.rows.map((r) => r.record.basicFiveInfo),
  };
}

let nextSerial = 70_000;

describe('CSV uploads in Shift_JIS', () => {
  it.each(['Shift_JIS', 'windows-31j', 'cp932', '"SHIFT_JIS"'])(
    'charset=%s is decoded as it streams, with the same per-record results and rows as UTF-8',
    async (label) => {
      // Each case its own people: a random pick could give two cases the same ones (then `created` is 0).
      const serial = (nextSerial += 10);
      const utf8 = await outcome(serial, await upload(Buffer.from(csv(serial), 'utf8'), 'text/csv'));
      expect(utf8.counts).toMatchObject({ created: 2, rejected: 1 });
      expect(utf8.basicFiveInfo).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: '髙橋　﨑子', nameKana: 'タカハシ　サキコ', address: '東京都新宿区西新宿二丁目８番１号　都庁第一本庁舎' }),
        ]),
      );
      await t.pool.query(`DELETE FROM recipient_certificate WHERE municipality_code = '130001' AND my_number = ANY($1)`, [
        PEOPLE.map((_, i) => myNumber(serial + i)),
      ]);

      const res = await upload(iconv.encode(csv(serial), 'cp932'), `text/csv; charset=${label}`);
      expectMatchesOpenApi(res, 'POST', PATH);
      expect(await outcome(serial, res)).toEqual(utf8);
    },
  );

  it('refuses a UTF-8 file labelled Shift_JIS, storing nothing', async () => {
    const before = await t.pool.query('SELECT count(*)::int AS n FROM registration_task');
    const res = await upload(Buffer.from(csv(80_000), 'utf8'), 'text/csv; charset=Shift_JIS');
    expect([res.statusCode, res.json().code]).toEqual([400, 'invalid_shift_jis']);
    expect(res.json().detail).toBe('The CSV is UTF-8, not Shift_JIS: send it as text/csv; charset=utf-8 (or with no charset)');
    expectMatchesOpenApi(res, 'POST', PATH);
    expect((await t.pool.query('SELECT count(*)::int AS n FROM registration_task')).rows[0].n).toBe(before.rows[0].n);
  });

  it('refuses bytes that are not Shift_JIS, and a Shift_JIS file sent without its label, with a hint', async () => {
    const broken = Buffer.concat([iconv.encode(csv(81_000).slice(0, 400), 'cp932'), Buffer.from([0x82, 0xff, 0x0d, 0x0a])]);
    const bad = await upload(broken, 'text/csv; charset=cp932');
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'invalid_shift_jis']);
    const unlabelled = await upload(iconv.encode(csv(81_000), 'cp932'), 'text/csv');
    expect([unlabelled.statusCode, unlabelled.json().code]).toEqual([400, 'invalid_utf8']);
    expect(unlabelled.json().detail).toContain('charset=Shift_JIS');
  });

  it('lets exactly these labels through, for CSV uploads only', async () => {
    for (const [contentType, url] of [
      ['text/csv; charset=euc-jp', PATH],
      ['text/csv; charset=iso-2022-jp', PATH],
      ['application/x-ndjson; charset=shift_jis', PATH],
      ['application/json; charset=Shift_JIS', PATH],
      ['application/json; charset=cp932', '/municipal/v1/certificate-types/X1'],
    ]) {
      const res = await t.app.inject({ method: url === PATH ? 'POST' : 'PUT', url, headers: { ...tokyo.headers, 'content-type': contentType }, payload: '{}' });
      expect([res.statusCode, res.json().code], contentType).toEqual([415, 'unsupported_charset']);
    }
    const csvEuc = await t.app.inject({ method: 'POST', url: PATH, headers: { ...tokyo.headers, 'content-type': 'text/csv; charset=euc-jp' }, payload: 'x' });
    expect(csvEuc.json().detail).toContain('shift_jis, windows-31j, cp932');
  });
});
