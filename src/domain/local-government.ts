/** Kinds of 地方公共団体 and of 実施主体 (implementers of national 公費 programs): plain domain vocabulary. */

/** Kinds of 地方公共団体 served by the catalogue. */
export const LOCAL_GOVERNMENT_KINDS = [
  'prefecture', // 都道府県
  'designated_city', // 政令指定都市
  'city', // 市
  'special_ward', // 特別区 (東京23区)
  'town', // 町
  'village', // 村
  'ward', // 行政区 of a 指定都市
] as const;
export type LocalGovernmentKind = (typeof LOCAL_GOVERNMENT_KINDS)[number];

export type ImplementerKind =
  | 'prefecture' // 都道府県
  | 'designated_city' // 指定都市
  | 'core_city' // 中核市
  | 'child_guidance_city' // 児童相談所設置市
  | 'health_center_city' // 保健所設置市
  | 'special_ward' // 特別区
  | 'municipality' // 市区町村
  | 'specific_municipality' // a named municipality (then localGovCodes is set)
  | 'national_body'; // e.g. 社会保険診療報酬支払基金, 環境再生保全機構

export interface Implementer {
  kind: ImplementerKind;
  label: string;
  localGovCodes?: string[];
}
