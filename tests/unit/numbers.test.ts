import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  checkInsurerNumber,
  checkLocalGovCode,
  checkMedicalInstitutionCode,
  checkMyNumber,
  checkNumber,
  checkRecipientNumber,
  completeInsurerNumber,
  completeLocalGovCode,
  completeMedicalInstitutionCode,
  completeMyNumber,
  completeRecipientNumber,
  decodeInsurerNumber,
  medicalInstitutionKind,
  withCheckDigit,
  type NumberCheck,
  type NumberKind,
} from '../../src/domain/numbers.js';
import { PREFECTURES, prefectureByCode } from '../../src/domain/prefectures.js';

const codes = (r: NumberCheck) => r.problems.map((p) => p.code);

const digitString = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const prefectureCode = fc.integer({ min: 1, max: 47 }).map((n) => String(n).padStart(2, '0'));
const badPrefectureCode = fc.oneof(fc.constant('00'), fc.integer({ min: 48, max: 99 }).map(String));
const scoreTable = fc.constantFrom('1', '3', '4', '6');
const badScoreTable = fc.constantFrom('0', '2', '5', '7', '8', '9');

function mutate(s: string, pos: number, delta: number): string {
  const d = (Number(s[pos]) + delta) % 10;
  return s.slice(0, pos) + String(d) + s.slice(pos + 1);
}

const MY_W = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const LG_W = [6, 5, 4, 3, 2];
const weightedMod11 = (s: string, w: number[]) => Array.from(s.slice(0, w.length)).reduce((acc, ch, i) => acc + Number(ch) * (w[i] ?? NaN), 0) % 11;

describe('published valid numbers (pmh.md §4)', () => {
  it.each([
    ['81136244', '81', '13', '624'],
    ['81137242', '81', '13', '724'],
    ['88138243', '88', '13', '824'],
    ['88131248', '88', '13', '124'],
    ['89131247', '89', '13', '124'],
    ['54016027', '54', '01', '602'],
    ['52378015', '52', '37', '801'],
    ['33120015', '33', '12', '001'],
    ['54130018', '54', '13', '001'],
    ['21130018', '21', '13', '001'],
  ])('公費負担者番号 %s is valid and decodes', (v, lawCode, pref, inst) => {
    const r = decodeInsurerNumber(v);
    expect(r).toEqual({
      valid: true,
      problems: [],
      checkDigit: { given: v.slice(-1), expected: v.slice(-1) },
      lawCode,
      prefectureCode: pref,
      institutionNumber: inst,
    });
    expect(checkInsurerNumber(v)).toEqual({ valid: true, problems: [], checkDigit: { given: v[7], expected: v[7] } });
  });

  it.each(['0000018', '1234566'])('受給者番号 %s is valid', (v) => {
    expect(checkRecipientNumber(v)).toEqual({ valid: true, problems: [], checkDigit: { given: v[6], expected: v[6] } });
  });

  it.each(['123456789018', '111111111118'])('個人番号 %s is valid', (v) => {
    expect(checkMyNumber(v)).toEqual({ valid: true, problems: [], checkDigit: { given: '8', expected: '8' } });
  });

  it.each([
    ['132012', '八王子市'],
    ['131016', '千代田区'],
    ['011002', '札幌市'],
    ['130001', '東京都'],
    ['141003', '横浜市'],
    ['472018', '那覇市'],
  ])('地方公共団体コード %s (%s) is valid', (v) => {
    expect(checkLocalGovCode(v)).toEqual({ valid: true, problems: [], checkDigit: { given: v[5], expected: v[5] } });
  });
});

