// Property tests of the copay calculator over random months (fast-check): the patient never pays a negative
// amount, more than without the subsidy, or more than a window cap; splitting one visit's cost in two never
// lowers the month's total.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyShare,
  calculateCopay,
  priceVisits,
  SETTINGS,
  type LocalRuleRow,
  type MonthVisit,
  type NationalRules,
  type Rounding,
} from '../../src/domain/copay/index.js';

const ROUNDINGS: Rounding[] = ['round10', 'floor10', 'ceil1', 'floor1'];
const INSTITUTIONS = ['1311111111', '1312222222', '1341111111'];

const nationalArb = (rounding?: Rounding): fc.Arbitrary<NationalRules> =>
  fc.record({
    kind: fc.constant('national' as const),
    lawCode: fc.constantFrom('54', '52', '15', '16', '21'),
    share: fc.constantFrom(0.1, 0.2),
    monthlyCap: fc.option(fc.constantFrom(0, 1250, 2500, 5000, 10000, 20000, 30000), { nil: null }),
    monthlyCapSource: fc.constant('property test'),
    food: fc.constantFrom('full', 'half', 'free'),
    rounding: rounding ? fc.constant(rounding) : fc.constantFrom(...ROUNDINGS),
    requiresDesignatedInstitution: fc.boolean(),
  });

const localArb = (rounding?: Rounding): fc.Arbitrary<LocalRuleRow> =>
  fc.record(
    {
      kind: fc.constant('local' as const),
      label: fc.constant('property row'),
      conditions: fc.constant({}),
      copay: fc.oneof(
        fc.record({ kind: fc.constant('rate' as const), rate: fc.constantFrom(0, 0.1, 0.2, 0.3) }),
        fc.record({ kind: fc.constant('fixed' as const), amountPerVisit: fc.constantFrom(0, 200, 500, 1000) }),
        fc.constant({ kind: 'remaining' as const }),
        fc.constant({ kind: 'free' as const }),
      ),
      perVisitCap: fc.constantFrom(300, 500, 1500),
      perDayCap: fc.constantFrom(500, 1000),
      countLimit: fc.record({ unit: fc.constantFrom('day', 'visit'), max: fc.integer({ min: 1, max: 4 }), after: fc.constantFrom('free', 'full') }),
      monthlyCap: fc.record({
        amount: fc.constantFrom(0, 600, 1600, 2500, 3000),
        scope: fc.constantFrom('per_institution', 'across_institutions'),
        mode: fc.constantFrom('window', 'refund'),
      }),
      grouping: fc.record({ inpatientOutpatient: fc.constantFrom('separate', 'combined'), dental: fc.constantFrom('separate', 'combined') }),
      pharmacy: fc.constantFrom('free', 'as_others'),
      food: fc.constantFrom('full', 'half', 'free'),
      rounding: rounding ? fc.constant(rounding) : fc.constantFrom(...ROUNDINGS),
    },
    { requiredKeys: ['kind', 'label', 'conditions', 'copay', 'grouping', 'pharmacy', 'food', 'rounding'] },
  );

/** A month of visits under one patient's subsidies: 0–1 national, 0–2 local. `unit` = the yen step of amounts. */
const monthArb = (rounding?: Rounding, unit = 1) =>
  fc
    .record({
      national: fc.option(nationalArb(rounding), { nil: undefined }),
      locals: fc.array(localArb(rounding), { maxLength: 2 }),
      visits: fc.array(
        fc.record({
          institution: fc.constantFrom(...INSTITUTIONS),
          day: fc.integer({ min: 1, max: 28 }),
          setting: fc.constantFrom(...SETTINGS),
          total: fc.integer({ min: 0, max: 40_000 }).map((n) => n * unit),
          insuranceShare: fc.constantFrom(0.1, 0.2, 0.3),
          food: fc.integer({ min: 0, max: 2_000 }).map((n) => n * unit),
          designated: fc.boolean(),
          reimbursed: fc.boolean(),
        }),
        { minLength: 1, maxLength: 12 },
      ),
    })
    .map(({ national, locals, visits }): MonthVisit[] =>
      visits.map((v, i) => ({
        institutionCode: v.institution,
        serviceDate: `2026-06-${String(v.day).padStart(2, '0')}`,
        setting: v.setting,
        visitId: `v${i}`,
        visit: { setting: v.setting, totalMedicalCost: v.total, insuranceShare: v.insuranceShare, foodCost: v.setting === 'inpatient' ? v.food : 0 },
        subsidies: [
          ...(national ? [{ ref: 'N', rules: national, designatedHere: v.designated }] : []),
          ...locals.map((rules, j) => ({ ref: `L${j}`, rules, appliesAtWindow: !(v.reimbursed && j === 1) })),
        ],
      })),
    );

const monthTotal = (visits: MonthVisit[], rounding?: Rounding) =>
  priceVisits(visits, rounding ? { insuranceRounding: rounding } : {}).results.reduce((t, r) => t + r.patientPays, 0);

