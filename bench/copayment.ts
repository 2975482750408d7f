import { Cleanup } from './lib/cleanup.js';
import { setUpChecks } from './lib/eligibility-setup.js';
import { runSequenceLoad, type SequenceCall, type SequenceLoadResult } from './lib/sequence-load.js';
import { environment, goal } from './lib/targets.js';
import type { CopaymentReport } from './lib/types.js';

const RECORDS = Number(process.env.BENCH_COPAYMENT_RECORDS ?? 1_000_000);
const CARDS = 500;
const CONNECTIONS = Number(process.env.BENCH_COPAYMENT_CONNECTIONS ?? 10);
const DURATION_SECONDS = 10;
const WARMUP_SECONDS = 3;
const SERVICE_DATE = '2026-06-01';
/** Every visit's line: 4,000 yen of 医療費総額 (2割 = 800 under the 54 cards' rules). */
const VISIT_LINE = { serviceDate: SERVICE_DATE, setting: 'outpatient', totalMedicalCost: 4000 };
/** A visit's three calls at ≥ 1/3 of the check's rate; p99 of each call under 20 ms. */
const TARGET_VISITS_VS_CHECKS = 1 / 3;
const TARGET_P99_MS = 20;

interface CheckAnswer {
  checkId: string;
  medicalSubsidies: { subsidyRef: string; copaymentLimit: { remaining: number } | null }[];
}

function expectStatus(name: string, got: { status: number; json: unknown }, status: number) {
  if (got.status !== status) throw new Error(`${name}: answered ${got.status}, wanted ${status}: ${JSON.stringify(got.json).slice(0, 500)}`);
}

/**
 * A clinic visit with 上限額管理 (provisional API): the eligibility check, a quote of the window charge
 * (POST /clinic/v1/copayment-quotes) and the record of what was charged (POST /clinic/v1/copayment-records),
 * against the check alone, on the same data (`setUpChecks`: 1,000,000 registered rows, 500 cards with a
 * monthly cap of 10,000 yen) and with the same closed-loop client (bench/lib/sequence-load.ts), in one run.
 * Each worker takes its own cards, so two workers never record for the same patient at once; each visit
 * costs 4,000 yen (2割 = 800), so patients reach the cap within the run and later visits record 0 charged. A third
 * phase, three GET /health per iteration, is the service's HTTP floor for a visit's three exchanges.
 */
