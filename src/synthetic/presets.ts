/**
 * Built-in certificate types (制度マスタ) for generated data, each a valid
 * body of PUT /municipal/v1/certificate-types/{id} for a municipality that
 * implements the program: the 公費負担者番号 carries the municipality's
 * prefecture and a valid check digit. Caps follow pmh.md §3.
 */
import type { CertificateTypeDefinition } from '../certificate-types/schemas.js';
import { completeInsurerNumber } from '../domain/numbers.js';
import type { SyntheticCertificateType } from './generator.js';

export interface PresetMunicipality {
  /** 全国地方公共団体コード */
  code: string;
  prefectureCode: string;
}

/** 公費負担者番号: 法別 + 都道府県 + 実施機関 (national programs: 001, the prefecture's own; local: from the municipality code). */
const insurer = (law: string, m: PresetMunicipality, national: boolean) =>
  completeInsurerNumber(`${law}${m.prefectureCode}${national ? '001' : m.code.slice(2, 5)}`);

const common = () => ({ additionalConditionItems: [], segments: [], incomeSegments: [], checkDigitValidation: 'strict' as const });

interface Preset {
  id: string;
  summary: string;
  definition(m: PresetMunicipality): CertificateTypeDefinition;
}

export const PRESETS: Readonly<Record<string, Preset>> = {
  nanbyo54: {
    id: 'NANBYO54',
    summary: '特定医療費（指定難病） 法別54, national, 2割, monthly caps by 所得区分, 指定医療機関 (都道府県・指定都市)',
    definition: (m) => ({
      ...common(),
      kind: 'national',
      lawCode: '54',
      name: '特定医療費（指定難病）受給者証',
      insurerNumbers: [insurer('54', m, true)],
      incomeSegments: [
        { code: 'SEIHO', name: '生活保護', monthlyCap: 0 },
        { code: 'TEI1', name: '低所得Ⅰ', monthlyCap: 2500 },
        { code: 'TEI2', name: '低所得Ⅱ', monthlyCap: 5000 },
        { code: 'IPPAN1', name: '一般所得Ⅰ', monthlyCap: 10000 },
        { code: 'IPPAN2', name: '一般所得Ⅱ', monthlyCap: 20000 },
        { code: 'JOUI', name: '上位所得', monthlyCap: 30000 },
      ],
      segments: [{ code: 'KOUGAKU', name: '高額かつ長期' }],
      additionalConditionItems: [{ itemCode: 'A1', name: '人工呼吸器等装着', conditionCodes: ['1', '2'] }],
      copay: { rate: 0.2 },
      requiresDesignatedInstitutions: true,
    }),
  },
  shoman52: {
    id: 'SHOMAN52',
    summary: '小児慢性特定疾病医療費 法別52, national, ages 0–17, 2割, monthly caps, 指定医療機関',
    definition: (m) => ({
      ...common(),
      kind: 'national',
      lawCode: '52',
      name: '小児慢性特定疾病医療受給者証',
      insurerNumbers: [insurer('52', m, true)],
      incomeSegments: [
        { code: 'SEIHO', name: '生活保護', monthlyCap: 0 },
        { code: 'TEI1', name: '低所得Ⅰ', monthlyCap: 1250 },
        { code: 'TEI2', name: '低所得Ⅱ', monthlyCap: 2500 },
        { code: 'IPPAN1', name: '一般所得Ⅰ', monthlyCap: 5000 },
        { code: 'IPPAN2', name: '一般所得Ⅱ', monthlyCap: 10000 },
        { code: 'JOUI', name: '上位所得', monthlyCap: 15000 },
      ],
      segments: [{ code: 'JUUSHOU', name: '重症' }],
      copay: { rate: 0.2 },
      requiresDesignatedInstitutions: true,
    }),
  },
  seishin21: {
    id: 'SEISHIN21',
    summary: '自立支援医療（精神通院医療） 法別21, national, 1割, monthly caps, 指定医療機関 (都道府県・指定都市)',
    definition: (m) => ({
      ...common(),
      kind: 'national',
      lawCode: '21',
      name: '自立支援医療受給者証（精神通院）',
      insurerNumbers: [insurer('21', m, true)],
      incomeSegments: [
        { code: 'SEIHO', name: '生活保護', monthlyCap: 0 },
        { code: 'TEI1', name: '低所得1', monthlyCap: 2500 },
        { code: 'TEI2', name: '低所得2', monthlyCap: 5000 },
        { code: 'CHUKAN1J', name: '中間所得1（重度かつ継続）', monthlyCap: 5000 },
        { code: 'CHUKAN2J', name: '中間所得2（重度かつ継続）', monthlyCap: 10000 },
        { code: 'ICHITEIJ', name: '一定所得以上（重度かつ継続）', monthlyCap: 20000 },
      ],
      copay: { rate: 0.1 },
      requiresDesignatedInstitutions: true,
    }),
  },
  kodomo: {
    id: 'KODOMO',
    summary: 'こども医療費助成 (地単, children, 法別88), ages 0–18, no copay, certificates per 年度',
    definition: (m) => ({
      ...common(),
      kind: 'local',
      localCategory: 'children',
      name: 'こども医療証',
      insurerNumbers: [insurer('88', m, false)],
      additionalConditionItems: [{ itemCode: 'K1', name: '入院・外来', conditionCodes: ['1', '2'] }],
      copay: { rate: 0, inpatientOutpatientCombined: false },
      requiresDesignatedInstitutions: false,
    }),
  },
  hitorioya: {
    id: 'HITORIOYA',
    summary: 'ひとり親家庭等医療費助成 (地単, single_parent, 法別81), 1割 or none by 所得区分',
    definition: (m) => ({
      ...common(),
      kind: 'local',
      localCategory: 'single_parent',
      name: 'ひとり親家庭等医療証',
      insurerNumbers: [insurer('81', m, false)],
      incomeSegments: [
        { code: 'HIKAZEI', name: '住民税非課税', monthlyCap: 0 },
        { code: 'KAZEI', name: '住民税課税', monthlyCap: 18000 },
      ],
      copay: { rate: 0.1 },
      requiresDesignatedInstitutions: false,
    }),
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);

/** The preset `name` for municipality `m`, or undefined when there is no such preset. */
export function presetCertificateType(name: string, m: PresetMunicipality): SyntheticCertificateType | undefined {
  const preset = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  return preset && { id: preset.id, definition: preset.definition(m) };
}
