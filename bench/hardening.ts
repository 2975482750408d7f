import http from 'node:http';
import { completeMedicalInstitutionCode, completeMyNumber } from '../src/domain/numbers.js';
import { Cleanup } from './lib/cleanup.js';
import { NANBYO_TYPE, nanbyoRecord } from './lib/nanbyo.js';
import { startBenchDatabase } from './lib/postgres.js';
import { startService } from './lib/service.js';
import { environment } from './lib/targets.js';
import type { Benchmark, HardeningReport, HardeningPhase } from './lib/types.js';

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
/** Checks sent per second, at a fixed rate whatever the answers' latency (open-loop load). */
const RATE = Number(process.env.BENCH_HARDENING_RATE ?? 200);
const PHASE_SECONDS = 10;
const STALLED = 10;
const SLOW = 10;
const SLOW_BYTES_PER_SEC = 50 * 1024;
const CARDS = 20;
const TARGET_P99_RATIO = 2;

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN);

/** Fixed-rate eligibility checks for `seconds`: latency of each answer, and every non-200 or failed request counted as an error. */
async function checksAtFixedRate(origin: string, headers: Record<string, string>, bodies: string[], seconds: number): Promise<HardeningPhase> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const url = new URL('/clinic/v1/eligibility-checks', origin);
  const latencies: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  const one = (body: string) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: 30_000 }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - t0);
          if (res.statusCode !== 200) errors++;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const start = performance.now();
  const total = Math.round(RATE * seconds);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(one(bodies[i % bodies.length]!));
  }
  await Promise.all(pending);
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  return { checks: total, errors, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), maxMs: sorted.at(-1) ?? NaN };
}

