// Every worked example of /work/shared/domain/copay.md §6, one block each, citing it.
// Assumptions of §6: insurance 3割 unless stated, no 高額療養費, institutions designated, window mode.
import { describe, expect, it } from 'vitest';
import {
  calculateCopay,
  isHighCostLongTermCandidate,
  isMildHighCostCandidate,
  monthlyRefund,
  priceVisits,
  selectLocalRow,
  type ApplicableSubsidy,
  type LedgerEntry,
  type LocalRuleRow,
  type MonthLedger,
  type MonthVisit,
  type NationalRules,
  type Setting,
} from '../../src/domain/copay/index.js';
import { JIRITSU_SEGMENTS, NAKAMA_ROWS, NANBYO_SEGMENTS, OSAKA_HITORIOYA, OSAKA_JUDO, OSAKA_KODOMO, SHOMAN_SEGMENTS, national } from './copay-fixtures.js';

const NANBYO_10000 = national('54', NANBYO_SEGMENTS, 'D');
const sum = (ledger: MonthLedger, pick: (e: LedgerEntry) => boolean = () => true) => ledger.filter(pick).reduce((t, e) => t + e.amount, 0);

let visitSeq = 0;
function mv(
  institutionCode: string,
  serviceDate: string,
  setting: Setting,
  totalMedicalCost: number,
  rules: NationalRules | LocalRuleRow,
  extra: Partial<Omit<ApplicableSubsidy, 'rules'>> = {},
): MonthVisit {
  visitSeq += 1;
  return {
    institutionCode,
    serviceDate,
    setting,
    visitId: `v${visitSeq}`,
    visit: { setting, totalMedicalCost, insuranceShare: 0.3 },
    subsidies: [{ ref: 'S', rules, ...extra }],
  };
}
const charges = (visits: MonthVisit[]) => priceVisits(visits).results.map((r) => r.patientPays);

describe('copay.md §6 example 1: 54, cap 10,000, cumulative 9,000, 総額 20,000', () => {
  const r = calculateCopay({ setting: 'outpatient', totalMedicalCost: 20000, insuranceShare: 0.3 }, [
    { ref: 'S', rules: NANBYO_10000, accumulated: { month: 9000 } },
  ]);
  it('charges 1,000: 2割 4,000 clamped to the 1,000 left; insurer 14,000, 公費 5,000', () => {
    expect(r.patientPays).toBe(1000);
    expect(r.insurancePays).toBe(14000);
    expect(r.subsidies).toEqual([{ ref: 'S', pays: 5000, applied: true, patientAmountAfter: 1000, countsTowardCap: 1000, capReached: true }]);
  });
  it('traces insurance 6,000 → 2割 4,000 → cap 1,000', () => {
    expect(r.trace.map((t) => [t.step, t.before, t.after])).toEqual([
      ['insurance', 20000, 6000],
      ['high_cost', 6000, 6000],
      ['national', 6000, 4000],
      ['national', 4000, 1000],
    ]);
  });
});

describe('copay.md §6 example 2: #1 then pharmacy 総額 8,000 in the same month', () => {
  const r = calculateCopay({ setting: 'pharmacy', totalMedicalCost: 8000, insuranceShare: 0.3 }, [
    { ref: 'S', rules: NANBYO_10000, accumulated: { month: 10000 } },
  ]);
  it('charges 0 (1,600 due, 0 left), and the line still counts (applied, 0 toward the cap)', () => {
    expect(r.patientPays).toBe(0);
    expect(r.subsidies[0]).toMatchObject({ applied: true, pays: 2400, countsTowardCap: 0, capReached: false });
  });
});

describe('copay.md §6 example 3: 54 with insurance 1割, cap 10,000, 総額 30,000', () => {
  it('stays 1割: 3,000, the 公費 pays nothing', () => {
    const r = calculateCopay({ setting: 'outpatient', totalMedicalCost: 30000, insuranceShare: 0.1 }, [{ ref: 'S', rules: NANBYO_10000 }]);
    expect(r.patientPays).toBe(3000);
    expect(r.subsidies[0]).toMatchObject({ pays: 0, countsTowardCap: 3000 });
  });
});

describe('copay.md §6 example 4: 52 一般所得Ⅰ (cap 5,000), stay 総額 30,000, F = 12,000', () => {
  const stay = { setting: 'inpatient', totalMedicalCost: 30000, insuranceShare: 0.3, foodCost: 12000 } as const;
  it('charges 11,000: 2割 6,000 → cap 5,000, food 1/2 6,000; the ledger gets 5,000', () => {
    const r = calculateCopay(stay, [{ ref: 'S', rules: national('52', SHOMAN_SEGMENTS, 'D') }]);
    expect([r.patientPays, r.patientPaysMedical, r.patientPaysFood]).toEqual([11000, 5000, 6000]);
    expect(r.subsidies[0]).toMatchObject({ countsTowardCap: 5000, pays: 4000 + 6000 });
    expect(r.trace.find((t) => t.step === 'food')).toMatchObject({ before: 12000, after: 6000 });
  });
  it('as 54 (cap 10,000): 6,000 + 12,000 = 18,000', () => {
    const r = calculateCopay(stay, [{ ref: 'S', rules: NANBYO_10000 }]);
    expect([r.patientPays, r.patientPaysMedical, r.patientPaysFood]).toEqual([18000, 6000, 12000]);
  });
});

