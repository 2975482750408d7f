import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchmarkReport } from './types.js';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** Columns on a terminal: CJK and full-width characters take two. */
function displayWidth(s: string): number {
  let width = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x20000 && cp <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return align === 'left' ? s + fill : fill + s;
}

function table(header: string[], rows: string[][], align: ('left' | 'right')[]): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells.map((c, i) => pad(c, widths[i] ?? 0, align[i] ?? 'left')).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fmt = (n: number, digits: number) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatReport(report: BenchmarkReport): string {
  const { settings: s, environment: e } = report;
  const head = [
    `== ${report.benchmark} — ${report.startedAt}`,
    `   ${s.connections} connections, ${s.durationSeconds} s per target after a ${s.warmupSeconds} s warm-up; ${s.loadGenerator}`,
    `   Node ${e.node} on ${e.platform}/${e.arch}, ${e.cpus} × ${e.cpuModel}`,
    ...(e.database ? [`   PostgreSQL ${e.database.serverVersion}: ${e.database.description}`] : []),
  ];
  const rows = report.targets.map((t) => [
    t.name,
    t.request,
    fmt(t.measurement.requestsPerSec, 0),
    fmt(t.measurement.p50, 0),
    fmt(t.measurement.p99, 0),
    `${fmt(t.ratioToBaseline, 2)}× ${report.baseline}`,
  ]);
  return [
    ...head,
    '',
    table(['target', 'request', 'req/s', 'p50 ms', 'p99 ms', `vs ${report.baseline}`], rows, [
      'left',
      'left',
      'right',
      'right',
      'right',
      'right',
    ]),
  ].join('\n');
}

/** Writes bench/results/<name>-<timestamp>.json (ISO 8601, ':' as '-' so the name is valid everywhere). */
export async function writeReport(report: BenchmarkReport): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = report.startedAt.replace(/:/g, '-');
  const file = path.join(RESULTS_DIR, `${report.benchmark}-${stamp}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
