// Ties the PMH field table (src/domain/pmh-record/fields.ts) to what is derived from it: the validator,
// the CSV columns and the documented OpenAPI schema PmhRegistrationRecord.
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  DELETION_REQUIRED_FIELDS,
  PMH_FIELDS_BY_PATH,
  PMH_RECORD_TABLE,
  RECORD_FIELDS,
  REQUIRED_RECORD_FIELDS,
  validateRecord,
  type BasicFiveInfo,
  type BasicFiveInfoFieldName,
  type CertificateTypeRules,
  type PmhActiveRecord,
  type PmhDeletionRecord,
  type PmhField,
  type RecordFieldName,
  type RecordIssue,
} from '../../src/domain/pmh-record/index.js';
import { CSV_COLUMNS, CSV_REQUIRED_COLUMNS, checkCsvHeader, csvRowToRecord } from '../../src/domain/registration-csv.js';
import { completeInsurerNumber, completeMedicalInstitutionCode, completeMyNumber } from '../../src/domain/numbers.js';

const TYPE: CertificateTypeRules = {
  id: 'LOCAL1',
  kind: 'local',
  insurerNumbers: [],
  incomeSegmentCodes: ['A'],
  segmentCodes: ['1'],
  additionalConditionItems: new Map([['01', ['1']]]),
  checkDigitValidation: 'strict',
};
const TYPES = new Map([[TYPE.id, TYPE]]);

/** A valid value for every path of the table: a new field needs one here, so the validator is tried with it. */
const SAMPLES: Record<string, unknown> = {
  orgSpecificCertificateTypeId: TYPE.id,
  myNumber: completeMyNumber('12345678901'),
  'basicFiveInfo.name': '試験　太郎',
  'basicFiveInfo.nameKana': 'シケン　タロウ',
  'basicFiveInfo.address': '東京都八王子市元本郷町三丁目24番1号',
  'basicFiveInfo.dateOfBirth': '1980-04-01',
  'basicFiveInfo.sex': '1',
  isNotDisclosed: false,
  medicalSubsidyInsurerNumber: completeInsurerNumber('8813824'),
  certificationName: '乳幼児医療証',
  medicalSubsidyRecipientNumber: 'R0001',
  certificationSubKey: 'SUB-1',
  segment: '1',
  incomeSegment: 'A',
  additionalConditions: '01-1',
  designatedMedicalInstitutions: completeMedicalInstitutionCode('131123456'),
  isAlwaysReimbursement: '0',
  'maxCopaymentAmount.monthly': 10000,
  'maxCopaymentAmount.daily': 1000,
  'maxCopaymentAmount.perVisit': 500,
  'maxCopaymentAmount.inpatientOutpatientCombined': 20000,
  validFrom: '2026-04-01',
  validTo: '2027-03-31',
  historyKey: 'H2026',
  isDeleted: false,
  'certificationDetail[].label': '疾病名',
  'certificationDetail[].value': 'パーキンソン病',
};

function sample(f: PmhField): unknown {
  if (f.fields === undefined) return SAMPLES[f.path];
  const item = Object.fromEntries(f.fields.map((sub) => [sub.name, sample(sub)]));
  return f.type === 'array' ? [item] : item;
}

/** A record with every field of the table. */
function fullRecord(): Record<string, unknown> {
  return Object.fromEntries(PMH_RECORD_TABLE.map((f) => [f.name, sample(f)]));
}

/** The record with `value` at the table path (`[]` = the first item). */
function withValue(path: string, value: unknown, record = fullRecord()): Record<string, unknown> {
  const parts = path.replace('[]', '.0').split('.');
  let at: Record<string, unknown> = record;
  for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
  const last = parts.at(-1) ?? '';
  if (value === undefined) delete at[last];
  else at[last] = value;
  return record;
}

const issuePath = (path: string): string => path.replace('[]', '.0');
const codesAt = (issues: readonly RecordIssue[], path: string): string[] => issues.filter((i) => i.field === issuePath(path)).map((i) => i.code);
function errorsOf(input: unknown): RecordIssue[] {
  const v = validateRecord(input, TYPES);
  return v.ok ? [] : v.errors;
}

