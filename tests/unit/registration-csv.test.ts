import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CSV_COLUMNS, CSV_REQUIRED_COLUMNS, checkCsvHeader, csvRowToRecord } from '../../src/domain/registration-csv.js';
import { RECORD_FIELDS, REQUIRED_RECORD_FIELDS, validateRecord, type CertificateTypeRules } from '../../src/domain/pmh-record/index.js';

const NATIONAL: CertificateTypeRules = {
  id: 'nanbyo54',
  kind: 'national',
  lawCode: '54',
  insurerNumbers: ['54130018'],
  incomeSegmentCodes: ['A', 'B'],
  segmentCodes: ['1'],
  additionalConditionItems: new Map([['01', ['1']]]),
  checkDigitValidation: 'strict',
};
const TYPES = new Map([[NATIONAL.id, NATIONAL]]);

type Rec = Record<string, unknown>;

function fullRecord(): Rec {
  return {
    orgSpecificCertificateTypeId: 'nanbyo54',
    myNumber: '123456789018',
    basicFiveInfo: {
      name: '八王子 太郎',
      nameKana: 'ハチオウジ　タロウ',
      address: '東京都八王子市元本郷町三丁目24番1号',
      dateOfBirth: '1980-04-01',
      sex: '1',
    },
    isNotDisclosed: false,
    medicalSubsidyInsurerNumber: '54130018',
    certificationName: '特定医療費（指定難病）受給者証',
    medicalSubsidyRecipientNumber: '0000018',
    certificationSubKey: 'sub-1',
    segment: '1',
    incomeSegment: 'B',
    additionalConditions: '01-1',
    designatedMedicalInstitutions: '1311234566;1347654320',
    isAlwaysReimbursement: '0',
    maxCopaymentAmount: { monthly: 10000 },
    validFrom: '2025-04-01',
    validTo: '2026-03-31',
    historyKey: 'h2025_01',
    isDeleted: false,
    certificationDetail: [{ label: '病名', value: 'パーキンソン病, "引用"' }],
  };
}