/** An NDJSON upload held open: `stalled` sends one partial chunk and then nothing; otherwise 1 MB at SLOW_BYTES_PER_SEC. */
function heldUpload(origin: string, token: string, stalled: boolean) {
  const url = new URL('/municipal/v1/registration-tasks', origin);
  let status: number | undefined;
  const req = http.request(
    url,
    { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' } },
    (res) => {
      status = res.statusCode;
      res.resume();
    },
  );
  req.on('error', () => undefined);
  const line = `${JSON.stringify(nanbyoRecord(900_000_000))}\n`;
  req.write(line.slice(0, 40));
  let timer: NodeJS.Timeout | undefined;
  if (!stalled) {
    let sent = 0;
    const piece = Buffer.alloc(SLOW_BYTES_PER_SEC / 10, ' ');
    timer = setInterval(() => {
      if (sent >= 1024 * 1024) return clearInterval(timer);
      req.write(piece);
      sent += piece.length;
    }, 100);
  }
  return {
    status: () => status,
    close() {
      clearInterval(timer);
      req.destroy();
    },
  };
}

/**
 * Reliability under hostile and slow clients: eligibility checks at a fixed rate without disturbance, then
 * the same while 10 stalled NDJSON uploads (one partial chunk, then nothing) and 10 slow ones (50 KB/s) are
 * held open, in the same run against the service as `npm start` runs it. UPLOAD_MAX_IN_FLIGHT is raised to
 * 20 so that every upload is admitted and held: what is measured is that waiting uploads hold nothing the
 * checks need, not that the in-flight limit refuses them.
 */
export const hardeningBenchmark: Benchmark = {
  name: 'hardening',
  async run(): Promise<HardeningReport> {
    const startedAt = new Date().toISOString();
    const cleanup = new Cleanup();
    const log = (line: string) => process.stderr.write(`${line}\n`);
    try {
      const database = await startBenchDatabase();
      cleanup.add('database', () => database.close());
      const service = await startService(database.url, {
        SANDBOX_ADMIN_TOKEN: ADMIN_TOKEN,
        UPLOAD_MAX_IN_FLIGHT: String(STALLED + SLOW),
        UPLOAD_IDLE_TIMEOUT_MS: '60000',
      });
      cleanup.add('service', async () => {
        await service.stop();
      });
      const origin = service.origin;
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
      const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
        const res = await fetch(`${origin}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        const json = await res.json();
        if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
        return json;
      };
      const cred = await call('POST', '/sandbox/v1/municipalities/130001/credentials', { authorization: admin.authorization });
      const municipal = { authorization: `Bearer ${cred.token}`, 'content-type': 'application/json' };
      await call('PUT', '/municipal/v1/certificate-types/NANBYO54', municipal, NANBYO_TYPE);
      const institutionCode = completeMedicalInstitutionCode('131000001');
      const records = Array.from({ length: CARDS }, (_, i) => nanbyoRecord(i + 1, { designatedMedicalInstitutions: institutionCode }));
      const task = await call('POST', '/municipal/v1/registration-tasks?wait=30', municipal, records);
      if (task.status !== 'succeeded') {
        const results = await call('GET', `/municipal/v1/registration-tasks/${task.id}/results?status=rejected&limit=1`, municipal);
        throw new Error(`registration task ${task.status}: ${JSON.stringify(results.items[0]?.errors)}`);
      }
      const inst = await call('POST', '/sandbox/v1/medical-institutions', admin, { code: institutionCode, name: 'ベンチ内科', kind: 'medical' });
      const clinic = { authorization: `Bearer ${inst.token}`, 'content-type': 'application/json' };
      const bodies: string[] = [];
      for (let i = 0; i < CARDS; i++) {
        const card = await call('POST', '/sandbox/v1/cards', admin, { myNumber: completeMyNumber(String(i + 1).padStart(11, '0')) });
        bodies.push(JSON.stringify({ certificateSerialNumber: card.certificateSerialNumber, serviceDate: '2026-06-01', consent: { medicalSubsidy: true } }));
      }
      // Uploads come from 10 municipalities, one stalled and one slow each (the per-municipality limit is 2).
      const tokens: string[] = [];
      for (let i = 0; i < STALLED; i++)
        tokens.push(
          (
            await call(
              'POST',
              `/sandbox/v1/municipalities/${['131016', '131024', '131032', '131041', '131059', '131067', '131075', '131083', '131091', '131105'][i]}/credentials`,
              { authorization: admin.authorization },
            )
          ).token,
        );

      log(`  warm-up, then ${PHASE_SECONDS} s of checks at ${RATE}/s without disturbance…`);
      await checksAtFixedRate(origin, clinic, bodies, 2);
      const quiet = await checksAtFixedRate(origin, clinic, bodies, PHASE_SECONDS);
      log(`  ${STALLED} stalled + ${SLOW} slow uploads held open, ${PHASE_SECONDS} s of checks at ${RATE}/s…`);
      const held = [...tokens.map((t) => heldUpload(origin, t, true)), ...tokens.map((t) => heldUpload(origin, t, false))];
      await new Promise((r) => setTimeout(r, 1000));
      const disturbed = await checksAtFixedRate(origin, clinic, bodies, PHASE_SECONDS);
      const answeredEarly = held.filter((h) => h.status() !== undefined).length;
      for (const h of held) h.close();
      const ratio = disturbed.p99Ms / quiet.p99Ms;
      const met = ratio <= TARGET_P99_RATIO && disturbed.errors === 0 && quiet.errors === 0;
      return {
        benchmark: 'hardening',
        kind: 'hardening',
        startedAt,
        finishedAt: new Date().toISOString(),
        environment: { ...environment(), database: { kind: database.kind, description: database.description, serverVersion: database.serverVersion } },
        settings: { ratePerSec: RATE, phaseSeconds: PHASE_SECONDS, stalledUploads: STALLED, slowUploads: SLOW, slowBytesPerSec: SLOW_BYTES_PER_SEC },
        quiet,
        disturbed,
        uploadsAnsweredWhileHeld: answeredEarly,
        p99Ratio: ratio,
        targets: [
          {
            name: 'p99 with held uploads ÷ p99 without, and 0 errors',
            target: `≤ ${TARGET_P99_RATIO}×, 0 errors`,
            actual: `${ratio.toFixed(2)}×, ${disturbed.errors + quiet.errors} errors`,
            met,
          },
        ],
      };
    } finally {
      await cleanup.run();
    }
  },
};
