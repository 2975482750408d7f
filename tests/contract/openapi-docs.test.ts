import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { checkInsurerNumber, checkLocalGovCode, checkMedicalInstitutionCode, checkMyNumber, checkRecipientNumber } from '../../src/domain/numbers.js';
import { OPENAPI_PATH } from '../../src/openapi.js';

/** What SDK users rely on beyond validity: every operation documented, with valid examples. */
const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(doc, 'openapi');

const schemas = doc.components.schemas as Record<string, Record<string, unknown>>;
const deref = (s: Record<string, unknown> | undefined) => (s && typeof s.$ref === 'string' ? schemas[s.$ref.replace('#/components/schemas/', '')] : s);
const examplesOf = (s: Record<string, unknown> | undefined): unknown[] => {
  const d = deref(s);
  if (!d) return [];
  if (d.example !== undefined) return [d.example];
  if (Array.isArray(d.examples)) return d.examples;
  if (d.type === 'array') return examplesOf(d.items as Record<string, unknown>).map((e) => [e]);
  return [];
};

const operations = Object.entries(doc.paths as Record<string, Record<string, Record<string, any>>>).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, method, op })),
);

describe('openapi/openapi.json documents every operation', () => {
  it.each(operations)('$name: operationId, summary, description, tags', ({ op }) => {
    expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
    expect(op.summary?.length).toBeGreaterThan(5);
    expect(op.description?.length).toBeGreaterThan(20);
    expect(op.tags?.length).toBeGreaterThan(0);
  });

  it.each(operations.filter(({ op }) => Object.keys(op.responses).some((s) => Number(s) >= 400)))(
    '$name: names the problem codes of its error responses',
    ({ op }) => {
      expect(op.description).toMatch(/problem codes?/i);
      for (const status of Object.keys(op.responses).filter((s) => Number(s) >= 400)) {
        expect(op.responses[status].content?.['application/problem+json'], status).toBeDefined();
      }
    },
  );

  it.each(operations)('$name: JSON request and success bodies have examples that match their schemas', ({ path, method, op }) => {
    const targets: { where: string; schema: Record<string, unknown>; ref: string }[] = [];
    const json = op.requestBody?.content?.['application/json'];
    if (json) targets.push({ where: 'request', schema: json.schema, ref: `requestBody/content/application~1json/schema` });
    for (const [status, res] of Object.entries<any>(op.responses)) {
      const body = res.content?.['application/json'];
      if (Number(status) < 300 && body)
        targets.push({ where: `response ${status}`, schema: body.schema, ref: `responses/${status}/content/application~1json/schema` });
    }
    for (const t of targets) {
      const examples = examplesOf(t.schema);
      expect(examples.length, `${t.where} has an example`).toBeGreaterThan(0);
      const pointer = `openapi#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/${t.ref}`;
      const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
      for (const example of examples) {
        void validate(example);
        expect(validate.errors ?? [], `${t.where} example ${JSON.stringify(example).slice(0, 200)}`).toEqual([]);
      }
    }
  });

  it('uses only numbers with real check digits in its examples', () => {
    const checks: Record<string, (v: string) => { valid: boolean }> = {
      myNumber: checkMyNumber,
      medicalSubsidyInsurerNumber: checkInsurerNumber,
      insurerNumbers: checkInsurerNumber,
      institutionCode: checkMedicalInstitutionCode,
      designatedMedicalInstitutions: (v) => ({ valid: v.split(';').every((c) => checkMedicalInstitutionCode(c).valid) }),
      municipalityCode: checkLocalGovCode,
      lgCode: checkLocalGovCode,
    };
    const seen: string[] = [];
    const walk = (node: unknown, key: string, parent: string) => {
      if (Array.isArray(node)) node.forEach((n) => walk(n, key, parent));
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, k, key);
      else if (typeof node === 'string') {
        let check = checks[key];
        if (key === 'code' && (parent === 'institution' || parent === 'medicalInstitution')) check = checkMedicalInstitutionCode;
        if (key === 'code' && parent === 'registeringMunicipality') check = checkLocalGovCode;
        // National 受給者番号 are 7 digits with a check digit; local ones are free-form.
        if (key === 'medicalSubsidyRecipientNumber' && /^[0-9]{7}$/.test(node)) check = checkRecipientNumber;
        if (!check) return;
        seen.push(`${key}=${node}`);
        expect(check(node).valid, `example ${parent}.${key} = ${node}`).toBe(true);
      }
    };
    const collect = (node: unknown, key = ''): void => {
      if (Array.isArray(node)) node.forEach((n) => collect(n, key));
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'example') walk(v, '', '');
          else if (k === 'examples' && Array.isArray(v)) v.forEach((e) => walk(e, '', ''));
          else collect(v, k);
        }
      }
    };
    collect(doc);
    expect(seen.length).toBeGreaterThan(10);
  });
});
