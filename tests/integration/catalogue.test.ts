import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });

describe('GET /catalogue/v1/prefectures', () => {
  it('lists the 47 prefectures in code order', async () => {
    const res = await get('/catalogue/v1/prefectures');
    expect(res.statusCode).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/catalogue/v1/prefectures');
    const { items } = res.json();
    expect(items).toHaveLength(47);
    expect(items[0]).toEqual({ code: '01', name: '北海道', kana: 'ホッカイドウ' });
    expect(items[12]).toMatchObject({ code: '13', name: '東京都' });
    expect(items[46]).toMatchObject({ code: '47', name: '沖縄県' });
  });
});

describe('GET /catalogue/v1/municipalities', () => {
  it('finds 八王子市 by name', async () => {
    const res = await get(`/catalogue/v1/municipalities?q=${encodeURIComponent('八王子')}`);
    expect(res.statusCode).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/catalogue/v1/municipalities');
    expect(res.json().items).toEqual([{ code: '132012', prefectureCode: '13', name: '八王子市', kana: 'ハチオウジシ', kind: 'city', parentCode: null }]);
  });

  it('finds by kana and by code prefix', async () => {
    const byKana = (await get(`/catalogue/v1/municipalities?q=${encodeURIComponent('ハチオウジ')}`)).json();
    expect(byKana.items.map((i: { code: string }) => i.code)).toContain('132012');
    const byCode = (await get('/catalogue/v1/municipalities?q=13101')).json();
    expect(byCode.items[0]).toMatchObject({ code: '131016', name: '千代田区', kind: 'special_ward' });
  });

  it('classifies prefectures, designated cities and their wards', async () => {
    const res = (await get('/catalogue/v1/municipalities?prefectureCode=14&limit=1000')).json();
    const byCode = new Map(res.items.map((i: { code: string }) => [i.code, i]));
    expect(byCode.get('140007')).toMatchObject({ name: '神奈川県', kind: 'prefecture' });
    expect(byCode.get('141003')).toMatchObject({ name: '横浜市', kind: 'designated_city' });
    const ward = res.items.find((i: { parentCode: string | null }) => i.parentCode === '141003');
    expect(ward).toMatchObject({ kind: 'ward', prefectureCode: '14' });
    expect(res.items.every((i: { prefectureCode: string }) => i.prefectureCode === '14')).toBe(true);
  });

  it('covers every 地方公共団体 of Japan across pages, each code once', async () => {
    const codes: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/catalogue/v1/municipalities?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      codes.push(...body.items.map((i: { code: string }) => i.code));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(new Set(codes).size).toBe(codes.length);
    // 47 prefectures, 1,718 市町村 + 23 特別区, and the wards of the 20 政令指定都市.
    expect(codes.length).toBeGreaterThan(1900);
    expect(codes).toEqual([...codes].sort());
    for (const c of ['011002', '130001', '131016', '132012', '141003', '472018']) expect(codes).toContain(c);
  });

  it('rejects a bad prefecture code, limit and cursor with problems', async () => {
    for (const url of [
      '/catalogue/v1/municipalities?prefectureCode=1',
      '/catalogue/v1/municipalities?limit=0',
      '/catalogue/v1/municipalities?limit=abc',
      '/catalogue/v1/municipalities?cursor=%25%25',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expectMatchesOpenApi(res, 'GET', '/catalogue/v1/municipalities');
    }
    const res = await get('/catalogue/v1/municipalities?limit=0');
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'limit' }] });
  });
});

