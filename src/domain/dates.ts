/** PMH dates are calendar dates in Japan (JST, UTC+9, no daylight saving). */
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** The JST calendar date (YYYY-MM-DD) of an instant. */
export function jstDate(instant: Date): string {
  return new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The years a PMH date may have (受給者証 records, dates of service and of birth). */
export const PMH_MIN_YEAR = 1900;
export const PMH_MAX_YEAR = 9999;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/**
 * A real calendar date YYYY-MM-DD of year 1900–9999. ISO 8601 alone allows year 0000, which PostgreSQL's `date`
 * cannot hold (it has no year 0): every date input is held to this rule before it reaches a query.
 */
export function isPmhDate(s: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < PMH_MIN_YEAR || mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!);
}

/**
 * Whether an ISO 8601 instant falls in UTC years 1900+margin … 9998−margin: PostgreSQL's timestamptz and the JST
 * dates derived from it (a PMH date) can hold it, and so can dates up to `margin` years either side of it.
 */
export function isPmhInstant(s: string, marginYears = 0): boolean {
  const t = Date.parse(s);
  if (Number.isNaN(t)) return false;
  const y = new Date(t).getUTCFullYear();
  return y >= PMH_MIN_YEAR + marginYears && y <= PMH_MAX_YEAR - 1 - marginYears;
}
