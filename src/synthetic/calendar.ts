/**
 * Calendar arithmetic on YYYY-MM-DD strings for the generator. Pure: dates
 * are counted in whole days from 1970-01-01 by integer arithmetic (no Date,
 * so neither the wall clock nor the time zone can play a part).
 */

const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of year/month/day (proleptic Gregorian; H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a real calendar date; throws RangeError otherwise. */
export function dayNumber(ymd: string): number {
  const m = YMD.exec(ymd);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(ymd)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const last = mo === 2 && isLeap(y) ? 29 : (DAYS_IN_MONTH[mo - 1] ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > last) throw new RangeError(`not a calendar date: ${ymd}`);
  return daysFromCivil(y, mo, d);
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The YYYY-MM-DD date of a day number (H. Hinnant's civil_from_days). */
export function fromDayNumber(day: number): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

export const addDays = (ymd: string, days: number): string => fromDayNumber(dayNumber(ymd) + days);

/** Same month and day `years` later (or earlier); 29 February becomes 28 February in a common year. */
export function addYears(ymd: string, years: number): string {
  const y = Number(ymd.slice(0, 4)) + years;
  const md = ymd.slice(5);
  return `${String(y).padStart(4, '0')}-${md === '02-29' && !isLeap(y) ? '02-28' : md}`;
}

/** Age in whole years on `on` of someone born on `birth` (birthday counted on its calendar date). */
export function ageOn(birth: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  return on.slice(5) < birth.slice(5) ? years - 1 : years;
}

/** 1 April that starts the Japanese fiscal year (年度) containing `ymd`. */
export function fiscalYearStart(ymd: string): string {
  const y = Number(ymd.slice(0, 4));
  return `${ymd.slice(5) >= '04-01' ? y : y - 1}-04-01`;
}

export const maxDate = (a: string, b: string): string => (a > b ? a : b);
