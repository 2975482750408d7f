import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../bench/lib/canonical-json.js';

/** The plain definition: the fast path must write the same text. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${reference((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 'ア', x: undefined, w: null }], c: { e: true, d: 'x' } })).toBe(
      '{"a":[{"w":null,"y":"ア"}],"b":1,"c":{"d":"x","e":true}}',
    );
  });

  it('writes the same text as the original definition, also for index-like keys, dates and undefined elements', () => {
    const withProtoKey = JSON.parse('{"b":1,"__proto__":{"x":1}}');
    expect(canonicalJson(withProtoKey)).toBe('{"__proto__":{"x":1},"b":1}');
    expect(canonicalJson({ '10': 1, '9': 2, a: [undefined, 1], d: new Date(0) })).toBe(reference({ '10': 1, '9': 2, a: [undefined, 1], d: new Date(0) }));
    fc.assert(
      fc.property(fc.jsonValue(), (v) => canonicalJson(v) === reference(v)),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.anything({ withDate: true, withNullPrototype: true, withObjectString: true }), (v) => canonicalJson(v) === reference(v)),
      { numRuns: 2000 },
    );
  });
});
