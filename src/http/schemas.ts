import { problem } from './problem.js';
import { DATE_MAX, DATE_MIN, isDateInRange, isInstantInRange } from '../domain/dates.js';
import { z } from 'zod';
/** Cursor pagination shared by every list endpoint. */
export const paginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Page size (1–1000, default 100)'),
  cursor: z.string().max(200).optional().describe('Opaque cursor from the previous page’s nextCursor'),
});

/** `includeTestData=true` on a municipality's listing: also list the sandbox's well-known test data it owns. */
export const includeTestDataSchema = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` to get the next page; null on the last page'),
  });

export const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
/** The key of a cursor this API issued; anything else (empty, not base64url, not its canonical form) is 400 invalid_cursor. */
export function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (cursor === '' || key.includes('\uFFFD') || encodeCursor(key) !== cursor) throw problem('invalid_cursor');
  return key;
}

const DATE_RANGE_TEXT = `${DATE_MIN} to ${DATE_MAX}`;

/**
 * Every date a client sends: YYYY-MM-DD, a real calendar date, within the one documented range
 * (domain/dates.ts), so that nothing accepted here can fail later in PostgreSQL. Out of range is
 * field code `date_out_of_range`.
 */
export const dateInputSchema = (description: string) =>
  z.iso
    .date()
    .refine(isDateInRange, { message: `must be a date from ${DATE_RANGE_TEXT}`, params: { code: 'date_out_of_range' } })
    .describe(`${description} (${DATE_RANGE_TEXT})`);

/**
 * Every instant a client sends: ISO 8601 with Z or an offset, within the same range (UTC), less
 * `marginYears` at both ends where dates are derived around it (the sandbox clock).
 */
export const instantInputSchema = (description: string, marginYears = 0) => {
  const from = `${1900 + marginYears}-01-01T00:00:00Z`;
  const to = `${9999 - marginYears}-12-31T23:59:59Z`;
  return z.iso
    .datetime({ offset: true })
    .refine((s) => isInstantInRange(s, marginYears), { message: `must be an instant from ${from} to ${to}`, params: { code: 'date_out_of_range' } })
    .describe(`${description} (${from.slice(0, 10)} to ${to.slice(0, 10)}, UTC)`);
};
