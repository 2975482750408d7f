import { Worker } from 'node:worker_threads';
import type { CertificateTypeRules } from '../domain/pmh-record/index.js';
import type { PrepareAnswer, PrepareBatch } from './prepare-worker.js';

/** Heap limits of each worker: a batch is a few hundred kB of lines and the records made of them. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 16 };

/**
 * The worker entry next to this module: the bundle's dist/prepare-worker.mjs when the service runs
 * bundled (scripts/build.mjs), else the TypeScript source through a bootstrap that registers tsx in
 * the worker (a worker does not inherit the loader the tests and tools run with).
 */
const workerEntry = (): URL =>
  import.meta.url.endsWith('.ts') ? new URL('./prepare-worker-source.mjs', import.meta.url) : new URL('./prepare-worker.mjs', import.meta.url);

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (copy: Uint8Array) => void; reject: (err: Error) => void }>;
}

/**
 * Worker threads that validate NDJSON lines of uploads (src/registrations/prepare-worker.ts), so an
 * upload uses more than the one core of the event loop. Started on first use; a worker that dies is
 * replaced, failing only the batches it held.
 */
export class PreparePool {
  private slots: Slot[] = [];
  private nextId = 0;
  private closed = false;

  constructor(readonly size: number) {}

  /** Validates a batch of lines; resolves with their staging COPY text. */
  run(batch: Omit<PrepareBatch, 'id'>): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('the prepare pool is closed'));
    if (this.slots.length < this.size) this.slots.push(this.start());
    // The least busy worker (fewest batches in hand).
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...batch, id } satisfies PrepareBatch);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private start(): Slot {
    const worker = new Worker(workerEntry(), { execArgv: [], resourceLimits: WORKER_LIMITS });
    // Idle workers do not keep the process alive.
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    const failAll = (err: Error) => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
    };
    worker.on('message', (a: PrepareAnswer) => {
      const p = slot.pending.get(a.id);
      if (!p) return;
      slot.pending.delete(a.id);
      if (a.ok) p.resolve(a.copy);
      else p.reject(new Error(`validating uploaded records failed in a worker thread: ${a.message}`));
    });
    worker.on('error', (err) => failAll(err));
    worker.on('exit', (code) => failAll(new Error(`an upload worker thread exited (code ${code})`)));
    return slot;
  }
}

export interface NdjsonBatching {
  taskId: string;
  maxRecordBytes: number;
  rules: Map<string, CertificateTypeRules>;
}

/** Lines per batch, and bytes: whichever comes first. */
const BATCH_LINES = 512;
const BATCH_BYTES = 512 * 1024;

/**
 * Staging COPY text of NDJSON lines (from ndjsonLines; null = a line over the record limit), validated
 * by the pool's workers a batch at a time, at most two batches per worker in flight: memory stays
 * bounded however long the upload. Yields in submission order; indexes are given by position.
 */
export async function* prepareInPool(pool: PreparePool, lines: AsyncIterable<Uint8Array | null>, b: NdjsonBatching): AsyncGenerator<Uint8Array> {
  const inFlight: Promise<Uint8Array>[] = [];
  let index = 0;
  let firstIndex = 0;
  let bytes = Buffer.allocUnsafeSlow(BATCH_BYTES);
  let used = 0;
  let lengths: number[] = [];
  const submit = () => {
    const batchBytes = bytes.subarray(0, used);
    const p = pool.run({
      taskId: b.taskId,
      firstIndex,
      bytes: batchBytes,
      lengths: Int32Array.from(lengths),
      maxRecordBytes: b.maxRecordBytes,
      rules: b.rules,
    });
    // Awaited below in order; until then a failure must not count as unhandled.
    p.catch(() => undefined);
    inFlight.push(p);
    bytes = Buffer.allocUnsafeSlow(BATCH_BYTES);
    used = 0;
    lengths = [];
    firstIndex = index;
  };
  for await (const line of lines) {
    if (line !== null && used + line.length > bytes.length) {
      if (lengths.length > 0) submit();
      if (line.length > bytes.length) bytes = Buffer.allocUnsafeSlow(line.length);
    }
    if (line === null) lengths.push(-1);
    else {
      bytes.set(line, used);
      used += line.length;
      lengths.push(line.length);
    }
    index++;
    if (lengths.length >= BATCH_LINES || used >= BATCH_BYTES) submit();
    while (inFlight.length >= pool.size * 2) yield await inFlight.shift()!;
  }
  if (lengths.length > 0) submit();
  while (inFlight.length > 0) yield await inFlight.shift()!;
}
