import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { completeMyNumber } from '../src/domain/numbers.js';
import { loadConfig } from '../src/config.js';
import { canonicalJson } from './lib/canonical-json.js';
import { Cleanup } from './lib/cleanup.js';
import { startBenchDatabase } from './lib/postgres.js';
import { cpuMeter } from './lib/cpu.js';
import { sampleRss } from './lib/rss.js';
import { startService } from './lib/service.js';
import { environment } from './lib/targets.js';
import type { Benchmark, IngestReport } from './lib/types.js';

const DEFAULT_COUNT = 1_000_000;
/** The target: a million records in under 60 s, at least 0.25 of COPY, RSS under 300 MB. */
const TARGET_RECORDS_PER_SEC = 1_000_000 / 60;
const TARGET_RATIO = 0.25;
const TARGET_RSS_MB = 300;
const OVERSIZE_BYTES = 2 * 1024 ** 3;
const LINES_PER_CHUNK = 1000;
const MUNICIPALITY = '130001';
const TYPE_ID = 'BENCH54';

/** 東京都's 難病 (54) type, as a prefecture may define it. */
const CERTIFICATE_TYPE = {
  name: '特定医療費（指定難病）受給者証',
  kind: 'national',
  lawCode: '54',
  insurerNumbers: ['54130018'],
  incomeSegments: [
    { code: 'IPPAN1', name: '一般所得Ⅰ', monthlyCap: 10000 },
    { code: 'JOUI', name: '上位所得', monthlyCap: 30000 },
  ],
  segments: [{ code: 'KOUGAKU', name: '高額かつ長期' }],
  additionalConditionItems: [{ itemCode: 'A1', name: '人工呼吸器', conditionCodes: ['1', '2'] }],
  copay: { rate: 0.2 },
  requiresDesignatedInstitutions: false,
};

const MY_NUMBER_SLOT = '@@MYNUMBER@@';
/** A full PMH record (every §2 field a 難病 certificate carries); only myNumber differs between records. */
const RECORD = {
  orgSpecificCertificateTypeId: TYPE_ID,
  myNumber: MY_NUMBER_SLOT,
  basicFiveInfo: { name: '都庁 太郎', nameKana: 'トチョウ　タロウ', address: '東京都新宿区西新宿二丁目8番1号', dateOfBirth: '1970-01-01', sex: '1' },
  isNotDisclosed: false,
  medicalSubsidyInsurerNumber: '54130018',
  certificationName: '特定医療費（指定難病）受給者証',
  medicalSubsidyRecipientNumber: '0000018',
  incomeSegment: 'IPPAN1',
  segment: 'KOUGAKU',
  additionalConditions: 'A1-1',
  isAlwaysReimbursement: '0',
  maxCopaymentAmount: { monthly: 10000 },
  validFrom: '2026-04-01',
  validTo: '2027-03-31',
  historyKey: 'H1',
  isDeleted: false,
  certificationDetail: [{ label: '疾病名', value: 'パーキンソン病' }],
};

/** Distinct valid 個人番号, one per serial. */
const myNumberOf = (n: number) => completeMyNumber(String(n).padStart(11, '0'));

function template(text: string): (myNumber: string) => string {
  const [before, after] = text.split(MY_NUMBER_SLOT) as [string, string];
  return (myNumber) => before + myNumber + after;
}
const ndjsonLine = template(`${JSON.stringify(RECORD)}\n`);
const canonicalRecord = template(canonicalJson(RECORD));

/** The upload, generated as it is sent: never more than LINES_PER_CHUNK lines in memory. */
async function* ndjson(count: number, firstSerial = 1): AsyncGenerator<string> {
  for (let start = 0; start < count; start += LINES_PER_CHUNK) {
    let chunk = '';
    const end = Math.min(count, start + LINES_PER_CHUNK);
    for (let i = start; i < end; i++) chunk += ndjsonLine(myNumberOf(firstSerial + i));
    yield chunk;
  }
}

/** The same records as recipient_certificate rows, in COPY text format. */
async function* copyRows(count: number, taskId: string): AsyncGenerator<string> {
  for (let start = 0; start < count; start += LINES_PER_CHUNK) {
    let chunk = '';
    const end = Math.min(count, start + LINES_PER_CHUNK);
    for (let i = start; i < end; i++) {
      const record = canonicalRecord(myNumberOf(1 + i));
      chunk += `${MUNICIPALITY}\t${TYPE_ID}\t${myNumberOf(1 + i)}\t\tH1\t2026-04-01\t2027-03-31\tf\t54130018\t0000018\t${record}\t${taskId}\n`;
    }
    yield chunk;
  }
}

