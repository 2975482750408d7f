/**
 * Calendar arithmetic on YYYY-MM-DD strings for the generator. Pure: dates
 * are counted in whole days from 1970-01-01 (UTC arithmetic only, never the
 * wall clock or the local time zone).
 */

const MS_PER_DAY = 86_400_000;
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a real calendar date; throws RangeError otherwise. */
export function dayNumber(ymd: string): number {
  const m = YMD.exec(ymd);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(ymd)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`not a calendar date: ${ymd}`);
  }
  return ms / MS_PER_DAY;
}

/** The YYYY-MM-DD date of a day number. */
export function fromDayNumber(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export const addDays = (ymd: string, days: number): string => fromDayNumber(dayNumber(ymd) + days);

/** Same month and day `years` later (or earlier); 29 February becomes 28 February in a common year. */
export function addYears(ymd: string, years: number): string {
  const y = Number(ymd.slice(0, 4)) + years;
  const md = ymd.slice(5);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return `${String(y).padStart(4, '0')}-${md === '02-29' && !leap ? '02-28' : md}`;
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
