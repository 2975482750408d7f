import { z } from 'zod';
import { instantInputSchema } from '../../http/schemas.js';

/** Years kept free either side of the clock. */
const CLOCK_MARGIN_YEARS = 10;

export const sandboxClockSchema = z
  .object({
    now: z.iso.datetime({ offset: true }).describe('What the sandbox takes as now'),
    real: z.boolean().describe('True when the clock follows real time'),
    frozenAt: z.iso.datetime({ offset: true }).nullable().describe('The instant the clock is frozen at; null when it follows real time'),
    realNow: z.iso.datetime({ offset: true }).describe('The real time of the server'),
  })
  .meta({
    id: 'SandboxClock',
    description: 'The sandbox test clock',
    example: { now: '2027-04-01T00:00:00.000Z', real: false, frozenAt: '2027-04-01T00:00:00.000Z', realNow: '2026-11-23T09:00:00.000Z' },
  });

export const setSandboxClockSchema = z
  .object({
    // Scenarios and generated data lie up to a few years either side of now: those dates must be in range too.
    now: instantInputSchema('The instant to freeze the clock at (ISO 8601 with Z or an offset)', CLOCK_MARGIN_YEARS),
  })
  .meta({ id: 'SetSandboxClock', example: { now: '2027-04-01T09:00:00+09:00' } });
