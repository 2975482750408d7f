import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATE_MAX, DATE_MIN } from '../../src/domain/dates.js';
import { CheckWriteError, eligibilityRepository, type CheckWrite } from '../../src/eligibility/repository.js';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { card, institution } from '../helpers/clinic.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

// Issue 14 (2): one date PostgreSQL cannot store used to pass validation and fail the batched write
// of answered checks whole, losing other institutions' stored checks. Dates are now refused at the
// edge (one documented range), and a write that fails anyway loses only its own checks.

let t: TestApp;
let serial: string;
let cardId: string;
let clinicA: Awaited<ReturnType<typeof institution>>;
let clinicB: Awaited<ReturnType<typeof institution>>;

beforeAll(async () => {
  t = await createTestApp();
  const tokyo = await municipality(t.app, '130001');
  expect((await tokyo.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
  const res = await tokyo.upload([nanbyoRecord(0, { myNumber: myNumber(7001) })], { query: 'wait=30' });
  expect(res.json(), res.body).toMatchObject({ status: 'succeeded' });
  ({ certificateSerialNumber: serial, cardId } = await card(t.app, myNumber(7001)));
  clinicA = await institution(t.app);
  clinicB = await institution(t.app);
});
afterAll(async () => t?.close());

const body = (serviceDate?: string) => ({ certificateSerialNumber: serial, ...(serviceDate ? { serviceDate } : {}), consent: { medicalSubsidy: true } });

describe('dates outside the range are refused where they arrive', () => {
  it.each([
    ['0000-01-01', 'date_out_of_range'],
    ['1899-12-31', 'date_out_of_range'],
    ['2026-02-30', 'invalid_format'],
    ['99999-01-01', 'invalid_format'],
  ])('serviceDate %s is 400 %s, as a single check and as a batch item', async (serviceDate, code) => {
    const one = await clinicB.check(body(serviceDate));
    expect(one.statusCode, one.body).toBe(400);
    expect(one.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(one.json().errors).toEqual([expect.objectContaining({ field: 'serviceDate', code })]);
    const batch = await clinicB.batch([body(serviceDate), body()]);
    expect(batch.statusCode, batch.body).toBe(200);
    const [bad, good] = batch.json().items;
    expect(bad).toMatchObject({ index: 0, status: 400, problem: { errors: [expect.objectContaining({ index: 0, field: 'serviceDate', code })] } });
    expect(good).toMatchObject({ index: 1, status: 200 });
  });

  it('the ends of the range are accepted', async () => {
    for (const d of [DATE_MIN, DATE_MAX]) expect((await clinicB.check(body(d))).statusCode).toBe(200);
  });

  it('40 concurrent checks of one clinic stay readable while another sends year 0000', async () => {
    // Interleaved, so that B's checks fall in the same batched writes as A's.
    const others: Promise<unknown>[] = [];
    const pending = Array.from({ length: 40 }, (_, i) => {
      if (i % 8 === 0) others.push(clinicB.check(body('0000-01-01')), clinicB.batch([body('0000-01-01'), body()]));
      return clinicA.check(body());
    });
    const [answers] = await Promise.all([Promise.all(pending), Promise.all(others)]);
    for (const a of answers) {
      expect(a.statusCode, a.body).toBe(200);
      const stored = await clinicA.get(a.json().checkId);
      expect(stored.statusCode, stored.body).toBe(200);
      expect(stored.body).toBe(a.body);
    }
  });

  it.each([
    ['POST', '/sandbox/v1/cards', () => ({ myNumber: myNumber(7002), dateOfBirth: '1899-12-31' }), 'dateOfBirth'],
    ['POST', '/sandbox/v1/cards', () => ({ myNumber: myNumber(7002), certificateExpiresOn: '0000-01-01' }), 'certificateExpiresOn'],
    ['PUT', '/sandbox/v1/clock', () => ({ now: '0000-01-01T00:00:00Z' }), 'now'],
    ['POST', '/sandbox/v1/faults', () => ({ effect: { status: 503 }, expiresAt: '1899-12-31T23:59:59Z' }), 'expiresAt'],
    ['PUT', '/sandbox/v1/maintenance', () => ({ until: '0001-01-01T00:00:00Z' }), 'until'],
    ['PUT', '/sandbox/v1/maintenance', () => ({ from: '0000-01-01T00:00:00+09:00', until: '2026-12-01T00:00:00Z' }), 'from'],
  ] as const)('%s %s: %s out of range is 400 date_out_of_range', async (method, url, payload, field) => {
    const res = await t.app.inject({ method, url, headers: adminHeaders, payload: payload() });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ field, code: 'date_out_of_range' })]);
  });

  it('query dates too: journal since, recipients validOn', async () => {
    const journal = await t.app.inject({ method: 'GET', url: '/sandbox/v1/requests?since=0000-01-01T00:00:00Z', headers: adminHeaders });
    expect(journal.statusCode, journal.body).toBe(400);
    expect(journal.json().errors).toEqual([expect.objectContaining({ field: 'since', code: 'date_out_of_range' })]);
    const tokyo = await municipality(t.app, '130001');
    const recipients = await t.app.inject({ method: 'GET', url: '/municipal/v1/recipients?validOn=0000-01-01', headers: tokyo.headers });
    expect(recipients.statusCode, recipients.body).toBe(400);
    expect(recipients.json().errors).toEqual([expect.objectContaining({ field: 'validOn', code: 'date_out_of_range' })]);
  });
});

describe('a check write that fails loses only its own checks', () => {
  it('41 concurrent writes, one unstorable: the 40 others are stored and the failure names only its id', async () => {
    // Straight to the repository: the API no longer lets such a date through.
    const repo = eligibilityRepository(t.db, t.pool);
    const write = (serviceDate: string): CheckWrite => ({
      id: randomUUID(),
      institutionCode: clinicA.code,
      cardId,
      checkedAt: new Date().toISOString(),
      serviceDate,
      consent: true,
      subsidyCount: 0,
      outcome: 'no_records',
      result: '{}',
      explanation: '{}',
    });
    const good = Array.from({ length: 40 }, () => write('2026-12-01'));
    const bad = write('0000-01-01');
    try {
      const results = await Promise.allSettled([
        ...good.slice(0, 20).map((w) => repo.insertChecks([w])),
        repo.insertChecks([good[20]!, bad, ...good.slice(21)]),
      ]);
      const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(rejected).toHaveLength(1);
      const err = rejected[0]!.reason;
      expect(err).toBeInstanceOf(CheckWriteError);
      expect((err as CheckWriteError).failures).toEqual([expect.objectContaining({ id: bad.id, code: '22008' })]);
      const { rows } = await t.pool.query('SELECT id FROM eligibility_check WHERE id = ANY($1::uuid[])', [[...good, bad].map((w) => w.id)]);
      expect(new Set(rows.map((r) => r.id))).toEqual(new Set(good.map((w) => w.id)));
    } finally {
      await repo.settled();
      await repo.close();
    }
  });
});
