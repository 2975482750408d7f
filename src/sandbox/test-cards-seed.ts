import { hash } from 'node:crypto';
import type { PmhRecord } from '../domain/pmh-record/index.js';
import type { SandboxLoader } from './loader.js';
import { TEST_CARDS, TEST_CERTIFICATE_TYPES, TEST_INSTITUTION, testCardMyNumber, testCardRecords } from './test-cards.js';

/**
 * Loads the well-known test cards (src/sandbox/test-cards.ts); safe to run at every start and after
 * every reset. Types go through the 制度マスタ rules, rows through a registration task of each owning
 * municipality (validateRecord, exactly as an upload), so they look registered through the municipal
 * API. The same records again are `unchanged`; the content-derived Idempotency-Key makes a restart replay the task.
 */
export async function seedTestCards(loader: SandboxLoader) {
  for (const t of TEST_CERTIFICATE_TYPES) await loader.putCertificateType(t.municipality, t.id, t.definition);

  const byMunicipality = new Map<string, PmhRecord[]>();
  for (const card of TEST_CARDS) {
    for (const { municipality, record } of testCardRecords(card)) {
      byMunicipality.set(municipality, [...(byMunicipality.get(municipality) ?? []), record]);
    }
  }
  for (const [code, records] of byMunicipality) {
    // Keyed by content: a restart replays the task, a changed list of cards registers anew (never 409).
    const idempotencyKey = `pmh-sandbox-test-cards-${hash('sha256', JSON.stringify(records)).slice(0, 32)}`;
    await loader.register(code, records, { idempotencyKey, waitSeconds: 60 });
  }

  await loader.ensureInstitutionWithToken({ code: TEST_INSTITUTION.code, name: TEST_INSTITUTION.name, kind: TEST_INSTITUTION.kind }, TEST_INSTITUTION.token);
  for (const card of TEST_CARDS) {
    await loader.ensureCardWithSerial(
      {
        myNumber: testCardMyNumber(card),
        name: card.person.name,
        nameKana: card.person.nameKana,
        dateOfBirth: card.person.dateOfBirth,
        sex: card.person.sex,
        address: '東京都千代田区霞が関一丁目1番1号',
        status: card.card.status,
        certificateExpiresOn: card.card.certificateExpiresOn,
      },
      card.certificateSerialNumber,
    );
  }
  return { cards: TEST_CARDS.length, institution: TEST_INSTITUTION.code };
}
