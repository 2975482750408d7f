import { describe, expect, it } from 'vitest';
import { loadLocalGovernments, type LocalGovernmentKind } from '../../src/catalogue/local-governments.js';
import { PROGRAMS } from '../../src/catalogue/programs-data.js';
import { authorityKinds, canImplement, CORE_CITY_CODES, describeAuthority, isCoreCity, programImplementers } from '../../src/domain/implementers.js';
import { checkLocalGovCode } from '../../src/domain/numbers.js';

const implementersOf = (lawCode: string) => {
  const program = PROGRAMS.find((p) => p.lawCode === lawCode);
  if (!program) throw new Error(`no program ${lawCode}`);
  return programImplementers(program);
};

interface Case {
  name: string;
  code: string;
  kind: LocalGovernmentKind;
  may: string[];
  mayNot: string[];
}

const CASES: Case[] = [
  {
    name: '東京都',
    code: '130001',
    kind: 'prefecture',
    may: ['54', '21', '52', '53', '10', '18', '19', '38', '51', '79'],
    mayNot: ['15', '16', '23', '24', '62', '66'],
  },
  {
    name: '八王子市 (中核市)',
    code: '132012',
    kind: 'city',
    may: ['52', '15', '16', '23', '24', '79', '10', '11', '28'],
    mayNot: ['54', '21', '53', '18', '38'],
  },
  {
    name: '横浜市 (指定都市)',
    code: '141003',
    kind: 'designated_city',
    may: ['54', '21', '15', '52', '53', '79', '10', '23'],
    mayNot: ['18', '19', '38', '51', '62'],
  },
  { name: '千代田区 (特別区)', code: '131016', kind: 'special_ward', may: ['15', '10', '11', '23', '53', '52', '79'], mayNot: ['54', '21', '18', '38'] },
  { name: '瑞穂町 (町)', code: '133035', kind: 'town', may: ['15', '16', '23', '24', '79'], mayNot: ['52', '54', '21', '10', '53'] },
  { name: '檜原村 (村)', code: '133078', kind: 'village', may: ['15', '23'], mayNot: ['52', '10'] },
  { name: '町田市 (市, not 中核市)', code: '132098', kind: 'city', may: ['15', '16', '23'], mayNot: ['52', '10', '54'] },
  { name: '広島市 (指定都市, named for 18/19)', code: '341002', kind: 'designated_city', may: ['18', '19', '54', '21'], mayNot: ['38', '51'] },
  { name: '長崎市 (中核市, named for 18/19)', code: '422011', kind: 'city', may: ['18', '19', '52'], mayNot: ['54', '21'] },
  { name: '広島市中区 (行政区)', code: '341011', kind: 'ward', may: [], mayNot: ['15', '23', '54', '18', '10'] },
];

describe('canImplement (national programs, pmh.md §5)', () => {
  for (const c of CASES) {
    const lg = { code: c.code, kind: c.kind };
    for (const lawCode of c.may) {
      it(`${c.name} may define 法別 ${lawCode}`, () => expect(canImplement(lg, implementersOf(lawCode))).toBe(true));
    }
    for (const lawCode of c.mayNot) {
      it(`${c.name} may not define 法別 ${lawCode}`, () => expect(canImplement(lg, implementersOf(lawCode))).toBe(false));
    }
  }

  it('never lets a 地方公共団体 act as a national body (62 支払基金, 66 環境再生保全機構)', () => {
    for (const c of CASES) {
      for (const lawCode of ['62', '66']) expect(canImplement({ code: c.code, kind: c.kind }, implementersOf(lawCode)), `${c.name} ${lawCode}`).toBe(false);
    }
  });

  it('matches specific_municipality by code only', () => {
    const hiroshimaOnly = [{ kind: 'specific_municipality' as const, label: '広島市', localGovCodes: ['341002'] }];
    expect(canImplement({ code: '341002', kind: 'designated_city' }, hiroshimaOnly)).toBe(true);
    expect(canImplement({ code: '141003', kind: 'designated_city' }, hiroshimaOnly)).toBe(false);
    expect(canImplement({ code: '341002', kind: 'designated_city' }, [{ kind: 'specific_municipality', label: '?' }])).toBe(false);
  });
});

describe('programImplementers', () => {
  it('is the union over online-eligibility schemes when the program has schemes', () => {
    // 79 = 障害児入所医療 (都道府県, 指定都市, 児相設置市) + 肢体不自由児通所医療 (市区町村).
    expect(
      implementersOf('79')
        .map((i) => i.kind)
        .sort(),
    ).toEqual(['child_guidance_city', 'designated_city', 'municipality', 'prefecture']);
  });

  it("is the program's own implementers when it has none", () => {
    // 20 措置入院 is not in the §5 table.
    expect(implementersOf('20').map((i) => i.kind)).toEqual(['prefecture', 'designated_city']);
  });
});

describe('authorityKinds', () => {
  it.each([
    ['130001', 'prefecture', ['prefecture']],
    ['141003', 'designated_city', ['designated_city', 'municipality', 'health_center_city', 'child_guidance_city']],
    ['132012', 'city', ['core_city', 'municipality', 'health_center_city']],
    ['131016', 'special_ward', ['special_ward', 'municipality', 'health_center_city', 'child_guidance_city']],
    ['132098', 'city', ['municipality']],
    ['133035', 'town', ['municipality']],
    ['133078', 'village', ['municipality']],
    ['341011', 'ward', []],
  ] as const)('%s (%s) → %j', (code, kind, expected) => {
    expect(authorityKinds({ code, kind })).toEqual(expected);
  });

  it('describes the authority for messages', () => {
    expect(describeAuthority({ code: '132012', kind: 'city' })).toBe('中核市, 市区町村, 保健所設置市');
    expect(describeAuthority({ code: '341011', kind: 'ward' })).toBe('none');
  });

  it('only treats a city as a 中核市 when its kind is city', () => {
    expect(isCoreCity({ code: '132012', kind: 'city' })).toBe(true);
    expect(isCoreCity({ code: '132012', kind: 'town' })).toBe(false);
    expect(isCoreCity({ code: '132098', kind: 'city' })).toBe(false);
  });
});

describe('CORE_CITY_CODES (中核市, FY2025)', () => {
  const catalogue = new Map(loadLocalGovernments().map((lg) => [lg.code, lg]));

  it('has the 62 中核市', () => expect(CORE_CITY_CODES.size).toBe(62));

  it.each([...CORE_CITY_CODES])('%s %s has a valid check digit and is that city in the catalogue', (code, name) => {
    const check = checkLocalGovCode(code);
    expect(check.problems).toEqual([]);
    expect(check.valid).toBe(true);
    expect(catalogue.get(code)).toMatchObject({ name, kind: 'city' });
  });

  it('holds no 政令指定都市 or 特別区 (those have kinds of their own)', () => {
    const kinds = new Set([...CORE_CITY_CODES.keys()].map((c) => catalogue.get(c)?.kind));
    expect([...kinds]).toEqual(['city']);
  });
});
