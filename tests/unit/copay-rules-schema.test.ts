// The provisional zod schema of a certificate type's copaymentRules: it accepts the rows the domain tests use and
// rejects malformed ones without throwing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localCopaymentRulesSchema, localRuleRowSchema, nationalCopaymentRulesSchema } from '../../src/certificate-types/copay-rules-schema.js';
import { NAKAMA_ROWS, OSAKA_HITORIOYA, OSAKA_JUDO, OSAKA_KODOMO } from './copay-fixtures.js';

describe('copaymentRules schema (provisional)', () => {
  it('accepts the copay.md §4 programs as rule rows, unchanged', () => {
    const rows = [OSAKA_JUDO, OSAKA_HITORIOYA, OSAKA_KODOMO, ...NAKAMA_ROWS].map((row) => JSON.parse(JSON.stringify(row)) as unknown);
    for (const row of rows) expect(localRuleRowSchema.parse(row)).toEqual(row);
    expect(localCopaymentRulesSchema.safeParse({ rows }).success).toBe(true);
  });

  it.each<[string, unknown]>([
    ['negative cap', { ...OSAKA_JUDO, perDayCap: -1 }],
    ['share above 1', { ...OSAKA_JUDO, copay: { kind: 'rate', rate: 3 } }],
    ['fixed without amount', { ...OSAKA_JUDO, copay: { kind: 'fixed' } }],
    ['unknown pharmacy rule', { ...OSAKA_JUDO, pharmacy: 'sometimes' }],
    ['unknown field (typo)', { ...OSAKA_JUDO, dailyCap: 500 }],
    ['unknown setting', { ...OSAKA_JUDO, conditions: { settings: ['ward'] } }],
  ])('rejects %s', (_why, row) => {
    expect(localRuleRowSchema.safeParse(row).success).toBe(false);
  });

  it('national overrides: all optional, strict', () => {
    expect(nationalCopaymentRulesSchema.parse({})).toEqual({});
    expect(nationalCopaymentRulesSchema.parse({ share: 0.1, food: 'half', rounding: 'floor10' })).toEqual({ share: 0.1, food: 'half', rounding: 'floor10' });
    expect(nationalCopaymentRulesSchema.safeParse({ monthlyCap: null }).success).toBe(false);
    expect(nationalCopaymentRulesSchema.safeParse({ cap: 5000 }).success).toBe(false);
  });

  it('never throws on garbage', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(() => localCopaymentRulesSchema.safeParse(value)).not.toThrow();
        expect(() => nationalCopaymentRulesSchema.safeParse(value)).not.toThrow();
      }),
    );
  });
});
