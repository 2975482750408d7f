/**
 * Shapes of the co-pay (窓口負担) rules and of one visit's calculation. Pure data, no I/O.
 * Facts and worked examples: /work/shared/domain/copay.md; what is sourced and what is our design: docs/copay.md.
 * Provisional: PMH has not published 上限額管理.
 */

/** Where the care was given. pharmacy = 院外調剤 (保険薬局); visiting_nursing = 訪問看護; dental = 歯科 outpatient. */
export const SETTINGS = ['outpatient', 'inpatient', 'pharmacy', 'visiting_nursing', 'dental'] as const;
export type Setting = (typeof SETTINGS)[number];

/**
 * 端数処理 of an amount computed from a share. copay.md calls 端数 unsourced; see docs/copay.md for the default.
 * round10: 10円未満四捨五入 · floor10: 10円未満切り捨て · ceil1 / floor1: whole yen up / down.
 */
export const ROUNDINGS = ['round10', 'floor10', 'ceil1', 'floor1'] as const;
export type Rounding = (typeof ROUNDINGS)[number];

/** 入院時食事療養 for the patient: full = 全額自己負担, half = 1/2 自己負担, free = the program pays it all. */
export const FOOD_RULES = ['full', 'half', 'free'] as const;
export type FoodRule = (typeof FOOD_RULES)[number];

/** Rules of a national 公費 program (54, 52, 15, 16, 21), after defaults and overrides. */
export interface NationalRules {
  kind: 'national';
  /** 法別番号 */
  lawCode: string;
  /** 自己負担割合 of 医療費総額; when insurance's own share is lower, the lower applies. */
  share: number;
  /** 月額自己負担上限額, summed over every designated institution; null = no cap. */
  monthlyCap: number | null;
  /** Where monthlyCap came from, for the trace. */
  monthlyCapSource: string;
  food: FoodRule;
  rounding: Rounding;
  /** Applies only at 指定医療機関 (pharmacy and 訪問看護 too). */
  requiresDesignatedInstitution: boolean;
}

/** The patient's share under one 地単 rule row (SSK 地単公費マスター copay items 41–50; ORCA 1回 負担割合/固定額). */
export type LocalCopay =
  /** A share of 医療費総額 (10割), never more than what the previous payers left. */
  | { kind: 'rate'; rate: number }
  /** A fixed amount per visit (定額), or what the previous payers left when lower. */
  | { kind: 'fixed'; amountPerVisit: number }
  /** What the previous payers left, before this row's caps ("under 500 at cost"). */
  | { kind: 'remaining' }
  /** Nothing: the program pays all that is left. */
  | { kind: 'free' };

/** 回数/日数 limit within the month and what applies once it is passed (ORCA 1日 上限回数 / 1月 上限回数; SSK 63–66). */
export interface LocalCountLimit {
  /** Count distinct days or distinct visits. */
  unit: 'day' | 'visit';
  /** The 1st … max-th are charged; later ones get `after`. */
  max: number;
  /** free: the patient pays 0; full: the program does not apply (the patient pays what the previous payers left). */
  after: 'free' | 'full';
}

export interface LocalMonthlyCap {
  amount: number;
  /** per_institution: each 医療機関/薬局/訪問看護 apart; across_institutions: one cap for all of them. */
  scope: 'per_institution' | 'across_institutions';
  /** window: the cap stops charges at the window (ledger); refund: charged in full, excess refunded on application. */
  mode: 'window' | 'refund';
}

/** Which visits are counted together for day/visit counts and per-institution amounts. */
export interface LocalGrouping {
  /** 入院 and 外来 counted apart (separate) or together (combined, 入院外来合算: SSK item 54). */
  inpatientOutpatient: 'separate' | 'combined';
  /** 歯科 and 医科 counted apart or together. */
  dental: 'separate' | 'combined';
}

/** Conditions that pick a row (SSK: one row per condition set). Absent = any. */
export interface LocalRowConditions {
  /** Age in whole years on the service date, inclusive bounds. */
  ageMin?: number;
  ageMax?: number;
  settings?: Setting[];
  /** 所得区分 codes of the 制度マスタ. */
  incomeSegments?: string[];
}

