import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeMedicalInstitutionCode } from '../../src/domain/numbers.js';
import { OPENAPI_PATH } from '../../src/openapi.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { myNumber } from '../helpers/municipal.js';

const run = promisify(execFile);

/** What tests/sdk/flow.ts takes and returns (it is type-checked against the generated SDK in the first test). */
interface FlowOptions {
  baseUrl: string;
  adminToken?: string;
  myNumber: string;
  institutionCode: string;
}
interface FlowResult {
  observed: { method: string; path: string; status: number; contentType: string; body: string }[];
  task: { status: string; counts: Record<string, number> };
  rejected: { index: number }[];
  recipients: unknown[];
  subsidies: Record<string, unknown>[];
  storedSubsidies: unknown[];
  declinedSubsidies: unknown[];
  patient: { name: string };
  unknownCard: { status: number; code?: string };
  quote: { patientPays: number; insurancePays: number; steps: string[] };
  line: { accumulatedAfter: number; capReached: boolean };
  lineCount: number;
}
const ADMIN_TOKEN = 'sdk-contract-test-admin-token';
let t: TestApp;
let baseUrl: string;

beforeAll(async () => {
  // The SDK a vendor would generate: openapi-typescript types from the committed document.
  // defaultNonNullable: false, as the README advises: request schemas are named components, and
  // openapi-typescript would otherwise make their properties that have a default required.
  const ast = await openapiTS(new URL(`file://${OPENAPI_PATH}`), { defaultNonNullable: false });
  mkdirSync('tests/sdk/generated', { recursive: true });
  writeFileSync('tests/sdk/generated/openapi.ts', astToString(ast));
  t = await createTestApp({ SANDBOX_ADMIN_TOKEN: ADMIN_TOKEN });
  baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
}, 120_000);
afterAll(() => t?.close());

describe('a client generated from openapi/openapi.json', () => {
  it('type-checks with tsc, together with an integration written against it', async () => {
    const result = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tests/sdk/tsconfig.json']).catch((err: { stdout: string }) => err);
    expect('stdout' in result ? result.stdout : '').toBe('');
  }, 120_000);

  it('runs municipal upload → clinic check → quote → record against the server, every response as the document declares', async () => {
    // Imported by a computed specifier so that `tsc -p .` does not follow it into the generated types;
    // the first test type-checks it against them.
    const flowModule = '../sdk/flow.js';
    const { runFlow } = (await import(flowModule)) as { runFlow: (opts: FlowOptions) => Promise<FlowResult> };
    const patient = myNumber(424242);
    const out = await runFlow({ baseUrl, adminToken: ADMIN_TOKEN, myNumber: patient, institutionCode: completeMedicalInstitutionCode('131123456') });

    expect(out.task).toMatchObject({ status: 'completed_with_errors', counts: { received: 2, created: 1, rejected: 1 } });
    expect(out.rejected.map((r) => r.index)).toEqual([1]);
    expect(out.recipients).toHaveLength(1);
    expect(out.subsidies).toHaveLength(1);
    expect(out.subsidies[0]).toMatchObject({ medicalSubsidyInsurerNumber: '54130018', medicalSubsidyRecipientNumber: '0000018', designatedHere: true });
    expect(out.storedSubsidies).toEqual(out.subsidies);
    expect(out.declinedSubsidies).toEqual([]);
    expect(out.patient.name).toBe('都庁 花子');
    expect(out.unknownCard.status).toBeGreaterThanOrEqual(400);
    expect(out.unknownCard.status).toBeLessThan(500);
    expect(out.unknownCard.code).toEqual(expect.any(String));

    // 総額 20,000: insurance 14,000, 難病 2割 = 4,000 under the 10,000 cap.
    expect(out.quote).toMatchObject({ patientPays: 4000, insurancePays: 14000 });
    expect(out.quote.steps).toContain('national');
    expect(out.line).toEqual({ accumulatedAfter: 4000, capReached: false });
    expect(out.lineCount).toBe(1);

    expect(out.observed.length).toBeGreaterThanOrEqual(15);
    for (const r of out.observed) {
      expectMatchesOpenApi({ statusCode: r.status, headers: { 'content-type': r.contentType }, body: r.body }, r.method, r.path);
      expect(r.body, `${r.method} ${r.path}`).not.toContain(patient);
    }
  }, 120_000);
});
