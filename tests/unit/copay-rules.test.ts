// The rule pieces of src/domain/copay: national defaults by law code, rounding, row selection, scope keys,
// the order of application and the trace.
import { describe, expect, it } from 'vitest';
import {
  ageOn,
  applyShare,
  calculateCopay,
  localScopeKeys,
  nationalRules,
  selectLocalRow,
  settingGroup,
  withRecordCaps,
  type LocalRuleRow,
} from '../../src/domain/copay/index.js';
import { NANBYO_SEGMENTS, OSAKA_JUDO, OSAKA_KODOMO, national } from './copay-fixtures.js';

describe('nationalRules: defaults by law code (copay.md §3)', () => {
  it.each([
    ['54', 0.2, 'full'],
    ['52', 0.2, 'half'],
    ['15', 0.1, 'full'],
    ['16', 0.1, 'full'],
    ['21', 0.1, 'full'],
  ] as const)('%s → share %s, food %s, designated institutions only', (lawCode, share, food) => {
    expect(nationalRules({ lawCode })).toMatchObject({ kind: 'national', lawCode, share, food, monthlyCap: null, requiresDesignatedInstitution: true });
  });

  it('has no defaults for other law codes', () => {
    expect(nationalRules({ lawCode: '12' })).toBeNull();
    expect(nationalRules({ lawCode: '88' })).toBeNull();
  });

  it('takes the monthly cap from the record first, then the 所得区分, then the type override', () => {
    const base = { lawCode: '54', incomeSegments: NANBYO_SEGMENTS, incomeSegment: 'D', overrides: { monthlyCap: 7000 } };
    expect(nationalRules({ ...base, maxCopaymentAmount: { monthly: 2500 } })).toMatchObject({
      monthlyCap: 2500,
      monthlyCapSource: 'record maxCopaymentAmount.monthly',
    });
    expect(nationalRules(base)).toMatchObject({ monthlyCap: 10000, monthlyCapSource: 'certificate type incomeSegments[D].monthlyCap' });
    expect(nationalRules({ ...base, incomeSegment: 'Z' })).toMatchObject({ monthlyCap: 7000 });
    expect(nationalRules({ ...base, incomeSegment: null, overrides: {} })).toMatchObject({ monthlyCap: null });
  });

  it('lets the certificate type override share, food, rounding and designation', () => {
    const rules = nationalRules({ lawCode: '52', overrides: { share: 0.1, food: 'free', rounding: 'floor10', requiresDesignatedInstitution: false } });
    expect(rules).toMatchObject({ share: 0.1, food: 'free', rounding: 'floor10', requiresDesignatedInstitution: false });
  });
});

describe('applyShare: 端数 (unsourced in copay.md; docs/copay.md says what we chose)', () => {
  it.each([
    [12345, 0.3, 'round10', 3700],
    [12335, 0.3, 'round10', 3700],
    [12315, 0.3, 'round10', 3690],
    [12345, 0.3, 'floor10', 3700],
    [12340, 0.3, 'floor10', 3700],
    [12330, 0.3, 'floor10', 3690],
    [12345, 0.3, 'ceil1', 3704],
    [12345, 0.3, 'floor1', 3703],
    [20000, 0.2, 'round10', 4000],
    [15, 0.5, 'ceil1', 8],
  ] as const)('%s × %s (%s) = %s', (amount, share, rounding, expected) => {
    expect(applyShare(amount, share, rounding)).toBe(expected);
  });

  it('uses exact integer arithmetic (0.1 + 0.2 style errors do not leak)', () => {
    expect(applyShare(10, 0.3, 'floor1')).toBe(3);
    expect(applyShare(70, 0.1, 'floor1')).toBe(7);
  });

  it('rejects a share outside 0..1', () => {
    expect(() => applyShare(100, 1.5, 'round10')).toThrow(RangeError);
  });
});

