/**
 * A stack of cleanup steps, run in reverse order exactly once, every step even
 * when an earlier one fails. Benchmarks register each resource right after
 * acquiring it and call `run()` in a `finally`.
 */
export class Cleanup {
  private readonly steps: { label: string; fn: () => unknown }[] = [];
  private running: Promise<void> | undefined;

  /** Registers a step; steps run last-registered first. */
  add(label: string, fn: () => unknown): void {
    if (this.running) throw new Error(`cleanup already running; cannot add "${label}"`);
    this.steps.push({ label, fn });
  }

  /** Runs every step; throws an AggregateError naming the steps that failed. */
  run(): Promise<void> {
    this.running ??= (async () => {
      const failures: Error[] = [];
      for (const step of this.steps.reverse()) {
        try {
          await step.fn();
        } catch (err) {
          failures.push(new Error(`cleanup "${step.label}" failed: ${String(err)}`, { cause: err }));
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, failures.map((f) => f.message).join('; '));
    })();
    return this.running;
  }
}
