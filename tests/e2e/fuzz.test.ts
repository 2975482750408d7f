import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase } from '../../src/db/database.js';
import { databaseUrl } from '../../src/db/embedded.js';
import { TEST_ADMIN_TOKEN } from '../helpers/app.js';
import { generateRequest, listOperations, MUTATIONS, type FuzzContext, type FuzzOperation } from '../helpers/fuzz/generate.js';
import { send, type RawRequest } from '../helpers/fuzz/http.js';
import { judge, SLOW_MS } from '../helpers/fuzz/oracle.js';
import { requestRng, seedFromEnv } from '../helpers/fuzz/prng.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

/**
 * Bounded fuzzing of the real service over HTTP. Every operation of the committed OpenAPI document gets generated
 * valid requests (real tokens, known ids) and mutated ones (MUTATIONS). Request `i` is operation i mod n with mutation
 * ⌊i / n⌋ mod m, generated from (FUZZ_SEED, i) alone, so `FUZZ_SEED=<s> FUZZ_ONLY=<i>,<j>` regenerates those requests.
 * FUZZ_MS bounds the time spent sending (default 25 s), FUZZ_PER_OP the requests per operation.
 */
const SEED = seedFromEnv(process.env.FUZZ_SEED);
const BUDGET_MS = Number(process.env.FUZZ_MS ?? 25_000);
const PER_OP = Number(process.env.FUZZ_PER_OP ?? 1_000);
const ONLY = process.env.FUZZ_ONLY ? new Set(process.env.FUZZ_ONLY.split(',').map(Number)) : undefined;

/** Not fuzzed: a reset wipes the state the run depends on mid-run. */
const SKIPPED = new Set(['POST /sandbox/v1/reset']);

const doc = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'));

interface Failure {
  index: number;
  method: string;
  path: string;
  mutation: string;
  detail: string;
  status: number;
  problem: string;
  serverError?: string;
}

