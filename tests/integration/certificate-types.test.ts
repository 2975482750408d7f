import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/numbers.js';
import { registrationsRepository } from '../../src/registrations/repository.js';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';

let t: TestApp;
/** Bearer tokens: 東京都 (prefecture), 八王子市 (中核市), 横浜市 (指定都市), 千代田区 (特別区), 瑞穂町 (町), 横浜市鶴見区 (行政区). */
const tokens: Record<string, string> = {};

const ONE = '/municipal/v1/certificate-types/{orgSpecificCertificateTypeId}';
const LIST = '/municipal/v1/certificate-types';

async function issueToken(lgCode: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: `/sandbox/v1/municipalities/${lgCode}/credentials`, headers: adminHeaders });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().token as string;
}

beforeAll(async () => {
  t = await createTestApp();
  for (const [name, code] of Object.entries({
    tokyo: '130001',
    hachioji: '132012',
    yokohama: '141003',
    chiyoda: '131016',
    mizuho: '133035',
    tsurumi: '141011',
  })) {
    tokens[name] = await issueToken(code);
  }
});
afterAll(() => t.close());

type Method = 'GET' | 'PUT' | 'DELETE';
const call = (method: Method, url: string, token: string | undefined, payload?: unknown) =>
  t.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });
const put = (token: string, id: string, body: unknown) => call('PUT', `${LIST}/${id}`, token, body);

/** 東京都's 難病 type: 54130018 = 法別 54, 東京都 13, 実施機関 001, 検証 8. */
const NANBYO = {
  kind: 'national',
  lawCode: '54',
  name: '特定医療費（指定難病）受給者証',
  insurerNumbers: ['54130018'],
  incomeSegments: [
    { code: 'A', name: '生活保護', monthlyCap: 0 },
    { code: 'D', name: '一般所得Ⅰ', monthlyCap: 10000 },
  ],
  segments: [{ code: '1', name: '高額かつ長期' }],
};

/** 八王子市's local (地単) type with its real 公費負担者番号 88138243. */
const NYUYOJI = {
  kind: 'local',
  localCategory: 'children',
  name: '乳幼児医療証',
  insurerNumbers: ['88138243'],
  additionalConditionItems: [{ itemCode: 'K1', name: '入院・外来', conditionCodes: ['1', '2'] }],
  copay: { rate: 0, inpatientOutpatientCombined: false },
};

describe('authentication', () => {
  it('answers 401 unauthenticated without a token and invalid_token with an unknown one', async () => {
    for (const [method, url, path, body] of [
      ['GET', LIST, LIST, undefined],
      ['GET', `${LIST}/X1`, ONE, undefined],
      ['PUT', `${LIST}/X1`, ONE, NANBYO],
      ['DELETE', `${LIST}/X1`, ONE, undefined],
    ] as const) {
      const none = await call(method, url, undefined, body);
      expect(none.statusCode, `${method} ${url}`).toBe(401);
      expect(none.json().code).toBe('unauthenticated');
      expectMatchesOpenApi(none, method, path);
      const unknown = await call(method, url, 'pmh_mun_not-a-real-token', body);
      expect(unknown.statusCode).toBe(401);
      expect(unknown.json().code).toBe('invalid_token');
      expectMatchesOpenApi(unknown, method, path);
    }
  });
});

