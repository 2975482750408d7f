import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeMedicalInstitutionCode } from '../../src/domain/numbers.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

const MUNICIPAL_TOKEN = 'ci-fixture-municipal-token-tokyo-0001';
const INSTITUTION_TOKEN = 'ci-fixture-institution-token-0001';
const INSTITUTION = completeMedicalInstitutionCode('131888001');
const SERIAL = 'C1F1C1F1C1F1C1F1C1F1';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pmh-seed-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function seedFile(name: string, content: unknown) {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const SEED = {
  $schema: '../openapi/seed-file.schema.json',
  municipalities: [
    {
      code: '130001',
      token: MUNICIPAL_TOKEN,
      certificateTypes: [{ id: 'NANBYO54', definition: NANBYO_TYPE }],
      records: [nanbyoRecord(0, { myNumber: myNumber(8001), validFrom: '2000-04-01', validTo: '2099-03-31' })],
      generate: [{ preset: 'nanbyo54', count: 20, seed: 'ci', referenceDate: '2026-12-01' }],
    },
  ],
  institutions: [{ code: INSTITUTION, name: 'CI試験医院', kind: 'medical', token: INSTITUTION_TOKEN }],
  cards: [{ certificateSerialNumber: SERIAL, myNumber: myNumber(8001) }],
};

const TABLES = [
  'certificate_type',
  'recipient_certificate',
  'registration_task',
  'municipal_credential',
  'institution_credential',
  'medical_institution',
  'simulated_card',
];

async function counts(t: TestApp) {
  const out: Record<string, number> = {};
  for (const table of TABLES) out[table] = Number((await t.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
  return out;
}

describe('SANDBOX_SEED_FILE', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('is loaded at start through the real services: its tokens, types, records and cards answer a check', async () => {
    t = await createTestApp({ SANDBOX_SEED_FILE: await seedFile('seed.json', SEED) });
    const municipal = { authorization: `Bearer ${MUNICIPAL_TOKEN}` };
    const recipients = await t.app.inject({ method: 'GET', url: '/municipal/v1/recipients?limit=1000', headers: municipal });
    expect(recipients.statusCode, recipients.body).toBe(200);
    expect(recipients.json().items.length).toBeGreaterThanOrEqual(21);
    const check = await t.app.inject({
      method: 'POST',
      url: '/clinic/v1/eligibility-checks',
      headers: { authorization: `Bearer ${INSTITUTION_TOKEN}` },
      payload: { certificateSerialNumber: SERIAL, serviceDate: '2026-12-01', consent: { medicalSubsidy: true } },
    });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json().medicalSubsidies).toEqual([
      expect.objectContaining({ medicalSubsidyInsurerNumber: '54130018', program: expect.objectContaining({ lawCode: '54' }) }),
    ]);
  });

  it('loads again at a restart without duplicating anything', async () => {
    const before = await counts(t);
    expect(before.registration_task).toBeGreaterThanOrEqual(2);
    t = await t.restart();
    expect(await counts(t)).toEqual(before);
  });

  it.each([
    [
      'a field that breaks a rule',
      'bad-1.json',
      { municipalities: [{ code: '13000' }] },
      /^SANDBOX_SEED_FILE .*bad-1\.json: municipalities\.0\.code: must be a 6-digit/,
    ],
    ['an unknown key', 'bad-2.json', { institutes: [] }, /^SANDBOX_SEED_FILE .*bad-2\.json: \(root\): Unrecognized key/],
    [
      'a municipality not in the catalogue',
      'bad-3.json',
      { municipalities: [{ code: '999999' }] },
      /^SANDBOX_SEED_FILE .*bad-3\.json: municipalities\.0\.code: 999999 is not a 地方公共団体/,
    ],
    ['text that is not JSON', 'bad-4.json', '{"municipalities": [', /^SANDBOX_SEED_FILE .*bad-4\.json: is not JSON/],
  ])('stops the start on %s, naming the file and the field', async (_what, name, content, message) => {
    await expect(createTestApp({ SANDBOX_SEED_FILE: await seedFile(name, content) })).rejects.toThrow(message);
  });

  it('never quotes a personal value of a rejected record', async () => {
    const record = nanbyoRecord(0, {
      myNumber: myNumber(8002),
      basicFiveInfo: { name: '秘密　花子', nameKana: 'ひみつ', address: '東京都', dateOfBirth: '1970-01-01', sex: '2' },
    });
    const file = await seedFile('bad-record.json', {
      municipalities: [{ code: '130001', certificateTypes: [{ id: 'NANBYO54', definition: NANBYO_TYPE }], records: [record] }],
    });
    const err = await createTestApp({ SANDBOX_SEED_FILE: file }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/^SANDBOX_SEED_FILE .*: municipalities\.0\.records: /);
    for (const value of ['秘密', 'ひみつ', myNumber(8002)]) expect(err?.message).not.toContain(value);
  });
});

describe('examples/seed.json (the README’s CI example)', () => {
  it('starts a sandbox whose fixed tokens and card answer a check with the subsidy', async () => {
    const t = await createTestApp({ SANDBOX_SEED_FILE: path.join(PACKAGE_ROOT, 'examples', 'seed.json') });
    try {
      const example = JSON.parse(await readFile(path.join(PACKAGE_ROOT, 'examples', 'seed.json'), 'utf8'));
      const check = await t.app.inject({
        method: 'POST',
        url: '/clinic/v1/eligibility-checks',
        headers: { authorization: `Bearer ${example.institutions[0].token}` },
        payload: { certificateSerialNumber: example.cards[0].certificateSerialNumber, consent: { medicalSubsidy: true } },
      });
      expect(check.statusCode, check.body).toBe(200);
      expect(check.json().medicalSubsidies).toHaveLength(1);
      const recipients = await t.app.inject({
        method: 'GET',
        url: '/municipal/v1/recipients?limit=1000',
        headers: { authorization: `Bearer ${example.municipalities[0].token}` },
      });
      expect(recipients.json().items.length).toBeGreaterThanOrEqual(101);
    } finally {
      await t.close();
    }
  });
});
