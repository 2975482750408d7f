import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CpuPhase } from './cpu.js';
import type { AnyReport, BenchmarkReport, CopaymentReport, HardeningReport, IngestReport, ResetReport } from './types.js';

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
    cells
      .map((c, i) => pad(c, widths[i] ?? 0, align[i] ?? 'left'))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fmt = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const cpu = (c: CpuPhase) => [fmt(c.machineSeconds, 1), fmt(c.processSeconds, 1), `${fmt(c.utilisation * 100, 0)} %`];

function formatIngestReport(r: IngestReport): string {
  const e = r.environment;
  const sv = r.service;
  const mb = (bytes: number) => fmt(bytes / 1024 / 1024, 0);
  const lines = [
    `== ${r.benchmark} — ${r.startedAt}`,
    `   ${fmt(r.settings.records, 0)} ${r.settings.format} records (${mb(r.settings.uploadBytes)} MB), chunk size ${r.settings.chunkSize}; RSS of ${r.settings.rssOf}`,
    `   Node ${e.node} on ${e.platform}/${e.arch}, ${e.cpus} × ${e.cpuModel}`,
    ...(e.database ? [`   PostgreSQL ${e.database.serverVersion}: ${e.database.description}`] : []),
    '',
    table(
      ['phase', 'seconds', 'records/s', 'peak RSS MB', 'CPU s (machine)', 'CPU s (service)', 'machine busy'],
      [
        ['service: upload + staging', fmt(sv.uploadSeconds, 1), fmt(r.settings.records / sv.uploadSeconds, 0), fmt(sv.rssMB.upload, 0), ...cpu(r.cpu.upload)],
        [
          'service: validate + apply',
          fmt(sv.processingSeconds, 1),
          fmt(r.settings.records / sv.processingSeconds, 0),
          fmt(sv.rssMB.processing, 0),
          ...cpu(r.cpu.processing),
        ],
        [
          'service: total',
          fmt(sv.totalSeconds, 1),
          fmt(sv.recordsPerSec, 0),
          fmt(sv.rssMB.hwm, 0),
          fmt(r.cpu.upload.machineSeconds + r.cpu.processing.machineSeconds, 1),
          fmt(r.cpu.upload.processSeconds + r.cpu.processing.processSeconds, 1),
          '',
        ],
        [`raw COPY into ${r.copy.table}`, fmt(r.copy.seconds, 1), fmt(r.copy.rowsPerSec, 0), '', fmt(r.copy.machineCpuSeconds, 1), '', ''],
      ],
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
    `   task ${sv.status}: ${Object.entries(sv.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `   service ÷ COPY: ${fmt(r.ratioToCopy, 2)}; idle RSS ${fmt(sv.rssMB.idle, 0)} MB`,
    ...(r.oversize
      ? [
          `   over-limit stream: ${mb(r.oversize.sentBytes)} MB sent against a ${mb(r.oversize.limitBytes)} MB limit → ${r.oversize.status} ${r.oversize.code ?? ''} ` +
            `after ${fmt(r.oversize.seconds, 1)} s, peak RSS ${fmt(r.oversize.peakRssMB, 0)} MB, tasks before ${r.oversize.tasksBefore} and after ${r.oversize.tasksAfter}`,
        ]
      : []),
    '',
    table(
      ['target', 'wanted', 'actual', 'met'],
      r.targets.map((t) => [t.name, t.target, t.actual, t.met ? 'yes' : 'NO']),
      ['left', 'left', 'right', 'left'],
    ),
  ];
  return lines.join('\n');
}

function formatResetReport(r: ResetReport): string {
  const e = r.environment;
  const s = r.settings;
  const row = (name: string, t: ResetReport['full']['api'], ratio: string) => [name, fmt(t.medianMs, 1), fmt(t.maxMs, 1), ratio];
  return [
    `== ${r.benchmark} — ${r.startedAt}`,
    `   loaded: ${fmt(s.loadedRows, 0)} recipient_certificate rows + ${fmt(s.loadedTaskInputsAndResults, 0)} task inputs and results, ` +
      `${fmt(s.eligibilityChecks, 0)} eligibility checks, ${s.testCardRows} test-card rows; small municipality ${s.smallMunicipalityRows} rows`,
    `   ${s.oneTenantRepetitions} one-tenant and ${s.fullRepetitions} full repetitions each (full: reloaded before each, untimed)`,
    `   Node ${e.node} on ${e.platform}/${e.arch}, ${e.cpus} × ${e.cpuModel}`,
    ...(e.database ? [`   PostgreSQL ${e.database.serverVersion}: ${e.database.description}`] : []),
    '',
    table(
      ['measured', 'median ms', 'max ms', 'API ÷ baseline'],
      [
        row(r.oneTenant.request, r.oneTenant.api, `${fmt(r.oneTenant.ratio, 2)}×`),
        row(`  baseline: ${r.oneTenant.baseline}`, r.oneTenant.raw, ''),
        row(r.full.request, r.full.api, `${fmt(r.full.ratio, 2)}×`),
        row(`  baseline: ${r.full.baseline}`, r.full.raw, ''),
        row('  of which: re-seeding the test cards (alone)', r.testCardSeed, ''),
      ],
      ['left', 'right', 'right', 'right'],
    ),
    '',
    table(
      ['target', 'wanted', 'actual', 'met'],
      r.targets.map((t) => [t.name, t.target, t.actual, t.met ? 'yes' : 'NO']),
      ['left', 'left', 'right', 'left'],
    ),
  ].join('\n');
}

function formatHardeningReport(r: HardeningReport): string {
  const row = (name: string, p: HardeningReport['quiet']) => [name, String(p.checks), String(p.errors), fmt(p.p50Ms, 1), fmt(p.p99Ms, 1), fmt(p.maxMs, 1)];
  return [
    `hardening: eligibility checks at ${r.settings.ratePerSec}/s for ${r.settings.phaseSeconds} s, without and with ${r.settings.stalledUploads} stalled + ${r.settings.slowUploads} slow uploads held open`,
    table(
      ['phase', 'checks', 'errors', 'p50 ms', 'p99 ms', 'max ms'],
      [row('no uploads', r.quiet), row('uploads held open', r.disturbed)],
      ['left', 'right', 'right', 'right', 'right', 'right'],
    ),
    `p99 ratio ${fmt(r.p99Ratio, 2)}×; held uploads answered while held: ${r.uploadsAnsweredWhileHeld}`,
    ...r.targets.map((t) => `target ${t.name}: ${t.target}, actual ${t.actual}: ${t.met ? 'met' : 'NOT MET'}`),
  ].join('\n');
}

function formatCopaymentReport(r: CopaymentReport): string {
  const e = r.environment;
  const rows = [
    ...Object.entries(r.checksAlone.calls).map(([name, c]) => ['check alone', name, fmt(c.perSec, 0), fmt(c.p50, 1), fmt(c.p99, 1)]),
    ...Object.entries(r.visits.calls).map(([name, c]) => ['visit', name, fmt(c.perSec, 0), fmt(c.p50, 1), fmt(c.p99, 1)]),
    ...Object.entries(r.httpFloor?.calls ?? {}).map(([name, c]) => ['HTTP floor', name, fmt(c.perSec, 0), fmt(c.p50, 1), fmt(c.p99, 1)]),
    ...Object.entries(r.each ?? {}).flatMap(([phase, l]) =>
      Object.entries(l.calls).map(([name, c]) => [`${phase} alone`, name, fmt(c.perSec, 0), fmt(c.p50, 1), fmt(c.p99, 1)]),
    ),
  ];
  return [
    `== ${r.benchmark} — ${r.startedAt}`,
    `   ${fmt(r.settings.records, 0)} rows, ${r.settings.cards} cards; ${r.settings.connections} connections, ${r.settings.durationSeconds} s per phase after a ${r.settings.warmupSeconds} s warm-up; closed-loop node:http client`,
    `   Node ${e.node} on ${e.platform}/${e.arch}, ${e.cpus} × ${e.cpuModel}`,
    '',
    table(['phase', 'call', 'calls/s', 'p50 ms', 'p99 ms'], rows, ['left', 'left', 'right', 'right', 'right']),
    '',
    `   checks alone ${fmt(r.checksAlone.iterationsPerSec, 0)}/s; visits ${fmt(r.visits.iterationsPerSec, 0)}/s = ${fmt(r.ratio, 2)}× the check's rate`,
    ...(r.checksAlone.cpu && r.visits.cpu
      ? [
          `   busy CPU per iteration, µs (machine / service process): check ${fmt(r.checksAlone.cpu.machineMicrosPerIteration, 0)} / ` +
            `${fmt(r.checksAlone.cpu.serverMicrosPerIteration, 0)}; visit ${fmt(r.visits.cpu.machineMicrosPerIteration, 0)} / ` +
            `${fmt(r.visits.cpu.serverMicrosPerIteration, 0)} = ${fmt(r.visits.cpu.machineMicrosPerIteration / r.checksAlone.cpu.machineMicrosPerIteration, 2)}× ` +
            `a check's machine CPU; machine ${fmt(100 * r.checksAlone.cpu.utilisation, 0)} % / ${fmt(100 * r.visits.cpu.utilisation, 0)} % busy`,
        ]
      : []),
    ...(r.httpFloor?.cpu && r.checksAlone.cpu && r.visits.cpu
      ? [
          `   HTTP floor (3 × GET /health): ${fmt(r.httpFloor.iterationsPerSec, 0)}/s, ${fmt(r.httpFloor.cpu.machineMicrosPerIteration, 0)} µs machine CPU; ` +
            `work beyond it: check ${fmt(r.checksAlone.cpu.machineMicrosPerIteration - r.httpFloor.cpu.machineMicrosPerIteration / 3, 0)} µs, ` +
            `visit ${fmt(r.visits.cpu.machineMicrosPerIteration - r.httpFloor.cpu.machineMicrosPerIteration, 0)} µs`,
        ]
      : []),
    ...Object.entries(r.each ?? {}).flatMap(([phase, l]) =>
      l.cpu
        ? [`   ${phase} alone: ${fmt(l.cpu.machineMicrosPerIteration, 0)} µs machine CPU per call, ${fmt(l.cpu.serverMicrosPerIteration, 0)} µs of the service`]
        : [],
    ),
    '',
    table(
      ['goal', 'wanted', 'actual', 'met'],
      r.goals.map((g) => [g.name, g.target, g.actual, g.met ? 'yes' : 'NO']),
      ['left', 'left', 'right', 'left'],
    ),
  ].join('\n');
}

export function formatReport(report: AnyReport): string {
  if ('kind' in report && report.kind === 'copayment') return formatCopaymentReport(report);
  if ('kind' in report && report.kind === 'hardening') return formatHardeningReport(report);
  if ('kind' in report && report.kind === 'ingest') return formatIngestReport(report);
  if ('kind' in report && report.kind === 'reset') return formatResetReport(report);
  return formatThroughputReport(report);
}

function formatThroughputReport(report: BenchmarkReport): string {
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
    t.cpu ? fmt(t.cpu.machineMicrosPerRequest, 0) : '',
    t.cpu ? fmt(t.cpu.mainThreadMicrosPerRequest, 0) : '',
    t.cpu?.serverProcessMicrosPerRequest !== undefined ? fmt(t.cpu.serverProcessMicrosPerRequest, 0) : '',
    t.cpu?.databaseMicrosPerRequest !== undefined ? fmt(t.cpu.databaseMicrosPerRequest, 0) : '',
  ]);
  return [
    ...head,
    '',
    table(['target', 'request', 'req/s', 'p50 ms', 'p99 ms', `vs ${report.baseline}`, 'CPU µs/req', 'loop µs/req', 'proc µs/req', 'PG µs/req'], rows, [
      'left',
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
    ]),
    '',
    '   CPU µs/req: busy CPU of the whole machine (server, PostgreSQL, load generator, kernel) per request;',
    '   loop µs/req: CPU of the event-loop thread serving the target, per request; proc µs/req: of the serving',
    "   process with all its threads (when it is not this one); PG µs/req: of PostgreSQL's processes.",
    ...(report.alternating
      ? [
          '',
          `   ${report.alternating.cpu.length} alternating rounds of ${report.alternating.secondsEach} s, ${report.alternating.target} ÷ ${report.alternating.reference}: ` +
            `machine CPU/req ${report.alternating.cpu.map((r) => fmt(r, 2)).join(', ')}; req/s ${report.alternating.rate.map((r) => fmt(r, 2)).join(', ')} (goals: the medians)`,
        ]
      : []),
    ...(report.goals?.length
      ? [
          '',
          table(
            ['goal', 'wanted', 'actual', 'met'],
            report.goals.map((g) => [g.name, g.target, g.actual, g.met ? 'yes' : 'NO']),
            ['left', 'left', 'right', 'left'],
          ),
        ]
      : []),
  ].join('\n');
}

/** Writes bench/results/<name>-<timestamp>.json (ISO 8601, ':' as '-' so the name is valid everywhere). */
export async function writeReport(report: AnyReport): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = report.startedAt.replace(/:/g, '-');
  const file = path.join(RESULTS_DIR, `${report.benchmark}-${stamp}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