export const copaymentBenchmark = {
  name: 'copayment',
  async run(): Promise<CopaymentReport> {
    const startedAt = new Date().toISOString();
    const cleanup = new Cleanup();
    const log = (line: string) => process.stderr.write(`${line}\n`);
    try {
      const { service, clinic, serials, total } = await setUpChecks({ records: RECORDS, cards: CARDS, cleanup, log });
      const cardOf = (worker: number, n: number) => serials[(worker + n * CONNECTIONS) % serials.length]!;
      const check = async (call: SequenceCall, serial: string) => {
        const got = await call('check', 'POST', '/clinic/v1/eligibility-checks', {
          certificateSerialNumber: serial,
          serviceDate: SERVICE_DATE,
          consent: { medicalSubsidy: true },
        });
        expectStatus('check', got, 200);
        const answer = got.json as CheckAnswer;
        if (answer.medicalSubsidies.length !== 1 || !answer.medicalSubsidies[0]!.copaymentLimit) {
          throw new Error(`check: wanted one capped subsidy, got ${JSON.stringify(answer).slice(0, 500)}`);
        }
        return answer;
      };
      let run = 0;
      const visit = async (call: SequenceCall, worker: number, n: number) => {
        const answer = await check(call, cardOf(worker, n));
        const subsidyRef = answer.medicalSubsidies[0]!.subsidyRef;
        const quote = await call('quote', 'POST', '/clinic/v1/copayment-quotes', { checkId: answer.checkId, insuranceShare: 0.3, ...VISIT_LINE });
        expectStatus('quote', quote, 200);
        const patientPays = (quote.json as { patientPays: number }).patientPays;
        const recorded = await call('record', 'POST', '/clinic/v1/copayment-records', {
          subsidyRef,
          visitId: `bench-${run}-${worker}-${n}`,
          copaymentCharged: patientPays,
          ...VISIT_LINE,
        });
        expectStatus('record', recorded, 201);
      };
      const phase = async (name: string, iteration: (call: SequenceCall, worker: number, n: number) => Promise<void>): Promise<SequenceLoadResult> => {
        const common = {
          origin: service.origin,
          headers: { authorization: clinic.authorization! },
          connections: CONNECTIONS,
          iteration,
          serverPid: service.pid,
        };
        log(`  ${name}: warming up ${WARMUP_SECONDS} s`);
        run++;
        await runSequenceLoad({ ...common, durationSeconds: WARMUP_SECONDS });
        log(`  ${name}: measuring ${DURATION_SECONDS} s`);
        run++;
        return runSequenceLoad({ ...common, durationSeconds: DURATION_SECONDS });
      };
      const checksAlone = await phase('eligibility check alone', async (call, worker, n) => {
        await check(call, cardOf(worker, n));
      });
      const visits = await phase('visit: check + quote + record', visit);
      // The service's HTTP floor through the same client: three exchanges that do no work (GET /health).
      const httpFloor = await phase('HTTP floor: 3 × GET /health', async (call) => {
        for (let i = 0; i < 3; i++) expectStatus('health', await call('health', 'GET', '/health'), 200);
      });
      // Exploration (BENCH_COPAYMENT_EACH=1): a quote and a record each on their own, over one check per worker.
      const each: Record<string, SequenceLoadResult> = {};
      if (process.env.BENCH_COPAYMENT_EACH === '1') {
        const answers = await Promise.all(
          Array.from({ length: CONNECTIONS }, async (_, worker) => {
            const res = await fetch(`${service.origin}/clinic/v1/eligibility-checks`, {
              method: 'POST',
              headers: { authorization: clinic.authorization!, 'content-type': 'application/json' },
              body: JSON.stringify({ certificateSerialNumber: cardOf(worker, 0), serviceDate: SERVICE_DATE, consent: { medicalSubsidy: true } }),
            });
            return (await res.json()) as CheckAnswer;
          }),
        );
        each.quote = await phase('quote alone', async (call, worker) => {
          const got = await call('quote', 'POST', '/clinic/v1/copayment-quotes', { checkId: answers[worker]!.checkId, insuranceShare: 0.3, ...VISIT_LINE });
          expectStatus('quote', got, 200);
        });
        each.record = await phase('record alone', async (call, worker, n) => {
          const subsidyRef = answers[worker]!.medicalSubsidies[0]!.subsidyRef;
          const got = await call('record', 'POST', '/clinic/v1/copayment-records', {
            subsidyRef,
            visitId: `alone-${run}-${worker}-${n}`,
            copaymentCharged: 0,
            ...VISIT_LINE,
          });
          expectStatus('record', got, 201);
        });
      }
      const ratio = visits.iterationsPerSec / checksAlone.iterationsPerSec;
      const goals = [
        goal('visits/s ÷ checks/s', ratio, '≥', TARGET_VISITS_VS_CHECKS, '×'),
        ...Object.entries(visits.calls).map(([name, c]) => goal(`p99 of ${name} in a visit`, c.p99, '<', TARGET_P99_MS, ' ms', 1)),
      ];
      log(`  goals: ${goals.map((g) => `${g.name} ${g.target}: ${g.actual} ${g.met ? 'met' : 'NOT MET'}`).join('; ')}`);
      return {
        benchmark: this.name,
        kind: 'copayment',
        startedAt,
        finishedAt: new Date().toISOString(),
        environment: environment(),
        settings: { records: total, cards: CARDS, connections: CONNECTIONS, durationSeconds: DURATION_SECONDS, warmupSeconds: WARMUP_SECONDS },
        checksAlone,
        visits,
        httpFloor,
        ...(Object.keys(each).length > 0 ? { each } : {}),
        ratio,
        goals,
      };
    } finally {
      await cleanup.run();
    }
  },
};
