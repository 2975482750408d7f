import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

let t: TestApp;
let tokyo: Awaited<ReturnType<typeof municipality>>;
let other: Awaited<ReturnType<typeof municipality>>;

beforeAll(async () => {
  // NDJSON uploads here are validated in worker threads (the default on two CPUs validates them on the event loop,
  // as registration-rules.test.ts and the crash test do).
  t = await createTestApp({ MAX_JSON_RECORDS: '50', UPLOAD_LIMIT_BYTES: '200000', UPLOAD_WORKER_THREADS: '2' });
  tokyo = await municipality(t.app, '130001');
  other = await municipality(t.app, '270008');
  expect((await tokyo.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
  expect((await tokyo.putType('LENIENT54', { ...NANBYO_TYPE, insurerNumbers: ['54130018', '54130019'], checkDigitValidation: 'lenient' })).statusCode).toBe(
    201,
  );
});
afterAll(() => t.close());

const PATH = '/municipal/v1/registration-tasks';

async function results(m: typeof tokyo, id: string, query = 'limit=1000') {
  const res = await m.get(`${PATH}/${id}/results?${query}`);
  expect(res.statusCode).toBe(200);
  expectMatchesOpenApi(res, 'GET', '/municipal/v1/registration-tasks/{id}/results');
  return res.json().items as {
    index: number;
    historyKey: string | null;
    outcome: string;
    errors: { field: string; code: string }[];
    warnings: { code: string }[];
  }[];
}

async function countRows(typeId = 'NANBYO54') {
  const { rows } = await t.pool.query(`SELECT count(*)::int AS n FROM recipient_certificate WHERE municipality_code = '130001' AND certificate_type_id = $1`, [
    typeId,
  ]);
  return rows[0].n as number;
}

describe('POST /municipal/v1/registration-tasks', () => {
  it('registers a JSON batch in the background: 202, Location, then succeeded', async () => {
    const res = await tokyo.upload([nanbyoRecord(1), nanbyoRecord(2), nanbyoRecord(3)]);
    expect(res.statusCode).toBe(202);
    expectMatchesOpenApi(res, 'POST', PATH);
    const task = res.json();
    expect(task).toMatchObject({ status: 'queued', receivedCount: 3, format: 'json', mode: 'upsert' });
    expect(res.headers.location).toBe(`${PATH}/${task.id}`);
    let done;
    for (let i = 0; i < 100; i++) {
      done = (await tokyo.get(`${PATH}/${task.id}`)).json();
      if (done.status === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(done).toMatchObject({ status: 'succeeded', counts: { received: 3, processed: 3, accepted: 3, rejected: 0, created: 3 } });
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();
    expect((await results(tokyo, task.id)).map((r) => r.outcome)).toEqual(['created', 'created', 'created']);
  });

  it('with ?wait answers 200 with the finished task; same records again are unchanged, a changed one updated', async () => {
    const first = await tokyo.upload([nanbyoRecord(11), nanbyoRecord(12)], { query: 'wait=20' });
    expect(first.statusCode).toBe(200);
    expectMatchesOpenApi(first, 'POST', PATH);
    expect(first.json().counts).toMatchObject({ created: 2 });
    const again = await tokyo.upload([nanbyoRecord(11), nanbyoRecord(12, { validTo: '2027-09-30' })], { query: 'wait=20' });
    expect(again.json()).toMatchObject({ status: 'succeeded', counts: { unchanged: 1, updated: 1, created: 0 } });
    const { rows } = await t.pool.query(`SELECT valid_to::text FROM recipient_certificate WHERE my_number = $1`, [myNumber(12)]);
    expect(rows).toEqual([{ valid_to: '2027-09-30' }]);
    // The same record with its fields (and those of basicFiveInfo) in another order is still the same record.
    const reordered = (r: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(r)
          .reverse()
          .map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v]),
      );
    const third = await tokyo.upload(
      [reordered(nanbyoRecord(11)), reordered(nanbyoRecord(12, { validTo: '2027-09-30', maxCopaymentAmount: { monthly: 5000 } }))],
      { query: 'wait=20' },
    );
    expect(third.json()).toMatchObject({ status: 'succeeded', counts: { unchanged: 1, updated: 1, created: 0 } });
  });

  it('deletes a history row with isDeleted, and rejects deleting an unknown row without failing the task', async () => {
    await tokyo.upload([nanbyoRecord(21, { historyKey: 'H1' }), nanbyoRecord(21, { historyKey: 'H2', validFrom: '2027-04-01', validTo: '2028-03-31' })], {
      query: 'wait=20',
    });
    const res = await tokyo.upload(
      [
        { orgSpecificCertificateTypeId: 'NANBYO54', myNumber: myNumber(21), historyKey: 'H1', isDeleted: true },
        { orgSpecificCertificateTypeId: 'NANBYO54', myNumber: myNumber(21), historyKey: 'NOPE', isDeleted: true },
      ],
      { query: 'wait=20' },
    );
    expect(res.json()).toMatchObject({ status: 'completed_with_errors', counts: { deleted: 1, rejected: 1 } });
    const items = await results(tokyo, res.json().id);
    expect(items[0]).toMatchObject({ index: 0, outcome: 'deleted', historyKey: 'H1' });
    expect(items[1]).toMatchObject({ index: 1, outcome: 'rejected', historyKey: 'NOPE', errors: [{ code: 'not_found' }] });
    const { rows } = await t.pool.query(`SELECT history_key FROM recipient_certificate WHERE my_number = $1`, [myNumber(21)]);
    expect(rows).toEqual([{ history_key: 'H2' }]);
  });

  it('rejects bad records one by one with all their errors, applying the others', async () => {
    const res = await tokyo.upload(
      [
        nanbyoRecord(31),
        nanbyoRecord(32, { myNumber: 123456789012, isAlwaysReimbursement: true, validFrom: '2027-02-30', unknownField: 1 }),
        nanbyoRecord(33, { medicalSubsidyInsurerNumber: '54130026', incomeSegment: 'NOPE' }),
        nanbyoRecord(31),
      ],
      { query: 'wait=20' },
    );
    expect(res.json()).toMatchObject({ status: 'completed_with_errors', counts: { received: 4, created: 1, rejected: 3 } });
    const items = await results(tokyo, res.json().id);
    expect(items[0]!.outcome).toBe('created');
    const codes = (i: number) => items[i]!.errors.map((e) => `${e.field}:${e.code}`).sort();
    expect(codes(1)).toEqual(
      expect.arrayContaining(['myNumber:wrong_type', 'isAlwaysReimbursement:wrong_type', 'validFrom:invalid_date', 'unknownField:unknown_field']),
    );
    expect(codes(2)).toEqual(expect.arrayContaining(['medicalSubsidyInsurerNumber:insurer_number_not_allowed', 'incomeSegment:unknown_income_segment']));
    expect(items[3]).toMatchObject({ outcome: 'rejected', errors: [{ code: 'duplicate_key' }] });
    const rejectedOnly = await results(tokyo, res.json().id, 'status=rejected');
    expect(rejectedOnly.map((r) => r.index)).toEqual([1, 2, 3]);
  });

  it('rejects a record nested 30,000 deep alone, as JSON and NDJSON, also with a NUL at the bottom', async () => {
    // The check for unstorable text walked records recursively: 10,000 nested objects overflowed the stack (500, found by the fuzz test).
    const deep = (bottom: string) => `${'['.repeat(30_000)}${bottom}${']'.repeat(30_000)}`;
    const record = (n: number, field: string, bottom: string) =>
      JSON.stringify(nanbyoRecord(n, { [field]: 0 })).replace(`"${field}":0`, `"${field}":${deep(bottom)}`);
    const lines = [record(141, 'certificationDetail', '1'), record(142, 'myNumber', '"a\\u0000b"'), JSON.stringify(nanbyoRecord(143))];
    for (const [payload, contentType] of [
      [`[${lines.join(',')}]`, 'application/json'],
      [lines.join('\n') + '\n', 'application/x-ndjson'],
    ] as const) {
      const res = await tokyo.upload(payload, { contentType, query: 'wait=20' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json(), contentType).toMatchObject({ status: 'completed_with_errors', counts: { received: 3, rejected: 2 } });
      const items = await results(tokyo, res.json().id);
      expect(items[0]!.errors.map((e) => e.field.split('.')[0])).toContain('certificationDetail');
      // Named by a short path, not 30,000 segments of it.
      expect(items[1]!.errors).toEqual([expect.objectContaining({ field: `myNumber${'.0'.repeat(7)}`, code: 'invalid_text' })]);
      expect(items[2]!.outcome).not.toBe('rejected');
    }
  });

  it('rejects PMH’s own example numbers under strict check digits and accepts them with a warning when lenient', async () => {
    const pmhExample = { myNumber: '210987654321', medicalSubsidyRecipientNumber: '0000002', medicalSubsidyInsurerNumber: '54130019' };
    const strict = await tokyo.upload([nanbyoRecord(0, { ...pmhExample, orgSpecificCertificateTypeId: 'NANBYO54' })], { query: 'wait=20' });
    const strictItems = await results(tokyo, strict.json().id);
    expect(strictItems[0]!.outcome).toBe('rejected');
    expect(strictItems[0]!.errors.map((e) => `${e.field}:${e.code}`)).toEqual(
      expect.arrayContaining(['myNumber:check_digit_mismatch', 'medicalSubsidyRecipientNumber:check_digit_mismatch']),
    );
    const lenient = await tokyo.upload([nanbyoRecord(0, { ...pmhExample, orgSpecificCertificateTypeId: 'LENIENT54' })], { query: 'wait=20' });
    expect(lenient.json().counts).toMatchObject({ created: 1, rejected: 0 });
    const lenientItems = await results(tokyo, lenient.json().id);
    expect(lenientItems[0]!.warnings.map((w) => w.code)).toContain('check_digit_not_verified');
  });

  it('accepts NDJSON with per-line errors and skips blank lines', async () => {
    const lines = [JSON.stringify(nanbyoRecord(41)), '', '{not json', JSON.stringify(nanbyoRecord(42)), '[1,2]', ''].join('\n');
    const res = await tokyo.upload(lines, { contentType: 'application/x-ndjson', query: 'wait=20' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ format: 'ndjson', receivedCount: 4, counts: { created: 2, rejected: 2 } });
    const items = await results(tokyo, res.json().id);
    expect(items.map((i) => i.outcome)).toEqual(['created', 'rejected', 'created', 'rejected']);
    expect(items[1]!.errors[0]!.code).toBe('malformed_json');
    expect(items[3]!.errors[0]!.code).toBe('not_an_object');
  });

  it('accepts CSV with PMH column names and refuses a header missing a column, storing nothing', async () => {
    const cols = [
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
    const row = (n: number) =>
      [
        'NANBYO54',
        myNumber(n),
        '都庁 花子',
        'トチョウ　ハナコ',
        '"東京都新宿区西新宿二丁目8番1号"',
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
      ].join(',');
    const csv = [cols.join(','), row(51), row(52)].join('\r\n') + '\r\n';
    const res = await tokyo.upload(csv, { contentType: 'text/csv', query: 'wait=20' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ format: 'csv', counts: { created: 2, rejected: 0 } });

    const before = await t.pool.query('SELECT count(*)::int AS n FROM registration_task');
    const bad = await tokyo.upload([cols.filter((c) => c !== 'myNumber').join(','), 'x'].join('\n'), { contentType: 'text/csv' });
    expect(bad.statusCode).toBe(400);
    expectMatchesOpenApi(bad, 'POST', PATH);
    expect(bad.json()).toMatchObject({ code: 'invalid_csv_header', errors: [{ field: 'myNumber', code: 'missing_column' }] });
    const after = await t.pool.query('SELECT count(*)::int AS n FROM registration_task');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it.each([
    ['a JSON object', '{"a":1}', 'application/json', 400, 'not_an_array'],
    ['an array with a non-object', '[{"a":1}, 3]', 'application/json', 400, 'not_an_object'],
    ['malformed JSON', '[{"a":', 'application/json', 400, 'malformed_json'],
    ['an empty body', '', 'application/json', 400, 'empty_body'],
    ['an empty array', '[]', 'application/json', 400, 'empty_batch'],
    ['only blank NDJSON lines', '\n\n', 'application/x-ndjson', 400, 'empty_batch'],
    ['invalid UTF-8 in JSON', Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]), 'application/json', 400, 'invalid_utf8'],
    ['invalid UTF-8 in CSV', Buffer.concat([Buffer.from('myNumber\n'), Buffer.from([0xc3, 0x28])]), 'text/csv', 400, 'invalid_utf8'],
    ['a CSV with a stray quote in the header', 'my"Number,historyKey\n1,2\n', 'text/csv', 400, 'malformed_csv'],
    ['a CSV with a quote never closed', '"myNumber,historyKey\n1,2\n', 'text/csv', 400, 'malformed_csv'],
    ['an unsupported content type', 'x', 'text/plain', 415, 'unsupported_media_type'],
    ['too many JSON records', JSON.stringify(Array.from({ length: 51 }, (_, i) => nanbyoRecord(i))), 'application/json', 413, 'too_many_records'],
    ['an NDJSON stream over the upload limit', `${JSON.stringify(nanbyoRecord(1))}\n`.repeat(400), 'application/x-ndjson', 413, 'upload_too_large'],
  ])('refuses %s whole with a problem and stores nothing', async (_name, payload, contentType, status, code) => {
    const before = await t.pool.query(
      'SELECT (SELECT count(*) FROM registration_task)::int AS tasks, (SELECT count(*) FROM registration_task_input)::int AS inputs',
    );
    const res = await tokyo.upload(payload, { contentType });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe(code);
    const after = await t.pool.query(
      'SELECT (SELECT count(*) FROM registration_task)::int AS tasks, (SELECT count(*) FROM registration_task_input)::int AS inputs',
    );
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it('answers 415 with the accepted upload types in the detail, Accept and Accept-Post', async () => {
    const res = await tokyo.upload('<records/>', { contentType: 'application/xml' });
    expect([res.statusCode, res.json().code]).toEqual([415, 'unsupported_media_type']);
    const types = 'application/json, application/x-ndjson, application/ndjson, text/csv';
    expect(res.json().detail).toBe(`Content-Type application/xml is not read here; send one of ${types}`);
    expect(res.headers['accept-post']).toBe(types);
    expect(res.headers.accept).toBe(types);
  });

  it('needs a municipality token; other municipalities cannot see a task', async () => {
    const anon = await t.app.inject({ method: 'POST', url: PATH, headers: { 'content-type': 'application/json' }, payload: '[]' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json().code).toBe('unauthenticated');
    const bad = await t.app.inject({ method: 'GET', url: `${PATH}/00000000-0000-4000-8000-000000000000`, headers: { authorization: 'Bearer nope' } });
    expect(bad.json().code).toBe('invalid_token');
    const mine = (await tokyo.upload([nanbyoRecord(61)], { query: 'wait=20' })).json();
    const theirs = await other.get(`${PATH}/${mine.id}`);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().code).toBe('task_not_found');
    expect((await other.get(`${PATH}/${mine.id}/results`)).statusCode).toBe(404);
  });

  it('replays the same task for the same Idempotency-Key and body, and refuses another body with 409', async () => {
    const body = [nanbyoRecord(71)];
    const a = await tokyo.upload(body, { idempotencyKey: 'nightly-2026-11-23', query: 'wait=20' });
    const b = await tokyo.upload(body, { idempotencyKey: 'nightly-2026-11-23' });
    expect(b.statusCode).toBe(202);
    expect(b.json().id).toBe(a.json().id);
    expect(b.headers['idempotent-replayed']).toBe('true');
    const c = await tokyo.upload([nanbyoRecord(72)], { idempotencyKey: 'nightly-2026-11-23' });
    expect(c.statusCode).toBe(409);
    expect(c.json().code).toBe('idempotency_key_reused');
  });

  it('validates records against the types as they were at the upload; a type deleted before they are applied rejects them', async () => {
    await tokyo.putType('SNAP54', { ...NANBYO_TYPE });
    await tokyo.putType('GONE54', { ...NANBYO_TYPE });
    // Holding the municipality's task lock keeps the task queued (its worker retries later).
    const holder = await t.pool.connect();
    let task;
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('registration:130001'))`);
      const res = await tokyo.upload([
        nanbyoRecord(91, { orgSpecificCertificateTypeId: 'SNAP54' }),
        nanbyoRecord(92, { orgSpecificCertificateTypeId: 'GONE54' }),
        nanbyoRecord(93, { orgSpecificCertificateTypeId: 'SNAP54', incomeSegment: 'NOPE' }),
      ]);
      expect(res.statusCode, res.body).toBe(202);
      task = res.json();
      // After the upload: SNAP54 no longer allows the records' 公費負担者番号 nor defines NOPE; GONE54 is gone.
      expect((await tokyo.putType('SNAP54', { ...NANBYO_TYPE, insurerNumbers: ['54130026'] })).statusCode).toBe(200);
      expect((await tokyo.get(`${PATH}/${task.id}`)).json().status).toBe('queued');
      const del = await t.app.inject({ method: 'DELETE', url: '/municipal/v1/certificate-types/GONE54', headers: tokyo.headers });
      expect(del.statusCode, del.body).toBe(204);
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(hashtext('registration:130001'))`);
      holder.release();
    }
    const done = await tokyo.finished(task.id);
    expect(done).toMatchObject({ status: 'completed_with_errors', counts: { created: 1, rejected: 2 } });
    const items = await results(tokyo, task.id);
    expect(items[0]).toMatchObject({ outcome: 'created', errors: [] });
    expect(items[1]).toMatchObject({ outcome: 'rejected', errors: [{ field: 'orgSpecificCertificateTypeId', code: 'unknown_certificate_type' }] });
    // Found against the type as it was: NOPE was never defined.
    expect(items[2]).toMatchObject({ outcome: 'rejected', errors: [{ field: 'incomeSegment' }] });
    expect(await countRows('SNAP54')).toBe(1);
    expect(await countRows('GONE54')).toBe(0);
  }, 30_000);

  it('a type being deleted while a task is applied: the chunk waits for the deletion, then rejects the records of the type that is gone', async () => {
    await tokyo.putType('RACE54', { ...NANBYO_TYPE });
    // The first half of a type deletion (src/certificate-types/repository.ts): its row locked FOR UPDATE.
    const deleter = await t.pool.connect();
    let task;
    try {
      await deleter.query('BEGIN');
      await deleter.query(`SELECT 1 FROM certificate_type WHERE municipality_code = '130001' AND id = 'RACE54' FOR UPDATE`);
      const res = await tokyo.upload([nanbyoRecord(94, { orgSpecificCertificateTypeId: 'RACE54' }), nanbyoRecord(95)]);
      expect(res.statusCode, res.body).toBe(202);
      task = res.json();
      // The chunk locks the type FOR KEY SHARE and waits; nothing is applied meanwhile.
      await new Promise((r) => setTimeout(r, 500));
      expect((await tokyo.get(`${PATH}/${task.id}`)).json()).toMatchObject({ status: 'running', counts: { created: 0, rejected: 0 } });
      await deleter.query(`DELETE FROM certificate_type WHERE municipality_code = '130001' AND id = 'RACE54'`);
      await deleter.query('COMMIT');
    } finally {
      deleter.release();
    }
    const done = await tokyo.finished(task.id);
    expect(done).toMatchObject({ status: 'completed_with_errors', counts: { created: 1, rejected: 1 } });
    const items = await results(tokyo, task.id);
    expect(items[0]).toMatchObject({ outcome: 'rejected', errors: [{ field: 'orgSpecificCertificateTypeId', code: 'unknown_certificate_type' }] });
    expect(items[1]).toMatchObject({ outcome: 'created' });
    expect(await countRows('RACE54')).toBe(0);
  }, 30_000);

  it('replace mode removes rows of the type absent from the batch, and reports how many', async () => {
    await tokyo.putType('REPL54', { ...NANBYO_TYPE });
    const rec = (n: number) => nanbyoRecord(n, { orgSpecificCertificateTypeId: 'REPL54' });
    await tokyo.upload([rec(81), rec(82), rec(83)], { query: 'wait=20' });
    expect(await countRows('REPL54')).toBe(3);
    const res = await tokyo.upload([rec(81), rec(84)], { query: 'wait=20&mode=replace&orgSpecificCertificateTypeId=REPL54' });
    expect(res.json()).toMatchObject({
      status: 'succeeded',
      mode: 'replace',
      orgSpecificCertificateTypeId: 'REPL54',
      counts: { unchanged: 1, created: 1, removed: 2 },
    });
    const { rows } = await t.pool.query(`SELECT my_number FROM recipient_certificate WHERE certificate_type_id = 'REPL54' ORDER BY my_number`);
    expect(rows.map((r) => r.my_number)).toEqual([myNumber(81), myNumber(84)].sort());
    const missing = await tokyo.upload([rec(81)], { query: 'mode=replace&orgSpecificCertificateTypeId=NOPE' });
    expect(missing.statusCode).toBe(422);
  });

  it('pages results with a cursor and downloads them as NDJSON and CSV', async () => {
    const res = await tokyo.upload([nanbyoRecord(91), nanbyoRecord(92, { sex: 9 }), nanbyoRecord(93)], { query: 'wait=20' });
    const id = res.json().id;
    const p1 = (await tokyo.get(`${PATH}/${id}/results?limit=2`)).json();
    expect(p1.items.map((i: { index: number }) => i.index)).toEqual([0, 1]);
    const p2 = (await tokyo.get(`${PATH}/${id}/results?limit=2&cursor=${p1.nextCursor}`)).json();
    expect(p2).toMatchObject({ items: [{ index: 2 }], nextCursor: null });
    const nd = await tokyo.get(`${PATH}/${id}/results`, { accept: 'application/x-ndjson' });
    expect(nd.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = nd.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.outcome)).toEqual(['created', 'rejected', 'created']);
    const csv = await tokyo.get(`${PATH}/${id}/results?status=rejected`, { accept: 'text/csv' });
    expect(csv.body.split('\r\n').join('\n').trim().split('\n')).toHaveLength(2);
    expect(csv.body).toMatch(/^index,historyKey,outcome,errors,warnings\n1,"H1",rejected,/);
  });
});