describe("PMH's own example values are rejected", () => {
  it('myNumber 210987654321: check digit 1, expected 0', () => {
    const r = checkMyNumber('210987654321');
    expect(r.valid).toBe(false);
    expect(codes(r)).toEqual(['check_digit_mismatch']);
    expect(r.checkDigit).toEqual({ given: '1', expected: '0' });
    expect(r.problems[0]?.message).toContain('check digit is 1, expected 0');
  });

  it('負担者番号 87654321: prefecture 65 unknown AND check digit 1, expected 3', () => {
    const r = decodeInsurerNumber('87654321');
    expect(r.valid).toBe(false);
    expect(codes(r)).toEqual(['unknown_prefecture', 'check_digit_mismatch']);
    expect(r.checkDigit).toEqual({ given: '1', expected: '3' });
    expect(r.lawCode).toBe('87');
    expect(r.prefectureCode).toBe('65');
    expect(r.institutionNumber).toBe('432');
    expect(r.problems[0]?.message).toContain('65');
    expect(r.problems[1]?.message).toContain('check digit is 1, expected 3');
    expect(codes(checkInsurerNumber('87654321'))).toEqual(['unknown_prefecture', 'check_digit_mismatch']);
  });

  it('受給者番号 0000002: check digit 2, expected 0', () => {
    const r = checkRecipientNumber('0000002');
    expect(r.valid).toBe(false);
    expect(codes(r)).toEqual(['check_digit_mismatch']);
    expect(r.checkDigit).toEqual({ given: '2', expected: '0' });
  });
});

describe('corrupted variants', () => {
  // [kind, input, expected problem codes]
  it.each<[NumberKind, string, string[]]>([
    ['myNumber', '', ['wrong_length']],
    ['myNumber', '12345678901', ['wrong_length']],
    ['myNumber', '1234567890180', ['wrong_length']],
    ['myNumber', '１２３４５６７８９０１８', ['not_digits']],
    ['myNumber', '12345678901８', ['not_digits']],
    ['myNumber', '١٢٣٤٥٦٧٨٩٠١٨', ['not_digits']], // Arabic-Indic digits
    ['myNumber', '12345678901A', ['not_digits']],
    ['myNumber', 'ABCDEFGHIJKL', ['not_digits']],
    ['myNumber', ' 123456789018', ['not_digits', 'wrong_length']],
    ['myNumber', '123456789018 ', ['not_digits', 'wrong_length']],
    ['myNumber', '1234 5678 9018', ['not_digits', 'wrong_length']],
    ['myNumber', '1234-5678-9018', ['not_digits', 'wrong_length']],
    ['myNumber', '１２３', ['not_digits', 'wrong_length']],
    ['myNumber', '            ', ['not_digits']],
    ['recipientNumber', '', ['wrong_length']],
    ['recipientNumber', '000018', ['wrong_length']],
    ['recipientNumber', '00000018', ['wrong_length']],
    ['recipientNumber', '０００００１８', ['not_digits']],
    ['recipientNumber', '000001８', ['not_digits']],
    ['recipientNumber', '00000l8', ['not_digits']], // lower-case L
    ['recipientNumber', '0000018\n', ['not_digits', 'wrong_length']],
    ['recipientNumber', '000 0018', ['not_digits', 'wrong_length']],
    ['insurerNumber', '', ['wrong_length']],
    ['insurerNumber', '8113624', ['wrong_length']],
    ['insurerNumber', '811362440', ['wrong_length']],
    ['insurerNumber', '８１１３６２４４', ['not_digits']],
    ['insurerNumber', '8113624O', ['not_digits']], // letter O
    ['insurerNumber', '81-136244', ['not_digits', 'wrong_length']],
    ['insurerNumber', ' 81136244', ['not_digits', 'wrong_length']],
    ['localGovCode', '', ['wrong_length']],
    ['localGovCode', '13201', ['wrong_length']],
    ['localGovCode', '１３２０１２', ['not_digits']],
    ['localGovCode', '13201x', ['not_digits']],
    ['localGovCode', '132012 ', ['not_digits', 'wrong_length']],
    ['medicalInstitutionCode', '', ['wrong_length']],
    ['medicalInstitutionCode', '131123456', ['wrong_length']],
    ['medicalInstitutionCode', '13112345660', ['wrong_length']],
    ['medicalInstitutionCode', '１３１１２３４５６６', ['not_digits']],
    ['medicalInstitutionCode', '13,1123456', ['not_digits']],
    ['medicalInstitutionCode', '13 1 12 3456 6', ['not_digits', 'wrong_length']],
  ])('%s %j → %j', (kind, input, expected) => {
    const r = checkNumber(kind, input);
    expect(r.valid).toBe(false);
    expect(codes(r)).toEqual(expected);
    expect(r.checkDigit).toBeUndefined();
  });

  it('messages name the expected format', () => {
    const r = checkMyNumber('12345');
    expect(r.problems[0]?.message).toContain('must be exactly 12 half-width digits');
    expect(r.problems[0]?.message).toContain('got 5 characters');
    const fw = checkRecipientNumber('０００００１８');
    expect(fw.problems[0]?.message).toContain('must be exactly 7 half-width digits');
    expect(fw.problems[0]?.message).toContain('full-width');
    expect(fw.problems[0]?.message).toContain('position 1');
  });

  it('decodeInsurerNumber leaves decoded fields out unless the value is 8 digits', () => {
    for (const v of ['', '8113624', '８１１３６２４４', '8113624O']) {
      const r = decodeInsurerNumber(v);
      expect(r.lawCode).toBeUndefined();
      expect(r.prefectureCode).toBeUndefined();
      expect(r.institutionNumber).toBeUndefined();
    }
  });

  it('any string containing a non-ASCII-digit character is not_digits, for every kind', () => {
    const kinds: NumberKind[] = ['myNumber', 'recipientNumber', 'insurerNumber', 'localGovCode', 'medicalInstitutionCode'];
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.string({ unit: 'binary', maxLength: 15 }).filter((s) => /[^0-9]/.test(s)),
        (kind, s) => {
          const r = checkNumber(kind, s);
          expect(r.valid).toBe(false);
          expect(codes(r)).toContain('not_digits');
          expect(r.checkDigit).toBeUndefined();
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('an all-digit string of the wrong length is wrong_length only', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 20 })
          .filter((n) => n !== 12)
          .chain(digitString),
        (s) => {
          expect(codes(checkMyNumber(s))).toEqual(['wrong_length']);
        },
      ),
    );
  });
});

