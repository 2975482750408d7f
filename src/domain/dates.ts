/** PMH dates are calendar dates in Japan (JST, UTC+9, no daylight saving). */
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** The JST calendar date (YYYY-MM-DD) of an instant. */
export function jstDate(instant: Date): string {
  return new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}
