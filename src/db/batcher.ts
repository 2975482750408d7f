export interface BatcherOptions {
  /** Items per call of `run`; a full batch starts at once. */
  maxBatch?: number;
  /**
   * Calls of `run` at a time. Items arriving while that many run wait and go together in the next
   * call, so under load batches grow instead of round trips multiplying.
   */
  maxInFlight?: number;
}

/**
 * Coalesces calls made in the same turn of the event loop into one call of `run` (the
 * DataLoader pattern): under concurrent load, N requests cost one database round trip
 * instead of N. Each caller gets the result for its own item, or the batch's error.
 * `run` must return one result per item, in order.
 */
export function batcher<T, R>(run: (items: T[]) => Promise<R[]>, opts: BatcherOptions = {}) {
  const maxBatch = opts.maxBatch ?? 1000;
  const maxInFlight = opts.maxInFlight ?? Infinity;
  const pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  let inFlight = 0;

  const start = () => {
    const batch = pending.splice(0, maxBatch);
    inFlight++;
    let settle: Promise<R[]>;
    try {
      settle = run(batch.map((p) => p.item));
    } catch (err) {
      settle = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    settle
      .then(
        (results) => {
          if (results.length !== batch.length) throw new Error(`batch of ${batch.length} items got ${results.length} results`);
          batch.forEach((p, i) => p.resolve(results[i] as R));
        },
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      )
      .catch((err: unknown) => batch.forEach((p) => p.reject(err)))
      .finally(() => {
        inFlight--;
        // What waited for room goes now (not a turn later: it has waited a whole call already).
        if (!scheduled) flush();
      });
  };

  const flush = () => {
    scheduled = false;
    while (pending.length > 0 && inFlight < maxInFlight) start();
  };

  return (item: T): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (pending.length >= maxBatch && inFlight < maxInFlight) start();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
