import type { Db } from '../db/prisma.js';
import type { LocalGovernmentRow } from './local-governments.js';

export interface MunicipalityFilter {
  prefectureCode?: string;
  q?: string;
  kind?: string;
  /** Return rows with code > after. */
  after?: string;
  limit: number;
}

/** Prisma access to the catalogue tables. */
export function catalogueRepository(db: Db) {
  return {
    listPrefectures: () => db.prefecture.findMany({ orderBy: { code: 'asc' } }),

    listLocalGovernments: (f: MunicipalityFilter) =>
      db.localGovernment.findMany({
        where: {
          prefectureCode: f.prefectureCode,
          kind: f.kind,
          code: f.after ? { gt: f.after } : undefined,
          OR: f.q ? [{ name: { contains: f.q } }, { kana: { contains: f.q } }, { code: { startsWith: f.q } }] : undefined,
        },
        orderBy: { code: 'asc' },
        take: f.limit,
      }) as Promise<LocalGovernmentRow[]>,

    findLocalGovernment: (code: string) => db.localGovernment.findUnique({ where: { code } }),

    listPrograms: () => db.program.findMany({ orderBy: { lawCode: 'asc' } }),

    findProgram: (lawCode: string) => db.program.findUnique({ where: { lawCode } }),

    /** Idempotent: inserts or refreshes every row; never duplicates. */
    async upsertCatalogue(data: {
      prefectures: { code: string; name: string; kana: string }[];
      localGovernments: LocalGovernmentRow[];
      programs: { lawCode: string; data: unknown }[];
    }) {
      const p = data.prefectures;
      const l = data.localGovernments;
      await db.$transaction([
        db.$executeRaw`
          INSERT INTO prefecture (code, name, kana)
          SELECT * FROM unnest(${p.map((x) => x.code)}::text[], ${p.map((x) => x.name)}::text[], ${p.map((x) => x.kana)}::text[])
          ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kana = EXCLUDED.kana`,
        db.$executeRaw`
          INSERT INTO local_government (code, prefecture_code, name, kana, kind, parent_code)
          SELECT * FROM unnest(${l.map((x) => x.code)}::text[], ${l.map((x) => x.prefectureCode)}::text[],
                               ${l.map((x) => x.name)}::text[], ${l.map((x) => x.kana)}::text[],
                               ${l.map((x) => x.kind)}::text[], ${l.map((x) => x.parentCode)}::text[])
          ON CONFLICT (code) DO UPDATE SET prefecture_code = EXCLUDED.prefecture_code, name = EXCLUDED.name,
            kana = EXCLUDED.kana, kind = EXCLUDED.kind, parent_code = EXCLUDED.parent_code`,
        db.$executeRaw`
          INSERT INTO program (law_code, data)
          SELECT * FROM unnest(${data.programs.map((x) => x.lawCode)}::text[], ${data.programs.map((x) => JSON.stringify(x.data))}::jsonb[])
          ON CONFLICT (law_code) DO UPDATE SET data = EXCLUDED.data`,
      ]);
    },
  };
}

export type CatalogueRepository = ReturnType<typeof catalogueRepository>;
