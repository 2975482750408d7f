import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const PATH = '/municipal/v1/registration-tasks';
const NAME = '都庁花子';
const MY_NUMBER = '735192640806';

async function resultsText(m: Awaited<ReturnType<typeof municipality>>, id: string) {
  const res = await m.get(`${PATH}/${id}/results?limit=1000`);
  expect(res.statusCode, res.body).toBe(200);
  return res.body;
}

describe('personal data is never read back out', () => {
  it('a CSV without its header row: the 400 quotes none of the first row’s cells', async () => {
    const m = await municipality(t.app, '130001');
    expect((await m.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
    const row = ['NANBYO54', MY_NUMBER, NAME, 'トチョウハナコ', '東京都新宿区西新宿二丁目8番1号', '1980-02-29', '2', 'false'].join(',');
    const res = await m.upload(`${row}\n${row}\n`, { contentType: 'text/csv' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid_csv_header');
    for (const cell of [MY_NUMBER, NAME, 'トチョウハナコ', '西新宿', '1980-02-29']) expect(res.body).not.toContain(cell);
    expect(res.body).toContain('not a header of PMH field names');
  });

  it('an unknown header cell is named by its position, quoted only when it looks like a field name', async () => {
    const m = await municipality(t.app, '130001');
    const res = await m.upload(`myNumber,gender,${NAME}\n1,2,3\n`, { contentType: 'text/csv' });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(NAME);
    expect(res.body).toContain('column 2 \\"gender\\"');
    expect(res.body).toContain('column 3 is not a PMH field');
  });

  it('a JSON syntax error gives its position, not the text around it (body and NDJSON line)', async () => {
    const m = await municipality(t.app, '130001');
    await m.putType('NANBYO54', NANBYO_TYPE);
    const bad = `[{"name":"${NAME}" "myNumber":"${MY_NUMBER}"}]`;
    const body = await m.upload(bad, { contentType: 'application/json' });
    expect(body.statusCode).toBe(400);
    expect(body.json().code).toBe('malformed_json');
    expect(body.body).not.toContain(NAME);
    expect(body.body).not.toContain(MY_NUMBER.slice(0, 10));
    expect(body.json().detail).toMatch(/line 1 column \d+/);

    const lines = [JSON.stringify(nanbyoRecord(41)), `{"myNumber":"${MY_NUMBER}", "name": ${NAME}}`].join('\n');
    const res = await m.upload(lines, { contentType: 'application/x-ndjson', query: 'wait=20' });
    expect(res.statusCode, res.body).toBe(200);
    const text = await resultsText(m, res.json().id);
    expect(text).toContain('malformed_json');
    expect(text).not.toContain(NAME);
    expect(text).not.toContain(MY_NUMBER.slice(0, 10));
  });

  it('a string holding NUL or a lone surrogate is a per-record invalid_text, not a 500', async () => {
    const m = await municipality(t.app, '130001');
    await m.putType('NANBYO54', NANBYO_TYPE);
    const nul = nanbyoRecord(61) as Record<string, unknown>;
    nul.historyKey = 'H\u0000';
    const lone = nanbyoRecord(62) as { basicFiveInfo: Record<string, unknown> };
    lone.basicFiveInfo.name = '太\ud800';
    for (const contentType of ['application/json', 'application/x-ndjson']) {
      const payload = contentType === 'application/json' ? JSON.stringify([nul, lone]) : `${JSON.stringify(nul)}\n${JSON.stringify(lone)}\n`;
      const res = await m.upload(payload, { contentType, query: 'wait=20' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().counts).toMatchObject({ rejected: 2 });
      const items = JSON.parse(await resultsText(m, res.json().id)).items as { errors: { field: string; code: string }[] }[];
      expect(items.map((i) => i.errors)).toEqual([
        [expect.objectContaining({ field: 'historyKey', code: 'invalid_text' })],
        [expect.objectContaining({ field: 'basicFiveInfo.name', code: 'invalid_text' })],
      ]);
    }
  });

  it('the journal keeps no 個人番号 in any form, nor percent-encoded names, in paths or query strings', async () => {
    const m = await municipality(t.app, '130001');
    const forms = [
      '7351-9264-0806',
      '7351926408061',
      '７３５１９２６４０８０６',
      encodeURIComponent('７３５１９２６４０８０６'),
      '%37%33%35%31%39%32%36%34%30%38%30%36',
      '7351%2D9264%2D0806',
      encodeURIComponent('都庁 太郎'),
      encodeURIComponent('東京都新宿区'),
    ];
    for (const f of forms) {
      await t.app.inject({ method: 'GET', url: `/municipal/v1/recipients/${f}?myNumber=${f}`, headers: m.headers });
      await t.app.inject({ method: 'GET', url: `/catalogue/v1/municipalities?q=${f}` });
    }
    const res = await t.app.inject({ method: 'GET', url: '/sandbox/v1/requests?limit=1000', headers: adminHeaders });
    expect(res.statusCode).toBe(200);
    // Request ids are random UUIDs, whose hex may hold any 4 digits: only what came from the request is searched.
    const text = JSON.stringify((res.json() as { items: Record<string, unknown>[] }).items.map(({ requestId: _id, ...entry }) => entry));
    for (const f of forms) expect(text).not.toContain(f);
    for (const f of ['7351', '９２６４', '都庁', '%E9%83%BD', '%E6%9D%B1']) expect(text).not.toContain(f);
    expect(text).toContain('/municipal/v1/recipients/************');
    void myNumber;
  });
});
