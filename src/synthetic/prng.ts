/**
 * Seeded randomness for the synthetic data generator. Pure: no I/O, no clock,
 * no Math.random — the same seed gives the same numbers on every machine.
 *
 * - `seedWords` hashes any seed text to 128 bits (cyrb128, public domain).
 * - `sfc32` is Chris Doty-Humphrey's Small Fast Counting generator (PractRand-clean, 32-bit ops only).
 * - `streamFor` gives an independent generator per (seed, index, purpose), so
 *   resident n is computable without generating residents 0…n−1 and changing one
 *   option does not shift the draws of unrelated fields.
 * - `Permutation` is a keyed bijection of [0, size) (a Feistel network with
 *   cycle walking): mapping serial numbers through it gives ids that look random
 *   yet never collide.
 */

export type SeedWords = readonly [number, number, number, number];

/** 128-bit hash of a seed's text (cyrb128). */
export function seedWords(seed: string | number): SeedWords {
  const text = String(seed);
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** MurmurHash3's 32-bit finaliser: a cheap avalanche mix. */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A source of uniform draws. */
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  u32(): number;
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** True with probability p; always consumes one draw, so later draws do not depend on p. */
  chance(p: number): boolean;
  /** A uniformly chosen element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/** sfc32 (a class, not closures: streams are created per resident, millions of times). */
class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: SeedWords) {
    [this.a, this.b, this.c, this.d] = seed;
    // Warm-up, as the author recommends.
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.u32() / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

/** sfc32 seeded with four 32-bit words. */
export const sfc32 = (seed: SeedWords): Rng => new Sfc32(seed);

/**
 * An independent generator for one (index, purpose) of a seed. `index` may be
 * any safe non-negative integer; `purpose` is a small constant naming the use.
 */
export function streamFor(seed: SeedWords, index: number, purpose: number): Rng {
  const lo = index >>> 0;
  const hi = Math.floor(index / 4294967296) >>> 0;
  // Chain the inputs through the avalanche mix so neighbouring indexes give unrelated states.
  const k = mix32(mix32(mix32(purpose ^ 0x9e3779b9) ^ hi) ^ lo);
  return sfc32([mix32(seed[0] ^ k), mix32(seed[1] ^ mix32(k + 0x6a09e667)), mix32(seed[2] ^ mix32(k + 0xbb67ae85)), mix32(seed[3] ^ mix32(k + 0x3c6ef372))]);
}

const ROUNDS = 4;

/** A keyed bijection of the integers [0, size), size ≤ 2^52. */
export class Permutation {
  private readonly halfBits: number;
  private readonly halfSize: number;
  private readonly mask: number;
  private readonly keys: number[];

  constructor(
    readonly size: number,
    seed: SeedWords,
    purpose: number,
  ) {
    if (!Number.isSafeInteger(size) || size < 2 || size > 2 ** 52) throw new RangeError(`Permutation size ${size} out of range`);
    this.halfBits = Math.max(1, Math.ceil(Math.log2(size) / 2));
    this.halfSize = 2 ** this.halfBits;
    this.mask = this.halfSize - 1;
    const rng = streamFor(seed, 0, purpose);
    this.keys = Array.from({ length: ROUNDS }, () => rng.u32());
  }

  /** One pass of the Feistel network over [0, 2^(2·halfBits)). */
  private feistel(x: number): number {
    let left = Math.floor(x / this.halfSize);
    let right = x % this.halfSize;
    for (const key of this.keys) {
      const f = mix32(right ^ key) & this.mask;
      [left, right] = [right, (left ^ f) & this.mask];
    }
    return left * this.halfSize + right;
  }

  /** The image of `x` ∈ [0, size): cycle walking keeps the result in range and the map injective. */
  apply(x: number): number {
    if (!Number.isSafeInteger(x) || x < 0 || x >= this.size) throw new RangeError(`${x} is outside [0, ${this.size})`);
    let y = this.feistel(x);
    while (y >= this.size) y = this.feistel(y);
    return y;
  }
}
