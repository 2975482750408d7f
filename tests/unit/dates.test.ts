import { describe, expect, it } from 'vitest';
import { isDateInRange, isInstantInRange, isRealDate, jstDate } from '../../src/domain/dates.js';

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

describe('the one date range', () => {
  it.each([
    ['1900-01-01', true],
    ['9999-12-31', true],
    ['2024-02-29', true],
    ['1899-12-31', false],
    ['0000-01-01', false],
    ['2026-02-29', false],
    ['2100-02-29', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
  ])('isRealDate(%s) is %s', (s, ok) => {
    expect(isRealDate(s)).toBe(ok);
  });

  it('range checks leave the form to the format check', () => {
    expect(isDateInRange('0000-01-01')).toBe(false);
    expect(isDateInRange('2026-02-30')).toBe(true); // in range; the format check refuses it
    expect(isDateInRange('99999-01-01')).toBe(true);
    expect(isInstantInRange('1899-12-31T23:59:59Z')).toBe(false);
    expect(isInstantInRange('1900-01-01T08:59:59+09:00')).toBe(false);
    expect(isInstantInRange('1900-01-01T09:00:00+09:00')).toBe(true);
    expect(isInstantInRange('9999-12-31T23:59:59Z')).toBe(true);
    expect(isInstantInRange('9999-12-31T23:59:59-01:00')).toBe(false);
  });
});
