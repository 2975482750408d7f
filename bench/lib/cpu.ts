import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

/** CPU seconds the whole machine spent busy (user, nice, system, irq, softirq) since boot, from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [, user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).map(Number) as number[];
  return (user! + nice! + system! + irq! + softirq!) / TICKS_PER_SECOND;
}

/** CPU seconds (user + system) one process has used so far, from /proc/<pid>/stat; undefined once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU seconds of a process's main thread (the event loop of a Node server), without its other threads. */
export function mainThreadCpuSeconds(pid = process.pid): number {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`) ?? 0;
}

function statCpuSeconds(file: string): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export interface CpuPhase {
  /** Busy CPU seconds of the whole machine (every process: the service, PostgreSQL, the load generator). */
  machineSeconds: number;
  /** CPU seconds of the measured process. */
  processSeconds: number;
  /** machineSeconds ÷ (wall seconds × CPUs): how much of the machine the phase kept busy. */
  utilisation: number;
}

/**
 * CPU spent between marks, by the machine and by one process. Less noisy than wall time on a shared
 * machine: work removed shows up here even when another tenant slows the clock down.
 */
export function cpuMeter(pid: number) {
  const cpus = os.cpus().length;
  let machine = machineBusySeconds();
  let proc = processCpuSeconds(pid) ?? 0;
  let wall = performance.now();
  return {
    mark(): CpuPhase {
      const m = machineBusySeconds();
      const p = processCpuSeconds(pid) ?? proc;
      const w = performance.now();
      const phase = { machineSeconds: m - machine, processSeconds: p - proc, utilisation: (m - machine) / (((w - wall) / 1000) * cpus) };
      machine = m;
      proc = p;
      wall = w;
      return phase;
    },
  };
}