/** One rule row of a local (地単) program, shaped after the 地単公費マスター / ORCA local-公費 fields. */
export interface LocalRuleRow {
  kind: 'local';
  /** Free text naming the row, e.g. "外来 3歳–小学生"; shown in the trace. */
  label: string;
  conditions: LocalRowConditions;
  copay: LocalCopay;
  /** 1回 上限額 */
  perVisitCap?: number;
  /** 1日 上限額 (per institution and group) */
  perDayCap?: number;
  countLimit?: LocalCountLimit;
  monthlyCap?: LocalMonthlyCap;
  grouping: LocalGrouping;
  /** 院外調剤: free (0) or charged like any other provider. */
  pharmacy: 'free' | 'as_others';
  food: FoodRule;
  rounding: Rounding;
}

/** One visit (or one part of a visit) to price. Amounts in yen. */
export interface Visit {
  setting: Setting;
  /** 医療費総額 (10割) */
  totalMedicalCost: number;
  /** The insurance's patient share (0.3 / 0.2 / 0.1) */
  insuranceShare: number;
  /** What 入院時食事療養 leaves the patient under insurance alone (標準負担額; copay.md's F). */
  foodCost?: number;
}

/**
 * What the patient already paid this month under one subsidy, per scope, and how many days/visits were counted.
 * The ledger sums these over the keys `localScopeKeys` names (national: `month` only). Absent = 0.
 */
export interface MonthToDate {
  /** National: all designated institutions. Local: all institutions (monthlyCap across_institutions). */
  month?: number;
  /** This institution, this group. */
  institutionMonth?: number;
  /** This institution, this group, this day. */
  day?: number;
  /** Earlier parts of this same visit. */
  visit?: number;
  /** Distinct days (or visits) of this institution and group counted before this one; this one is number countedBefore + 1. */
  countedBefore?: number;
}

/** One subsidy the patient presents for the visit, in order of application within its kind. */
export interface ApplicableSubsidy {
  /** The caller's reference (e.g. 公費負担者番号 + 受給者番号), echoed back. */
  ref: string;
  rules: NationalRules | LocalRuleRow;
  /** National programs: is this institution designated for the patient (pmh.md §3)? Default true. */
  designatedHere?: boolean;
  /** false when the subsidy is not applied at the window (isAlwaysReimbursement "1"). Default true. */
  appliesAtWindow?: boolean;
  accumulated?: MonthToDate;
}

export interface CalculateOptions {
  /** 端数 of the insurance's patient share; default round10 (10円未満四捨五入). */
  insuranceRounding?: Rounding;
}

export interface TraceStep {
  /** insurance, high_cost (not modelled), national, local, food */
  step: string;
  /** What rule was applied, in words */
  rule: string;
  /** The patient's amount before and after this step */
  before: number;
  after: number;
  /** Where the rule comes from: law / copay.md section / certificate type / record / sandbox choice */
  source: string;
}

export interface SubsidyOutcome {
  ref: string;
  /** What this subsidy pays (medical + food) */
  pays: number;
  /** Whether it applied to this visit at all (designated, at the window, a row matched). */
  applied: boolean;
  /** The patient's amount after this subsidy (medical part): the 自己負担額 of a national 管理票 line. */
  patientAmountAfter: number;
  /** The patient's medical amount under this subsidy (管理票 自己負担額): add it to the month-to-date amounts. */
  countsTowardCap: number;
  /** Whether this visit reached a (window) monthly cap: the 管理票「上限額に達しました」box. */
  capReached: boolean;
}

export interface CopayResult {
  patientPays: number;
  /** The insurer's part of the 医療費総額 (food excluded: only the patient's F is an input). */
  insurancePays: number;
  /** The patient's part split into medical and food (food never counts toward caps, sandbox choice). */
  patientPaysMedical: number;
  patientPaysFood: number;
  subsidies: SubsidyOutcome[];
  trace: TraceStep[];
}