describe('copay properties', () => {
  it('never negative, never more than without the subsidy, and every yen is paid by someone', () => {
    fc.assert(
      fc.property(monthArb(), (visits) => {
        const { results } = priceVisits(visits);
        results.forEach((r, i) => {
          const v = visits[i]!.visit;
          const without = calculateCopay(v, []);
          expect(without.patientPays).toBe(applyShare(v.totalMedicalCost, v.insuranceShare, 'round10') + (v.foodCost ?? 0));
          expect(r.patientPays).toBeGreaterThanOrEqual(0);
          expect(r.patientPays).toBeLessThanOrEqual(without.patientPays);
          for (const s of r.subsidies) expect(s.pays).toBeGreaterThanOrEqual(0);
          const paid = r.patientPays + r.insurancePays + r.subsidies.reduce((t, s) => t + s.pays, 0);
          expect(paid).toBe(v.totalMedicalCost + (v.foodCost ?? 0));
          for (const s of r.subsidies.filter((x) => x.applied)) expect(r.patientPaysMedical).toBeLessThanOrEqual(s.patientAmountAfter);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('never more than a window cap: month, per institution and per day sums stay within them', () => {
    fc.assert(
      fc.property(monthArb(), (visits) => {
        const { ledger } = priceVisits(visits);
        const first = visits[0]!;
        for (const s of first.subsidies) {
          const mine = ledger.filter((e) => e.ref === s.ref);
          const sumBy = (key: (e: (typeof mine)[number]) => string) => {
            const sums = new Map<string, number>();
            for (const e of mine) sums.set(key(e), (sums.get(key(e)) ?? 0) + e.amount);
            return Math.max(0, ...sums.values());
          };
          const r = s.rules;
          if (r.kind === 'national') {
            if (r.monthlyCap !== null) expect(sumBy((e) => e.month)).toBeLessThanOrEqual(r.monthlyCap);
            continue;
          }
          if (r.monthlyCap?.mode === 'window') {
            expect(sumBy((e) => (r.monthlyCap?.scope === 'per_institution' ? e.institutionMonth : e.month))).toBeLessThanOrEqual(r.monthlyCap.amount);
          }
          if (r.perDayCap !== undefined) expect(sumBy((e) => e.day)).toBeLessThanOrEqual(r.perDayCap);
          if (r.perVisitCap !== undefined) expect(sumBy((e) => e.visit)).toBeLessThanOrEqual(r.perVisitCap);
        }
      }),
      { numRuns: 300 },
    );
  });

  // A later part is priced as the visit so far less its earlier parts, so the parts add up to the whole visit under
  // any stack of subsidies and any rounding, and every later visit of the month sees the same month-to-date.
  it('splitting one visit’s cost in two parts of the same visit keeps the month’s total, yen for yen', () => {
    fc.assert(
      fc.property(monthArb(), fc.nat(), fc.integer({ min: 1, max: 999 }), (visits, pick, permille) => {
        const i = pick % visits.length;
        const whole = visits[i]!;
        const a = Math.round((whole.visit.totalMedicalCost * permille) / 1000);
        const f = Math.round(((whole.visit.foodCost ?? 0) * permille) / 1000);
        const first: MonthVisit = { ...whole, visit: { ...whole.visit, totalMedicalCost: a, foodCost: f } };
        const second: MonthVisit = {
          ...whole,
          visit: { ...whole.visit, totalMedicalCost: whole.visit.totalMedicalCost - a, foodCost: (whole.visit.foodCost ?? 0) - f },
        };
        const split = [...visits.slice(0, i), first, second, ...visits.slice(i + 1)];
        const priced = priceVisits(split).results;
        for (const r of priced) {
          expect(r.patientPays).toBeGreaterThanOrEqual(0);
          for (const s of r.subsidies) expect(s.countsTowardCap).toBeGreaterThanOrEqual(0);
        }
        expect(monthTotal(split)).toBe(monthTotal(visits));
      }),
      { numRuns: 500 },
    );
  });

  // Found by the split property when parts were priced each on its own (seed -951225055): the second stacked
  // subsidy's min(what the first left, its own rate) per part, and min(a1, b1) + min(a2, b2) < min(a1 + a2, b1 + b2).
  // The whole visit: 2,950 → 2割 590 → L0 per-visit cap 300 → L1 1割 295; split 60 + 2,890 it gave 6 + 288 = 294.
  it('splitting a visit under two stacked local subsidies keeps the month’s total', () => {
    const row = (copay: LocalRuleRow['copay'], perVisitCap?: number): LocalRuleRow => ({
      kind: 'local',
      label: 'stacked row',
      conditions: {},
      copay,
      ...(perVisitCap === undefined ? {} : { perVisitCap }),
      grouping: { inpatientOutpatient: 'separate', dental: 'separate' },
      pharmacy: 'free',
      food: 'full',
      rounding: 'ceil1',
    });
    const visit = (visitId: string, totalMedicalCost: number): MonthVisit => ({
      institutionCode: '1311111111',
      serviceDate: '2026-06-01',
      setting: 'outpatient',
      visitId,
      visit: { setting: 'outpatient', totalMedicalCost, insuranceShare: 0.2, foodCost: 0 },
      subsidies: [
        { ref: 'L0', rules: row({ kind: 'remaining' }, 300), appliesAtWindow: true },
        { ref: 'L1', rules: row({ kind: 'rate', rate: 0.1 }), appliesAtWindow: true },
      ],
    });
    expect(monthTotal([visit('v0', 2950)], 'ceil1')).toBe(295);
    const split = priceVisits([visit('v0', 60), visit('v0', 2890)], { insuranceRounding: 'ceil1' }).results;
    expect(split.map((r) => r.patientPays)).toEqual([6, 289]);
    expect(split[1]!.trace.at(-1)).toMatchObject({ step: 'part', before: 295, after: 289 });
    // Whole, L1 takes 5 of L0's 300; on the first part alone it took 6 of 12, so its share of the second is −1.
    expect(split[1]!.subsidies.map((s) => s.pays)).toEqual([290, -1]);
  });
});
