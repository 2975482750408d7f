/**
 * Coalesces calls made in the same turn of the event loop into one call of `run` (the
 * DataLoader pattern): under concurrent load, N requests cost one database round trip
 * instead of N. Each caller gets the result for its own item, or the batch's error.
 * `run` must return one result per item, in order.
 */
export function batcher<T, R>(run: (items: T[]) => Promise<R[]>, maxBatch = 1000) {
  let pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];

  const flush = () => {
    const batch = pending;
    if (batch.length === 0) return;
    pending = [];
    run(batch.map((p) => p.item)).then(
      (results) => batch.forEach((p, i) => p.resolve(results[i] as R)),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
  };

  return (item: T): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (pending.length === 1) setImmediate(flush);
      else if (pending.length >= maxBatch) flush();
    });
}