describe('complete* / withCheckDigit', () => {
  it('produces the published numbers from their bodies', () => {
    expect(completeMyNumber('12345678901')).toBe('123456789018');
    expect(completeMyNumber('21098765432')).toBe('210987654320');
    expect(completeRecipientNumber('000001')).toBe('0000018');
    expect(completeRecipientNumber('000000')).toBe('0000000');
    expect(completeInsurerNumber('8113624')).toBe('81136244');
    expect(completeInsurerNumber('8765432')).toBe('87654323');
    expect(completeLocalGovCode('13201')).toBe('132012');
    expect(completeMedicalInstitutionCode('131123456')).toBe('1311234566');
    // 郡市区+番号 = 101234: 4×2=8, 3, 2×2=4, 1, 0×2=0, 1 → 17 → check 3
    expect(completeMedicalInstitutionCode('014101234')).toBe('0141012343');
    expect(withCheckDigit('insurerNumber', '5401602')).toBe('54016027');
  });

  it.each<[NumberKind, string]>([
    ['myNumber', '1234567890'],
    ['myNumber', '123456789018'],
    ['recipientNumber', '００００１'],
    ['insurerNumber', '811362 '],
    ['localGovCode', ''],
    ['medicalInstitutionCode', '13112345a'],
  ])('withCheckDigit(%s, %j) throws RangeError', (kind, body) => {
    expect(() => withCheckDigit(kind, body)).toThrow(RangeError);
  });
});

describe('医療機関コード', () => {
  it.each([
    ['1311234566', 'medical'],
    ['1331234566', 'dental'],
    ['1341234566', 'pharmacy'],
    ['1361234566', 'visiting_nursing'],
  ])('%s is valid, kind %s', (v, kind) => {
    expect(checkMedicalInstitutionCode(v)).toEqual({ valid: true, problems: [], checkDigit: { given: '6', expected: '6' } });
    expect(medicalInstitutionKind(v)).toBe(kind);
  });

  it.each(['1321234566', '', '131123456', '１３１１２３４５６６'])('medicalInstitutionKind(%j) is undefined', (v) => {
    expect(medicalInstitutionKind(v)).toBeUndefined();
  });

  it('reports prefecture, score table and check digit problems together', () => {
    const r = checkMedicalInstitutionCode('4821234560');
    expect(codes(r)).toEqual(['unknown_prefecture', 'unknown_score_table', 'check_digit_mismatch']);
    expect(r.checkDigit).toEqual({ given: '0', expected: '6' });
  });
});

