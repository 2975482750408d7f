/**
 * The sandbox's notion of "now". Everything that defaults to today (service
 * dates, validity, task timestamps) asks this clock, never `new Date()`, so a
 * sandbox test clock can move it.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