describe('create, replace, read, list, delete', () => {
  it('creates a national type (201) with defaults applied, then replaces it (200)', async () => {
    const created = await put(tokens.tokyo!, 'NANBYO', NANBYO);
    expect(created.statusCode, created.body).toBe(201);
    expectMatchesOpenApi(created, 'PUT', ONE);
    const body = created.json();
    expect(body).toEqual({
      orgSpecificCertificateTypeId: 'NANBYO',
      ...NANBYO,
      additionalConditionItems: [],
      copay: {},
      // 難病 54 requires 指定医療機関: the catalogue's rule is the default.
      requiresDesignatedInstitutions: true,
      checkDigitValidation: 'strict',
      // Provisional charging rules: none given, so the law defaults apply.
      copaymentRules: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(body.createdAt).toBe(body.updatedAt);

    const replaced = await put(tokens.tokyo!, 'NANBYO', { ...NANBYO, name: '特定医療費受給者証', segments: [], requiresDesignatedInstitutions: false });
    expect(replaced.statusCode).toBe(200);
    expectMatchesOpenApi(replaced, 'PUT', ONE);
    const after = replaced.json();
    expect(after).toMatchObject({ name: '特定医療費受給者証', segments: [], requiresDesignatedInstitutions: false, createdAt: body.createdAt });
    expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(Date.parse(body.updatedAt));

    const read = await call('GET', `${LIST}/NANBYO`, tokens.tokyo);
    expect(read.statusCode).toBe(200);
    expectMatchesOpenApi(read, 'GET', ONE);
    expect(read.json()).toEqual(after);
  });

  it('creates a local (地単) type for 八王子市', async () => {
    const res = await put(tokens.hachioji!, 'NYUYOJI', NYUYOJI);
    expect(res.statusCode, res.body).toBe(201);
    expectMatchesOpenApi(res, 'PUT', ONE);
    expect(res.json()).toMatchObject({
      ...NYUYOJI,
      orgSpecificCertificateTypeId: 'NYUYOJI',
      requiresDesignatedInstitutions: false,
      incomeSegments: [],
      segments: [],
    });
    expect(res.json()).not.toHaveProperty('lawCode');
  });

  it('lets each authority define the national programs it implements (pmh.md §5)', async () => {
    const accepted: [string, string, string][] = [
      ['yokohama', '54', '14'],
      ['yokohama', '21', '14'],
      ['yokohama', '15', '14'],
      ['hachioji', '52', '13'],
      ['chiyoda', '15', '13'],
      ['chiyoda', '10', '13'],
      ['mizuho', '15', '13'],
      ['mizuho', '16', '13'],
      ['mizuho', '23', '13'],
    ];
    for (const [who, lawCode, pref] of accepted) {
      const res = await put(tokens[who]!, `L${lawCode}`, {
        kind: 'national',
        lawCode,
        name: `法別${lawCode}`,
        insurerNumbers: [withCheckDigit('insurerNumber', `${lawCode}${pref}001`)],
      });
      expect(res.statusCode, `${who} ${lawCode}: ${res.body}`).toBe(201);
    }
  });

  it('lists the caller’s types in id order, paginated, and only its own', async () => {
    for (const id of ['B2', 'A1', 'C3']) expect((await put(tokens.tokyo!, id, { ...NANBYO, name: id })).statusCode).toBe(201);
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call('GET', `${LIST}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, tokens.tokyo);
      expect(res.statusCode).toBe(200);
      expectMatchesOpenApi(res, 'GET', LIST);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      ids.push(...page.items.map((i: { orgSpecificCertificateTypeId: string }) => i.orgSpecificCertificateTypeId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(ids).toEqual(['A1', 'B2', 'C3', 'NANBYO']);

    const theirs = (await call('GET', LIST, tokens.hachioji)).json();
    expect(theirs.items.map((i: { orgSpecificCertificateTypeId: string }) => i.orgSpecificCertificateTypeId)).toEqual(['L52', 'NYUYOJI']);
    expect(theirs.nextCursor).toBeNull();
  });

  it('rejects a cursor it did not issue', async () => {
    const res = await call('GET', `${LIST}?cursor=${Buffer.from('../x').toString('base64url')}`, tokens.tokyo);
    expect(res.statusCode).toBe(400);
    expectMatchesOpenApi(res, 'GET', LIST);
    expect(res.json().code).toBe('invalid_cursor');
  });

  it('hides another municipality’s type: 404 on GET and DELETE, and the same id is free for it', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await call(method, `${LIST}/NANBYO`, tokens.hachioji);
      expect(res.statusCode, method).toBe(404);
      expectMatchesOpenApi(res, method, ONE);
      expect(res.json().code).toBe('certificate_type_not_found');
    }
    const own = await put(tokens.hachioji!, 'NANBYO', { ...NYUYOJI, name: '同じIDの別の種別' });
    expect(own.statusCode).toBe(201);
    expect((await call('GET', `${LIST}/NANBYO`, tokens.tokyo)).json().kind).toBe('national');
  });

  it('deletes a type (204), after which it is gone (404)', async () => {
    const res = await call('DELETE', `${LIST}/A1`, tokens.tokyo);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const gone = await call('GET', `${LIST}/A1`, tokens.tokyo);
    expect(gone.statusCode).toBe(404);
    const again = await call('DELETE', `${LIST}/A1`, tokens.tokyo);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('certificate_type_not_found');
  });

  it('refuses to delete a type that registered records refer to (409)', async () => {
    expect((await put(tokens.tokyo!, 'INUSE', NANBYO)).statusCode).toBe(201);
    // Registration through the API is being built separately; until then the referencing row is inserted directly.
    await t.db.recipientCertificate.create({
      data: {
        municipalityCode: '130001',
        certificateTypeId: 'INUSE',
        myNumber: '123456789018',
        certificationSubKey: '',
        historyKey: 'h1',
        validFrom: new Date('2026-04-01'),
        validTo: new Date('2027-03-31'),
        isNotDisclosed: false,
        insurerNumber: '54130018',
        recipientNumber: '0000018',
        record: { certificationName: '特定医療費（指定難病）受給者証' },
        lastTaskId: randomUUID(),
      },
    });
    const res = await call('DELETE', `${LIST}/INUSE`, tokens.tokyo);
    expect(res.statusCode).toBe(409);
    expectMatchesOpenApi(res, 'DELETE', ONE);
    expect(res.json().code).toBe('certificate_type_in_use');
    expect((await call('GET', `${LIST}/INUSE`, tokens.tokyo)).statusCode).toBe(200);

    await t.db.recipientCertificate.deleteMany({ where: { municipalityCode: '130001', certificateTypeId: 'INUSE' } });
    expect((await call('DELETE', `${LIST}/INUSE`, tokens.tokyo)).statusCode).toBe(204);
  });

  it('a delete racing a registration chunk waits for it, then refuses (409): the rows it committed keep the type', async () => {
    expect((await put(tokens.tokyo!, 'RACE', NANBYO)).statusCode).toBe(201);
    const chunk = await t.pool.connect();
    let answered = false;
    try {
      // What a registration chunk does (src/registrations/processor.ts): lock the types it uses, then write rows.
      await chunk.query('BEGIN');
      expect(await registrationsRepository(t.db, t.pool).lockCertificateTypes(chunk, '130001', ['RACE', 'NOSUCH'])).toEqual(new Set(['RACE']));
      await chunk.query(
        `INSERT INTO recipient_certificate (municipality_code, certificate_type_id, my_number, certification_sub_key, history_key, valid_from, valid_to, is_not_disclosed, record, last_task_id)
         VALUES ('130001', 'RACE', '123456789018', '', 'h1', '2026-04-01', '2027-03-31', false, '{}', $1)`,
        [randomUUID()],
      );
      const del = call('DELETE', `${LIST}/RACE`, tokens.tokyo).then((r) => {
        answered = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(answered).toBe(false);
      await chunk.query('COMMIT');
      const res = await del;
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().code).toBe('certificate_type_in_use');
    } finally {
      chunk.release();
    }
    expect((await call('GET', `${LIST}/RACE`, tokens.tokyo)).statusCode).toBe(200);
    await t.pool.query(`DELETE FROM recipient_certificate WHERE municipality_code = '130001' AND certificate_type_id = 'RACE'`);
    expect((await call('DELETE', `${LIST}/RACE`, tokens.tokyo)).statusCode).toBe(204);
  });
});

describe('business rules (422)', () => {
  const rejected = async (token: string, body: unknown, code: string) => {
    const res = await put(token, 'RULE', body);
    expect(res.statusCode, res.body).toBe(422);
    expectMatchesOpenApi(res, 'PUT', ONE);
    const problem = res.json();
    expect(problem.code).toBe(code);
    expect(problem.errors.length).toBeGreaterThan(0);
    expect(problem.errors[0].code).toBe(code);
    return problem as { code: string; detail: string; errors: { field: string; code: string; message: string }[] };
  };

  it('unknown_law_code: lawCode must be a national program of the catalogue', async () => {
    const p = await rejected(tokens.tokyo!, { ...NANBYO, lawCode: '88', insurerNumbers: [] }, 'unknown_law_code');
    expect(p.errors[0]!.field).toBe('lawCode');
  });

  it('implementer_not_allowed: names the program, its implementers and the municipality’s kind', async () => {
    const p = await rejected(tokens.hachioji!, { ...NANBYO, insurerNumbers: [] }, 'implementer_not_allowed');
    expect(p.errors[0]).toMatchObject({ field: 'lawCode' });
    expect(p.errors[0]!.message).toContain('特定医療');
    expect(p.errors[0]!.message).toContain('都道府県, 指定都市');
    expect(p.errors[0]!.message).toContain('八王子市');
    expect(p.errors[0]!.message).toContain('中核市');

    const refused: [string, string][] = [
      ['hachioji', '21'],
      ['chiyoda', '54'],
      ['mizuho', '52'],
      ['tokyo', '15'],
      ['yokohama', '18'],
      ['tokyo', '62'],
    ];
    for (const [who, lawCode] of refused) {
      const res = await put(tokens[who]!, 'RULE', { kind: 'national', lawCode, name: 'x' });
      expect(res.statusCode, `${who} ${lawCode}`).toBe(422);
      expect(res.json().code).toBe('implementer_not_allowed');
    }
  });

  it('implementer_not_allowed: a 行政区 defines no types at all', async () => {
    const p = await rejected(tokens.tsurumi!, { ...NYUYOJI, insurerNumbers: [] }, 'implementer_not_allowed');
    expect(p.errors[0]!.field).toBe('kind');
  });

  it('insurer_number_wrong_prefecture: the 都道府県番号 must be the municipality’s', async () => {
    // 54016027 is a real, valid 北海道 number.
    const p = await rejected(tokens.tokyo!, { ...NANBYO, insurerNumbers: ['54130018', '54016027'] }, 'insurer_number_wrong_prefecture');
    expect(p.errors).toEqual([expect.objectContaining({ field: 'insurerNumbers.1', code: 'insurer_number_wrong_prefecture' })]);
  });

  it('insurer_number_wrong_law_code: a national type’s numbers carry its 法別番号', async () => {
    const p = await rejected(tokens.tokyo!, { ...NANBYO, insurerNumbers: ['21130018'] }, 'insurer_number_wrong_law_code');
    expect(p.errors[0]!.field).toBe('insurerNumbers.0');
  });

  it('insurer_number_invalid: wrong check digit, unless checkDigitValidation is lenient', async () => {
    const p = await rejected(tokens.tokyo!, { ...NANBYO, insurerNumbers: ['54130019'] }, 'insurer_number_invalid');
    expect(p.errors[0]!.message).toContain('expected 8');

    const lenient = await put(tokens.tokyo!, 'LENIENT', { ...NANBYO, insurerNumbers: ['54130019'], checkDigitValidation: 'lenient' });
    expect(lenient.statusCode, lenient.body).toBe(201);
    expect(lenient.json()).toMatchObject({ insurerNumbers: ['54130019'], checkDigitValidation: 'lenient' });

    // Lenient still checks the prefecture.
    await rejected(tokens.tokyo!, { ...NANBYO, insurerNumbers: ['54010000'], checkDigitValidation: 'lenient' }, 'insurer_number_wrong_prefecture');
  });

  it('a local type’s numbers may carry any 法別番号 but must be of its prefecture', async () => {
    expect((await put(tokens.hachioji!, 'LOCAL2', { ...NYUYOJI, insurerNumbers: ['81136244', '89131247'] })).statusCode).toBe(201);
    await rejected(tokens.hachioji!, { ...NYUYOJI, insurerNumbers: ['52378015'] }, 'insurer_number_wrong_prefecture');
  });

  it('duplicate_code: codes are unique within each list', async () => {
    const cases: [unknown, string][] = [
      [
        {
          ...NANBYO,
          incomeSegments: [
            { code: 'A', name: 'x' },
            { code: 'A', name: 'y' },
          ],
        },
        'incomeSegments.1.code',
      ],
      [
        {
          ...NANBYO,
          segments: [
            { code: '1', name: 'x' },
            { code: '2', name: 'y' },
            { code: '1', name: 'z' },
          ],
        },
        'segments.2.code',
      ],
      [
        {
          ...NANBYO,
          additionalConditionItems: [
            { itemCode: 'K', name: 'x', conditionCodes: ['1'] },
            { itemCode: 'K', name: 'y', conditionCodes: ['1'] },
          ],
        },
        'additionalConditionItems.1.itemCode',
      ],
      [{ ...NANBYO, additionalConditionItems: [{ itemCode: 'K', name: 'x', conditionCodes: ['1', '2', '1'] }] }, 'additionalConditionItems.0.conditionCodes.2'],
      [{ ...NANBYO, insurerNumbers: ['54130018', '54130018'] }, 'insurerNumbers.1'],
    ];
    for (const [body, field] of cases) {
      const p = await rejected(tokens.tokyo!, body, 'duplicate_code');
      expect(p.errors).toEqual([expect.objectContaining({ field, code: 'duplicate_code' })]);
    }
  });

  it('reports every violation, with the first as the problem code', async () => {
    const p = await rejected(
      tokens.hachioji!,
      {
        ...NANBYO,
        insurerNumbers: ['54130019', '21140017'],
        segments: [
          { code: 'S', name: 'x' },
          { code: 'S', name: 'y' },
        ],
      },
      'implementer_not_allowed',
    );
    expect(p.errors.map((e) => e.code)).toEqual([
      'implementer_not_allowed',
      'insurer_number_invalid',
      'insurer_number_wrong_prefecture',
      'insurer_number_wrong_law_code',
      'duplicate_code',
    ]);
    expect(p.detail).toContain('4 more');
    // Nothing was stored.
    expect((await call('GET', `${LIST}/RULE`, tokens.hachioji)).statusCode).toBe(404);
  });
});

describe('schema errors (400)', () => {
  const invalid: [string, unknown][] = [
    ['national with localCategory', { ...NANBYO, localCategory: 'children' }],
    ['local with lawCode', { ...NYUYOJI, lawCode: '54' }],
    ['national without lawCode', { kind: 'national', name: 'x' }],
    ['local without localCategory', { kind: 'local', name: 'x' }],
    ['unknown kind', { kind: 'municipal', name: 'x' }],
    ['unknown localCategory', { ...NYUYOJI, localCategory: 'elderly' }],
    ['name of the wrong JSON type', { ...NANBYO, name: 123 }],
    ['empty name', { ...NANBYO, name: ' ' }],
    ['insurerNumbers not an array', { ...NANBYO, insurerNumbers: '54130018' }],
    ['insurer number of 7 digits', { ...NANBYO, insurerNumbers: ['5413001'] }],
    ['full-width insurer number', { ...NANBYO, insurerNumbers: ['５４１３００１８'] }],
    ['code longer than 20', { ...NANBYO, segments: [{ code: 'A'.repeat(21), name: 'x' }] }],
    ['code with a hyphen', { ...NANBYO, segments: [{ code: 'A-1', name: 'x' }] }],
    ['full-width code', { ...NANBYO, incomeSegments: [{ code: 'Ａ', name: 'x' }] }],
    ['negative monthlyCap', { ...NANBYO, incomeSegments: [{ code: 'A', name: 'x', monthlyCap: -1 }] }],
    ['copay rate above 1', { ...NANBYO, copay: { rate: 1.5 } }],
    ['condition item without conditions', { ...NANBYO, additionalConditionItems: [{ itemCode: 'K', name: 'x', conditionCodes: [] }] }],
    ['unknown checkDigitValidation', { ...NANBYO, checkDigitValidation: 'off' }],
    ['unknown field (typo)', { ...NANBYO, insurerNumber: ['54130018'] }],
    ['an array body', [NANBYO]],
  ];
  for (const [what, body] of invalid) {
    it(`rejects ${what}`, async () => {
      const res = await put(tokens.tokyo!, 'BAD', body);
      expect(res.statusCode, res.body).toBe(400);
      expectMatchesOpenApi(res, 'PUT', ONE);
      expect(res.json().code).toBe('validation_failed');
    });
  }

  it('rejects malformed JSON and ids that are not 1–50 半角英数', async () => {
    const malformed = await t.app.inject({
      method: 'PUT',
      url: `${LIST}/BAD`,
      headers: { authorization: `Bearer ${tokens.tokyo}`, 'content-type': 'application/json' },
      payload: '{"kind": "national",',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('malformed_json');
    for (const id of ['A'.repeat(51), 'has-hyphen', encodeURIComponent('全角')]) {
      for (const method of ['PUT', 'GET', 'DELETE'] as const) {
        const res = await call(method, `${LIST}/${id}`, tokens.tokyo, method === 'PUT' ? NANBYO : undefined);
        expect(res.statusCode, `${method} ${id}`).toBe(400);
        expectMatchesOpenApi(res, method, ONE);
        expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'orgSpecificCertificateTypeId' }] });
      }
    }
    expect((await call('GET', `${LIST}/BAD`, tokens.tokyo)).statusCode).toBe(404);
  });
});

describe('copaymentRules (provisional charging rules)', () => {
  const ROW = {
    kind: 'local',
    label: 'ひとり親 外来',
    conditions: { settings: ['outpatient', 'dental'] },
    copay: { kind: 'remaining' },
    perDayCap: 500,
    countLimit: { unit: 'day', max: 2, after: 'free' },
    monthlyCap: { amount: 2500, scope: 'across_institutions', mode: 'window' },
    grouping: { inpatientOutpatient: 'separate', dental: 'separate' },
    pharmacy: 'free',
    food: 'full',
    rounding: 'round10',
  };

  it('a national type keeps its overrides; replacing it without them answers null again', async () => {
    const rules = { share: 0.1, monthlyCap: 5000, food: 'half', rounding: 'floor10' };
    const res = await put(tokens.tokyo!, 'RULES54', { ...NANBYO, copaymentRules: rules });
    expect(res.statusCode, res.body).toBe(201);
    expectMatchesOpenApi(res, 'PUT', ONE);
    expect(res.json().copaymentRules).toEqual(rules);
    const read = await call('GET', `${LIST}/RULES54`, tokens.tokyo);
    expectMatchesOpenApi(read, 'GET', ONE);
    expect(read.json().copaymentRules).toEqual(rules);
    const list = await call('GET', `${LIST}?limit=100`, tokens.tokyo);
    expectMatchesOpenApi(list, 'GET', LIST);
    expect(list.json().items.find((i: { orgSpecificCertificateTypeId: string }) => i.orgSpecificCertificateTypeId === 'RULES54').copaymentRules).toEqual(rules);

    const replaced = await put(tokens.tokyo!, 'RULES54', NANBYO);
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().copaymentRules).toBeNull();
    expect((await call('GET', `${LIST}/RULES54`, tokens.tokyo)).json().copaymentRules).toBeNull();
  });

  it('a local type keeps its rule rows in order', async () => {
    const rows = [ROW, { ...ROW, label: 'ひとり親 入院', conditions: { settings: ['inpatient'] }, countLimit: undefined, food: 'half' }].map(
      (r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>,
    );
    const res = await put(tokens.hachioji!, 'HITORI', { ...NYUYOJI, localCategory: 'single_parent', copaymentRules: { rows } });
    expect(res.statusCode, res.body).toBe(201);
    expectMatchesOpenApi(res, 'PUT', ONE);
    expect(res.json().copaymentRules).toEqual({ rows });
    expect((await call('GET', `${LIST}/HITORI`, tokens.hachioji)).json().copaymentRules).toEqual({ rows });
  });

  it.each<[string, Record<string, unknown>, unknown, string]>([
    ['rows on a national type', NANBYO, { rows: [ROW] }, 'copaymentRules'],
    ['national overrides on a local type', NYUYOJI, { share: 0.1 }, 'copaymentRules'],
    ['a share above 1', NANBYO, { share: 1.5 }, 'copaymentRules.share'],
    ['an unknown override (typo)', NANBYO, { cap: 5000 }, 'copaymentRules'],
    ['no rows', NYUYOJI, { rows: [] }, 'copaymentRules.rows'],
    ['a fixed copay without its amount', NYUYOJI, { rows: [{ ...ROW, copay: { kind: 'fixed' } }] }, 'copaymentRules.rows.0.copay.amountPerVisit'],
    ['a negative day cap', NYUYOJI, { rows: [{ ...ROW, perDayCap: -1 }] }, 'copaymentRules.rows.0.perDayCap'],
    ['an unknown setting', NYUYOJI, { rows: [{ ...ROW, conditions: { settings: ['ward'] } }] }, 'copaymentRules.rows.0.conditions.settings.0'],
  ])('rejects %s (400, the failing field named)', async (_what, type, copaymentRules, field) => {
    const res = await put(type === NANBYO ? tokens.tokyo! : tokens.hachioji!, 'BADRULES', { ...type, copaymentRules });
    expect(res.statusCode, res.body).toBe(400);
    expectMatchesOpenApi(res, 'PUT', ONE);
    const problem = res.json();
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('invalid_copayment_rules (422): an age band that never matches, a 所得区分 the type does not define', async () => {
    const rows = [
      { ...ROW, conditions: { ageMin: 10, ageMax: 5 } },
      { ...ROW, conditions: { incomeSegments: ['NOPE'] } },
    ];
    const res = await put(tokens.hachioji!, 'BADRULES', { ...NYUYOJI, copaymentRules: { rows } });
    expect(res.statusCode, res.body).toBe(422);
    expectMatchesOpenApi(res, 'PUT', ONE);
    expect(res.json()).toMatchObject({
      code: 'invalid_copayment_rules',
      errors: [
        { field: 'copaymentRules.rows.0.conditions.ageMax', code: 'invalid_copayment_rules' },
        { field: 'copaymentRules.rows.1.conditions.incomeSegments.0', code: 'invalid_copayment_rules' },
      ],
    });
    expect((await call('GET', `${LIST}/BADRULES`, tokens.hachioji)).statusCode).toBe(404);
  });
});

describe('robustness', () => {
  const field = fc.constantFrom(
    'kind',
    'lawCode',
    'localCategory',
    'name',
    'insurerNumbers',
    'incomeSegments',
    'segments',
    'additionalConditionItems',
    'copay',
    'requiresDesignatedInstitutions',
    'checkDigitValidation',
  );
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('national', 'local', '54', '15', '88', 'children', 'strict', 'lenient', ['54130018'], ['54130019'], [{ code: 'A', name: 'x' }]),
  );
  const body = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(field, value, { maxKeys: 11 }));

  it('answers any body with 200/201 or a 4xx problem, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await t.app.inject({
          method: 'PUT',
          url: `${LIST}/PROP`,
          headers: { authorization: `Bearer ${tokens.yokohama}`, 'content-type': 'application/json' },
          payload: JSON.stringify(b),
        });
        expect([200, 201, 400, 422], res.body).toContain(res.statusCode);
        expectMatchesOpenApi(res, 'PUT', ONE);
      }),
      { numRuns: 150 },
    );
  });
});
