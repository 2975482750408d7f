// effectiveCopaymentRules: a certificate type's copaymentRules over the law defaults, with the record's caps first.
import { describe, expect, it } from 'vitest';
import { effectiveCopaymentRules, type TypeChargingInputs } from '../../src/domain/copay/index.js';
import { NANBYO_SEGMENTS, OSAKA_HITORIOYA, OSAKA_JUDO } from './copay-fixtures.js';

const nanbyo: TypeChargingInputs = { kind: 'national', lawCode: '54', incomeSegments: NANBYO_SEGMENTS, requiresDesignatedInstitutions: true };

describe('effectiveCopaymentRules: national types', () => {
  it.each([
    ['54', 0.2, 'full'],
    ['52', 0.2, 'half'],
    ['15', 0.1, 'full'],
    ['16', 0.1, 'full'],
    ['21', 0.1, 'full'],
  ] as const)('法別 %s defaults: share %s, food %s', (lawCode, share, food) => {
    const r = effectiveCopaymentRules({ kind: 'national', lawCode, incomeSegments: [] }, {});
    expect(r).toMatchObject({ kind: 'national', rules: { lawCode, share, food, monthlyCap: null, rounding: 'round10' } });
  });

  it.each<[string, Parameters<typeof effectiveCopaymentRules>[1], Partial<TypeChargingInputs>, number | null, string]>([
    ['record cap first', { incomeSegment: 'D', maxCopaymentAmount: { monthly: 5000 } }, { copaymentRules: { monthlyCap: 1 } }, 5000, 'record'],
    ['then the 所得区分 cap', { incomeSegment: 'D' }, { copaymentRules: { monthlyCap: 1 } }, 10000, 'incomeSegments[D]'],
    ['then copaymentRules.monthlyCap', { incomeSegment: 'Z' }, { copaymentRules: { monthlyCap: 7000 } }, 7000, 'copaymentRules.monthlyCap'],
    ['else no cap', {}, {}, null, 'no cap'],
  ])('cap precedence: %s', (_why, record, over, cap, source) => {
    const r = effectiveCopaymentRules({ ...nanbyo, ...over }, record);
    if (r.kind !== 'national') throw new Error(r.kind);
    expect(r.rules.monthlyCap).toBe(cap);
    expect(r.rules.monthlyCapSource).toContain(source);
  });

  it('overrides win over the law; the type’s 指定医療機関 flag applies unless they say otherwise', () => {
    const r = effectiveCopaymentRules(
      { ...nanbyo, requiresDesignatedInstitutions: false, copaymentRules: { share: 0.1, food: 'half', rounding: 'floor1' } },
      {},
    );
    expect(r).toMatchObject({ kind: 'national', rules: { share: 0.1, food: 'half', rounding: 'floor1', requiresDesignatedInstitution: false } });
    const own = effectiveCopaymentRules({ ...nanbyo, requiresDesignatedInstitutions: false, copaymentRules: { requiresDesignatedInstitution: true } }, {});
    expect(own).toMatchObject({ rules: { requiresDesignatedInstitution: true } });
  });

  it('another 法別 has rules only when copaymentRules give a share', () => {
    expect(effectiveCopaymentRules({ kind: 'national', lawCode: '51', incomeSegments: [] }, {})).toMatchObject({ kind: 'none' });
    const r = effectiveCopaymentRules({ kind: 'national', lawCode: '51', incomeSegments: [], copaymentRules: { share: 0.1, monthlyCap: 5000 } }, {});
    expect(r).toMatchObject({ kind: 'national', rules: { lawCode: '51', share: 0.1, monthlyCap: 5000, food: 'full' } });
  });
});

describe('effectiveCopaymentRules: local types', () => {
  it('uses the type’s rows in order, each with the record’s caps', () => {
    const r = effectiveCopaymentRules(
      { kind: 'local', incomeSegments: [], copaymentRules: { rows: [OSAKA_HITORIOYA, OSAKA_JUDO] } },
      { maxCopaymentAmount: { daily: 400, inpatientOutpatientCombined: 1 } },
    );
    if (r.kind !== 'local') throw new Error(r.kind);
    expect(r.derivedFromCopay).toBe(false);
    expect(r.rows.map((row) => row.label)).toEqual([OSAKA_HITORIOYA.label, OSAKA_JUDO.label]);
    expect(r.rows.every((row) => row.perDayCap === 400 && row.grouping.inpatientOutpatient === 'combined')).toBe(true);
  });

  it.each([
    [
      { rate: 0.1, monthlyCap: 2000 },
      { copay: { kind: 'rate', rate: 0.1 }, monthlyCap: { amount: 2000, scope: 'across_institutions', mode: 'window' } },
    ],
    [
      { fixedAmountPerVisit: 500, dailyCap: 500 },
      { copay: { kind: 'fixed', amountPerVisit: 500 }, perDayCap: 500 },
    ],
    [
      { perVisitCap: 600, inpatientOutpatientCombined: true },
      { copay: { kind: 'remaining' }, perVisitCap: 600, grouping: { inpatientOutpatient: 'combined' } },
    ],
  ])('without rows, one row from copay %j', (copay, row) => {
    const r = effectiveCopaymentRules({ kind: 'local', incomeSegments: [], copay }, {});
    expect(r).toMatchObject({ kind: 'local', derivedFromCopay: true, rows: [row] });
  });

  it('a local type with neither has no rules', () => {
    expect(effectiveCopaymentRules({ kind: 'local', incomeSegments: [], copay: {} }, {})).toMatchObject({ kind: 'none' });
  });
});