describe('copay.md §6 example 5: 21 低所得2 (cap 5,000): clinic 30,000, pharmacy 25,000, clinic again', () => {
  const rules = national('21', JIRITSU_SEGMENTS, '2');
  const { results, ledger } = priceVisits([
    mv('1311111111', '2026-06-03', 'outpatient', 30000, rules),
    mv('1341111111', '2026-06-03', 'pharmacy', 25000, rules),
    mv('1311111111', '2026-06-10', 'outpatient', 30000, rules),
  ]);
  it('charges 3,000; 2,000 (2,500 due, 2,000 left); 0', () => {
    expect(results.map((r) => r.patientPays)).toEqual([3000, 2000, 0]);
  });
  it('the ledger runs 3,000 then 5,000, the cap reached at the pharmacy', () => {
    expect(results.map((r) => r.subsidies[0]?.capReached)).toEqual([false, true, false]);
    expect(sum(ledger)).toBe(5000);
  });
});

describe('copay.md §6 example 6: 54 at a non-designated clinic, 総額 10,000', () => {
  it('charges 3,000, no 公費 and no ledger line', () => {
    const { results, ledger } = priceVisits([mv('1322222222', '2026-06-03', 'outpatient', 10000, NANBYO_10000, { designatedHere: false })]);
    expect(results[0]?.patientPays).toBe(3000);
    expect(results[0]?.subsidies[0]).toMatchObject({ applied: false, pays: 0 });
    expect(ledger).toEqual([]);
  });
});

describe('copay.md §6 example 7: 54 生活保護, cap 0, 総額 10,000', () => {
  it('charges 0 and still writes the line', () => {
    const { results, ledger } = priceVisits([mv('1311111111', '2026-06-03', 'outpatient', 10000, national('54', NANBYO_SEGMENTS, 'A'))]);
    expect(results[0]?.patientPays).toBe(0);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]?.amount).toBe(0);
  });
});

describe('copay.md §6 example 8: 54 cap 10,000 reached 05-28; 06-02 総額 20,000; a 05-31 visit entered on 06-02', () => {
  const { results, ledger } = priceVisits([
    mv('1311111111', '2026-05-28', 'inpatient', 60000, NANBYO_10000),
    mv('1311111111', '2026-06-02', 'outpatient', 20000, NANBYO_10000),
    mv('1311111111', '2026-05-31', 'outpatient', 20000, NANBYO_10000),
  ]);
  it('charges 4,000 in June and 0 for the late May visit: each counts in the month of its service date', () => {
    expect(results.map((r) => r.patientPays)).toEqual([10000, 4000, 0]);
    expect(results[0]?.subsidies[0]?.capReached).toBe(true);
  });
  it('June 4,000; May 10,000', () => {
    expect(sum(ledger, (e) => e.month === '2026-06')).toBe(4000);
    expect(sum(ledger, (e) => e.month === '2026-05')).toBe(10000);
  });
});

describe('copay.md §6 example 9: Osaka ひとり親, clinic A on days 5, 12, 19 with 院外処方 each day', () => {
  const days = ['2026-06-05', '2026-06-12', '2026-06-19'];
  const { results, ledger } = priceVisits(
    days.flatMap((d) => [mv('2711111111', d, 'outpatient', 10000, OSAKA_HITORIOYA), mv('2741111111', d, 'pharmacy', 10000, OSAKA_HITORIOYA)]),
  );
  it('clinic 500, 500, 0 ([I] 3rd day free, as こども); pharmacy 0 each day', () => {
    expect(results.map((r) => r.patientPays)).toEqual([500, 0, 500, 0, 0, 0]);
  });
  it('the month comes to 1,000', () => expect(sum(ledger)).toBe(1000));
});

describe('copay.md §6 example 10: Osaka 重度障がい, clinics A and B (入院外) on A2, B4, A9, B11 (share 300), A16, B18, A23, B30', () => {
  const plan: [string, number, number][] = [
    ['A', 2, 10000],
    ['B', 4, 10000],
    ['A', 9, 10000],
    ['B', 11, 1000],
    ['A', 16, 10000],
    ['B', 18, 10000],
    ['A', 23, 10000],
    ['B', 30, 10000],
  ];
  const visits = (row: LocalRuleRow) =>
    plan.map(([clinic, day, total]) => mv(clinic === 'A' ? '2711111111' : '2712222222', `2026-06-${String(day).padStart(2, '0')}`, 'outpatient', total, row));
  it('window mode: 500, 500, 500, 300, 500, 500, 200, 0 — 3,000 for the month', () => {
    const { results, ledger } = priceVisits(visits(OSAKA_JUDO));
    expect(results.map((r) => r.patientPays)).toEqual([500, 500, 500, 300, 500, 500, 200, 0]);
    expect(sum(ledger)).toBe(3000);
    expect(results.map((r) => r.subsidies[0]?.capReached)).toEqual([false, false, false, false, false, false, true, false]);
  });
  it('refund mode: 3,800 paid at the window, 800 back', () => {
    const refundRow: LocalRuleRow = { ...OSAKA_JUDO, monthlyCap: { amount: 3000, scope: 'across_institutions', mode: 'refund' } };
    const { ledger } = priceVisits(visits(refundRow));
    expect(sum(ledger)).toBe(3800);
    expect(monthlyRefund(refundRow, sum(ledger))).toBe(800);
  });
});

