/** PMH dates are calendar dates in Japan (JST, UTC+9, no daylight saving). */
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;
/** The JST day of the last call (its instants [from, to)): every check asks for today's date. */
let lastDay = { from: 0, to: 0, date: '' };

/** The JST calendar date (YYYY-MM-DD) of an instant. */
export function jstDate(instant: Date): string {
  const t = instant.getTime();
  if (t >= lastDay.from && t < lastDay.to) return lastDay.date;
  const date = new Date(t + JST_OFFSET_MS).toISOString().slice(0, 10);
  const from = Math.floor((t + JST_OFFSET_MS) / DAY_MS) * DAY_MS - JST_OFFSET_MS;
  lastDay = { from, to: from + DAY_MS, date };
  return date;
}

/**
 * The one range of dates the sandbox accepts anywhere (API fields and record fields): what PostgreSQL's
 * `date` and `timestamptz` store, what JavaScript's Date handles, and no earlier than any real 受給者証.
 */
export const DATE_MIN = '1900-01-01';
export const DATE_MAX = '9999-12-31';
const INSTANT_MIN_MS = Date.UTC(1900, 0, 1);
const INSTANT_MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** YYYY-MM-DD, a real Gregorian date, within DATE_MIN–DATE_MAX. */
export function isRealDate(s: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (s < DATE_MIN || mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!);
}

/** False only for a YYYY-MM-DD outside DATE_MIN–DATE_MAX; the form itself is checked elsewhere. */
export function isDateInRange(s: string): boolean {
  return !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(s) || (s >= DATE_MIN && s <= DATE_MAX);
}

/**
 * False only for an ISO 8601 instant outside DATE_MIN–DATE_MAX (UTC), narrowed by `marginYears` at both ends
 * (the sandbox clock: dates generated a few years either side of it must be in range too); the form
 * itself is checked elsewhere.
 */
export function isInstantInRange(s: string, marginYears = 0): boolean {
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) return true;
  const min = marginYears ? Date.UTC(1900 + marginYears, 0, 1) : INSTANT_MIN_MS;
  const max = marginYears ? Date.UTC(9999 - marginYears, 11, 31, 23, 59, 59, 999) : INSTANT_MAX_MS;
  return ms >= min && ms <= max;
}