/**
 * Writes a generated body to a file before the measurement: the upload and the COPY then both stream
 * a file from disk, as a municipality's export would be, and neither timing includes generating it
 * (which took a tenth of the two CPUs while it ran beside them).
 */
async function toFile(file: string, body: AsyncIterable<string>): Promise<void> {
  await pipeline(body, createWriteStream(file));
  // Flushed now, so the kernel does not write it back during the measurement.
  const h = await open(file, 'r+');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

const fromFile = (file: string) => createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>;

async function countTasks(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM registration_task')).rows[0]!.n;
  } finally {
    await c.end();
  }
}

interface Posted {
  status: number;
  body: string;
  sentBytes: number;
}

/**
 * POSTs a generated body with backpressure. Stops sending as soon as the server answers
 * (a refusal part-way through an upload), so the answer is reported, not the broken pipe.
 */
function postStream(url: string, headers: Record<string, string>, body: AsyncIterable<string | Buffer>): Promise<Posted> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } });
    let sentBytes = 0;
    let answered = false;
    let writeError: Error | undefined;
    req.once('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.once('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString(), sentBytes });
        req.destroy();
      });
      res.once('error', reject);
    });
    req.once('error', (err) => {
      writeError = err;
      if (!answered) reject(new Error(`upload failed after ${sentBytes} bytes without an answer: ${err.message}`, { cause: err }));
    });
    void (async () => {
      for await (const chunk of body) {
        if (answered || writeError) return;
        sentBytes += Buffer.byteLength(chunk);
        if (!req.write(chunk)) {
          await new Promise<void>((r) => {
            const done = () => {
              req.off('drain', done);
              req.off('response', done);
              req.off('close', done);
              r();
            };
            req.once('drain', done);
            req.once('response', done);
            req.once('close', done);
          });
        }
      }
      if (!answered && !writeError) req.end();
    })().catch(reject);
  });
}