describe('property: complete* builds valid numbers; single-digit changes are caught', () => {
  it('個人番号: valid; check-digit change always caught; body change caught unless r moves 0↔1', () => {
    fc.assert(
      fc.property(digitString(11), fc.nat({ max: 11 }), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
        const full = completeMyNumber(body);
        expect(full).toHaveLength(12);
        expect(checkMyNumber(full).valid).toBe(true);
        const mutated = mutate(full, pos, delta);
        const r = checkMyNumber(mutated);
        const undetected = pos < 11 && weightedMod11(full, MY_W) <= 1 && weightedMod11(mutated, MY_W) <= 1;
        expect(r.valid).toBe(undetected);
        expect(codes(r)).toEqual(undetected ? [] : ['check_digit_mismatch']);
      }),
      { numRuns: 3000 },
    );
  });

  it('個人番号: a concrete undetected single-digit change (000000000000 vs 000000000060)', () => {
    expect(checkMyNumber('000000000000').valid).toBe(true);
    expect(checkMyNumber('000000000060').valid).toBe(true);
  });

  it('受給者番号: valid; every single-digit change is a check_digit_mismatch', () => {
    fc.assert(
      fc.property(digitString(6), fc.nat({ max: 6 }), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
        const full = completeRecipientNumber(body);
        expect(checkRecipientNumber(full).valid).toBe(true);
        const r = checkRecipientNumber(mutate(full, pos, delta));
        expect(r.valid).toBe(false);
        expect(codes(r)).toEqual(['check_digit_mismatch']);
      }),
      { numRuns: 2000 },
    );
  });

  it('公費負担者番号: valid; every single-digit change is a check_digit_mismatch', () => {
    fc.assert(
      fc.property(digitString(2), prefectureCode, digitString(3), fc.nat({ max: 7 }), fc.integer({ min: 1, max: 9 }), (law, pref, inst, pos, delta) => {
        const full = completeInsurerNumber(law + pref + inst);
        const ok = decodeInsurerNumber(full);
        expect(ok.valid).toBe(true);
        expect([ok.lawCode, ok.prefectureCode, ok.institutionNumber]).toEqual([law, pref, inst]);
        const mutated = mutate(full, pos, delta);
        const r = checkInsurerNumber(mutated);
        expect(r.valid).toBe(false);
        expect(codes(r)).toContain('check_digit_mismatch');
        const prefOk = prefectureByCode(mutated.slice(2, 4)) !== undefined;
        expect(codes(r)).toEqual(prefOk ? ['check_digit_mismatch'] : ['unknown_prefecture', 'check_digit_mismatch']);
      }),
      { numRuns: 2000 },
    );
  });

  it('公費負担者番号: an unknown prefecture is reported even with a correct check digit', () => {
    fc.assert(
      fc.property(digitString(2), badPrefectureCode, digitString(3), (law, pref, inst) => {
        const r = checkInsurerNumber(completeInsurerNumber(law + pref + inst));
        expect(codes(r)).toEqual(['unknown_prefecture']);
      }),
    );
  });

  it('地方公共団体コード: valid; a single-digit change is caught unless r moves 0↔10 within a real prefecture', () => {
    fc.assert(
      fc.property(prefectureCode, digitString(3), fc.nat({ max: 5 }), fc.integer({ min: 1, max: 9 }), (pref, rest, pos, delta) => {
        const full = completeLocalGovCode(pref + rest);
        expect(checkLocalGovCode(full).valid).toBe(true);
        const mutated = mutate(full, pos, delta);
        const rOld = weightedMod11(full, LG_W);
        const rNew = weightedMod11(mutated, LG_W);
        const checkCollides = pos < 5 && ((rOld === 0 && rNew === 10) || (rOld === 10 && rNew === 0));
        const prefOk = prefectureByCode(mutated.slice(0, 2)) !== undefined;
        const expected = [...(prefOk ? [] : ['unknown_prefecture']), ...(checkCollides ? [] : ['check_digit_mismatch'])];
        const r = checkLocalGovCode(mutated);
        expect(codes(r)).toEqual(expected);
        expect(r.valid).toBe(expected.length === 0);
      }),
      { numRuns: 3000 },
    );
  });

  it('地方公共団体コード: the collision is real — 130001 (東京都) and 330001 (岡山県) differ in one digit, both valid', () => {
    expect(checkLocalGovCode('130001').valid).toBe(true);
    expect(checkLocalGovCode('330001').valid).toBe(true);
  });

  it('地方公共団体コード: unknown prefecture with a correct check digit', () => {
    fc.assert(
      fc.property(badPrefectureCode, digitString(3), (pref, rest) => {
        const r = checkLocalGovCode(completeLocalGovCode(pref + rest));
        expect(codes(r)).toEqual(['unknown_prefecture']);
      }),
    );
  });

  const medicalCode = fc.tuple(prefectureCode, scoreTable, digitString(6)).map(([pref, table, body]) => completeMedicalInstitutionCode(pref + table + body));

  it('医療機関コード: valid; a change in 郡市区+番号 or the check digit is a check_digit_mismatch', () => {
    fc.assert(
      fc.property(medicalCode, fc.integer({ min: 3, max: 9 }), fc.integer({ min: 1, max: 9 }), (full, pos, delta) => {
        expect(checkMedicalInstitutionCode(full).valid).toBe(true);
        const r = checkMedicalInstitutionCode(mutate(full, pos, delta));
        expect(r.valid).toBe(false);
        expect(codes(r)).toEqual(['check_digit_mismatch']);
      }),
      { numRuns: 2000 },
    );
  });

  it('医療機関コード: prefecture 00 or 48+ is unknown_prefecture (the check digit does not cover it)', () => {
    fc.assert(
      fc.property(medicalCode, badPrefectureCode, (full, pref) => {
        const r = checkMedicalInstitutionCode(pref + full.slice(2));
        expect(r.valid).toBe(false);
        expect(codes(r)).toEqual(['unknown_prefecture']);
      }),
    );
  });

  it('医療機関コード: score table other than 1/3/4/6 is unknown_score_table', () => {
    fc.assert(
      fc.property(medicalCode, badScoreTable, (full, table) => {
        const r = checkMedicalInstitutionCode(full.slice(0, 2) + table + full.slice(3));
        expect(r.valid).toBe(false);
        expect(codes(r)).toEqual(['unknown_score_table']);
        expect(medicalInstitutionKind(full.slice(0, 2) + table + full.slice(3))).toBeUndefined();
      }),
    );
  });

  it('医療機関コード: swapping to another real prefecture or score table is NOT detectable (documented limitation)', () => {
    fc.assert(
      fc.property(medicalCode, prefectureCode, scoreTable, (full, pref, table) => {
        expect(checkMedicalInstitutionCode(pref + table + full.slice(3)).valid).toBe(true);
      }),
    );
  });
});

