import { PREFECTURES } from '../domain/prefectures.js';
import { loadLocalGovernments } from './local-governments.js';
import { PROGRAMS } from './programs-data.js';
import type { CatalogueRepository } from './repository.js';
import { programSchema } from './schemas.js';

/** Loads the catalogue; safe to run at every start. */
export async function seedCatalogue(repo: CatalogueRepository) {
  const localGovernments = loadLocalGovernments();
  const programs = PROGRAMS.map((p) => ({ lawCode: p.lawCode, data: programSchema.parse(p) }));
  await repo.upsertCatalogue({ prefectures: [...PREFECTURES], localGovernments, programs });
  return { prefectures: PREFECTURES.length, localGovernments: localGovernments.length, programs: programs.length };
}
