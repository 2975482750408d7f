import { afterAll, describe, expect, it } from 'vitest';
import { adminHeaders, TEST_ADMIN_TOKEN } from '../helpers/app.js';
import { institutionCode } from '../helpers/clinic.js';
import { myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';
import { emptyDatabase } from '../helpers/db.js';
import { startServer } from '../helpers/server-process.js';

/**
 * The whole flow over real HTTP against the real server process: a municipality registers,
 * the sandbox issues a card and an institution, the clinic checks eligibility.
 */
describe('clinic eligibility against the running service', () => {
  const database = emptyDatabase('pmh_elig');
  const url = database.url;
  afterAll(() => database.drop());

  it('registers as a municipality, issues a card and an institution, and checks as a clinic', async () => {
    await database.create();
    const proc = await startServer({ DATABASE_URL: url, LOG_LEVEL: 'info', SANDBOX_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    const bodies: string[] = [];
    const call = async (path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) => {
      const res = await fetch(`${proc.baseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
        body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      });
      const text = await res.text();
      bodies.push(`${JSON.stringify([...res.headers])}\n${text}`);
      return { status: res.status, json: JSON.parse(text) };
    };
    const person = myNumber(4242);
    try {
      const cred = await call('/sandbox/v1/municipalities/130001/credentials', { method: 'POST', headers: adminHeaders });
      expect(cred.status).toBe(201);
      const municipal = { authorization: `Bearer ${cred.json.token}` };
      expect((await call('/municipal/v1/certificate-types/NANBYO54', { method: 'PUT', headers: municipal, body: NANBYO_TYPE })).status).toBe(201);

      const code = institutionCode('medical');
      const task = await call('/municipal/v1/registration-tasks?wait=30', {
        method: 'POST',
        headers: municipal,
        body: [nanbyoRecord(4242, { designatedMedicalInstitutions: code }), nanbyoRecord(4243, { isNotDisclosed: true })],
      });
      expect(task.json).toMatchObject({ status: 'succeeded', counts: { created: 2 } });

      const card = await call('/sandbox/v1/cards', { method: 'POST', headers: adminHeaders, body: { myNumber: person } });
      expect(card.status).toBe(201);
      const inst = await call('/sandbox/v1/medical-institutions', { method: 'POST', headers: adminHeaders, body: { code, name: 'E2E内科', kind: 'medical' } });
      expect(inst.status).toBe(201);
      const clinic = { authorization: `Bearer ${inst.json.token}` };

      const check = await call('/clinic/v1/eligibility-checks', {
        method: 'POST',
        headers: clinic,
        body: { certificateSerialNumber: card.json.certificateSerialNumber, serviceDate: '2026-06-01', consent: { medicalSubsidy: true } },
      });
      expect(check.status).toBe(200);
      expect(check.json.patient).toEqual({ name: '都庁 太郎', nameKana: 'トチョウ　タロウ', dateOfBirth: '1970-01-01', sex: '1' });
      expect(check.json.medicalSubsidies).toEqual([
        expect.objectContaining({
          medicalSubsidyInsurerNumber: '54130018',
          medicalSubsidyRecipientNumber: '0000018',
          designatedHere: true,
          registeringMunicipality: { code: '130001', name: '東京都' },
        }),
      ]);
      const declined = await call('/clinic/v1/eligibility-checks', {
        method: 'POST',
        headers: clinic,
        body: { certificateSerialNumber: card.json.certificateSerialNumber, serviceDate: '2026-06-01', consent: { medicalSubsidy: false } },
      });
      expect(declined.json.medicalSubsidies).toEqual([]);

      const stored = await call(`/clinic/v1/eligibility-checks/${check.json.checkId}`, { headers: clinic });
      expect(stored.json).toEqual(check.json);
      const log = await call(`/sandbox/v1/eligibility-checks?institutionCode=${code}`, { headers: adminHeaders });
      expect(log.json.items.map((e: { subsidyCount: number }) => e.subsidyCount).sort()).toEqual([0, 1]);
      const why = await call(`/sandbox/v1/eligibility-checks/${declined.json.checkId}/explanation`, { headers: adminHeaders });
      expect(why.json.outcome).toBe('no_consent');
    } finally {
      expect(await proc.stop('SIGINT')).toBe(0);
    }
    // Never a 個人番号: not in any response, not in any log line of the service.
    for (const n of [person, myNumber(4243)]) {
      expect(bodies.filter((b) => b.includes(n))).toEqual([]);
      expect(proc.output().includes(n)).toBe(false);
    }
    // One access line per request (src/http/access-log.ts), none of Fastify's own two.
    const checks = proc.logs.filter((l) => l.msg === 'request' && l.method === 'POST' && l.route === '/clinic/v1/eligibility-checks');
    expect(checks.map((l) => l.status)).toEqual(checks.map(() => 200));
    expect(checks.length).toBeGreaterThanOrEqual(2);
    expect(checks.every((l) => typeof l.reqId === 'string' && typeof l.ms === 'number' && l.path === '/clinic/v1/eligibility-checks')).toBe(true);
    expect(proc.logs.some((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toBe(false);
  }, 120_000);
});
