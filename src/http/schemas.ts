import { ProblemError } from './problem.js';
import { z } from 'zod';
import { isPmhInstant, PMH_MAX_YEAR, PMH_MIN_YEAR } from '../domain/dates.js';

/** A date input (YYYY-MM-DD): a real calendar date of year 1900–9999 (domain/dates.ts), not merely ISO 8601. */
export const dateInputSchema = () =>
  // z.iso.date() reports what is not a calendar date; the refinement adds only the year range (one error per value).
  z.iso.date().refine((s) => !/^[0-9]{4}-/.test(s) || Number(s.slice(0, 4)) >= PMH_MIN_YEAR, {
    message: `must be a date of year ${PMH_MIN_YEAR}-${PMH_MAX_YEAR}`,
  });

/**
 * An instant input (ISO 8601 with Z or an offset) of UTC year 1900+margin … 9998−margin; z.iso.datetime() alone allows
 * year 0000 and instants past 9999 in UTC, which PostgreSQL's timestamptz and the JST dates derived from them cannot hold.
 */
export const instantInputSchema = (marginYears = 0) =>
  z.iso.datetime({ offset: true }).refine((s) => Number.isNaN(Date.parse(s)) || isPmhInstant(s, marginYears), {
    message: `must be an instant of year ${PMH_MIN_YEAR + marginYears}-${PMH_MAX_YEAR - 1 - marginYears}`,
  });

/** Cursor pagination shared by every list endpoint. */
export const paginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Page size (1–1000, default 100)'),
  cursor: z.string().max(200).optional().describe('Opaque cursor from the previous page’s nextCursor'),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` to get the next page; null on the last page'),
  });

export const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
/** The key of a cursor this API issued; anything else (empty, not base64url, not its canonical form) is 400 invalid_cursor. */
export function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (cursor === '' || key.includes('\uFFFD') || encodeCursor(key) !== cursor) throw new ProblemError(400, 'invalid_cursor', 'The cursor is not one this API issued');
  return key;
}
