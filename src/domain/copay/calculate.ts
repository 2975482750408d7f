import { lawSource } from './national.js';
import { applyShare, remaining } from './rounding.js';
import type {
  ApplicableSubsidy,
  CalculateOptions,
  CopayResult,
  FoodRule,
  LocalRuleRow,
  MonthToDate,
  NationalRules,
  Rounding,
  SubsidyOutcome,
  TraceStep,
  Visit,
} from './types.js';

/** The patient's amounts while payers take their turns. */
interface Due {
  medical: number;
  food: number;
}

function foodAfter(rule: FoodRule, food: number, rounding: Rounding): number {
  if (rule === 'full') return food;
  if (rule === 'half') return Math.min(food, applyShare(food, 0.5, rounding));
  return 0;
}

function assertYen(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative whole number of yen, got ${value}`);
}

function skipped(ref: string, due: Due, trace: TraceStep[], step: string, rule: string, source: string): SubsidyOutcome {
  trace.push({ step, rule, before: due.medical, after: due.medical, source });
  return { ref, pays: 0, applied: false, patientAmountAfter: due.medical, countsTowardCap: 0, capReached: false };
}

function applyNational(s: ApplicableSubsidy, rules: NationalRules, visit: Visit, due: Due, trace: TraceStep[]): SubsidyOutcome {
  const acc = s.accumulated ?? {};
  const law = lawSource(rules.lawCode);
  if (s.appliesAtWindow === false) {
    return skipped(s.ref, due, trace, 'national', `${rules.lawCode}: 償還払い, not applied at the window`, 'record isAlwaysReimbursement "1"');
  }
  if (rules.requiresDesignatedInstitution && s.designatedHere === false) {
    return skipped(
      s.ref,
      due,
      trace,
      'national',
      `${rules.lawCode}: institution not designated, no 公費 and no 管理票 line`,
      'pmh.md §3; copay.md §2, example 6',
    );
  }
  const before: Due = { ...due };
  const share = Math.min(rules.share, visit.insuranceShare);
  let medical = Math.min(applyShare(visit.totalMedicalCost, share, rules.rounding), due.medical);
  trace.push({
    step: 'national',
    rule: `${rules.lawCode}: ${+(share * 10).toFixed(2)}割 of 医療費総額 ${visit.totalMedicalCost}${share < rules.share ? ' (insurance share is lower and stays)' : ''}`,
    before: due.medical,
    after: medical,
    source: law,
  });
  let capReached = false;
  if (rules.monthlyCap !== null) {
    const used = acc.month ?? 0;
    const capped = Math.min(medical, remaining(rules.monthlyCap, used));
    trace.push({
      step: 'national',
      rule: `${rules.lawCode}: monthly cap ${rules.monthlyCap}, ${used} already paid this month at designated institutions`,
      before: medical,
      after: capped,
      source: `${rules.monthlyCapSource}; copay.md §3 min(share, cap − cumulative)`,
    });
    medical = capped;
    capReached = used < rules.monthlyCap && used + medical >= rules.monthlyCap;
  }
  const food = foodAfter(rules.food, due.food, rules.rounding);
  if (due.food > 0) {
    trace.push({
      step: 'food',
      rule: `${rules.lawCode}: 入院時食事 ${rules.food}, not counted toward the cap`,
      before: due.food,
      after: food,
      source: `${law}; sandbox: food outside the cap (copay.md §3 [I])`,
    });
  }
  due.medical = medical;
  due.food = food;
  return { ref: s.ref, pays: before.medical - medical + before.food - food, applied: true, patientAmountAfter: medical, countsTowardCap: medical, capReached };
}

function applyLocal(s: ApplicableSubsidy, row: LocalRuleRow, visit: Visit, due: Due, trace: TraceStep[]): SubsidyOutcome {
  const acc: MonthToDate = s.accumulated ?? {};
  const label = `地単 ${row.label}`;
  if (s.appliesAtWindow === false) {
    return skipped(s.ref, due, trace, 'local', `${label}: 償還払い, not applied at the window`, 'record isAlwaysReimbursement "1"; copay.md §4');
  }
  const before: Due = { ...due };
  const step = (rule: string, from: number, to: number, source: string) =>
    trace.push({ step: 'local', rule: `${label}: ${rule}`, before: from, after: to, source });
  const finish = (medical: number, capReached = false): SubsidyOutcome => {
    const food = foodAfter(row.food, due.food, row.rounding);
    if (due.food > 0) {
      trace.push({
        step: 'food',
        rule: `${label}: 入院時食事 ${row.food}`,
        before: due.food,
        after: food,
        source: 'local row food (ORCA 食事療養費 / SSK 食事 items)',
      });
    }
    due.medical = medical;
    due.food = food;
    return {
      ref: s.ref,
      pays: before.medical - medical + before.food - food,
      applied: true,
      patientAmountAfter: medical,
      countsTowardCap: medical,
      capReached,
    };
  };

  if (visit.setting === 'pharmacy' && row.pharmacy === 'free') {
    step('院外調剤 free', due.medical, 0, 'local row pharmacy (ORCA 薬剤負担; copay.md §4)');
    return finish(0);
  }
  const limit = row.countLimit;
  if (limit) {
    const ordinal = (acc.countedBefore ?? 0) + 1;
    if (ordinal > limit.max) {
      const rule = `${limit.unit} ${ordinal} of the month is past the limit of ${limit.max}`;
      const source = 'local row countLimit (ORCA 上限回数; SSK 63–66)';
      // full: the program does not apply to this visit at all, so nothing counts toward its caps.
      if (limit.after === 'full') return skipped(s.ref, due, trace, 'local', `${label}: ${rule}: full`, source);
      step(`${rule}: free`, due.medical, 0, source);
      return finish(0);
    }
  }
  let medical: number;
  const c = row.copay;
  switch (c.kind) {
    case 'rate':
      medical = Math.min(applyShare(visit.totalMedicalCost, c.rate, row.rounding), due.medical);
      break;
    case 'fixed':
      medical = Math.min(remaining(c.amountPerVisit, acc.visit ?? 0), due.medical);
      break;
    case 'remaining':
      medical = due.medical;
      break;
    case 'free':
      medical = 0;
      break;
  }
  step(
    `copay ${c.kind}${c.kind === 'rate' ? ` ${c.rate}` : c.kind === 'fixed' ? ` ${c.amountPerVisit} per visit` : ''}`,
    due.medical,
    medical,
    'local row copay (SSK 41–50; ORCA 1回 負担割合/固定額)',
  );
  if (row.perVisitCap !== undefined) {
    const capped = Math.min(medical, remaining(row.perVisitCap, acc.visit ?? 0));
    step(`per visit cap ${row.perVisitCap}`, medical, capped, 'local row perVisitCap (ORCA 1回 上限額; SSK 63)');
    medical = capped;
  }
  if (row.perDayCap !== undefined) {
    const capped = Math.min(medical, remaining(row.perDayCap, acc.day ?? 0));
    step(`per day cap ${row.perDayCap}, ${acc.day ?? 0} paid today here`, medical, capped, 'local row perDayCap (ORCA 1日 上限額; SSK 57/65)');
    medical = capped;
  }
  let capReached = false;
  const m = row.monthlyCap;
  if (m) {
    const used = (m.scope === 'per_institution' ? acc.institutionMonth : acc.month) ?? 0;
    if (m.mode === 'window') {
      const capped = Math.min(medical, remaining(m.amount, used));
      step(
        `monthly cap ${m.amount} ${m.scope}, ${used} paid this month`,
        medical,
        capped,
        'local row monthlyCap (ORCA 1月 上限額; SSK 61/68); window mode (copay.md §4 [I])',
      );
      medical = capped;
      capReached = used < m.amount && used + medical >= m.amount;
    } else {
      step(
        `monthly cap ${m.amount} ${m.scope} is refunded on application, not applied at the window`,
        medical,
        medical,
        'local row monthlyCap refund mode (copay.md §4)',
      );
    }
  }
  return finish(medical, capReached);
}

/**
 * Prices one visit: 医療保険 → 高額療養費 (not modelled) → national 公費 → 地単公費, each payer on what the
 * previous ones left (copay.md §5). Subsidies are applied national first, then local, each kind in the given order
 * (for 地単: 公費適用優先順位). Throws RangeError on amounts that are not whole non-negative yen.
 */
export function calculateCopay(visit: Visit, subsidies: readonly ApplicableSubsidy[], options: CalculateOptions = {}): CopayResult {
  assertYen('totalMedicalCost', visit.totalMedicalCost);
  assertYen('foodCost', visit.foodCost ?? 0);
  const trace: TraceStep[] = [];
  const insuranceRounding = options.insuranceRounding ?? 'round10';
  const insuranceDue = applyShare(visit.totalMedicalCost, visit.insuranceShare, insuranceRounding);
  trace.push({
    step: 'insurance',
    rule: `医療保険: patient share ${visit.insuranceShare} of ${visit.totalMedicalCost}, ${insuranceRounding}`,
    before: visit.totalMedicalCost,
    after: insuranceDue,
    source: 'copay.md §5 (保険 first); rounding: docs/copay.md',
  });
  trace.push({ step: 'high_cost', rule: '高額療養費: not modelled', before: insuranceDue, after: insuranceDue, source: 'copay.md §5 [I]' });
  const due: Due = { medical: insuranceDue, food: visit.foodCost ?? 0 };
  const ordered = [...subsidies.filter((s) => s.rules.kind === 'national'), ...subsidies.filter((s) => s.rules.kind === 'local')];
  const outcomes = ordered.map((s) => (s.rules.kind === 'national' ? applyNational(s, s.rules, visit, due, trace) : applyLocal(s, s.rules, visit, due, trace)));
  return {
    patientPays: due.medical + due.food,
    insurancePays: visit.totalMedicalCost - insuranceDue,
    patientPaysMedical: due.medical,
    patientPaysFood: due.food,
    subsidies: outcomes,
    trace,
  };
}
