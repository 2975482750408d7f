/** A small seeded PRNG (mulberry32) with the draws the fuzzer needs. Same seed, same sequence. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Integer in [min, max]. */
  between(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A 32-bit seed for a sub-generator (e.g. fast-check). */
  seed(): number;
}

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    between: (min, max) => min + int(max - min + 1),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)]!;
    },
    seed: () => int(0x7fffffff),
  };
}

/** The generator of request `index` of a run with `seed`: each request can be regenerated alone. */
export function requestRng(seed: number, index: number): Rng {
  // splitmix-style mixing so neighbouring indices give unrelated streams.
  let z = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return mulberry32((z ^ (z >>> 16)) >>> 0);
}

/** FUZZ_SEED as a number (decimal or 0x hex), else a random one. */
export function seedFromEnv(value: string | undefined): number {
  if (value !== undefined && value.trim() !== '') {
    const n = Number(value.trim());
    if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED must be an integer, not ${value}`);
    return n >>> 0;
  }
  return Math.floor(Math.random() * 0xffffffff) >>> 0;
}