/** A string of `n` code points that the field's pattern allows. */
function stringOfLength(f: PmhField, n: number): string {
  const ch = f.pattern === undefined ? '字' : f.pattern.test('ア') ? 'ア' : 'A';
  return ch.repeat(n);
}

const leaves = [...PMH_FIELDS_BY_PATH.values()].filter((f) => f.fields === undefined);

describe('PMH field table ↔ validator', () => {
  it('every table path has a sample, and a record with every field is valid and returned whole', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(leaves.map((f) => f.path).sort());
    const v = validateRecord(fullRecord(), TYPES);
    expect(v.ok ? [] : v.errors).toEqual([]);
    expect(v.ok && v.record).toEqual(fullRecord());
  });

  it.each(leaves.filter((f) => f.maxLength !== undefined).map((f) => [f.path, f] as const))(
    '%s: maxLength of the table is the validator’s limit',
    (path, f) => {
      const max = f.maxLength ?? 0;
      expect(codesAt(errorsOf(withValue(path, stringOfLength(f, max))), path)).not.toContain('too_long');
      expect(codesAt(errorsOf(withValue(path, stringOfLength(f, max + 1))), path)).toContain('too_long');
    },
  );

  it.each(leaves.filter((f) => f.pattern !== undefined).map((f) => [f.path, f] as const))('%s: a character outside the pattern is refused', (path, f) => {
    const bad = f.pattern?.test('A') === true ? '!' : 'A';
    const codes = codesAt(errorsOf(withValue(path, bad.repeat(12))), path);
    expect(codes.some((c) => c === 'invalid_format' || c === 'invalid_characters')).toBe(true);
  });

  it.each(leaves.filter((f) => f.type === 'enum').map((f) => [f.path, f] as const))('%s: exactly the enum values', (path, f) => {
    for (const value of f.values ?? []) expect(errorsOf(withValue(path, value))).toEqual([]);
    expect(codesAt(errorsOf(withValue(path, '9')), path)).toEqual(['invalid_value']);
  });

  it.each([...PMH_FIELDS_BY_PATH.values()].map((f) => [f.path, f] as const))('%s: required as the table says', (path, f) => {
    const active = codesAt(errorsOf(withValue(path, undefined)), path);
    expect(active.includes('required')).toBe(f.required !== 'optional');
    // A deletion: fields (and sub-fields) required `always` only.
    const deletion = codesAt(errorsOf(withValue(path, undefined, withValue('isDeleted', true))), path);
    expect(deletion.includes('required')).toBe(f.required === 'always');
  });

  it('maxItems of the table is the validator’s limit', () => {
    const detail = PMH_FIELDS_BY_PATH.get('certificationDetail')?.maxItems ?? 0;
    const item = { label: 'a', value: 'b' };
    expect(
      errorsOf(
        withValue(
          'certificationDetail',
          Array.from({ length: detail }, () => item),
        ),
      ),
    ).toEqual([]);
    expect(
      codesAt(
        errorsOf(
          withValue(
            'certificationDetail',
            Array.from({ length: detail + 1 }, () => item),
          ),
        ),
        'certificationDetail',
      ),
    ).toEqual(['too_many_items']);
    const institutions = PMH_FIELDS_BY_PATH.get('designatedMedicalInstitutions')?.maxItems ?? 0;
    const codes = (n: number) => Array.from({ length: n }, (_, i) => completeMedicalInstitutionCode(`131${String(i).padStart(6, '0')}`)).join(';');
    expect(errorsOf(withValue('designatedMedicalInstitutions', codes(institutions)))).toEqual([]);
    expect(codesAt(errorsOf(withValue('designatedMedicalInstitutions', codes(institutions + 1))), 'designatedMedicalInstitutions')).toEqual(['too_many_items']);
  });

  it.each(leaves.filter((f) => f.personal).map((f) => [f.path] as const))('%s (personal): an invalid value is never quoted', (path) => {
    const errors = errorsOf(withValue(path, 'ZQXJ\u0001'.repeat(30)));
    expect(codesAt(errors, path).length).toBeGreaterThan(0);
    for (const e of errors) expect(e.message).not.toContain('ZQXJ');
  });

  it('the record types have the fields of the table (checked by tsc)', () => {
    expectTypeOf<keyof PmhActiveRecord>().toEqualTypeOf<RecordFieldName>();
    expectTypeOf<keyof PmhDeletionRecord>().toEqualTypeOf<RecordFieldName>();
    expectTypeOf<keyof BasicFiveInfo>().toEqualTypeOf<BasicFiveInfoFieldName>();
  });

  it('the derived field lists follow the table', () => {
    expect(RECORD_FIELDS).toEqual(PMH_RECORD_TABLE.map((f) => f.name));
    expect(REQUIRED_RECORD_FIELDS).toEqual(PMH_RECORD_TABLE.filter((f) => f.required !== 'optional').map((f) => f.name));
    expect(DELETION_REQUIRED_FIELDS).toEqual(PMH_RECORD_TABLE.filter((f) => f.required === 'always').map((f) => f.name));
  });
});

