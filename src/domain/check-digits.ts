/**
 * Check-digit arithmetic for the Japanese numbers the sandbox handles
 * (see /work/shared/domain/pmh.md §4). Pure functions, no I/O.
 *
 * All functions take strings of half-width ASCII digits ("0"-"9") only and
 * throw a RangeError otherwise: they are building blocks, input validation
 * with user-facing problems lives in ./numbers.ts.
 */

const ASCII_DIGITS = /^[0-9]+$/;

function digitsOf(value: string, what: string, length?: number): number[] {
  if (!ASCII_DIGITS.test(value)) {
    throw new RangeError(`${what}: expected half-width digits 0-9, got ${JSON.stringify(value)}`);
  }
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${what}: expected exactly ${length} digits, got ${value.length}`);
  }
  // charCodeAt is safe: the regex guarantees ASCII '0'..'9'. A plain loop: Array.from with a mapping
  // function cost ~5 µs per number, which showed in the ingest profile.
  const out = new Array<number>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = value.charCodeAt(i) - 48;
  return out;
}

/**
 * The "2-1" rule (公費負担者番号, 受給者番号, 保険者番号, 医療機関コード):
 * starting from the rightmost digit of `digits`, multiply alternately by
 * 2, 1, 2, 1, …; add the digits of each product (12 → 1 + 2 = 3);
 * s = sum mod 10; check = (10 − s) mod 10.
 */
export function checkDigit21(digits: string): number {
  const ds = digitsOf(digits, 'checkDigit21');
  let sum = 0;
  for (let i = 0; i < ds.length; i++) {
    const d = ds[ds.length - 1 - i] as number;
    const product = i % 2 === 0 ? d * 2 : d;
    sum += Math.floor(product / 10) + (product % 10);
  }
  return (10 - (sum % 10)) % 10;
}

const MY_NUMBER_WEIGHTS = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

/**
 * 個人番号 (My Number): weights 6,5,4,3,2,7,6,5,4,3,2 on the first 11 digits
 * left to right; r = sum mod 11; check = 0 if r ≤ 1 else 11 − r.
 */
export function myNumberCheckDigit(first11: string): number {
  const ds = digitsOf(first11, 'myNumberCheckDigit', 11);
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += (ds[i] as number) * MY_NUMBER_WEIGHTS[i]!;
  const r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

const LOCAL_GOV_WEIGHTS = [6, 5, 4, 3, 2] as const;

/**
 * 全国地方公共団体コード: weights 6,5,4,3,2 on the first 5 digits;
 * r = sum mod 11; check = (11 − r) mod 10.
 */
export function localGovCodeCheckDigit(first5: string): number {
  const ds = digitsOf(first5, 'localGovCodeCheckDigit', 5);
  let sum = 0;
  for (let i = 0; i < 5; i++) sum += (ds[i] as number) * LOCAL_GOV_WEIGHTS[i]!;
  return (11 - (sum % 11)) % 10;
}
