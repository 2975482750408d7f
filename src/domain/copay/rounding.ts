import type { Rounding } from './types.js';

/** A share as an integer per-mille, so yen arithmetic stays exact (0.3 → 300). */
export function sharePermille(share: number): number {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`share must be within 0..1, got ${share}`);
  return Math.round(share * 1000);
}

/** share × amount in yen, rounded as `rounding` says. Integer arithmetic: amount × permille / 1000. */
export function applyShare(amount: number, share: number, rounding: Rounding): number {
  const scaled = amount * sharePermille(share);
  switch (rounding) {
    case 'round10':
      return Math.floor((scaled + 5000) / 10000) * 10;
    case 'floor10':
      return Math.floor(scaled / 10000) * 10;
    case 'ceil1':
      return Math.ceil(scaled / 1000);
    case 'floor1':
      return Math.floor(scaled / 1000);
  }
}

/** What is left of a cap after `used`; never negative. */
export function remaining(cap: number, used: number): number {
  return Math.max(0, cap - used);
}