describe('PMH field table ↔ CSV columns', () => {
  it('each field is a column, or each sub-field of a split field; JSON columns round-trip', () => {
    const expected = PMH_RECORD_TABLE.flatMap((f) => (f.csv === 'flatten' ? (f.fields ?? []).map((s) => `${f.name}.${s.name}`) : [f.name]));
    expect(CSV_COLUMNS).toEqual(expected);
    const record = fullRecord();
    const cells = CSV_COLUMNS.map((c) => {
      const [top = '', sub] = c.split('.');
      const v = sub === undefined ? record[top] : (record[top] as Record<string, unknown>)[sub];
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
    expect(checkCsvHeader([...CSV_COLUMNS])).toEqual({ ok: true });
    expect(csvRowToRecord(CSV_COLUMNS, cells)).toEqual({ record, errors: [] });
  });

  it('the required columns are those of the fields required unless deleted', () => {
    for (const f of PMH_RECORD_TABLE) {
      const columns = f.csv === 'flatten' ? (f.fields ?? []).map((s) => `${f.name}.${s.name}`) : [f.name];
      for (const c of columns) expect(CSV_REQUIRED_COLUMNS.includes(c)).toBe(f.required !== 'optional');
    }
  });
});

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
  enum?: string[];
  description?: string;
}

describe('PMH field table ↔ OpenAPI PmhRegistrationRecord', () => {
  const doc = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as {
    components: { schemas: Record<string, JsonSchema> };
  };
  const schema = doc.components.schemas.PmhRegistrationRecord;

  function check(fields: readonly PmhField[], object: JsonSchema | undefined): void {
    expect(object?.type).toBe('object');
    expect(Object.keys(object?.properties ?? {})).toEqual(fields.map((f) => f.name));
    expect(object?.required ?? []).toEqual(fields.filter((f) => f.required !== 'optional').map((f) => f.name));
    for (const f of fields) {
      const p = object?.properties?.[f.name];
      const at = `${f.path}: `;
      expect(at + String(p?.maxLength)).toBe(at + String(f.maxLength));
      expect(at + String(p?.description)).toBe(at + String(f.description));
      expect(at + String(p?.pattern)).toBe(at + String(f.pattern?.source));
      if (f.type === 'enum') expect(p?.enum).toEqual(f.values);
      if (f.type === 'array') {
        expect(at + String(p?.maxItems)).toBe(at + String(f.maxItems));
        check(f.fields ?? [], p?.items);
      } else if (f.type === 'object') check(f.fields ?? [], p);
      else expect(p?.type).toBe({ string: 'string', date: 'string', enum: 'string', boolean: 'boolean', integer: 'integer' }[f.type]);
    }
  }

  it('has every field of the table, with its type, requiredness, limits, pattern and description', () => {
    check(PMH_RECORD_TABLE, schema);
  });
});
