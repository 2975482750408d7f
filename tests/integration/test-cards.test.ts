import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS, TEST_INSTITUTION, UNKNOWN_TEST_SERIAL, testCardMyNumber, testCardsMarkdownTable, type TestCard } from '../../src/sandbox/test-cards.js';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality } from '../helpers/municipal.js';

let t: TestApp;
const headers = { authorization: `Bearer ${TEST_INSTITUTION.token}` };

beforeAll(async () => {
  t = await createTestApp();
  await t.app.seedTestCards();
}, 60_000);
afterAll(async () => t?.close());

async function check(serial: string, consent: boolean, serviceDate = '2026-11-23') {
  return t.app.inject({
    method: 'POST',
    url: '/clinic/v1/eligibility-checks',
    headers,
    payload: { certificateSerialNumber: serial, serviceDate, consent: { medicalSubsidy: consent } },
  });
}

const explain = (checkId: string) => t.app.inject({ method: 'GET', url: `/sandbox/v1/eligibility-checks/${checkId}/explanation`, headers: adminHeaders });

async function expectDocumentedOutcome(card: TestCard) {
  const res = await check(card.certificateSerialNumber, card.consent);
  const e = card.expected;
  expect(res.statusCode, `${card.case}: ${res.body}`).toBe(e.status);
  if (e.status === 422) {
    expect(res.json().code).toBe(e.problemCode);
    return;
  }
  const body = res.json();
  expect(
    body.medicalSubsidies.map(
      (s: { program: { lawCode: string | null; localCategory: string | null }; designatedHere: boolean | null; isAlwaysReimbursement: string }) => ({
        program: s.program.lawCode ?? s.program.localCategory,
        designatedHere: s.designatedHere,
        isAlwaysReimbursement: s.isAlwaysReimbursement,
      }),
    ),
    card.case,
  ).toEqual(e.subsidies);
  // The access-log write may commit just after the answer: poll briefly.
  let explanation = await explain(body.checkId);
  for (let i = 0; explanation.statusCode === 404 && i < 40; i++) {
    await new Promise((r) => setTimeout(r, 50));
    explanation = await explain(body.checkId);
  }
  expect(explanation.json().outcome, card.case).toBe(e.outcome);
}

describe('well-known test cards', () => {
  it('every card gives its documented outcome with the well-known institution token', async () => {
    for (const card of TEST_CARDS) await expectDocumentedOutcome(card);
    expect((await check(UNKNOWN_TEST_SERIAL, true)).json().code).toBe('unknown_certificate_serial');
  });

  it('the consent card returns its 難病 subsidy with consent, the future card in 2099', async () => {
    const consentCard = TEST_CARDS.find((c) => c.case === 'no consent')!;
    expect((await check(consentCard.certificateSerialNumber, true)).json().medicalSubsidies).toHaveLength(1);
    const future = TEST_CARDS.find((c) => c.case === 'future record')!;
    expect((await check(future.certificateSerialNumber, true, '2099-06-01')).json().medicalSubsidies).toHaveLength(1);
  });

  it('seeding again (a restart) changes nothing', async () => {
    await t.app.seedTestCards();
    for (const card of TEST_CARDS) await expectDocumentedOutcome(card);
  }, 60_000);

  it('survive a full reset and a reset of their municipality and institution', async () => {
    for (const url of [
      '/sandbox/v1/reset',
      '/sandbox/v1/reset?municipality=130001',
      '/sandbox/v1/reset?municipality=132012',
      '/sandbox/v1/reset?municipality=271004',
      `/sandbox/v1/reset?institution=${TEST_INSTITUTION.code}`,
    ]) {
      const res = await t.app.inject({ method: 'POST', url, headers: adminHeaders });
      expect(res.statusCode, res.body).toBe(200);
      for (const card of TEST_CARDS) await expectDocumentedOutcome(card);
    }
  }, 60_000);

  it('the README lists them as the module does', () => {
    expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain(testCardsMarkdownTable());
  });
});

describe('the test cards’ rows in the owners’ own listings', () => {
  it('are left out of GET /municipal/v1/recipients of 東京都 and 八王子市 unless includeTestData=true', async () => {
    for (const code of ['130001', '132012']) {
      const m = await municipality(t.app, code);
      const own = (await m.get('/municipal/v1/recipients?limit=1000')).json();
      expect(own.items, code).toEqual([]);
      const withTest = await m.get('/municipal/v1/recipients?limit=1000&includeTestData=true');
      expect(withTest.statusCode).toBe(200);
      expectMatchesOpenApi(withTest, 'GET', '/municipal/v1/recipients');
      const numbers = TEST_CARDS.map((c) => `********${testCardMyNumber(c).slice(-4)}`);
      const listed = (withTest.json().items as { myNumberMasked: string }[]).map((i) => i.myNumberMasked);
      expect(listed.length, code).toBeGreaterThan(0);
      for (const n of listed) expect(numbers).toContain(n);
    }
  });

  it('their certificate types are left out of GET /municipal/v1/certificate-types unless includeTestData=true', async () => {
    for (const [code, id] of [
      ['130001', 'TESTNANBYO54'],
      ['132012', 'TESTKODOMO'],
    ]) {
      const m = await municipality(t.app, code!);
      const ids = async (query: string) =>
        ((await m.get(`/municipal/v1/certificate-types${query}`)).json().items as { orgSpecificCertificateTypeId: string }[]).map(
          (i) => i.orgSpecificCertificateTypeId,
        );
      expect(await ids(''), code).not.toContain(id);
      expect(await ids('?includeTestData=true'), code).toContain(id);
    }
  });
});