describe(`fuzzing every operation of openapi/openapi.json over HTTP (FUZZ_SEED=${SEED})`, () => {
  const dbName = `pmh_fuzz_${process.pid}_${Date.now()}`;
  const server = inject('pgServerUrl');
  let proc: ServerProcess | undefined;
  const host = '127.0.0.1';
  let port = 0;
  const ctx: FuzzContext = {
    doc,
    tokens: { adminToken: TEST_ADMIN_TOKEN },
    known: {},
    // Valid, but cheap: a scenario of 9,999,999 records or a 30 s ?wait= would only measure the machine.
    overrides: {
      name: (rng) => rng.pick(['edge-cases', 'pilot-municipalities', `load:${rng.between(1, 20)}`]),
      wait: (rng) => rng.int(3),
      latencyMs: (rng) => rng.int(50),
    },
  };

  const api = async (method: string, target: string, token: string | undefined, body?: unknown) => {
    const headers: [string, string][] = token ? [['Authorization', `Bearer ${token}`]] : [];
    if (body !== undefined) headers.push(['Content-Type', 'application/json']);
    const res = await send(host, port, { method, target, headers, body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)) }, 60_000);
    if (res.status >= 400 || res.status === 0) throw new Error(`${method} ${target}: ${res.status} ${res.body.toString()}`);
    return res.body.length ? JSON.parse(res.body.toString()) : undefined;
  };

  beforeAll(async () => {
    await ensureDatabase(server, dbName);
    proc = await startServer({ DATABASE_URL: databaseUrl(server, dbName), SANDBOX_ADMIN_TOKEN: TEST_ADMIN_TOKEN, WEBHOOK_MAX_ATTEMPTS: '1' });
    port = Number(new URL(proc.baseUrl).port);
    // Real tokens and ids to generate valid requests with: the edge-cases scenario, a task, a webhook endpoint, a check.
    const s = await api('POST', '/sandbox/v1/scenarios/edge-cases', TEST_ADMIN_TOKEN);
    ctx.tokens.municipalToken = s.municipalities[0].token;
    ctx.tokens.institutionToken = s.institutions[0].token;
    ctx.known.certificateSerialNumber = s.cards.map((c: { certificateSerialNumber: string }) => c.certificateSerialNumber);
    ctx.known.orgSpecificCertificateTypeId = s.municipalities[0].certificateTypes;
    ctx.known.lgCode = ['130001', '132012'];
    ctx.known.id = s.tasks.map((t: { taskId: string }) => t.taskId);
    ctx.known.institutionCode = s.institutions.map((i: { code: string }) => i.code);
    const endpoint = await api('POST', '/municipal/v1/webhook-endpoints', ctx.tokens.municipalToken, { url: 'http://127.0.0.1:9/fuzz' });
    ctx.known.endpointId = [endpoint.id ?? endpoint.endpointId];
    const check = await api('POST', '/clinic/v1/eligibility-checks', ctx.tokens.institutionToken, {
      certificateSerialNumber: s.cards[0].certificateSerialNumber,
      consent: { medicalSubsidy: true },
    });
    ctx.known.checkId = [check.checkId];
  }, 120_000);

  afterAll(async () => {
    await proc?.stop();
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await c.end();
  });

  /**
   * Undoes what a valid sandbox request switched on for everyone: a maintenance window, a moved clock, a fault. A moved
   * clock is first probed with an upload and a webhook endpoint (what a stored clock reaches): their problems are returned.
   */
  async function cleanUp(op: FuzzOperation, status: number, body: Buffer): Promise<{ what: string; problem: string; status: number }[]> {
    if (status < 200 || status >= 300) return [];
    const key = `${op.method} ${op.path}`;
    const found: { what: string; problem: string; status: number }[] = [];
    if (!['PUT /sandbox/v1/maintenance', 'PUT /sandbox/v1/clock', 'POST /sandbox/v1/faults'].includes(key)) return found;
    let parsed: { now?: string; id?: string };
    try {
      parsed = JSON.parse(body.toString());
    } catch {
      return [{ what: `${key} answered ${status} with a body that is not JSON: ${body.toString('latin1').slice(0, 80)}`, problem: 'not JSON', status }];
    }
    if (key === 'PUT /sandbox/v1/clock') {
      const token: [string, string] = ['Authorization', `Bearer ${ctx.tokens.municipalToken}`];
      const probes: [string, RawRequest][] = [
        [
          'POST /municipal/v1/registration-tasks',
          {
            method: 'POST',
            target: '/municipal/v1/registration-tasks?wait=2',
            headers: [token, ['Content-Type', 'application/json']],
            body: Buffer.from('[{}]'),
          },
        ],
        [
          'POST /municipal/v1/webhook-endpoints',
          {
            method: 'POST',
            target: '/municipal/v1/webhook-endpoints',
            headers: [token, ['Content-Type', 'application/json']],
            body: Buffer.from('{"url":"http://127.0.0.1:9/probe"}'),
          },
        ],
      ];
      for (const [what, req] of probes) {
        const res = await send(host, port, req, SLOW_MS + 2_000);
        const problem = judge(res);
        if (problem) found.push({ what: `${what} after the clock was set to ${parsed.now}`, problem, status: res.status });
      }
    }
    if (key === 'PUT /sandbox/v1/maintenance') await api('DELETE', '/sandbox/v1/maintenance', TEST_ADMIN_TOKEN);
    if (key === 'PUT /sandbox/v1/clock') await api('DELETE', '/sandbox/v1/clock', TEST_ADMIN_TOKEN);
    if (key === 'POST /sandbox/v1/faults') await api('DELETE', `/sandbox/v1/faults/${parsed.id}`, TEST_ADMIN_TOKEN);
    return found;
  }

  it(
    'answers every request within 10 s, never 5xx unless injected, and every 4xx as problem+json with a code',
    async () => {
      const ops = listOperations(doc).filter((op) => !SKIPPED.has(`${op.method} ${op.path}`));
      expect(ops.length).toBeGreaterThan(30);
      const failures: Failure[] = [];
      const sent = new Map<string, number>();
      const outcomes: Record<string, Record<string, number>> = {};
      const slowest: { ms: number; what: string }[] = [];
      const started = Date.now();
      const limit = ops.length * MUTATIONS.length * PER_OP;
      let index = 0;
      for (; index < limit && Date.now() - started < BUDGET_MS; index++) {
        if (ONLY && !ONLY.has(index)) {
          if (index > Math.max(...ONLY)) break;
          continue;
        }
        const op = ops[index % ops.length]!;
        const round = Math.floor(index / ops.length);
        const key = `${op.method} ${op.path}`;
        if ((sent.get(key) ?? 0) >= PER_OP) continue;
        sent.set(key, (sent.get(key) ?? 0) + 1);
        const mutation = MUTATIONS[round % MUTATIONS.length]!;
        const generated = generateRequest(ctx, op, requestRng(SEED, index), mutation);
        const logsBefore = proc!.logs.length;
        const res = await send(host, port, generated.request, SLOW_MS + 2_000);
        // A client that stops mid-body, or sends a head past Node's 16 KiB limit (answered 431 while it still writes), may see the connection close.
        const headBytes = generated.request.target.length + generated.request.headers.reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
        const problem = judge(res, { mayClose: mutation === 'truncated-body' || headBytes > 16_384 });
        if (problem) {
          const serverError = proc!.logs
            .slice(logsBefore)
            .filter((l) => Number(l.level) >= 50)
            .map((l) => (l.err as { message?: string } | undefined)?.message ?? String(l.msg))
            .join(' | ')
            .slice(0, 300);
          failures.push({
            index,
            method: op.method,
            path: op.path,
            mutation,
            detail: generated.detail,
            status: res.status,
            problem,
            ...(serverError ? { serverError } : {}),
          });
        }
        for (const after of await cleanUp(op, res.status, res.body))
          failures.push({ index, method: op.method, path: op.path, mutation, detail: after.what, status: after.status, problem: after.problem });
        slowest.push({ ms: Math.round(res.ms), what: `#${index} ${op.method} ${op.path} [${mutation}] ${res.status}` });
        slowest.sort((a, b) => b.ms - a.ms).splice(5);
        const tally = (outcomes[mutation] ??= {});
        const klass = res.status === 0 ? 'none' : `${String(res.status)[0]}xx`;
        tally[klass] = (tally[klass] ?? 0) + 1;
      }
      const covered = ops.filter((op) => (sent.get(`${op.method} ${op.path}`) ?? 0) > 0).length;
      console.log(`fuzz: FUZZ_SEED=${SEED}, ${index} requests in ${Date.now() - started} ms, ${covered}/${ops.length} operations, ${failures.length} failures`);
      console.log(`fuzz: slowest ${slowest.map((x) => `${x.what} ${x.ms} ms`).join('; ')}`);
      console.log(
        `fuzz: answers by mutation ${Object.entries(outcomes)
          .map(([m, t]) => `${m} ${JSON.stringify(t)}`)
          .join(', ')}`,
      );
      // A slow machine may get through few rounds; the first is valid requests for every operation, about half of them succeed.
      if (!ONLY) expect(outcomes.valid?.['2xx'] ?? 0, 'valid requests that succeeded').toBeGreaterThanOrEqual(10);
      if (!ONLY) expect(covered, 'every operation got requests within FUZZ_MS').toBe(ops.length);
      expect(failures, report(failures)).toEqual([]);
    },
    BUDGET_MS + 60_000,
  );
});

function report(failures: Failure[]): string {
  if (!failures.length) return '';
  const groups = new Map<string, Failure[]>();
  for (const f of failures) {
    const k = `${f.method} ${f.path} [${f.mutation}] → ${f.problem}`;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const lines = [...groups].map(
    ([k, fs]) =>
      `${k} ×${fs.length}\n    e.g. #${fs[0]!.index}: ${fs[0]!.detail}${fs[0]!.serverError ? `\n    server: ${fs[0]!.serverError}` : ''}\n    indices ${fs
        .slice(0, 8)
        .map((f) => f.index)
        .join(',')}`,
  );
  return `${failures.length} failing requests (replay: FUZZ_SEED=${SEED} FUZZ_ONLY=<indices> npx vitest run tests/e2e/fuzz.test.ts)\n${lines.join('\n')}`;
}