describe('GET /catalogue/v1/programs', () => {
  it('lists every national 法別番号 of the domain catalogue', async () => {
    const res = await get('/catalogue/v1/programs');
    expect(res.statusCode).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/catalogue/v1/programs');
    const codes = res.json().items.map((p: { lawCode: string }) => p.lawCode);
    expect(codes).toEqual([
      '10',
      '11',
      '12',
      '13',
      '14',
      '15',
      '16',
      '17',
      '18',
      '19',
      '20',
      '21',
      '22',
      '23',
      '24',
      '25',
      '28',
      '29',
      '30',
      '38',
      '51',
      '52',
      '53',
      '54',
      '62',
      '66',
      '79',
    ]);
  });

  it('gives 難病 54 with its implementers, subsidy flags and cap schedule', async () => {
    const res = await get('/catalogue/v1/programs/54');
    expect(res.statusCode).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/catalogue/v1/programs/{lawCode}');
    const p = res.json();
    expect(p.requiresDesignatedInstitution).toBe(true);
    expect(p.onlineEligibility.institutionalised).toBe(true);
    expect(p.onlineEligibility.schemes[0]).toMatchObject({ subsidyR7: true, subsidyR8: true });
    expect(p.implementers.map((i: { kind: string }) => i.kind).sort()).toEqual(['designated_city', 'prefecture']);
    expect(p.copay.rate).toBe(0.2);
    expect(p.copay.monthlyCaps).toContainEqual(expect.objectContaining({ incomeTier: '一般所得Ⅱ', variant: 'general', monthlyCapYen: 20000 }));
    expect(p.copay.monthlyCaps).toContainEqual(expect.objectContaining({ incomeTier: '上位所得', variant: 'ventilator', monthlyCapYen: 1000 }));
  });

  it('says 12 生活保護 is not a PMH online-eligibility program', async () => {
    const p = (await get('/catalogue/v1/programs/12')).json();
    expect(p.onlineEligibility.institutionalised).toBe(false);
  });

  it('answers 404 problem for an unknown 法別番号 and 400 for a malformed one', async () => {
    const notFound = await get('/catalogue/v1/programs/88');
    expect(notFound.statusCode).toBe(404);
    expectMatchesOpenApi(notFound, 'GET', '/catalogue/v1/programs/{lawCode}');
    expect(notFound.json().code).toBe('program_not_found');
    const bad = await get('/catalogue/v1/programs/5x');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('validation_failed');
  });
});

describe('GET /catalogue/v1/insurer-numbers/{number}', () => {
  it('decodes 81136244 as a valid 東京都 法別 81 number', async () => {
    const res = await get('/catalogue/v1/insurer-numbers/81136244');
    expect(res.statusCode).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/catalogue/v1/insurer-numbers/{number}');
    expect(res.json()).toEqual({
      number: '81136244',
      valid: true,
      lawCode: '81',
      program: null,
      prefectureCode: '13',
      prefectureName: '東京都',
      institutionNumber: '624',
      checkDigit: { given: '4', expected: '4' },
      problems: [],
    });
  });

  it('decodes a national program number with its program', async () => {
    const body = (await get('/catalogue/v1/insurer-numbers/54016027')).json();
    expect(body).toMatchObject({ valid: true, lawCode: '54', prefectureCode: '01', prefectureName: '北海道' });
    expect(body.program).toMatchObject({ lawCode: '54' });
  });

  it('explains why PMH’s example 87654321 is invalid', async () => {
    const res = await get('/catalogue/v1/insurer-numbers/87654321');
    expect(res.statusCode).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/catalogue/v1/insurer-numbers/{number}');
    const body = res.json();
    expect(body).toMatchObject({ valid: false, prefectureCode: '65', prefectureName: null, checkDigit: { given: '1', expected: '3' } });
    expect(body.problems.map((p: { code: string }) => p.code).sort()).toEqual(['check_digit_mismatch', 'unknown_prefecture']);
  });

  it.each(['8113624', '811362445', '8113624x', '８１１３６２４４', '%20%2081136244'])('rejects %s with a 400 problem', async (n) => {
    const res = await get(`/catalogue/v1/insurer-numbers/${encodeURIComponent(decodeURIComponent(n))}`);
    expect(res.statusCode).toBe(400);
    expectMatchesOpenApi(res, 'GET', '/catalogue/v1/insurer-numbers/{number}');
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'number' }] });
  });
});
