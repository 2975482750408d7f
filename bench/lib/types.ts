import type { Measurement } from './measure.js';

export interface TargetResult {
  /** Short label, e.g. "bare Fastify". */
  name: string;
  /** What was requested, e.g. "GET /bare" (path decoded for reading). */
  request: string;
  url: string;
  measurement: Measurement;
  /** requestsPerSec ÷ the baseline target's requestsPerSec. */
  ratioToBaseline: number;
}

export interface BenchmarkReport {
  benchmark: string;
  startedAt: string;
  finishedAt: string;
  environment: {
    node: string;
    platform: string;
    arch: string;
    cpus: number;
    cpuModel: string;
    database?: { kind: 'embedded' | 'external'; description: string; serverVersion: string };
  };
  settings: { connections: number; durationSeconds: number; warmupSeconds: number; loadGenerator: string };
  /** Name of the target the ratios are relative to. */
  baseline: string;
  targets: TargetResult[];
}

export interface Benchmark {
  /** Selects the benchmark on the command line; also the results file prefix. */
  name: string;
  run(): Promise<BenchmarkReport>;
}
