import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => t?.close());

const load = (name: string, headers: Record<string, string> = adminHeaders) => t.app.inject({ method: 'POST', url: `/sandbox/v1/scenarios/${name}`, headers });

interface Scenario {
  municipalities: { code: string; token: string; certificateTypes: string[] }[];
  institutions: { code: string; token: string }[];
  cards: { certificateSerialNumber: string; case: string; consent: boolean; expected: string }[];
  tasks: { municipalityCode: string; taskId: string; status: string; receivedCount: number }[];
}

async function check(token: string, serial: string, consent: boolean, serviceDate?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/clinic/v1/eligibility-checks',
    headers: { authorization: `Bearer ${token}` },
    payload: { certificateSerialNumber: serial, consent: { medicalSubsidy: consent }, ...(serviceDate ? { serviceDate } : {}) },
  });
}

const EDGE_CASES: Record<string, { status: number; count?: number; code?: string; check?: (subsidies: Record<string, unknown>[]) => void }> = {
  'no consent': { status: 200, count: 0 },
  'expired record': { status: 200, count: 0 },
  'future record': { status: 200, count: 0 },
  'ends today': { status: 200, count: 1 },
  不開示: { status: 200, count: 0 },
  'not designated here': { status: 200, count: 1, check: (x) => expect(x[0]!.designatedHere).toBe(false) },
  常に償還払い: { status: 200, count: 1, check: (x) => expect(x[0]!.isAlwaysReimbursement).toBe('1') },
  'two municipalities': {
    status: 200,
    count: 2,
    check: (x) => expect(x.map((r) => (r.registeringMunicipality as { code: string }).code)).toEqual(['130001', '132012']),
  },
  'deleted history row': { status: 200, count: 1 },
  'card expired': { status: 422, code: 'certificate_expired' },
  'card revoked': { status: 422, code: 'certificate_revoked' },
};

/** Every edge-cases card gives what it is meant to show. */
async function expectEdgeCases(s: Scenario) {
  const token = s.institutions[0]!.token;
  expect(s.cards.map((c) => c.case).sort()).toEqual(Object.keys(EDGE_CASES).sort());
  for (const card of s.cards) {
    const e = EDGE_CASES[card.case]!;
    const r = await check(token, card.certificateSerialNumber, card.consent);
    expect(r.statusCode, `${card.case}: ${r.body}`).toBe(e.status);
    if (e.code) expect(r.json().code).toBe(e.code);
    else {
      expect(r.json().medicalSubsidies, card.case).toHaveLength(e.count!);
      e.check?.(r.json().medicalSubsidies);
    }
  }
}