describe('selectLocalRow: the first row whose condition columns hold', () => {
  const rows: LocalRuleRow[] = [
    { ...OSAKA_JUDO, label: 'low income 外来', conditions: { incomeSegments: ['L'], settings: ['outpatient'] }, copay: { kind: 'free' } },
    { ...OSAKA_JUDO, label: '外来 0–5', conditions: { ageMax: 5, settings: ['outpatient', 'dental'] } },
    { ...OSAKA_JUDO, label: '入院', conditions: { settings: ['inpatient'] }, copay: { kind: 'fixed', amountPerVisit: 1000 } },
  ];
  it.each([
    [{ age: 3, setting: 'outpatient', incomeSegment: 'L' }, 'low income 外来'],
    [{ age: 3, setting: 'outpatient' }, '外来 0–5'],
    [{ age: 5, setting: 'dental' }, '外来 0–5'],
    [{ age: 6, setting: 'outpatient' }, null],
    [{ age: 10, setting: 'inpatient' }, '入院'],
    [{ age: 3, setting: 'pharmacy' }, null],
  ] as const)('%j → %s', (ctx, label) => {
    expect(selectLocalRow(rows, ctx)?.label ?? null).toBe(label);
  });

  it.each([
    ['2018-06-15', '2026-06-14', 7],
    ['2018-06-15', '2026-06-15', 8],
    ['2008-02-29', '2026-02-28', 17],
    ['2008-02-29', '2026-03-01', 18],
  ])('ageOn(%s, %s) = %s', (dob, date, age) => expect(ageOn(dob, date)).toBe(age));
});

describe('localScopeKeys: the ledger keys of a local program (copay.md §4 [I] day key)', () => {
  const visit = { institutionCode: '2714444444', serviceDate: '2026-06-20', setting: 'dental', visitId: 'v9' } as const;
  it('keys こども by institution, 入外, 歯科 and month', () => {
    expect(localScopeKeys(OSAKA_KODOMO, visit)).toEqual({
      month: '2026-06',
      institutionMonth: '2026-06|2714444444|outpatient/dental',
      day: '2026-06|2714444444|outpatient/dental|2026-06-20',
      visit: '2026-06|2714444444|outpatient/dental|v9',
      countScope: '2026-06|2714444444|outpatient/dental',
      countKey: '2026-06-20',
    });
  });
  it('puts 入院 and 外来 together when combined', () => {
    const combined = { inpatientOutpatient: 'combined', dental: 'combined' } as const;
    expect(settingGroup('inpatient', combined)).toBe(settingGroup('outpatient', combined));
    expect(settingGroup('inpatient', OSAKA_JUDO.grouping)).not.toBe(settingGroup('outpatient', OSAKA_JUDO.grouping));
  });
  it('counts visits instead of days when the limit is on visits', () => {
    expect(localScopeKeys({ ...OSAKA_KODOMO, countLimit: { unit: 'visit', max: 4, after: 'full' } }, visit).countKey).toBe('v9');
  });
});

