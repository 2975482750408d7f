import { describe, expect, it } from 'vitest';
import { changeLine, copaymentLimitOf, EMPTY_MONTH, ledgerMonthlyCap, type LocalRuleRow, type MonthTotals } from '../../src/domain/copay/index.js';
import { NAKAMA_ROWS, OSAKA_HITORIOYA, OSAKA_JUDO, OSAKA_KODOMO } from './copay-fixtures.js';

const SEGMENTS = [
  { code: 'IPPAN1', monthlyCap: 10000 },
  { code: 'SEIHO', monthlyCap: 0 },
];
const month = (accumulated: number, over: Partial<MonthTotals> = {}): MonthTotals => ({
  ...EMPTY_MONTH,
  accumulated,
  lineCount: accumulated > 0 ? 1 : 0,
  ...over,
});
const stamp = { serviceDate: '2026-06-11', institutionCode: '1310000001', now: '2026-06-12T01:00:00.000Z' };
const visit = (copaymentCharged: number, totalMedicalCost = 20000, cancelled = false) => ({ copaymentCharged, totalMedicalCost, cancelled });

describe('ledgerMonthlyCap (docs/copay.md cap precedence)', () => {
  it.each([
    ['record maxCopaymentAmount.monthly wins', { maxCopaymentAmount: { monthly: 5000 }, incomeSegment: 'IPPAN1' }, 5000],
    ['else the type’s 所得区分 cap', { incomeSegment: 'IPPAN1' }, 10000],
    ['生活保護: cap 0', { incomeSegment: 'SEIHO' }, 0],
    ['an unknown 所得区分: no cap', { incomeSegment: 'OTHER' }, null],
    ['no 所得区分, no record cap: no cap', {}, null],
  ])('national 54: %s', (_, over, cap) => {
    expect(ledgerMonthlyCap({ programKind: 'national', lawCode: '54', incomeSegments: SEGMENTS, ...over })).toBe(cap);
  });

  it('local programs take the same record and 所得区分 caps, else none', () => {
    expect(ledgerMonthlyCap({ programKind: 'local', lawCode: null, maxCopaymentAmount: { monthly: 3000 } })).toBe(3000);
    expect(ledgerMonthlyCap({ programKind: 'local', lawCode: null, incomeSegment: 'IPPAN1', incomeSegments: SEGMENTS })).toBe(10000);
    expect(ledgerMonthlyCap({ programKind: 'local', lawCode: null })).toBeNull();
  });

  it('else the type’s copaymentRules: a national monthlyCap, a local cap across institutions at the window', () => {
    const local = (...rows: LocalRuleRow[]) => ledgerMonthlyCap({ programKind: 'local', lawCode: null, copaymentRules: { rows } });
    expect(ledgerMonthlyCap({ programKind: 'national', lawCode: '54', copaymentRules: { monthlyCap: 7000 } })).toBe(7000);
    expect(
      ledgerMonthlyCap({ programKind: 'national', lawCode: '54', incomeSegment: 'IPPAN1', incomeSegments: SEGMENTS, copaymentRules: { monthlyCap: 7000 } }),
    ).toBe(10000);
    expect(local(OSAKA_HITORIOYA)).toBe(2500);
    expect(local(OSAKA_JUDO, OSAKA_JUDO)).toBe(3000);
    expect(ledgerMonthlyCap({ programKind: 'local', lawCode: null, maxCopaymentAmount: { monthly: 1000 }, copaymentRules: { rows: [OSAKA_JUDO] } })).toBe(1000);
    // No single month's cap before the visit: rows that differ, a refund-mode cap, caps per institution.
    expect(local(OSAKA_HITORIOYA, OSAKA_JUDO)).toBeNull();
    expect(local(OSAKA_KODOMO)).toBeNull();
    expect(local(...NAKAMA_ROWS)).toBeNull();
  });
});

describe('copaymentLimitOf', () => {
  it('is null without a cap, and never has a negative remaining', () => {
    expect(copaymentLimitOf(null, '2026-06', month(100))).toBeNull();
    expect(copaymentLimitOf(1000, '2026-06', month(1500))).toMatchObject({ remaining: 0, capReached: true });
  });
});

describe('changeLine', () => {
  it('copay.md §6 example 1: cum 9,000, a 1,000 line reaches the cap of 10,000 and stamps it', () => {
    const r = changeLine(month(9000), 10000, { ...stamp, after: visit(1000) });
    expect(r).toEqual({
      ok: true,
      capReached: true,
      month: {
        accumulated: 10000,
        totalMedicalCost: 20000,
        lineCount: 2,
        capReachedOn: '2026-06-11',
        capReachedAt: stamp.now,
        capReachedBy: stamp.institutionCode,
      },
    });
  });

  it('example 2: after the cap a 0 line is kept with its 医療費総額; the stamp stays the first one', () => {
    const reached = month(10000, { capReachedOn: '2026-06-11', capReachedAt: stamp.now, capReachedBy: 'A' });
    const r = changeLine(reached, 10000, { ...stamp, serviceDate: '2026-06-20', institutionCode: 'P', after: visit(0, 8000) });
    expect(r).toMatchObject({
      ok: true,
      capReached: true,
      month: { accumulated: 10000, totalMedicalCost: 8000, capReachedOn: '2026-06-11', capReachedBy: 'A' },
    });
  });

  it('refuses what would take the month above the cap, saying what is left', () => {
    expect(changeLine(month(9500), 10000, { ...stamp, after: visit(1000) })).toEqual({ ok: false, remaining: 500 });
  });

  it('a correction replaces the line’s amount; a cancellation removes it and clears the stamp below the cap', () => {
    const reached = month(10000, { capReachedOn: '2026-06-11', capReachedAt: stamp.now, capReachedBy: 'A', lineCount: 2 });
    const corrected = changeLine(reached, 10000, { ...stamp, before: visit(4000), after: visit(3000) });
    expect(corrected).toMatchObject({ ok: true, capReached: false, month: { accumulated: 9000, capReachedOn: null, lineCount: 2 } });
    const cancelled = changeLine(reached, 10000, { ...stamp, before: visit(4000), after: visit(4000, 20000, true) });
    expect(cancelled).toMatchObject({ ok: true, month: { accumulated: 6000, lineCount: 1 } });
  });

  it('lowering is allowed even above a cap lowered since; no cap never refuses', () => {
    expect(changeLine(month(12000), 10000, { ...stamp, before: visit(2000), after: visit(1000) })).toMatchObject({ ok: true, month: { accumulated: 11000 } });
    expect(changeLine(month(50000), null, { ...stamp, after: visit(40000, 200000) })).toMatchObject({
      ok: true,
      capReached: false,
      month: { accumulated: 90000 },
    });
  });
});
