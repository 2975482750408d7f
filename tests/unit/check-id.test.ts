import { describe, expect, it } from 'vitest';
import { newCheckId } from '../../src/eligibility/check-id.js';

describe('newCheckId', () => {
  it('is a UUID version 7 with the RFC 9562 variant, unique, ordered by its millisecond', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => newCheckId(1_780_000_000_000 + Math.floor(i / 10)));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // The first 48 bits are the milliseconds given: ids of later milliseconds sort after earlier ones.
    expect(ids[0]!.replace(/-/g, '').slice(0, 12)).toBe((1_780_000_000_000).toString(16).padStart(12, '0'));
    for (let i = 10; i < ids.length; i += 10) expect(ids[i]! > ids[i - 1]!).toBe(true);
  });
});