describe('prefectures', () => {
  it('has 47 entries coded 01..47 in order', () => {
    expect(PREFECTURES).toHaveLength(47);
    expect(PREFECTURES.map((p) => p.code)).toEqual(Array.from({ length: 47 }, (_, i) => String(i + 1).padStart(2, '0')));
  });

  it.each([
    ['01', '北海道', 'ホッカイドウ'],
    ['13', '東京都', 'トウキョウト'],
    ['26', '京都府', 'キョウトフ'],
    ['27', '大阪府', 'オオサカフ'],
    ['33', '岡山県', 'オカヤマケン'],
    ['47', '沖縄県', 'オキナワケン'],
  ])('prefectureByCode(%s) = %s / %s', (code, name, kana) => {
    expect(prefectureByCode(code)).toEqual({ code, name, kana });
  });

  it.each(['00', '48', '1', '013', '１３', ''])('prefectureByCode(%j) is undefined', (code) => {
    expect(prefectureByCode(code)).toBeUndefined();
  });

  it('names end in 都/道/府/県 and kana are full-width katakana', () => {
    for (const p of PREFECTURES) {
      expect(p.name).toMatch(/^[\p{Script=Han}]+[都道府県]$/u);
      expect(p.kana).toMatch(/^[ァ-ヶー]+(ト|ドウ|フ|ケン)$/);
    }
  });
});
