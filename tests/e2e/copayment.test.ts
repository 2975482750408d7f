import { afterAll, describe, expect, it } from 'vitest';
import { adminHeaders, TEST_ADMIN_TOKEN } from '../helpers/app.js';
import { institutionCode } from '../helpers/clinic.js';
import { myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';
import { emptyDatabase } from '../helpers/db.js';
import { startServer } from '../helpers/server-process.js';

/**
 * 上限額管理 over real HTTP against the real server process (provisional API): a municipality registers a 難病
 * certificate (cap 10,000 a month) naming a clinic and a pharmacy as 指定医療機関; the clinic checks, quotes and records;
 * the pharmacy's check sees what the clinic recorded, its quote stops at the cap; the holder sees both lines.
 */
describe('a month of 上限額管理 across a clinic and a pharmacy, over HTTP', () => {
  const database = emptyDatabase('pmh_copay');
  const url = database.url;
  afterAll(() => database.drop());

  it('register → card → check → quote → record at a clinic → check, quote, record at a pharmacy → the holder’s view', async () => {
    await database.create();
    const proc = await startServer({ DATABASE_URL: url, LOG_LEVEL: 'info', SANDBOX_ADMIN_TOKEN: TEST_ADMIN_TOKEN });
    const call = async (path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) => {
      const res = await fetch(`${proc.baseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
        body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, json: JSON.parse(text) };
    };
    try {
      // The sandbox clock fixes "this month" for the holder's view.
      expect((await call('/sandbox/v1/clock', { method: 'PUT', headers: adminHeaders, body: { now: '2026-06-10T10:00:00+09:00' } })).status).toBe(200);
      const cred = await call('/sandbox/v1/municipalities/130001/credentials', { method: 'POST', headers: adminHeaders });
      const municipal = { authorization: `Bearer ${cred.json.token}` };
      expect((await call('/municipal/v1/certificate-types/NANBYO54', { method: 'PUT', headers: municipal, body: NANBYO_TYPE })).status).toBe(201);

      const clinicCode = institutionCode('medical');
      const pharmacyCode = institutionCode('pharmacy');
      const task = await call('/municipal/v1/registration-tasks?wait=30', {
        method: 'POST',
        headers: municipal,
        body: [nanbyoRecord(5151, { designatedMedicalInstitutions: `${clinicCode};${pharmacyCode}` })],
      });
      expect(task.json).toMatchObject({ status: 'succeeded', counts: { created: 1 } });

      const card = await call('/sandbox/v1/cards', { method: 'POST', headers: adminHeaders, body: { myNumber: myNumber(5151) } });
      expect(card.status).toBe(201);
      const serial = card.json.certificateSerialNumber as string;
      const tokenOf = async (code: string, kind: string, label: string) => {
        const made = await call('/sandbox/v1/medical-institutions', { method: 'POST', headers: adminHeaders, body: { code, name: label, kind } });
        expect(made.status).toBe(201);
        return { authorization: `Bearer ${made.json.token}` };
      };
      const clinic = await tokenOf(clinicCode, 'medical', '上限額E2E内科');
      const pharmacy = await tokenOf(pharmacyCode, 'pharmacy', '上限額E2E薬局');
      const check = (headers: Record<string, string>) =>
        call('/clinic/v1/eligibility-checks', {
          method: 'POST',
          headers,
          body: { certificateSerialNumber: serial, serviceDate: '2026-06-10', consent: { medicalSubsidy: true } },
        });

      // The clinic: nothing used yet this month; 総額 30,000 → 2割 6,000, under the cap.
      const atClinic = await check(clinic);
      expect(atClinic.status).toBe(200);
      const [subsidy] = atClinic.json.medicalSubsidies;
      expect(subsidy.subsidyRef).toMatch(/^sr_/);
      expect(subsidy.copaymentLimit).toMatchObject({ yearMonth: '2026-06', monthlyCap: 10000, accumulated: 0, remaining: 10000, capReached: false });
      const visit = { serviceDate: '2026-06-10', totalMedicalCost: 30000 };
      const clinicQuote = await call('/clinic/v1/copayment-quotes', {
        method: 'POST',
        headers: clinic,
        body: { checkId: atClinic.json.checkId, setting: 'outpatient', insuranceShare: 0.3, ...visit },
      });
      expect(clinicQuote.status).toBe(200);
      expect(clinicQuote.json).toMatchObject({ patientPays: 6000, insurancePays: 21000, subsidies: [{ subsidyRef: subsidy.subsidyRef, pays: 3000 }] });
      expect(clinicQuote.json.trace.map((s: { step: string }) => s.step)).toEqual(expect.arrayContaining(['insurance', 'national']));
      const clinicLine = await call('/clinic/v1/copayment-records', {
        method: 'POST',
        headers: clinic,
        body: { subsidyRef: subsidy.subsidyRef, visitId: 'C-0610-1', setting: 'outpatient', copaymentCharged: clinicQuote.json.patientPays, ...visit },
      });
      expect(clinicLine.status).toBe(201);
      expect(clinicLine.json).toMatchObject({ accumulatedAfter: 6000, capReached: false });

      // The pharmacy sees the clinic's 6,000; 総額 25,000 → 2割 5,000, but only 4,000 is left.
      const atPharmacy = await check(pharmacy);
      expect(atPharmacy.json.medicalSubsidies[0]).toMatchObject({
        subsidyRef: subsidy.subsidyRef,
        copaymentLimit: { accumulated: 6000, remaining: 4000, capReached: false },
      });
      const rx = { serviceDate: '2026-06-10', totalMedicalCost: 25000 };
      const pharmacyQuote = await call('/clinic/v1/copayment-quotes', {
        method: 'POST',
        headers: pharmacy,
        body: { checkId: atPharmacy.json.checkId, setting: 'pharmacy', insuranceShare: 0.3, ...rx },
      });
      expect(pharmacyQuote.json).toMatchObject({ patientPays: 4000, subsidies: [{ capReached: true }] });
      const pharmacyLine = await call('/clinic/v1/copayment-records', {
        method: 'POST',
        headers: pharmacy,
        body: { subsidyRef: subsidy.subsidyRef, visitId: 'P-0610-1', setting: 'pharmacy', copaymentCharged: pharmacyQuote.json.patientPays, ...rx },
      });
      expect(pharmacyLine.status).toBe(201);
      expect(pharmacyLine.json).toMatchObject({ accumulatedAfter: 10000, capReached: true });

      // The clinic's next check shows the cap reached, on the day, at the pharmacy's line.
      const after = await check(clinic);
      expect(after.json.medicalSubsidies[0].copaymentLimit).toMatchObject({ accumulated: 10000, remaining: 0, capReached: true, capReachedOn: '2026-06-10' });

      // The holder, with the card and its PIN: the certificate, both lines, the month's totals; never the 個人番号.
      const wrong = await call('/myportal/v1/medical-subsidies', { method: 'POST', body: { certificateSerialNumber: serial, pin: '0000' } });
      expect(wrong.status).toBe(401);
      const portal = await call('/myportal/v1/medical-subsidies', { method: 'POST', body: { certificateSerialNumber: serial, pin: '1234' } });
      expect(portal.status).toBe(200);
      expect(portal.json.yearMonth).toBe('2026-06');
      const [own] = portal.json.medicalSubsidies;
      expect(own).toMatchObject({
        medicalSubsidyRecipientNumber: '0000018',
        copaymentLimitManageFormCode: '54',
        subsidyRef: subsidy.subsidyRef,
        copaymentLimit: { monthlyCap: 10000, accumulated: 10000, capReached: true },
      });
      expect(
        own.lines.map((l: { institutionCode: string; copaymentCharged: number; accumulatedAfter: number }) => [
          l.institutionCode,
          l.copaymentCharged,
          l.accumulatedAfter,
        ]),
      ).toEqual([
        [clinicCode, 6000, 6000],
        [pharmacyCode, 4000, 10000],
      ]);
      expect(JSON.stringify(portal.json)).not.toContain(myNumber(5151));
    } finally {
      await proc.stop();
    }
  }, 120_000);
});
