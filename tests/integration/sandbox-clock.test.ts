import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { card, institution } from '../helpers/clinic.js';
import { municipality, myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const clock = (method: 'GET' | 'PUT' | 'DELETE', payload?: object) => t.app.inject({ method, url: '/sandbox/v1/clock', headers: adminHeaders, payload });

describe('/sandbox/v1/clock', () => {
  it('follows real time until set', async () => {
    const res = await clock('GET');
    expect(res.statusCode).toBe(200);
    expectMatchesOpenApi(res, 'GET', '/sandbox/v1/clock');
    const body = res.json();
    expect(body).toMatchObject({ real: true, frozenAt: null });
    expect(Math.abs(Date.parse(body.now) - Date.now())).toBeLessThan(5000);
  });

  it('freezes at the instant set (any offset), and stays there', async () => {
    const res = await clock('PUT', { now: '2027-04-01T09:00:00+09:00' });
    expect(res.statusCode).toBe(200);
    expectMatchesOpenApi(res, 'PUT', '/sandbox/v1/clock');
    expect(res.json()).toMatchObject({ now: '2027-04-01T00:00:00.000Z', real: false, frozenAt: '2027-04-01T00:00:00.000Z' });
    await new Promise((r) => setTimeout(r, 30));
    expect((await clock('GET')).json().now).toBe('2027-04-01T00:00:00.000Z');
  });

  it('is what registration tasks are stamped with', async () => {
    const m = await municipality(t.app, '130001');
    expect((await m.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
    const res = await m.upload([nanbyoRecord(1)], { query: 'wait=10' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'succeeded',
      createdAt: '2027-04-01T00:00:00.000Z',
      startedAt: '2027-04-01T00:00:00.000Z',
      finishedAt: '2027-04-01T00:00:00.000Z',
    });
  });

  it('survives a restart of the service', async () => {
    t = await t.restart();
    expect((await clock('GET')).json()).toMatchObject({ real: false, now: '2027-04-01T00:00:00.000Z' });
  });

  it('returns to real time with DELETE, also across a restart', async () => {
    const res = await clock('DELETE');
    expect(res.statusCode).toBe(200);
    expectMatchesOpenApi(res, 'DELETE', '/sandbox/v1/clock');
    expect(res.json()).toMatchObject({ real: true, frozenAt: null });
    expect(Math.abs(Date.parse(res.json().now) - Date.now())).toBeLessThan(5000);
    expect((await clock('DELETE')).statusCode).toBe(200);
    t = await t.restart();
    expect((await clock('GET')).json().real).toBe(true);
  });

  it('moves what a clinic sees: the default service date (JST) and so which records are valid', async () => {
    const tokyo = await municipality(t.app, '130001');
    expect((await tokyo.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBeLessThan(300);
    const clinic = await institution(t.app);
    const who = myNumber(9001);
    const up = await tokyo.upload([nanbyoRecord(9001, { designatedMedicalInstitutions: clinic.code, validFrom: '2026-04-01', validTo: '2027-03-31' })], {
      query: 'wait=10',
    });
    expect(up.json().status).toBe('succeeded');
    const { certificateSerialNumber } = await card(t.app, who);
    const checkToday = () => clinic.check({ certificateSerialNumber, consent: { medicalSubsidy: true } });

    await clock('PUT', { now: '2026-06-01T03:00:00Z' });
    const inside = await checkToday();
    expect(inside.statusCode, inside.body).toBe(200);
    expect(inside.json()).toMatchObject({ serviceDate: '2026-06-01' });
    expect(inside.json().medicalSubsidies).toHaveLength(1);

    // 15:00 UTC on 31 March is already 1 April in Japan: the record has ended.
    await clock('PUT', { now: '2027-03-31T15:00:00Z' });
    const after = await checkToday();
    expect(after.json()).toMatchObject({ serviceDate: '2027-04-01', medicalSubsidies: [] });
    await clock('DELETE');
  });

  it.each([[{}], [{ now: 'tomorrow' }], [{ now: '2027-04-01' }], [{ now: '2027-02-30T00:00:00Z' }]])('refuses %j with 400 validation_failed', async (body) => {
    const res = await clock('PUT', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
    expectMatchesOpenApi(res, 'PUT', '/sandbox/v1/clock');
  });
});

// Last: it loads the edge-cases scenario, whose municipalities and types the tests above create themselves.
describe('instant inputs', () => {
  it('refuses instants whose year PostgreSQL or the dates around them cannot hold (400), and works at the edges', async () => {
    // Year 0000 and past-9999 instants were stored; every upload, scenario and webhook endpoint then answered 500.
    for (const now of [
      '0000-06-01T00:00:00Z',
      '0001-01-01T00:00:00+09:00',
      '1000-01-01T00:00:00Z',
      '1909-12-31T23:59:59Z',
      '9990-01-01T00:00:00Z',
      '9999-12-31T23:59:59-09:00',
    ]) {
      const res = await clock('PUT', { now });
      expect([res.statusCode, res.json().code], now).toEqual([400, 'validation_failed']);
    }
    for (const now of ['1910-01-01T00:00:00Z', '9989-12-31T00:00:00Z']) {
      expect((await clock('PUT', { now })).statusCode, now).toBe(200);
      const loaded = await t.app.inject({ method: 'POST', url: '/sandbox/v1/scenarios/edge-cases', headers: adminHeaders });
      expect(loaded.statusCode, `${now}: ${loaded.body}`).toBe(200);
    }
    const admin = (method: 'POST' | 'PUT' | 'GET', url: string, payload?: object) => t.app.inject({ method, url, headers: adminHeaders, payload });
    for (const at of ['0000-06-01T00:00:00Z', '9999-12-31T23:59:59-09:00']) {
      const fault = await admin('POST', '/sandbox/v1/faults', { match: { path: '/nothing' }, effect: { status: 503 }, expiresAt: at });
      const maintenance = await admin('PUT', '/sandbox/v1/maintenance', { from: at, until: at });
      const journal = await admin('GET', `/sandbox/v1/requests?since=${encodeURIComponent(at)}`);
      expect([fault.statusCode, maintenance.statusCode, journal.statusCode], at).toEqual([400, 400, 400]);
    }
    expect((await clock('DELETE')).statusCode).toBe(200);
  });
});