describe('POST /sandbox/v1/scenarios/{name}', () => {
  it('needs the admin token and a known name', async () => {
    expect((await load('edge-cases', {})).statusCode).toBe(401);
    const res = await load('nope');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
  });

  it('edge-cases: every card gives what it is meant to show', async () => {
    const res = await load('edge-cases');
    expect(res.statusCode, res.body).toBe(200);
    expectMatchesOpenApi(res, 'post', '/sandbox/v1/scenarios/{name}');
    const s = res.json() as Scenario;
    const token = s.institutions[0]!.token;
    await expectEdgeCases(s);
    // "ends today" is gone tomorrow; "future record" is there tomorrow.
    const today = new Date(Date.now() + 9 * 3600_000);
    const tomorrow = new Date(today.getTime() + 86_400_000).toISOString().slice(0, 10);
    const endsToday = s.cards.find((c) => c.case === 'ends today')!;
    expect((await check(token, endsToday.certificateSerialNumber, true, tomorrow)).json().medicalSubsidies).toHaveLength(0);
    const future = s.cards.find((c) => c.case === 'future record')!;
    expect((await check(token, future.certificateSerialNumber, true, tomorrow)).json().medicalSubsidies).toHaveLength(1);
    // Loading again works (records unchanged, new serials).
    expect((await load('edge-cases')).statusCode).toBe(200);
  }, 60_000);

  it('pilot-municipalities: municipal tokens see their types, cards return their subsidy', async () => {
    const res = await load('pilot-municipalities');
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json() as Scenario;
    expect(s.municipalities.map((m) => [m.code, m.certificateTypes])).toEqual([
      ['130001', ['SCNNANBYO54', 'SCNSEISHIN21']],
      ['132012', ['SCNHITORIOYA81', 'SCNKODOMO88', 'SCNKOUKOUSEI89']],
    ]);
    for (const m of s.municipalities) {
      const types = await t.app.inject({ method: 'GET', url: '/municipal/v1/certificate-types', headers: { authorization: `Bearer ${m.token}` } });
      expect(
        types
          .json()
          .items.map((i: { orgSpecificCertificateTypeId: string }) => i.orgSpecificCertificateTypeId)
          .sort(),
      ).toEqual([...m.certificateTypes].sort());
    }
    expect(s.cards).toHaveLength(10);
    expect(s.tasks.every((task) => task.status === 'succeeded')).toBe(true);
    for (const card of s.cards) {
      const r = await check(s.institutions[0]!.token, card.certificateSerialNumber, true);
      expect(r.json().medicalSubsidies, card.case).toHaveLength(1);
    }
  }, 60_000);

  it('loading a scenario twice, one after the other or at once, answers 200 with the same cases each time', async () => {
    // Two loads at once used to interleave: the second deletion of edge-cases' H2 found nothing and the load answered 500.
    for (const name of ['edge-cases', 'pilot-municipalities']) {
      const runs = [await load(name), await load(name), ...(await Promise.all([load(name), load(name)]))];
      for (const r of runs) expect(r.statusCode, `${name}: ${r.body}`).toBe(200);
      const results = runs.map((r) => r.json() as Scenario);
      for (const s of results) {
        expect(s.cards.map((c) => [c.case, c.expected])).toEqual(results[0]!.cards.map((c) => [c.case, c.expected]));
        expect(
          s.tasks.every((task) => task.status === 'succeeded'),
          JSON.stringify(s.tasks),
        ).toBe(true);
        if (name === 'edge-cases') await expectEdgeCases(s);
        else
          for (const card of s.cards)
            expect((await check(s.institutions[0]!.token, card.certificateSerialNumber, true)).json().medicalSubsidies, card.case).toHaveLength(1);
      }
    }
  }, 120_000);

  it('load:<count> registers generated records through registration tasks', async () => {
    const res = await load('load:50');
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json() as Scenario;
    expect(s.tasks).toEqual([expect.objectContaining({ municipalityCode: '130001', status: 'succeeded', receivedCount: 50 })]);
    const big = await load('load:2500');
    expect(big.statusCode, big.body).toBe(202);
    const task = (big.json() as Scenario).tasks[0]!;
    const token = (big.json() as Scenario).municipalities[0]!.token;
    const done = await t.app.inject({ method: 'GET', url: `/municipal/v1/registration-tasks/${task.taskId}`, headers: { authorization: `Bearer ${token}` } });
    expect(done.statusCode).toBe(200);
    expect(done.json().receivedCount).toBe(2500);
  }, 60_000);
});

describe('a municipality’s own data beside the scenarios', () => {
  it('a type of its own named like a scenario’s (NANBYO54) and its rows are left alone by every scenario', async () => {
    const m = await municipality(t.app, '130001');
    const own = { ...NANBYO_TYPE, name: '自前の難病（利用者の定義）' };
    expect((await m.putType('NANBYO54', own)).statusCode).toBe(201);
    const upload = await m.upload([nanbyoRecord(4242, { historyKey: 'MINE' })], { query: 'wait=20' });
    expect(upload.json().counts, upload.body).toMatchObject({ created: 1 });
    const snapshot = async () => ({
      type: (await m.get('/municipal/v1/certificate-types/NANBYO54')).json(),
      rows: (await m.get('/municipal/v1/recipients?orgSpecificCertificateTypeId=NANBYO54')).json(),
    });
    const before = await snapshot();
    expect(before.type.name).toBe(own.name);
    for (const name of ['pilot-municipalities', 'edge-cases', 'load:10']) expect((await load(name)).statusCode, name).toBe(200);
    expect(await snapshot()).toEqual(before);
  }, 60_000);
});
