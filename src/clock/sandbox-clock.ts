import { systemClock, type Clock } from './clock.js';

/** What the sandbox clock is doing: following real time, or frozen at an instant. */
export interface SandboxClockState {
  /** The instant the clock is frozen at; null when it follows real time. */
  frozenAt: Date | null;
}

/**
 * The sandbox test clock (like Stripe's test clocks): real time until someone sets it, then frozen at
 * the set instant until it is set again or returned to real time. `now()` is synchronous and in memory;
 * persisting the state is the caller's business (src/sandbox/clock/service.ts).
 */
export class SandboxClock implements Clock {
  private frozenAt: Date | null;

  constructor(
    private readonly base: Clock = systemClock,
    state: SandboxClockState = { frozenAt: null },
  ) {
    this.frozenAt = state.frozenAt ? new Date(state.frozenAt) : null;
  }

  now(): Date {
    return this.frozenAt ? new Date(this.frozenAt) : this.base.now();
  }

  state(): SandboxClockState {
    return { frozenAt: this.frozenAt ? new Date(this.frozenAt) : null };
  }

  freeze(at: Date) {
    this.frozenAt = new Date(at);
  }

  unfreeze() {
    this.frozenAt = null;
  }

  /** The clock of the app: a SandboxClock as given, or one (in memory) over any other clock. */
  static over(clock: Clock | undefined): SandboxClock {
    return clock instanceof SandboxClock ? clock : new SandboxClock(clock ?? systemClock);
  }
}
