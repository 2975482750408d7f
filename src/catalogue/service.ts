import { decodeInsurerNumber } from '../domain/numbers.js';
import { prefectureByCode } from '../domain/prefectures.js';
import { problem } from '../http/problem.js';
import { decodeCursor, encodeCursor } from '../http/schemas.js';
import type { CatalogueRepository } from './repository.js';
import type { Program } from './schemas.js';

export function catalogueService(repo: CatalogueRepository) {
  return {
    listPrefectures: () => repo.listPrefectures(),

    async listLocalGovernments(q: { prefectureCode?: string; q?: string; kind?: string; limit: number; cursor?: string }) {
      const after = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;
      if (after !== undefined && !/^[0-9]{6}$/.test(after)) {
        throw problem('invalid_cursor');
      }
      // One extra row tells whether there is a next page.
      const rows = await repo.listLocalGovernments({ ...q, after, limit: q.limit + 1 });
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last.code) : null };
    },

    async listPrograms(): Promise<Program[]> {
      return (await repo.listPrograms()).map((p) => p.data as Program);
    },

    async getProgram(lawCode: string): Promise<Program> {
      const row = await repo.findProgram(lawCode);
      if (!row) {
        throw problem('program_not_found', { detail: `法別番号 ${lawCode} is not a national 公費 program (local programs use 80–99 per prefecture)` });
      }
      return row.data as Program;
    },

    async decodeInsurerNumber(number: string) {
      const d = decodeInsurerNumber(number);
      const lawCode = d.lawCode!;
      const prefectureCode = d.prefectureCode!;
      const program = await repo.findProgram(lawCode);
      return {
        number,
        valid: d.valid,
        lawCode,
        program: program ? (program.data as Program) : null,
        prefectureCode,
        prefectureName: prefectureByCode(prefectureCode)?.name ?? null,
        institutionNumber: d.institutionNumber!,
        checkDigit: d.checkDigit!,
        problems: d.problems,
      };
    },
  };
}

export type CatalogueService = ReturnType<typeof catalogueService>;