describe('calculateCopay: order of application (copay.md §5)', () => {
  const nanbyo = national('54', NANBYO_SEGMENTS, 'D');
  const visit = { setting: 'outpatient', totalMedicalCost: 20000, insuranceShare: 0.3 } as const;

  it('applies national before local whatever the input order; the 管理票 amount is the national one, before 地単', () => {
    const r = calculateCopay(visit, [
      { ref: 'local', rules: OSAKA_JUDO },
      { ref: 'national', rules: nanbyo },
    ]);
    expect(r.subsidies.map((s) => [s.ref, s.pays, s.patientAmountAfter])).toEqual([
      ['national', 2000, 4000],
      ['local', 3500, 500],
    ]);
    expect(r.patientPays).toBe(500);
    expect(r.trace.map((t) => t.step)).toEqual(['insurance', 'high_cost', 'national', 'national', 'local', 'local', 'local']);
  });

  it('skips a subsidy paid by 償還払い (isAlwaysReimbursement "1") and says so', () => {
    const r = calculateCopay(visit, [{ ref: 'national', rules: nanbyo, appliesAtWindow: false }]);
    expect(r.patientPays).toBe(6000);
    expect(r.subsidies[0]?.applied).toBe(false);
    expect(r.trace.at(-1)?.rule).toMatch(/償還払い/);
  });

  it('past a count limit with "full", the program does not apply and nothing counts', () => {
    const row: LocalRuleRow = { ...OSAKA_KODOMO, countLimit: { unit: 'day', max: 2, after: 'full' } };
    const r = calculateCopay(visit, [{ ref: 'local', rules: row, accumulated: { countedBefore: 2 } }]);
    expect(r.patientPays).toBe(6000);
    expect(r.subsidies[0]).toMatchObject({ applied: false, countsTowardCap: 0 });
  });

  it('a fixed amount per visit is charged once over the parts of one visit', () => {
    const row: LocalRuleRow = { ...OSAKA_JUDO, copay: { kind: 'fixed', amountPerVisit: 800 }, perDayCap: undefined, monthlyCap: undefined };
    expect(calculateCopay(visit, [{ ref: 'l', rules: row }]).patientPays).toBe(800);
    expect(calculateCopay(visit, [{ ref: 'l', rules: row, accumulated: { visit: 800 } }]).patientPays).toBe(0);
  });

  it('a local share of 医療費総額 never exceeds what the previous payers left', () => {
    const row: LocalRuleRow = { ...OSAKA_JUDO, copay: { kind: 'rate', rate: 0.1 }, perDayCap: undefined, monthlyCap: undefined };
    expect(calculateCopay(visit, [{ ref: 'l', rules: row }]).patientPays).toBe(2000);
    expect(
      calculateCopay({ ...visit, insuranceShare: 0.1 }, [
        { ref: 'n', rules: nanbyo },
        { ref: 'l', rules: { ...row, copay: { kind: 'rate', rate: 0.2 } } },
      ]).patientPays,
    ).toBe(2000);
  });

  it('rejects amounts that are not whole non-negative yen', () => {
    expect(() => calculateCopay({ ...visit, totalMedicalCost: -1 }, [])).toThrow(RangeError);
    expect(() => calculateCopay({ ...visit, totalMedicalCost: 10.5 }, [])).toThrow(RangeError);
  });

  it('without subsidies the patient pays the insurance share, rounded 10円未満四捨五入 by default', () => {
    expect(calculateCopay({ ...visit, totalMedicalCost: 12345 }, []).patientPays).toBe(3700);
    expect(calculateCopay({ ...visit, totalMedicalCost: 12345 }, [], { insuranceRounding: 'floor1' }).patientPays).toBe(3703);
  });
});

describe('withRecordCaps: the record’s maxCopaymentAmount over the row (pmh.md §2 sandbox shape)', () => {
  it('replaces the caps it gives and keeps the rest', () => {
    const row = withRecordCaps(OSAKA_JUDO, { daily: 400, perVisit: 300, monthly: 2000, inpatientOutpatientCombined: true });
    expect(row).toMatchObject({
      perDayCap: 400,
      perVisitCap: 300,
      monthlyCap: { amount: 2000, scope: 'across_institutions', mode: 'window' },
      grouping: { inpatientOutpatient: 'combined', dental: 'separate' },
    });
    expect(OSAKA_JUDO.grouping.inpatientOutpatient).toBe('separate');
  });
  it('keeps a refund-mode monthly cap in refund mode, and gives a row without one a window cap', () => {
    expect(withRecordCaps(OSAKA_KODOMO, { monthly: 1000 }).monthlyCap).toEqual({ amount: 1000, scope: 'across_institutions', mode: 'refund' });
    const noCap: LocalRuleRow = { ...OSAKA_JUDO, monthlyCap: undefined };
    expect(withRecordCaps(noCap, { monthly: 1000 }).monthlyCap).toEqual({ amount: 1000, scope: 'across_institutions', mode: 'window' });
  });
  it('returns the row unchanged without record caps', () => {
    expect(withRecordCaps(OSAKA_JUDO, null)).toBe(OSAKA_JUDO);
    expect(withRecordCaps(OSAKA_JUDO, {})).toEqual(OSAKA_JUDO);
  });
});
