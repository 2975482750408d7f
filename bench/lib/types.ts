import type { SequenceLoadResult } from './sequence-load.js';
import type { CpuPhase } from './cpu.js';
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
  /**
   * CPU per completed request during the measurement, microseconds: of the whole machine (server,
   * PostgreSQL, load generator, kernel, and whatever else runs on the machine) and of the event-loop
   * thread serving it; of the serving process and of PostgreSQL when known. Less noisy than req/s.
   */
  cpu?: {
    machineMicrosPerRequest: number;
    mainThreadMicrosPerRequest: number;
    /** The serving process with all its threads, when it is not the benchmark's own process. */
    serverProcessMicrosPerRequest?: number;
    /** The database server's processes (backends and background processes). */
    databaseMicrosPerRequest?: number;
    utilisation: number;
  };
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
  /** What the benchmark must reach, as measured in this run (e.g. ratios to a database floor). */
  goals?: Goal[];
  /**
   * Rounds alternating a reference and a target after the main sequence (e.g. POST /bare/db and the check): each
   * round's ratios of the target to the reference; the goals use their medians.
   */
  alternating?: { reference: string; target: string; secondsEach: number; cpu: number[]; rate: number[] };
}

/** One goal of a benchmark: what was wanted, what this run measured, whether it was met. */
export interface Goal {
  name: string;
  target: string;
  actual: string;
  met: boolean;
}

/** Phase timings of a batch ingest through the service, against a raw COPY of the same rows. */
export interface IngestReport {
  benchmark: string;
  kind: 'ingest';
  startedAt: string;
  finishedAt: string;
  environment: BenchmarkReport['environment'];
  settings: {
    records: number;
    /** Bytes of the NDJSON upload. */
    uploadBytes: number;
    format: 'ndjson';
    chunkSize: number;
    /** Which process the RSS figures are of. */
    rssOf: string;
  };
  service: {
    /** POST until the 202 (streaming the body, parsing, staging with COPY). */
    uploadSeconds: number;
    /** 202 until the task is finished (validation and apply by the worker). */
    processingSeconds: number;
    totalSeconds: number;
    recordsPerSec: number;
    status: string;
    counts: Record<string, number>;
    rssMB: { idle: number; upload: number; processing: number; peakSampled: number; hwm: number };
  };
  /**
   * CPU seconds of each phase (bench/lib/cpu.ts): the machine's (service, PostgreSQL and this
   * process together) and the service process's own. Steadier than wall time on a shared machine.
   */
  cpu: { upload: CpuPhase; processing: CpuPhase };
  copy: { table: string; seconds: number; rowsPerSec: number; machineCpuSeconds: number };
  /** service records/s ÷ COPY rows/s. */
  ratioToCopy: number;
  targets: { name: string; target: string; actual: string; met: boolean }[];
  /** The over-limit stream check, when run. */
  oversize?: {
    sentBytes: number;
    limitBytes: number;
    status: number;
    code: string | undefined;
    seconds: number;
    peakRssMB: number;
    tasksBefore: number;
    tasksAfter: number;
  };
}

export interface ResetTiming {
  samplesMs: number[];
  medianMs: number;
  maxMs: number;
}

/** POST /sandbox/v1/reset on a loaded sandbox, against raw SQL on the same tables. */
export interface ResetReport {
  benchmark: string;
  kind: 'reset';
  startedAt: string;
  finishedAt: string;
  environment: BenchmarkReport['environment'];
  settings: {
    loadedRows: number;
    loadedTaskInputsAndResults: number;
    eligibilityChecks: number;
    smallMunicipalityRows: number;
    /** recipient_certificate rows of the well-known test cards. */
    testCardRows: number;
    oneTenantRepetitions: number;
    fullRepetitions: number;
  };
  /** api: the HTTP call as the client sees it; raw: the baseline; ratio: median api ÷ median raw. */
  oneTenant: { request: string; baseline: string; api: ResetTiming; raw: ResetTiming; ratio: number };
  full: { request: string; baseline: string; api: ResetTiming; raw: ResetTiming; ratio: number };
  /** Re-seeding the well-known test cards alone (part of the full reset's API time). */
  testCardSeed: ResetTiming;
  targets: { name: string; target: string; actual: string; met: boolean }[];
}

export interface HardeningPhase {
  checks: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Fixed-rate eligibility checks without and with stalled and slow uploads held open, in one run. */
export interface HardeningReport {
  benchmark: string;
  kind: 'hardening';
  startedAt: string;
  finishedAt: string;
  environment: BenchmarkReport['environment'];
  settings: { ratePerSec: number; phaseSeconds: number; stalledUploads: number; slowUploads: number; slowBytesPerSec: number };
  quiet: HardeningPhase;
  disturbed: HardeningPhase;
  /** Held uploads the service answered before they were released (e.g. refused by a limit). */
  uploadsAnsweredWhileHeld: number;
  /** disturbed.p99Ms ÷ quiet.p99Ms. */
  p99Ratio: number;
  targets: { name: string; target: string; actual: string; met: boolean }[];
}

/** Clinic visits with 上限額管理 (check + quote + record) against the check alone, same client, same run. */
export interface CopaymentReport {
  benchmark: string;
  kind: 'copayment';
  startedAt: string;
  finishedAt: string;
  environment: BenchmarkReport['environment'];
  settings: { records: number; cards: number; connections: number; durationSeconds: number; warmupSeconds: number };
  checksAlone: SequenceLoadResult;
  visits: SequenceLoadResult;
  /** Three GET /health per iteration: the HTTP exchanges of a visit without their work */
  httpFloor?: SequenceLoadResult;
  /** Exploration: each call on its own (BENCH_COPAYMENT_EACH=1) */
  each?: Record<string, SequenceLoadResult>;
  /** visits/s ÷ checks/s */
  ratio: number;
  goals: Goal[];
}

export type AnyReport = BenchmarkReport | IngestReport | ResetReport | HardeningReport | CopaymentReport;

export interface Benchmark {
  /** Selects the benchmark on the command line; also the results file prefix. */
  name: string;
  run(): Promise<AnyReport>;
}
