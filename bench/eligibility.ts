import { startBareServer } from './lib/bare.js';
import { Cleanup } from './lib/cleanup.js';
import { setUpChecks } from './lib/eligibility-setup.js';
import type { MeasureRequest } from './lib/measure.js';
import { compareTargets, environment, goal, relativeTo } from './lib/targets.js';
import type { Benchmark, BenchmarkReport } from './lib/types.js';

const RECORDS = Number(process.env.BENCH_ELIGIBILITY_RECORDS ?? 1_000_000);
/** Distinct cards the load cycles through, spread evenly over the registered persons. */
const CARDS = 500;
/** Fixed concurrency of the load (both targets); BENCH_ELIGIBILITY_CONNECTIONS changes it for exploration. */
const CONNECTIONS = Number(process.env.BENCH_ELIGIBILITY_CONNECTIONS ?? 10);
const DURATION_SECONDS = 10;
const WARMUP_SECONDS = 3;
const SERVICE_DATE = '2026-06-01';
/**
 * Goals, against the per-request database floor (POST /bare/db) of the same run: the check may cost at
 * most twice its machine CPU per request and must reach half its rate; p99 under 20 ms.
 */
const TARGET_CPU_VS_FLOOR = 2;
const TARGET_RATE_VS_FLOOR = 0.5;
const TARGET_P99_MS = 20;
/** Alternating rounds of the floor and the check for the goals (BENCH_ELIGIBILITY_ROUNDS), seconds each. */
const ROUNDS = Number(process.env.BENCH_ELIGIBILITY_ROUNDS ?? 4);
const ROUND_SECONDS = 5;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * The clinic eligibility check (POST /clinic/v1/eligibility-checks) of the service as `npm start`
 * runs it (its own process, default log level) on a database of 1,000,000 registered 受給者証 rows,
 * against plain Fastify in this process in the same run: GET /bare is the baseline of the ratio,
 * POST /bare with the same requests a reference for the cost of the HTTP exchange alone, and POST
 * /bare/db, /bare/db-batched (the same, plus one trivial PostgreSQL statement per request, or per
 * batch of concurrent requests as the check's lookups) the floor of any check that reads the database.
 * The goals compare the check with the per-request floor: machine CPU per request and req/s.
 *
 * Loading: see `setUpChecks` (bench/lib/eligibility-setup.ts), shared with the co-payment benchmark.
 */
export const eligibilityBenchmark: Benchmark = {
  name: 'eligibility',
  async run(): Promise<BenchmarkReport> {
    const startedAt = new Date().toISOString();
    const cleanup = new Cleanup();
    const log = (line: string) => process.stderr.write(`${line}\n`);
    try {
      const { database, pool, service, clinic, serials, total } = await setUpChecks({ records: RECORDS, cards: CARDS, cleanup, log });
      const bare = await startBareServer({ databaseUrl: database.url, connections: CONNECTIONS });
      cleanup.add('bare Fastify server', () => bare.close());
      const origin = service.origin;
      const body = (serial: string) => JSON.stringify({ certificateSerialNumber: serial, serviceDate: SERVICE_DATE, consent: { medicalSubsidy: true } });
      // Preflight: the load must be real answers, each with the person's subsidy.
      for (const serial of [serials[0]!, serials[1]!, serials.at(-1)!]) {
        const res = await fetch(`${origin}/clinic/v1/eligibility-checks`, { method: 'POST', headers: clinic, body: body(serial) });
        const json = await res.json();
        if (res.status !== 200 || json.medicalSubsidies?.length !== 1 || json.medicalSubsidies[0].designatedHere !== true) {
          throw new Error(`preflight check: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
        }
      }
      const requests: MeasureRequest[] = serials.map((s) => ({ method: 'POST', path: '/clinic/v1/eligibility-checks', headers: clinic, body: body(s) }));
      // The same requests (headers, JSON bodies) to the bare route: what the HTTP exchange alone costs here.
      const bareRequests: MeasureRequest[] = serials.map((s) => ({ method: 'POST', path: '/bare', headers: clinic, body: body(s) }));
      // And with one PostgreSQL round trip each and nothing else: the floor of a check that reads the database.
      const floorRequests = (path: string): MeasureRequest[] => serials.map((s) => ({ method: 'POST', path, headers: clinic, body: body(s) }));
      const floors = bare.db!;

      const compared = await compareTargets({
        targets: [
          { name: 'bare', url: bare.url },
          { name: 'bare POST (same bodies)', url: bare.postUrl, requests: bareRequests },
          { name: 'bare POST + SELECT $1 each', url: floors.perRequestUrl, requests: floorRequests('/bare/db') },
          { name: 'bare POST + batched SELECT', url: floors.batchedUrl, requests: floorRequests('/bare/db-batched') },
          { name: `eligibility check (${(total / 1e6).toFixed(2)} M rows)`, url: `${origin}/clinic/v1/eligibility-checks`, requests, serverPid: service.pid },
        ],
        connections: CONNECTIONS,
        durationSeconds: DURATION_SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        log,
        databasePids: async () => (await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity')).rows.map((r) => r.pid),
      });
      const barePost = compared.targets[1]!;
      const check = compared.targets[4]!;
      const { rows: logged } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM eligibility_check');
      log(`  ${Number(logged[0]!.n).toLocaleString('en-US')} checks written to the access log`);
      log(
        `  for reference: ${(check.measurement.requestsPerSec / barePost.measurement.requestsPerSec).toFixed(3)}× the bare POST route with the same requests`,
      );
      const [perRequestFloor, batchedFloor] = [compared.targets[2]!, compared.targets[3]!];
      log(
        `  floors (bare POST + one PostgreSQL round trip, nothing else): ${perRequestFloor.ratioToBaseline.toFixed(3)}× the bare GET ` +
          `with a statement per request, ${batchedFloor.ratioToBaseline.toFixed(3)}× batched as the check's lookups are`,
      );
      // The floor's own figures vary by a fifth from one run to the next on this machine: the goals compare the two in
      // alternating rounds, after the sequence above, and take the medians of the rounds' ratios.
      const cpuRatios: number[] = [];
      const rateRatios: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        log(`  round ${round} of ${ROUNDS}: POST /bare/db, then the check, ${ROUND_SECONDS} s each`);
        const pair = await compareTargets({
          targets: [
            { name: 'bare POST + SELECT $1 each', url: floors.perRequestUrl, requests: floorRequests('/bare/db') },
            { name: 'eligibility check', url: `${origin}/clinic/v1/eligibility-checks`, requests, serverPid: service.pid },
          ],
          connections: CONNECTIONS,
          durationSeconds: ROUND_SECONDS,
          warmupSeconds: 1,
          log: () => undefined,
        });
        const r = relativeTo(pair.targets[1]!, pair.targets[0]!);
        cpuRatios.push(r.cpu);
        rateRatios.push(r.rate);
      }
      const single = relativeTo(check, perRequestFloor);
      log(`  the sequence above alone: machine CPU/req ${single.cpu.toFixed(2)}×, req/s ${single.rate.toFixed(2)}× the floor's`);
      const vsFloor = { cpu: median(cpuRatios), rate: median(rateRatios) };
      const goals = [
        goal('machine CPU µs/req ÷ POST /bare/db', vsFloor.cpu, '≤', TARGET_CPU_VS_FLOOR, '×'),
        goal('req/s ÷ POST /bare/db', vsFloor.rate, '≥', TARGET_RATE_VS_FLOOR, '×'),
        goal('p99', check.measurement.p99, '<', TARGET_P99_MS, ' ms', 0),
      ];
      log(`  goals: ${goals.map((g) => `${g.name} ${g.target}: ${g.actual} ${g.met ? 'met' : 'NOT MET'}`).join('; ')}`);
      return {
        benchmark: this.name,
        startedAt,
        finishedAt: new Date().toISOString(),
        environment: {
          ...environment(),
          database: { kind: database.kind, description: database.description, serverVersion: database.serverVersion },
        },
        ...compared,
        alternating: { reference: 'POST /bare/db', target: 'the check', secondsEach: ROUND_SECONDS, cpu: cpuRatios, rate: rateRatios },
        goals,
      };
    } finally {
      await cleanup.run();
    }
  },
};