/** Inverse mapping for the tests: a record to cells under `header`. */
function toRow(rec: Rec, header: readonly string[]): string[] {
  return header.map((col) => {
    const v = col.startsWith('basicFiveInfo.') ? (rec.basicFiveInfo as Rec | undefined)?.[col.slice('basicFiveInfo.'.length)] : rec[col];
    if (v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return String(v);
    return JSON.stringify(v);
  });
}

const header = [...CSV_COLUMNS];

describe('columns', () => {
  it('CSV_COLUMNS cover every PMH field, basicFiveInfo split in five', () => {
    const tops = new Set(CSV_COLUMNS.map((c) => c.split('.')[0]));
    expect([...tops].sort()).toEqual([...RECORD_FIELDS].sort());
    expect(CSV_COLUMNS.filter((c) => c.startsWith('basicFiveInfo.'))).toEqual([
      'basicFiveInfo.name',
      'basicFiveInfo.nameKana',
      'basicFiveInfo.address',
      'basicFiveInfo.dateOfBirth',
      'basicFiveInfo.sex',
    ]);
  });

  it('CSV_REQUIRED_COLUMNS are the columns of the required fields', () => {
    for (const c of CSV_REQUIRED_COLUMNS) expect(CSV_COLUMNS).toContain(c);
    const tops = new Set(CSV_REQUIRED_COLUMNS.map((c) => c.split('.')[0]));
    expect([...tops].sort()).toEqual([...REQUIRED_RECORD_FIELDS].sort());
  });
});

describe('checkCsvHeader', () => {
  it('accepts all columns in any order, and only the required ones', () => {
    expect(checkCsvHeader([...CSV_COLUMNS])).toEqual({ ok: true });
    expect(checkCsvHeader([...CSV_COLUMNS].reverse())).toEqual({ ok: true });
    expect(checkCsvHeader([...CSV_REQUIRED_COLUMNS])).toEqual({ ok: true });
  });

  it('reports missing, unknown and duplicate columns together', () => {
    const h = CSV_COLUMNS.filter((c) => c !== 'historyKey' && c !== 'basicFiveInfo.sex');
    h.push('gender', 'segment', 'basicFiveInfo');
    expect(checkCsvHeader(h)).toEqual({
      ok: false,
      missing: ['basicFiveInfo.sex', 'historyKey'],
      unknown: ['gender', 'basicFiveInfo'],
      duplicate: ['segment'],
      unknownAt: [h.length - 3, h.length - 1],
      duplicateAt: [h.length - 2],
      anyKnown: true,
    });
  });

  it('is exact about names (no trimming, case-sensitive)', () => {
    const h = [...CSV_COLUMNS].map((c) => (c === 'myNumber' ? 'mynumber' : c === 'historyKey' ? ' historyKey' : c));
    expect(checkCsvHeader(h)).toMatchObject({ ok: false, missing: ['myNumber', 'historyKey'], unknown: ['mynumber', ' historyKey'], duplicate: [] });
  });

  it('ignores a UTF-8 BOM on the first name', () => {
    const h = [...CSV_COLUMNS];
    h[0] = `\uFEFF${h[0] ?? ''}`;
    expect(checkCsvHeader(h)).toEqual({ ok: true });
    const row = toRow(fullRecord(), CSV_COLUMNS);
    expect(csvRowToRecord(h, row).record.orgSpecificCertificateTypeId).toBe('nanbyo54');
  });
});

describe('csvRowToRecord', () => {
  it('maps a full row to a record that validates to the original', () => {
    const { record, errors } = csvRowToRecord(header, toRow(fullRecord(), header));
    expect(errors).toEqual([]);
    expect(record).toEqual(fullRecord());
    const v = validateRecord(record, TYPES);
    expect(v.ok && v.record).toEqual(fullRecord());
  });

  it('treats empty cells as absent, keeps leading zeros and does not trim', () => {
    const rec = fullRecord();
    const row = toRow(rec, header);
    row[header.indexOf('segment')] = '';
    row[header.indexOf('basicFiveInfo.address')] = '';
    row[header.indexOf('incomeSegment')] = ' B';
    const { record, errors } = csvRowToRecord(header, row);
    expect(errors).toEqual([]);
    expect(record).not.toHaveProperty('segment');
    expect(record.basicFiveInfo).not.toHaveProperty('address');
    expect(record.medicalSubsidyRecipientNumber).toBe('0000018');
    expect(record.incomeSegment).toBe(' B');
  });

  it('a row with only empty cells gives an empty record', () => {
    expect(
      csvRowToRecord(
        header,
        header.map(() => ''),
      ),
    ).toEqual({ record: {}, errors: [] });
  });

  it.each([
    ['true', true],
    ['false', false],
  ])('boolean cell %s → %s', (cell, expected) => {
    const row = toRow(fullRecord(), header);
    row[header.indexOf('isNotDisclosed')] = cell;
    row[header.indexOf('isDeleted')] = cell;
    const { record } = csvRowToRecord(header, row);
    expect(record.isNotDisclosed).toBe(expected);
    expect(record.isDeleted).toBe(expected);
  });

  it.each(['TRUE', '1', 'yes', ' true'])('other boolean cell %j is passed on for validateRecord to report wrong_type', (cell) => {
    const row = toRow(fullRecord(), header);
    row[header.indexOf('isNotDisclosed')] = cell;
    const { record, errors } = csvRowToRecord(header, row);
    expect(errors).toEqual([]);
    expect(record.isNotDisclosed).toBe(cell);
    const v = validateRecord(record, TYPES);
    expect(!v.ok && v.errors.map((e) => [e.field, e.code])).toEqual([['isNotDisclosed', 'wrong_type']]);
  });

  it('isAlwaysReimbursement stays a string', () => {
    const { record } = csvRowToRecord(header, toRow(fullRecord(), header));
    expect(record.isAlwaysReimbursement).toBe('0');
  });

  it.each(['maxCopaymentAmount', 'certificationDetail'])('malformed JSON in %s → malformed_json, field left out', (col) => {
    const row = toRow(fullRecord(), header);
    row[header.indexOf(col)] = '[{label: 1}';
    const { record, errors } = csvRowToRecord(header, row);
    expect(errors.map((e) => [e.field, e.code])).toEqual([[col, 'malformed_json']]);
    expect(record).not.toHaveProperty(col);
  });

  it('JSON of the wrong shape is left to validateRecord', () => {
    const row = toRow(fullRecord(), header);
    row[header.indexOf('maxCopaymentAmount')] = '"10000"';
    const { record, errors } = csvRowToRecord(header, row);
    expect(errors).toEqual([]);
    const v = validateRecord(record, TYPES);
    expect(!v.ok && v.errors.map((e) => [e.field, e.code])).toEqual([['maxCopaymentAmount', 'wrong_type']]);
  });

  it.each([
    ['too few', (r: string[]) => r.slice(1)],
    ['too many', (r: string[]) => [...r, '']],
  ])('%s cells → column_count_mismatch', (_n, f) => {
    const { record, errors } = csvRowToRecord(header, f(toRow(fullRecord(), header)));
    expect(errors.map((e) => [e.field, e.code])).toEqual([['', 'column_count_mismatch']]);
    expect(record).toEqual({});
  });

  it('reports unknown and duplicate columns (first one wins)', () => {
    const h = [...CSV_COLUMNS, 'gender', 'segment', '__proto__'];
    const row = [...toRow(fullRecord(), CSV_COLUMNS), '1', '2', '{}'];
    const { record, errors } = csvRowToRecord(h, row);
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ['gender', 'unknown_column'],
      ['segment', 'duplicate_column'],
      ['__proto__', 'unknown_column'],
    ]);
    expect(record.segment).toBe('1');
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
  });

  it('a deletion row needs only the key cells', () => {
    const row = header.map(() => '');
    row[header.indexOf('orgSpecificCertificateTypeId')] = 'nanbyo54';
    row[header.indexOf('myNumber')] = '123456789018';
    row[header.indexOf('historyKey')] = 'h1';
    row[header.indexOf('isDeleted')] = 'true';
    const { record, errors } = csvRowToRecord(header, row);
    expect(errors).toEqual([]);
    expect(validateRecord(record, TYPES).ok).toBe(true);
  });

  it('property: never throws; record fields are PMH fields; JSON errors only on JSON columns', () => {
    const cell = fc.oneof(fc.string(), fc.constantFrom('', 'true', 'false', '{}', '[]', 'null', '{'));
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...CSV_COLUMNS], { minLength: 1 }),
        fc.array(cell, { minLength: CSV_COLUMNS.length, maxLength: CSV_COLUMNS.length }),
        (cols, cells) => {
          const row = cells.slice(0, cols.length);
          const { record, errors } = csvRowToRecord(cols, row);
          for (const k of Object.keys(record)) expect(RECORD_FIELDS).toContain(k);
          for (const e of errors) {
            expect(e.code).toBe('malformed_json');
            expect(['maxCopaymentAmount', 'certificationDetail']).toContain(e.field);
          }
          // The record can always be validated without throwing.
          validateRecord(record, TYPES);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: a valid record survives record → row → record under any column order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([...CSV_COLUMNS], { minLength: CSV_COLUMNS.length }), (cols) => {
        const { record, errors } = csvRowToRecord(cols, toRow(fullRecord(), cols));
        expect(errors).toEqual([]);
        const v = validateRecord(record, TYPES);
        expect(v.ok && v.record).toEqual(fullRecord());
      }),
      { numRuns: 100 },
    );
  });
});