function settings(): { count: number; oversize: boolean } {
  const args = process.argv.slice(2);
  const arg = args.find((a) => a.startsWith('--count='))?.slice('--count='.length);
  const raw = arg ?? process.env.BENCH_INGEST_COUNT;
  const count = raw === undefined || raw === '' ? DEFAULT_COUNT : Number(raw);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--count / BENCH_INGEST_COUNT must be a positive integer, got ${raw}`);
  const oversize = args.includes('--oversize') || process.env.BENCH_INGEST_OVERSIZE === '1';
  return { count, oversize };
}

const MB = 1024 * 1024;
const seconds = (fromMs: number) => (performance.now() - fromMs) / 1000;

/**
 * A municipal batch registration through the real service process — an NDJSON file streamed in,
 * validated and staged, then applied by the pg-boss worker — against a raw COPY of the same rows
 * (a file too) into a table shaped like recipient_certificate, in the same run on the same database.
 * RSS is that of the service's Node process (PostgreSQL runs in its own processes).
 * `--count=N` (or BENCH_INGEST_COUNT) for a smaller run; `--oversize` (or BENCH_INGEST_OVERSIZE=1)
 * also streams 2 GiB at the upload limit and checks the refusal and the memory.
 */
export const ingestBenchmark: Benchmark = {
  name: 'ingest',
  async run(): Promise<IngestReport> {
    const { count, oversize } = settings();
    const startedAt = new Date().toISOString();
    const cleanup = new Cleanup();
    const log = (line: string) => process.stderr.write(`${line}\n`);
    try {
      log(`  ${count.toLocaleString('en-US')} records; starting PostgreSQL, migrating, seeding…`);
      const database = await startBenchDatabase();
      cleanup.add('database', () => database.close());
      log(`  ${database.description}`);

      // What the service process will read: it inherits this environment.
      const defaults = loadConfig();
      // The sandbox admin API (/sandbox/v1) needs a token; this run's own.
      const adminToken = randomUUID();
      const service = await startService(database.url, { SANDBOX_ADMIN_TOKEN: adminToken });
      cleanup.add('service', () => service.stop());
      const rss = sampleRss(service.pid, 100);
      let rssStopped = false;
      cleanup.add('RSS sampler', () => rssStopped || rss.stop());
      log(`  service pid ${service.pid} on ${service.origin}`);

      const cred = await fetch(`${service.origin}/sandbox/v1/municipalities/${MUNICIPALITY}/credentials`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}` },
      });
      if (cred.status !== 201) throw new Error(`credentials: ${cred.status} ${await cred.text()}`);
      const auth = { authorization: `Bearer ${((await cred.json()) as { token: string }).token}` };
      const put = await fetch(`${service.origin}/municipal/v1/certificate-types/${TYPE_ID}`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(CERTIFICATE_TYPE),
      });
      if (put.status !== 201) throw new Error(`certificate type: ${put.status} ${await put.text()}`);
      const files = await mkdtemp(path.join(os.tmpdir(), 'pmh-bench-ingest-'));
      cleanup.add(`remove ${files}`, () => rm(files, { recursive: true, force: true }));
      const uploadFile = path.join(files, 'upload.ndjson');
      const copyFile = path.join(files, 'rows.copy');
      log('  writing the upload and the COPY rows to files (not timed)…');
      await toFile(uploadFile, ndjson(count));
      await toFile(copyFile, copyRows(count, randomUUID()));
      const idle = rss.mark();

      log('  uploading…');
      const cpu = cpuMeter(service.pid);
      const t0 = performance.now();
      const posted = await postStream(
        `${service.origin}/municipal/v1/registration-tasks`,
        { ...auth, 'content-type': 'application/x-ndjson' },
        fromFile(uploadFile),
      );
      const uploadSeconds = seconds(t0);
      if (posted.status !== 202) throw new Error(`upload: ${posted.status} ${posted.body}\n${service.tail()}`);
      const uploadRss = rss.mark();
      const uploadCpu = cpu.mark();
      const taskId = (JSON.parse(posted.body) as { id: string }).id;
      log(`  uploaded ${(posted.sentBytes / MB).toFixed(0)} MB in ${uploadSeconds.toFixed(1)} s; processing…`);

      const t1 = performance.now();
      let task: { status: string; counts: Record<string, number> };
      let lastLog = 0;
      for (;;) {
        const res = await fetch(`${service.origin}/municipal/v1/registration-tasks/${taskId}`, { headers: auth });
        if (res.status !== 200) throw new Error(`task: ${res.status} ${await res.text()}\n${service.tail()}`);
        task = (await res.json()) as typeof task;
        if (['succeeded', 'completed_with_errors', 'failed'].includes(task.status)) break;
        if (performance.now() - lastLog > 5000) {
          lastLog = performance.now();
          log(`    ${task.status}: ${task.counts.processed} processed after ${seconds(t1).toFixed(0)} s`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const processingSeconds = seconds(t1);
      const totalSeconds = seconds(t0);
      const processingRss = rss.mark();
      const processingCpu = cpu.mark();
      if (task.status !== 'succeeded' || task.counts.created !== count) {
        throw new Error(`task ended ${task.status} with counts ${JSON.stringify(task.counts)}, expected ${count} created\n${service.tail()}`);
      }
      log(`  applied in ${processingSeconds.toFixed(1)} s (total ${totalSeconds.toFixed(1)} s)`);

      let oversizeResult: IngestReport['oversize'];
      if (oversize) {
        log(`  streaming ${(OVERSIZE_BYTES / MB).toFixed(0)} MB at the ${(defaults.UPLOAD_LIMIT_BYTES / MB).toFixed(0)} MB upload limit…`);
        rss.mark();
        // Tasks now (the measured one, and those the sandbox made at start for its well-known test cards).
        const tasksBefore = await countTasks(database.url);
        const perLine = ndjsonLine(myNumberOf(1)).length + 8;
        const t2 = performance.now();
        const refused = await postStream(
          `${service.origin}/municipal/v1/registration-tasks`,
          { ...auth, 'content-type': 'application/x-ndjson' },
          ndjson(Math.ceil(OVERSIZE_BYTES / perLine), 50_000_000),
        );
        const oversizeSeconds = seconds(t2);
        const tasks = await countTasks(database.url);
        oversizeResult = {
          sentBytes: refused.sentBytes,
          limitBytes: defaults.UPLOAD_LIMIT_BYTES,
          status: refused.status,
          code: (() => {
            try {
              return (JSON.parse(refused.body) as { code?: string }).code;
            } catch {
              return undefined;
            }
          })(),
          seconds: oversizeSeconds,
          peakRssMB: rss.mark() / MB,
          tasksBefore,
          tasksAfter: tasks,
        };
        log(`  → ${refused.status} ${refused.body.slice(0, 200)}`);
      }

      const rssTotals = rss.stop();
      rssStopped = true;
      await service.stop();

      log('  raw COPY of the same rows…');
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      cleanup.add('COPY client', () => client.end());
      await client.query('CREATE TABLE bench_copy (LIKE recipient_certificate INCLUDING ALL)');
      const copyCpu = cpuMeter(process.pid);
      const t3 = performance.now();
      const copy = client.query(
        copyFrom(
          'COPY bench_copy (municipality_code, certificate_type_id, my_number, certification_sub_key, history_key, valid_from, valid_to, is_not_disclosed, insurer_number, recipient_number, record, last_task_id) FROM STDIN',
        ),
      );
      await new Promise<void>((resolve, reject) => {
        copy.once('finish', resolve);
        copy.once('error', reject);
        void (async () => {
          for await (const chunk of fromFile(copyFile)) {
            if (!copy.write(chunk)) await new Promise((r) => copy.once('drain', r));
          }
          copy.end();
        })().catch(reject);
      });
      const copySeconds = seconds(t3);
      const copyMachineSeconds = copyCpu.mark().machineSeconds;
      const copied = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_copy')).rows[0]!.n;
      if (copied !== count) throw new Error(`COPY stored ${copied} rows, expected ${count}`);
      await client.query('DROP TABLE bench_copy');
      log(`  COPY took ${copySeconds.toFixed(1)} s`);

      const recordsPerSec = count / totalSeconds;
      const copyRowsPerSec = count / copySeconds;
      const ratio = recordsPerSec / copyRowsPerSec;
      const peakMB = Math.max(rssTotals.hwm, rssTotals.peakSampled) / MB;
      const targets: IngestReport['targets'] = [
        {
          name: 'throughput',
          target: `≥ ${Math.round(TARGET_RECORDS_PER_SEC).toLocaleString('en-US')} records/s (1M in < 60 s)`,
          actual: `${Math.round(recordsPerSec).toLocaleString('en-US')}/s (${(1_000_000 / recordsPerSec).toFixed(0)} s per 1M)`,
          met: recordsPerSec >= TARGET_RECORDS_PER_SEC,
        },
        { name: 'ratio to COPY', target: `≥ ${TARGET_RATIO}`, actual: ratio.toFixed(2), met: ratio >= TARGET_RATIO },
        { name: 'peak RSS', target: `< ${TARGET_RSS_MB} MB`, actual: `${peakMB.toFixed(0)} MB`, met: peakMB < TARGET_RSS_MB },
      ];
      if (oversizeResult) {
        targets.push({
          name: 'over-limit stream',
          target: `413, RSS < ${TARGET_RSS_MB} MB, nothing kept`,
          actual: `${oversizeResult.status}, ${oversizeResult.peakRssMB.toFixed(0)} MB, ${oversizeResult.tasksAfter - oversizeResult.tasksBefore} kept`,
          met: oversizeResult.status === 413 && oversizeResult.peakRssMB < TARGET_RSS_MB && oversizeResult.tasksAfter === oversizeResult.tasksBefore,
        });
      }

      return {
        benchmark: this.name,
        kind: 'ingest',
        startedAt,
        finishedAt: new Date().toISOString(),
        environment: {
          ...environment(),
          database: { kind: database.kind, description: database.description, serverVersion: database.serverVersion },
        },
        settings: {
          records: count,
          uploadBytes: posted.sentBytes,
          format: 'ndjson',
          chunkSize: defaults.REGISTRATION_CHUNK_SIZE,
          rssOf: 'the service’s Node process (src/server.ts), not PostgreSQL',
        },
        service: {
          uploadSeconds,
          processingSeconds,
          totalSeconds,
          recordsPerSec,
          status: task.status,
          counts: task.counts,
          rssMB: { idle: idle / MB, upload: uploadRss / MB, processing: processingRss / MB, peakSampled: rssTotals.peakSampled / MB, hwm: rssTotals.hwm / MB },
        },
        cpu: { upload: uploadCpu, processing: processingCpu },
        copy: {
          table: 'bench_copy (LIKE recipient_certificate INCLUDING ALL)',
          seconds: copySeconds,
          rowsPerSec: copyRowsPerSec,
          machineCpuSeconds: copyMachineSeconds,
        },
        ratioToCopy: ratio,
        targets,
        ...(oversizeResult ? { oversize: oversizeResult } : {}),
      };
    } finally {
      await cleanup.run();
    }
  },
};
