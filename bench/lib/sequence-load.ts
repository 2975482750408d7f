import http from 'node:http';
import { cpuMeter } from './cpu.js';

/** One HTTP exchange of a sequence: JSON in, JSON out. */
export interface SequenceCall {
  (name: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
}

export interface SequenceLoadOptions {
  origin: string;
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /**
   * One iteration of a worker (e.g. a visit: check → quote → record). Workers run it in a loop until the time
   * is up; each call it makes is timed under its name. It throws on an unexpected answer: the run stops.
   */
  iteration: (call: SequenceCall, worker: number, n: number) => Promise<void>;
  /** The serving process: its CPU and the whole machine's per iteration are measured (bench/lib/cpu.ts). */
  serverPid?: number;
}

export interface CallStats {
  count: number;
  perSec: number;
  p50: number;
  p99: number;
}

export interface SequenceLoadResult {
  iterations: number;
  iterationsPerSec: number;
  durationSeconds: number;
  calls: Record<string, CallStats>;
  /** Busy CPU per iteration, µs: the whole machine (service, PostgreSQL, this client, kernel) and the serving process. */
  cpu?: { machineMicrosPerIteration: number; serverMicrosPerIteration: number; utilisation: number };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * A closed-loop load of dependent requests, which autocannon's fixed request lists cannot express: `connections`
 * workers, each on its own keep-alive socket, run `iteration` back to back for `durationSeconds`.
 * Latency per call name, milliseconds. Both sides of a comparison must use this same client.
 */
export async function runSequenceLoad(opts: SequenceLoadOptions): Promise<SequenceLoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const target = new URL(opts.origin);
  if (target.hostname !== '127.0.0.1') throw new Error(`benchmarks run over loopback only, got ${opts.origin}`);
  const latencies = new Map<string, number[]>();
  const call: SequenceCall = (name, method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const t0 = performance.now();
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          method,
          path,
          agent,
          timeout: 10_000,
          headers: { ...opts.headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let list = latencies.get(name);
            if (!list) latencies.set(name, (list = []));
            list.push(performance.now() - t0);
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null });
            } catch (err) {
              reject(new Error(`${name}: ${method} ${path} answered ${res.statusCode} with a body that is not JSON: ${String(err)}`));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${name}: ${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });

  const meter = opts.serverPid === undefined ? undefined : cpuMeter(opts.serverPid);
  const started = performance.now();
  const deadline = started + opts.durationSeconds * 1000;
  let iterations = 0;
  try {
    await Promise.all(
      Array.from({ length: opts.connections }, async (_, worker) => {
        for (let n = 0; performance.now() < deadline; n++) {
          await opts.iteration(call, worker, n);
          iterations++;
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  const used = meter?.mark();
  const cpu = used && {
    machineMicrosPerIteration: (used.machineSeconds * 1e6) / iterations,
    serverMicrosPerIteration: (used.processSeconds * 1e6) / iterations,
    utilisation: used.utilisation,
  };
  const calls: Record<string, CallStats> = {};
  for (const [name, list] of latencies) {
    const sorted = Float64Array.from(list).sort();
    calls[name] = { count: list.length, perSec: list.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  }
  return { iterations, iterationsPerSec: iterations / seconds, durationSeconds: seconds, calls, ...(cpu ? { cpu } : {}) };
}