describe('copay.md §6 example 11: Osaka こども, clinic C (share 360); hospital H 医科 days 3, 10, 17, 歯科 day 20', () => {
  const { results, ledger } = priceVisits([
    mv('2713333333', '2026-06-01', 'outpatient', 1200, OSAKA_KODOMO),
    mv('2714444444', '2026-06-03', 'outpatient', 10000, OSAKA_KODOMO),
    mv('2714444444', '2026-06-10', 'outpatient', 10000, OSAKA_KODOMO),
    mv('2714444444', '2026-06-17', 'outpatient', 10000, OSAKA_KODOMO),
    mv('2714444444', '2026-06-20', 'dental', 10000, OSAKA_KODOMO),
  ]);
  it('360 (under 500, at cost); 500, 500, 0; 歯科 500 on its own count', () => {
    expect(results.map((r) => r.patientPays)).toEqual([360, 500, 500, 0, 500]);
  });
  it('1,860 for the month, no refund; a 3,000 month gets 500 back', () => {
    expect(sum(ledger)).toBe(1860);
    expect(monthlyRefund(OSAKA_KODOMO, 1860)).toBe(0);
    expect(monthlyRefund(OSAKA_KODOMO, 3000)).toBe(500);
  });
});

describe('copay.md §6 example 12: 中間市, age 8: A day 4 share 1,500, A day 18 share 900, B share 450, pharmacy', () => {
  const row = selectLocalRow(NAKAMA_ROWS, { age: 8, setting: 'outpatient' });
  it('picks the 3歳–小学生 外来 row (600 a month per 医療機関); age 14 gets 1,600; 入院 is free', () => {
    expect(row?.label).toBe('中間市 外来 3歳–小学生');
    expect(selectLocalRow(NAKAMA_ROWS, { age: 14, setting: 'outpatient' })?.monthlyCap?.amount).toBe(1600);
    expect(selectLocalRow(NAKAMA_ROWS, { age: 8, setting: 'inpatient' })?.copay).toEqual({ kind: 'free' });
  });
  it('charges 600, 0, 450, 0: A 600, B 450', () => {
    if (!row) throw new Error('no row');
    const { results, ledger } = priceVisits([
      mv('4011111111', '2026-06-04', 'outpatient', 5000, row),
      mv('4011111111', '2026-06-18', 'outpatient', 3000, row),
      mv('4012222222', '2026-06-20', 'outpatient', 1500, row),
      mv('4041111111', '2026-06-20', 'pharmacy', 4000, row),
    ]);
    expect(results.map((r) => r.patientPays)).toEqual([600, 0, 450, 0]);
    expect(sum(ledger, (e) => e.institutionMonth.includes('4011111111'))).toBe(600);
    expect(sum(ledger, (e) => e.institutionMonth.includes('4012222222'))).toBe(450);
  });
});

describe('copay.md §6 example 13: 54 一般所得Ⅰ, 12 months of 医療費総額', () => {
  it.each([
    ['60,000 × 6, 50,000 × 1, rest lower', [60000, 60000, 60000, 60000, 60000, 60000, 50000, 30000, 30000, 30000, 30000, 30000], '一般所得Ⅰ', true],
    ['60,000 × 5, 50,000 × 2: 50,000 does not count', [60000, 60000, 60000, 60000, 60000, 50000, 50000, 30000, 30000, 30000, 30000, 30000], '一般所得Ⅰ', false],
    ['the same 6 months under 低所得Ⅱ', [60000, 60000, 60000, 60000, 60000, 60000, 50000, 30000, 30000, 30000, 30000, 30000], '低所得Ⅱ', false],
  ])('%s → candidate %s', (_name, months, segment, expected) => {
    expect(isHighCostLongTermCandidate(months, segment)).toBe(expected);
  });
  it('a candidate is flagged only: the cap table gives 5,000 instead of 10,000 once the municipality decides', () => {
    expect(NANBYO_10000.monthlyCap).toBe(10000);
  });
});

describe('copay.md §6 example 14: 軽症高額', () => {
  it.each([
    [[33331, 33331, 33331], true],
    [[33330, 33330, 33330], false],
  ])('%j → candidate %s', (months, expected) => {
    expect(isMildHighCostCandidate(months)).toBe(expected);
  });
});

describe('copay.md §3: 20,000 × 2割 = 4,000, 1,000 left → 1,000', () => {
  it('is example 1 in the law’s own words', () => {
    expect(charges([mv('1311111111', '2026-06-03', 'outpatient', 20000, { ...NANBYO_10000, monthlyCap: 1000 })])).toEqual([1000]);
  });
});
