// Shared rules for the copay tests: national types as a municipality would define them, and the local rows
// of copay.md §4 (Osaka 重度障がい者・ひとり親・こども, 中間市 こども) as synthetic rule rows.
import { nationalRules, type LocalRuleRow, type NationalRules } from '../../src/domain/copay/index.js';

/** pmh.md §3 cap table rows for 54 (難病) and 52 (小慢), as a 制度マスタ would carry them. */
export const NANBYO_SEGMENTS = [
  { code: 'A', name: '生活保護', monthlyCap: 0 },
  { code: 'B', name: '低所得Ⅰ', monthlyCap: 2500 },
  { code: 'C', name: '低所得Ⅱ', monthlyCap: 5000 },
  { code: 'D', name: '一般所得Ⅰ', monthlyCap: 10000 },
  { code: 'E', name: '一般所得Ⅱ', monthlyCap: 20000 },
  { code: 'F', name: '上位所得', monthlyCap: 30000 },
];
export const SHOMAN_SEGMENTS = [
  { code: 'A', name: '生活保護', monthlyCap: 0 },
  { code: 'B', name: '低所得Ⅰ', monthlyCap: 1250 },
  { code: 'C', name: '低所得Ⅱ', monthlyCap: 2500 },
  { code: 'D', name: '一般所得Ⅰ', monthlyCap: 5000 },
  { code: 'E', name: '一般所得Ⅱ', monthlyCap: 10000 },
  { code: 'F', name: '上位所得', monthlyCap: 15000 },
];
export const JIRITSU_SEGMENTS = [
  { code: '0', name: '生活保護', monthlyCap: 0 },
  { code: '1', name: '低所得1', monthlyCap: 2500 },
  { code: '2', name: '低所得2', monthlyCap: 5000 },
];

export function national(lawCode: string, segments: typeof NANBYO_SEGMENTS, incomeSegment: string): NationalRules {
  const rules = nationalRules({ lawCode, incomeSegments: segments, incomeSegment });
  if (!rules) throw new Error(`no defaults for ${lawCode}`);
  return rules;
}

const separate = { inpatientOutpatient: 'separate', dental: 'separate' } as const;

/** Osaka 重度障がい者医療: ≤ 500 per day per provider, 入院/入院外 each, no day limit, 3,000 a month across providers. */
export const OSAKA_JUDO: LocalRuleRow = {
  kind: 'local',
  label: '大阪 重度障がい者医療',
  conditions: {},
  copay: { kind: 'remaining' },
  perDayCap: 500,
  monthlyCap: { amount: 3000, scope: 'across_institutions', mode: 'window' },
  grouping: separate,
  pharmacy: 'as_others',
  food: 'full',
  rounding: 'round10',
};

/** Osaka ひとり親家庭医療: ≤ 500 per day per 医療機関, 2 days a month ([I] then free), 院外調剤 0, 2,500 across providers. */
export const OSAKA_HITORIOYA: LocalRuleRow = {
  ...OSAKA_JUDO,
  label: '大阪 ひとり親家庭医療',
  countLimit: { unit: 'day', max: 2, after: 'free' },
  monthlyCap: { amount: 2500, scope: 'across_institutions', mode: 'window' },
  pharmacy: 'free',
};

/** Osaka こども医療: ≤ 500 per day per institution, 2 days then 0, 院外処方 0, > 2,500 a month refunded on application. */
export const OSAKA_KODOMO: LocalRuleRow = {
  ...OSAKA_JUDO,
  label: '大阪 こども医療',
  countLimit: { unit: 'day', max: 2, after: 'free' },
  monthlyCap: { amount: 2500, scope: 'across_institutions', mode: 'refund' },
  pharmacy: 'free',
};

const nakamaOutpatient = (label: string, ageMin: number, ageMax: number, amount: number): LocalRuleRow => ({
  kind: 'local',
  label,
  conditions: { ageMin, ageMax, settings: ['outpatient', 'dental', 'visiting_nursing', 'pharmacy'] },
  copay: { kind: 'remaining' },
  monthlyCap: { amount, scope: 'per_institution', mode: 'window' },
  grouping: { inpatientOutpatient: 'separate', dental: 'combined' },
  pharmacy: 'free',
  food: 'full',
  rounding: 'round10',
});

/** 中間市 子ども医療: 外来 ≤ 600 a month per 医療機関 (3 – primary school) or 1,600 (junior high – 18); 入院 and pharmacy 0. Age bands stand in for school years. */
export const NAKAMA_ROWS: LocalRuleRow[] = [
  {
    ...nakamaOutpatient('中間市 入院', 0, 18, 0),
    conditions: { ageMax: 18, settings: ['inpatient'] },
    copay: { kind: 'free' },
    monthlyCap: undefined,
    food: 'free',
  },
  nakamaOutpatient('中間市 外来 3歳–小学生', 3, 12, 600),
  nakamaOutpatient('中間市 外来 中学生–18歳', 13, 18, 1600),
];
