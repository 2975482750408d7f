/**
 * National 公費 program catalogue (法別番号 used on medical claims), as plain typed data.
 *
 * Source: /work/shared/domain/pmh.md §3 (cap tables, 指定医療機関) and §5 (program catalogue and the
 * table of programs whose online eligibility is being institutionalised, from the MHLW 部局長会議 material).
 * Where the doc is silent (statute, implementers of programs absent from the §5 table) the values are
 * our best knowledge and carry a `note` saying so.
 *
 * Local programs (地単公費, usually 法別 80–99) are not here: the same 法別 means different programs in
 * different prefectures, so they are keyed by the full 公費負担者番号 elsewhere.
 */

export type { Implementer, ImplementerKind } from '../domain/local-government.js';
import type { Implementer } from '../domain/local-government.js';

export interface OnlineEligibilityScheme {
  name: string; // e.g. '特定医療費'
  law: string; // e.g. '難病法'
  implementers: Implementer[];
  subsidyR7: boolean; // FY2025 system-change subsidy
  subsidyR8: boolean; // FY2026
}

export type CapVariant = 'general' | 'high_cost_long_term' | 'ventilator' | 'severe' | 'severe_and_continuing';

export interface MonthlyCap {
  incomeTier: string;
  variant: CapVariant;
  monthlyCapYen: number | null;
  note?: string;
}

export type ProgramCategory =
  | 'infectious_disease'
  | 'public_assistance'
  | 'war_victims'
  | 'disability'
  | 'child'
  | 'atomic_bomb'
  | 'mental_health'
  | 'intractable_disease'
  | 'maternal_child'
  | 'other';

export interface ProgramData {
  lawCode: string; // 法別番号, 2 digits, e.g. '54'
  name: string; // program name in Japanese
  law: string; // statute or '予算事業'
  category: ProgramCategory;
  implementers: Implementer[]; // union of the schemes' implementers (or who implements it generally when no scheme)
  onlineEligibility: { institutionalised: boolean; schemes: OnlineEligibilityScheme[]; note?: string };
  requiresDesignatedInstitution: boolean; // true for 54, 52, 15, 16, 21 per §3
  copay: { rate: number | null; monthlyCaps: MonthlyCap[] } | null; // rate 0.2 = 2割
  note?: string;
}

// ---------------------------------------------------------------------------------------------
// Implementers (fresh objects per use so consumers may not accidentally share mutations)

const prefecture = (): Implementer => ({ kind: 'prefecture', label: '都道府県' });
const designatedCity = (): Implementer => ({ kind: 'designated_city', label: '指定都市' });
const coreCity = (): Implementer => ({ kind: 'core_city', label: '中核市' });
const childGuidanceCity = (): Implementer => ({ kind: 'child_guidance_city', label: '児童相談所設置市' });
const healthCenterCity = (): Implementer => ({ kind: 'health_center_city', label: '保健所設置市' });
const specialWard = (): Implementer => ({ kind: 'special_ward', label: '特別区' });
const municipality = (): Implementer => ({ kind: 'municipality', label: '市区町村' });
const hiroshimaCity = (): Implementer => ({ kind: 'specific_municipality', label: '広島市', localGovCodes: ['341002'] });
const nagasakiCity = (): Implementer => ({ kind: 'specific_municipality', label: '長崎市', localGovCodes: ['422011'] });
const shiharaiKikin = (): Implementer => ({ kind: 'national_body', label: '社会保険診療報酬支払基金' });
const erca = (): Implementer => ({ kind: 'national_body', label: '独立行政法人環境再生保全機構' });
const nationalGovernment = (): Implementer => ({ kind: 'national_body', label: '国（厚生労働大臣）' });

/** 都道府県, 保健所設置市, 特別区 — the 感染症法 implementers of the §5 table. */
const infectiousDiseaseImplementers = (): Implementer[] => [prefecture(), healthCenterCity(), specialWard()];

