import { readFileSync } from 'node:fs';

/** Resident set size and its high-water mark of one process, in bytes (Linux /proc). */
export function readRss(pid: number): { rss: number; hwm: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

export interface RssSampler {
  /** Peak of the samples taken since the last `mark()` (or the start). */
  mark(): number;
  /** Highest sample so far, and the kernel's own high-water mark (VmHWM) of the process's whole life. */
  stop(): { peakSampled: number; hwm: number; samples: number };
}

/**
 * Samples a process's RSS every `intervalMs` from /proc/<pid>/status. VmHWM is read at the end
 * as well: the kernel's peak cannot miss a spike shorter than the interval.
 */
export function sampleRss(pid: number, intervalMs = 100): RssSampler {
  if (process.platform !== 'linux') throw new Error('RSS sampling reads /proc and needs Linux');
  let peak = 0;
  let phasePeak = 0;
  let hwm = 0;
  let samples = 0;
  const tick = () => {
    const r = readRss(pid);
    if (!r) return;
    samples++;
    peak = Math.max(peak, r.rss);
    phasePeak = Math.max(phasePeak, r.rss);
    hwm = Math.max(hwm, r.hwm);
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    mark() {
      tick();
      const p = phasePeak;
      phasePeak = 0;
      return p;
    },
    stop() {
      tick();
      clearInterval(timer);
      return { peakSampled: peak, hwm, samples };
    },
  };
}
