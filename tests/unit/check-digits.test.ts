import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkDigit21, localGovCodeCheckDigit, myNumberCheckDigit } from '../../src/domain/check-digits.js';

const digitString = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));

/** Replace the digit at `pos` by (digit + delta) mod 10, delta in 1..9, so it always differs. */
function mutate(s: string, pos: number, delta: number): string {
  const d = (Number(s[pos]) + delta) % 10;
  return s.slice(0, pos) + String(d) + s.slice(pos + 1);
}

// Independent reference sums for the mod-11 schemes (used to predict collisions).
const MY_W = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const LG_W = [6, 5, 4, 3, 2];
const weightedMod11 = (s: string, w: number[]) => Array.from(s).reduce((acc, ch, i) => acc + Number(ch) * (w[i] ?? NaN), 0) % 11;

describe('checkDigit21 (2-1 rule)', () => {
  it.each([
    // 公費負担者番号 bodies (first 7 digits) from pmh.md §4
    ['8113624', 4],
    ['8113724', 2],
    ['8813824', 3],
    ['8813124', 8],
    ['8913124', 7],
    ['5401602', 7],
    ['5237801', 5],
    ['3312001', 5],
    ['5413001', 8],
    ['2113001', 8],
    ['8765432', 3], // PMH example 87654321 ends in 1, so it is wrong
    // 受給者番号 bodies (first 6 digits)
    ['000001', 8],
    ['123456', 6],
    ['000000', 0], // PMH example 0000002 ends in 2, so it is wrong
    // hand-worked: 6×2 = 12 → 1+2 = 3; (10−3) mod 10 = 7
    ['6', 7],
    // 9×2 = 18 → 9, 9×1 = 9; 18 mod 10 = 8 → 2
    ['99', 2],
  ])('checkDigit21(%s) = %i', (digits, expected) => {
    expect(checkDigit21(digits)).toBe(expected);
  });

  it.each(['', '12a', '１２３', ' 123', '12-3'])('throws RangeError on non-digit input %j', (bad) => {
    expect(() => checkDigit21(bad)).toThrow(RangeError);
  });

  it('a single-digit change anywhere in the body always changes the check digit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }).chain((n) => fc.tuple(digitString(n), fc.nat({ max: n - 1 }), fc.integer({ min: 1, max: 9 }))),
        ([body, pos, delta]) => {
          expect(checkDigit21(mutate(body, pos, delta))).not.toBe(checkDigit21(body));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('always returns a digit 0-9', () => {
    fc.assert(
      fc.property(digitString(7), (body) => {
        const c = checkDigit21(body);
        expect(Number.isInteger(c) && c >= 0 && c <= 9).toBe(true);
      }),
    );
  });
});

describe('myNumberCheckDigit (個人番号, mod 11)', () => {
  it.each([
    ['12345678901', 8],
    ['11111111111', 8],
    ['21098765432', 0], // PMH example 210987654321 ends in 1, so it is wrong
    ['00000000000', 0], // r = 0 → 0
    ['00000000006', 0], // sum 12, r = 1 → 0
    ['00000000005', 1], // sum 10, r = 10 → 1
    ['00000000001', 9], // sum 2, r = 2 → 9
  ])('myNumberCheckDigit(%s) = %i', (first11, expected) => {
    expect(myNumberCheckDigit(first11)).toBe(expected);
  });

  it.each(['', '1234567890', '123456789012', '１２３４５６７８９０１', '1234567890a'])('throws RangeError on %j', (bad) => {
    expect(() => myNumberCheckDigit(bad)).toThrow(RangeError);
  });

  // Weights are 2..7 and |digit change| is 1..9, both non-zero mod the prime 11, so a
  // single-digit change always changes r = sum mod 11. But r = 0 and r = 1 both map to
  // check digit 0, so the change goes undetected exactly when r moves between 0 and 1.
  it('a single-digit body change changes the check digit unless r moves between 0 and 1', () => {
    fc.assert(
      fc.property(digitString(11), fc.nat({ max: 10 }), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
        const mutated = mutate(body, pos, delta);
        const rOld = weightedMod11(body, MY_W);
        const rNew = weightedMod11(mutated, MY_W);
        expect(rNew).not.toBe(rOld);
        const collides = rOld <= 1 && rNew <= 1;
        expect(myNumberCheckDigit(mutated) === myNumberCheckDigit(body)).toBe(collides);
      }),
      { numRuns: 3000 },
    );
  });

  it('the undetected case is real: 00000000000 and 00000000006 share check digit 0', () => {
    expect(myNumberCheckDigit('00000000000')).toBe(0);
    expect(myNumberCheckDigit('00000000006')).toBe(0);
  });
});

describe('localGovCodeCheckDigit (全国地方公共団体コード, mod 11)', () => {
  it.each([
    ['13201', 2],
    ['13101', 6],
    ['01100', 2],
    ['13000', 1],
    ['14100', 3],
    ['47201', 8],
    ['00000', 1], // r = 0 → 11 mod 10 = 1
    ['20000', 0], // sum 12, r = 1 → 0
    ['00005', 1], // sum 10, r = 10 → 1
  ])('localGovCodeCheckDigit(%s) = %i', (first5, expected) => {
    expect(localGovCodeCheckDigit(first5)).toBe(expected);
  });

  it.each(['', '1320', '132012', '１３２０１', '13 01'])('throws RangeError on %j', (bad) => {
    expect(() => localGovCodeCheckDigit(bad)).toThrow(RangeError);
  });

  // Same argument as for My Number, but here r = 0 and r = 10 both map to check digit 1.
  it('a single-digit body change changes the check digit unless r moves between 0 and 10', () => {
    fc.assert(
      fc.property(digitString(5), fc.nat({ max: 4 }), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
        const mutated = mutate(body, pos, delta);
        const rOld = weightedMod11(body, LG_W);
        const rNew = weightedMod11(mutated, LG_W);
        expect(rNew).not.toBe(rOld);
        const collides = (rOld === 0 && rNew === 10) || (rOld === 10 && rNew === 0);
        expect(localGovCodeCheckDigit(mutated) === localGovCodeCheckDigit(body)).toBe(collides);
      }),
      { numRuns: 3000 },
    );
  });
});