/** Union of the schemes' implementers, in first-seen order, deduplicated by kind + label. */
function implementersOf(schemes: readonly OnlineEligibilityScheme[]): Implementer[] {
  const seen = new Set<string>();
  const out: Implementer[] = [];
  for (const scheme of schemes) {
    for (const implementer of scheme.implementers) {
      const key = `${implementer.kind}\u0000${implementer.label}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...implementer, ...(implementer.localGovCodes ? { localGovCodes: [...implementer.localGovCodes] } : {}) });
    }
  }
  return out;
}

function onlineEligibility(schemes: OnlineEligibilityScheme[], note?: string): ProgramData['onlineEligibility'] {
  return { institutionalised: schemes.length > 0, schemes, ...(note !== undefined ? { note } : {}) };
}

const NOT_INSTITUTIONALISED: () => ProgramData['onlineEligibility'] = () => onlineEligibility([]);

// ---------------------------------------------------------------------------------------------
// Copay cap tables (§3, monthly, yen)

const INCOME_TIERS_NANBYO = ['生活保護', '低所得Ⅰ', '低所得Ⅱ', '一般所得Ⅰ', '一般所得Ⅱ', '上位所得'] as const;

/** 難病 54 (2割): [general, high_cost_long_term (高額かつ長期), ventilator (人工呼吸器等装着者)] per tier. */
const NANBYO_CAPS: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [2_500, 2_500, 1_000],
  [5_000, 5_000, 1_000],
  [10_000, 5_000, 1_000],
  [20_000, 10_000, 1_000],
  [30_000, 20_000, 1_000],
];

/** 小慢 52 (2割): [general, severe (重症), ventilator (人工呼吸器等装着者)] per tier. */
const SHOMAN_CAPS: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [1_250, 1_250, 500],
  [2_500, 2_500, 500],
  [5_000, 2_500, 500],
  [10_000, 5_000, 500],
  [15_000, 10_000, 500],
];

function capTable(rows: readonly (readonly [number, number, number])[], variants: readonly [CapVariant, CapVariant, CapVariant]): MonthlyCap[] {
  const out: MonthlyCap[] = [];
  INCOME_TIERS_NANBYO.forEach((incomeTier, i) => {
    const row = rows[i];
    if (!row) throw new Error(`cap table is missing the row for ${incomeTier}`);
    variants.forEach((variant, j) => {
      out.push({ incomeTier, variant, monthlyCapYen: row[j] ?? null });
    });
  });
  return out;
}

/** 自立支援医療 (15/16/21, 1割). */
const jiritsuShienCaps = (): MonthlyCap[] => [
  { incomeTier: '生活保護', variant: 'general', monthlyCapYen: 0 },
  { incomeTier: '低所得1', variant: 'general', monthlyCapYen: 2_500 },
  { incomeTier: '低所得2', variant: 'general', monthlyCapYen: 5_000 },
  { incomeTier: '中間所得1', variant: 'general', monthlyCapYen: null, note: '医療保険の高額療養費の限度額' },
  { incomeTier: '中間所得1', variant: 'severe_and_continuing', monthlyCapYen: 5_000 },
  { incomeTier: '中間所得2', variant: 'general', monthlyCapYen: null, note: '医療保険の高額療養費の限度額' },
  { incomeTier: '中間所得2', variant: 'severe_and_continuing', monthlyCapYen: 10_000 },
  { incomeTier: '一定所得以上', variant: 'general', monthlyCapYen: null, note: '対象外' },
  { incomeTier: '一定所得以上', variant: 'severe_and_continuing', monthlyCapYen: 20_000 },
];

// ---------------------------------------------------------------------------------------------
// Online-eligibility schemes (§5 table rows, split per program and mapped to 法別番号)

const scheme = (name: string, law: string, implementers: Implementer[], subsidyR7: boolean, subsidyR8: boolean): OnlineEligibilityScheme => ({
  name,
  law,
  implementers,
  subsidyR7,
  subsidyR8,
});

const tuberculosisScheme = (): OnlineEligibilityScheme => scheme('結核患者の医療', '感染症法', infectiousDiseaseImplementers(), true, true);

const selfRestraintScheme = (): OnlineEligibilityScheme =>
  scheme('新型インフルエンザ等・新感染症 外出自粛対象者の医療', '感染症法', infectiousDiseaseImplementers(), true, true);

const SCHEMES = {
  '10': [tuberculosisScheme()],
  '11': [tuberculosisScheme()],
  '15': [scheme('更生医療', '障害者総合支援法', [municipality()], true, true)],
  '16': [scheme('育成医療', '障害者総合支援法', [municipality()], true, true)],
  '18': [scheme('認定疾病医療', '被爆者援護法', [prefecture(), hiroshimaCity(), nagasakiCity()], false, true)],
  '19': [scheme('一般疾病医療費', '被爆者援護法', [prefecture(), hiroshimaCity(), nagasakiCity()], false, true)],
  '21': [scheme('精神通院医療', '障害者総合支援法', [prefecture(), designatedCity()], true, true)],
  '23': [scheme('養育医療', '母子保健法', [municipality()], true, true)],
  '24': [scheme('療養介護医療', '障害者総合支援法', [municipality()], true, true)],
  '28': [selfRestraintScheme()],
  '29': [selfRestraintScheme()],
  '38': [scheme('肝炎治療特別促進', '予算事業', [prefecture()], true, true), scheme('肝がん・重度肝硬変', '予算事業', [prefecture()], true, true)],
  '51': [
    scheme('特定疾患治療研究', '予算事業', [prefecture()], true, true),
    scheme('先天性血液凝固因子障害等治療研究', '予算事業', [prefecture()], false, true),
  ],
  '52': [scheme('小児慢性特定疾病医療費', '児童福祉法', [prefecture(), designatedCity(), coreCity(), childGuidanceCity()], true, true)],
  '53': [scheme('児童保護医療費', '児童福祉法', [prefecture(), designatedCity(), childGuidanceCity()], false, true)],
  '54': [scheme('特定医療費', '難病法', [prefecture(), designatedCity()], true, true)],
  '62': [
    scheme('定期検査費', '特定B型肝炎特措法', [shiharaiKikin()], false, false),
    scheme('母子感染防止医療費', '特定B型肝炎特措法', [shiharaiKikin()], false, false),
  ],
  '66': [scheme('医療費', '石綿健康被害救済法', [erca()], false, false)],
  '79': [
    scheme('障害児入所医療', '児童福祉法', [prefecture(), designatedCity(), childGuidanceCity()], true, true),
    scheme('肢体不自由児通所医療', '児童福祉法', [municipality()], true, true),
  ],
} satisfies Record<string, OnlineEligibilityScheme[]>;

/** A program listed in the §5 table: implementers are the union of its schemes' implementers. */
function tabled(schemes: OnlineEligibilityScheme[], onlineNote?: string): Pick<ProgramData, 'implementers' | 'onlineEligibility'> {
  return { implementers: implementersOf(schemes), onlineEligibility: onlineEligibility(schemes, onlineNote) };
}

// ---------------------------------------------------------------------------------------------

export const PROGRAMS: readonly ProgramData[] = [
  {
    lawCode: '10',
    name: '結核患者の適正医療',
    law: '感染症法',
    category: 'infectious_disease',
    ...tabled(SCHEMES['10']),
    requiresDesignatedInstitution: false,
    copay: null,
    note: '感染症法第37条の2（一般患者に対する医療）。',
  },
  {
    lawCode: '11',
    name: '結核患者の入院',
    law: '感染症法',
    category: 'infectious_disease',
    ...tabled(SCHEMES['11']),
    requiresDesignatedInstitution: false,
    copay: null,
    note: '感染症法第37条（入院患者の医療）。',
  },
  {
    lawCode: '12',
    name: '医療扶助',
    law: '生活保護法',
    category: 'public_assistance',
    implementers: [
      { kind: 'prefecture', label: '都道府県（福祉事務所を設置しない町村の区域）' },
      { kind: 'municipality', label: '市（特別区を含む）・福祉事務所を設置する町村' },
    ],
    onlineEligibility: onlineEligibility(
      [],
      '医療扶助のオンライン資格確認は医療扶助のオンライン資格確認システム（オンライン資格確認等システム）で行われ、PMHによるものではない。',
    ),
    requiresDesignatedInstitution: false,
    copay: null,
    note: '実施機関は福祉事務所を管理する都道府県知事・市長・町村長（当方の知識による）。',
  },
  {
    lawCode: '13',
    name: '戦傷病者特別援護法による療養の給付',
    law: '戦傷病者特別援護法',
    category: 'war_victims',
    implementers: [nationalGovernment(), { kind: 'prefecture', label: '都道府県（申請受付・療養券交付等の事務）' }],
    onlineEligibility: NOT_INSTITUTIONALISED(),
    requiresDesignatedInstitution: false,
    copay: null,
    note: '国の給付で都道府県が経由事務を行う（当方の知識による。実施主体の表現は要確認）。',
  },
  {
    lawCode: '14',
    name: '戦傷病者特別援護法による更生医療',
    law: '戦傷病者特別援護法',
    category: 'war_victims',
    implementers: [nationalGovernment(), { kind: 'prefecture', label: '都道府県（申請受付・更生医療券交付等の事務）' }],
    onlineEligibility: NOT_INSTITUTIONALISED(),
    requiresDesignatedInstitution: false,
    copay: null,
    note: '国の給付で都道府県が経由事務を行う（当方の知識による。実施主体の表現は要確認）。',
  },
  {
    lawCode: '15',
    name: '自立支援医療（更生医療）',
    law: '障害者総合支援法',
    category: 'disability',
    ...tabled(SCHEMES['15']),
    requiresDesignatedInstitution: true,
    copay: { rate: 0.1, monthlyCaps: jiritsuShienCaps() },
  },
  {
    lawCode: '16',
    name: '自立支援医療（育成医療）',
    law: '障害者総合支援法',
    category: 'disability',
    ...tabled(SCHEMES['16']),
    requiresDesignatedInstitution: true,
    copay: { rate: 0.1, monthlyCaps: jiritsuShienCaps() },
    note: '上限額は§3の自立支援医療の表のとおり。育成医療の中間所得層に係る経過的特例は本データでは表現していない。',
  },
  {
    lawCode: '17',
    name: '療育の給付',
    law: '児童福祉法',
    category: 'child',
    implementers: [prefecture(), designatedCity(), coreCity()],
    onlineEligibility: NOT_INSTITUTIONALISED(),
    requiresDesignatedInstitution: false,
    copay: null,
    note: '結核にかかっている児童への療育の給付（児童福祉法第20条）。実施主体（都道府県・指定都市・中核市）は当方の推定で要確認。',
  },
  {
    lawCode: '18',
    name: '原子爆弾被爆者に対する認定疾病医療',
    law: '被爆者援護法',
    category: 'atomic_bomb',
    ...tabled(SCHEMES['18']),
    requiresDesignatedInstitution: false,
    copay: null,
  },
  {
    lawCode: '19',
    name: '原子爆弾被爆者に対する一般疾病医療費',
    law: '被爆者援護法',
    category: 'atomic_bomb',
    ...tabled(SCHEMES['19']),
    requiresDesignatedInstitution: false,
    copay: null,
  },
  {
    lawCode: '20',
    name: '措置入院',
    law: '精神保健福祉法',
    category: 'mental_health',
    implementers: [prefecture(), designatedCity()],
    onlineEligibility: NOT_INSTITUTIONALISED(),
    requiresDesignatedInstitution: false,
    copay: null,
  },
  {
    lawCode: '21',
    name: '自立支援医療（精神通院医療）',
    law: '障害者総合支援法',
    category: 'mental_health',
    ...tabled(SCHEMES['21']),
    requiresDesignatedInstitution: true,
    copay: { rate: 0.1, monthlyCaps: jiritsuShienCaps() },
  },
  {
    lawCode: '22',
    name: '麻薬中毒者の入院措置',
    law: '麻薬及び向精神薬取締法',
    category: 'mental_health',
    implementers: [prefecture()],
    onlineEligibility: NOT_INSTITUTIONALISED(),
    requiresDesignatedInstitution: false,
    copay: null,
    note: '都道府県知事による措置入院（当方の知識による）。',
  },
  {
    lawCode: '23',
    name: '養育医療',
    law: '母子保健法',
    category: 'maternal_child',
    ...tabled(SCHEMES['23']),
    requiresDesignatedInstitution: false,
    copay: null,
  },
  {
    lawCode: '24',
    name: '療養介護医療',
    law: '障害者総合支援法',
    category: 'disability',
    ...tabled(SCHEMES['24']),
    requiresDesignatedInstitution: false,
    copay: null,
  },
  {
    lawCode: '25',
    name: '中国残留邦人等に対する医療支援給付',
    law: '中国残留邦人等支援法',
    category: 'public_assistance',
    implementers: [
      { kind: 'prefecture', label: '都道府県（福祉事務所を設置しない町村の区域）' },
      { kind: 'municipality', label: '市（特別区を含む）・福祉事務所を設置する町村' },
    ],
    onlineEligibility: NOT_INSTITUTIONALISED(),
    requiresDesignatedInstitution: false,
    copay: null,
    note: '支援給付は生活保護の例により福祉事務所の設置主体が実施（当方の知識による）。医療支援給付のオンライン資格確認は医療扶助と同じ仕組みと思われるが§5には記載がない。',
  },
  {
    lawCode: '28',
    name: '感染症の患者の入院（一類感染症等・新型インフルエンザ等感染症）',
    law: '感染症法',
    category: 'infectious_disease',
    ...tabled(SCHEMES['28'], '§5の表の「新型インフルエンザ等・新感染症 外出自粛対象者の医療」を法別28・29の両方に対応付けた（当方の解釈）。'),
    requiresDesignatedInstitution: false,
    copay: null,
  },
  {
    lawCode: '29',
    name: '新感染症の患者の入院',
    law: '感染症法',
    category: 'infectious_disease',
    ...tabled(SCHEMES['29'], '§5の表の「新型インフルエンザ等・新感染症 外出自粛対象者の医療」を法別28・29の両方に対応付けた（当方の解釈）。'),
    requiresDesignatedInstitution: false,
    copay: null,
  },
  {
    lawCode: '30',
    name: '心神喪失者等医療観察法による医療',
    law: '心神喪失者等医療観察法',
    category: 'mental_health',
    implementers: [nationalGovernment()],
    onlineEligibility: NOT_INSTITUTIONALISED(),
    requiresDesignatedInstitution: false,
    copay: null,
    note: '国（厚生労働大臣）が指定医療機関に医療を委託して行う（当方の知識による）。',
  },
  {
    lawCode: '38',
    name: '肝炎治療特別促進事業・肝がん・重度肝硬変治療研究促進事業',
    law: '予算事業',
    category: 'infectious_disease',
    ...tabled(SCHEMES['38']),
    requiresDesignatedInstitution: false,
    copay: null,
  },
  {
    lawCode: '51',
    name: '特定疾患治療研究事業・先天性血液凝固因子障害等治療研究事業',
    law: '予算事業',
    category: 'intractable_disease',
    ...tabled(SCHEMES['51'], '同じ表の行にある「第二種健康診断特例区域治療支援」（長崎県・長崎市、R8のみ）は法別51ではないため含めていない。'),
    requiresDesignatedInstitution: false,
    copay: null,
  },
  {
    lawCode: '52',
    name: '小児慢性特定疾病医療支援',
    law: '児童福祉法',
    category: 'child',
    ...tabled(SCHEMES['52']),
    requiresDesignatedInstitution: true,
    copay: { rate: 0.2, monthlyCaps: capTable(SHOMAN_CAPS, ['general', 'severe', 'ventilator']) },
  },
  {
    lawCode: '53',
    name: '児童福祉施設措置医療（児童保護措置）',
    law: '児童福祉法',
    category: 'child',
    ...tabled(SCHEMES['53']),
    requiresDesignatedInstitution: false,
    copay: null,
  },
  {
    lawCode: '54',
    name: '特定医療（指定難病）',
    law: '難病法',
    category: 'intractable_disease',
    ...tabled(SCHEMES['54']),
    requiresDesignatedInstitution: true,
    copay: { rate: 0.2, monthlyCaps: capTable(NANBYO_CAPS, ['general', 'high_cost_long_term', 'ventilator']) },
  },
  {
    lawCode: '62',
    name: '特定B型肝炎ウイルス感染者に対する定期検査費・母子感染防止医療費',
    law: '特定B型肝炎特措法',
    category: 'infectious_disease',
    ...tabled(SCHEMES['62']),
    requiresDesignatedInstitution: false,
    copay: null,
  },
  {
    lawCode: '66',
    name: '石綿による健康被害の救済に係る医療費',
    law: '石綿健康被害救済法',
    category: 'other',
    ...tabled(SCHEMES['66']),
    requiresDesignatedInstitution: false,
    copay: null,
  },
  {
    lawCode: '79',
    name: '障害児入所医療・肢体不自由児通所医療',
    law: '児童福祉法',
    category: 'child',
    ...tabled(SCHEMES['79']),
    requiresDesignatedInstitution: false,
    copay: null,
  },
];
