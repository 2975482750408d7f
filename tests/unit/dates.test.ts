import { describe, expect, it } from 'vitest';
import { jstDate } from '../../src/domain/dates.js';

describe('jstDate', () => {
  it.each([
    ['2026-11-23T14:59:59.999Z', '2026-11-23'],
    ['2026-11-23T15:00:00.000Z', '2026-11-24'],
    ['2026-12-31T15:00:00.000Z', '2027-01-01'],
    ['2026-01-01T00:00:00.000Z', '2026-01-01'],
  ])('%s is %s in Japan', (instant, date) => {
    expect(jstDate(new Date(instant))).toBe(date);
  });
});
