import os from 'node:os';
import { cpuMeter, mainThreadCpuSeconds, processCpuSeconds } from './cpu.js';
import { measure, type MeasureRequest } from './measure.js';
import type { BenchmarkReport, Goal, TargetResult } from './types.js';

export interface Target {
  name: string;
  url: string;
  requests?: MeasureRequest[];
  /** Process serving the target, for its event loop's CPU (default: this process). */
  serverPid?: number;
}

export interface CompareOptions {
  /** The first target is the baseline every ratio refers to. */
  targets: [Target, ...Target[]];
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  log?: (line: string) => void;
  /** The database server's processes (e.g. from pg_stat_activity), for PostgreSQL's CPU per request. */
  databasePids?: () => Promise<number[]>;
}

/** CPU seconds of these processes together (those gone meanwhile count as 0). */
const cpuOf = (pids: number[]) => new Map(pids.map((pid) => [pid, processCpuSeconds(pid) ?? 0]));
const cpuSince = (before: Map<number, number>) => [...before].reduce((sum, [pid, t0]) => sum + Math.max(0, (processCpuSeconds(pid) ?? t0) - t0), 0);

/** "GET /catalogue/v1/municipalities?q=八王子" from a URL (decoded for reading). */
export function describeRequest(url: string, method = 'GET'): string {
  const u = new URL(url);
  const raw = `${u.pathname}${u.search}`;
  try {
    return `${method} ${decodeURIComponent(raw)}`;
  } catch {
    return `${method} ${raw}`;
  }
}

/** One GET, so a wrong route or a failing dependency is reported with its body, not as N non-2xx. */
async function preflight(target: Target): Promise<void> {
  if (target.requests) return;
  const res = await fetch(target.url, { signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  if (!res.ok) throw new Error(`${target.name}: GET ${target.url} answered ${res.status}: ${body.slice(0, 500)}`);
}

/**
 * Measures each target with identical settings, one after the other, each
 * after a warm-up of its own (whose figures are discarded, but which must also
 * be error-free). Ratios are req/s relative to the first target.
 */
export async function compareTargets(opts: CompareOptions): Promise<Pick<BenchmarkReport, 'settings' | 'baseline' | 'targets'>> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const measured: Omit<TargetResult, 'ratioToBaseline'>[] = [];
  for (const target of opts.targets) {
    await preflight(target);
    const common = { url: target.url, connections: opts.connections, ...(target.requests ? { requests: target.requests } : {}) };
    if (opts.warmupSeconds > 0) {
      log(`  ${target.name}: warming up ${opts.warmupSeconds} s`);
      await measure({ ...common, durationSeconds: opts.warmupSeconds });
    }
    log(`  ${target.name}: measuring ${opts.durationSeconds} s`);
    const database0 = opts.databasePids ? cpuOf(await opts.databasePids()) : undefined;
    const meter = cpuMeter(target.serverPid ?? process.pid);
    const serverPid = target.serverPid ?? process.pid;
    const thread0 = mainThreadCpuSeconds(serverPid);
    const measurement = await measure({ ...common, durationSeconds: opts.durationSeconds });
    const phase = meter.mark();
    const databaseSeconds = database0 ? cpuSince(database0) : undefined;
    const perRequest = (seconds: number) => (seconds * 1e6) / measurement.total;
    measured.push({
      name: target.name,
      request: describeRequest(target.url, target.requests?.[0]?.method),
      url: target.url,
      measurement,
      cpu: {
        machineMicrosPerRequest: perRequest(phase.machineSeconds),
        mainThreadMicrosPerRequest: perRequest(mainThreadCpuSeconds(serverPid) - thread0),
        ...(target.serverPid !== undefined ? { serverProcessMicrosPerRequest: perRequest(phase.processSeconds) } : {}),
        ...(databaseSeconds !== undefined ? { databaseMicrosPerRequest: perRequest(databaseSeconds) } : {}),
        utilisation: phase.utilisation,
      },
    });
  }
  const baseline = measured[0];
  if (!baseline) throw new Error('no target measured');
  return {
    settings: {
      connections: opts.connections,
      durationSeconds: opts.durationSeconds,
      warmupSeconds: opts.warmupSeconds,
      loadGenerator: 'autocannon 9, 1 worker thread, pipelining 1',
    },
    baseline: baseline.name,
    targets: measured.map((m) => ({
      ...m,
      ratioToBaseline: m.measurement.requestsPerSec / baseline.measurement.requestsPerSec,
    })),
  };
}

/**
 * A target against a reference measured in the same run (e.g. a database floor): its req/s and its
 * machine CPU per request as ratios to the reference's, which vary less than either figure on a busy machine.
 */
export function relativeTo(target: TargetResult, reference: TargetResult): { rate: number; cpu: number } {
  const cpu = target.cpu && reference.cpu ? target.cpu.machineMicrosPerRequest / reference.cpu.machineMicrosPerRequest : Number.NaN;
  return { rate: target.measurement.requestsPerSec / reference.measurement.requestsPerSec, cpu };
}

/** A goal "actual ≤ / ≥ / < wanted", formatted with `digits` decimals and `unit`. */
export function goal(name: string, actual: number, op: '≤' | '≥' | '<', wanted: number, unit = '', digits = 2): Goal {
  const met = op === '≤' ? actual <= wanted : op === '≥' ? actual >= wanted : actual < wanted;
  return { name, target: `${op} ${+wanted.toFixed(digits)}${unit}`, actual: `${actual.toFixed(digits)}${unit}`, met };
}

export function environment(): BenchmarkReport['environment'] {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: os.platform(),
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
  };
}
