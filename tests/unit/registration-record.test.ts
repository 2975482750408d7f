import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  DELETION_REQUIRED_FIELDS,
  RECORD_ERROR_CODES,
  RECORD_FIELDS,
  RECORD_WARNING_CODES,
  REQUIRED_RECORD_FIELDS,
  keyString,
  rawRecordKey,
  validateRecord,
  type CertificateTypeRules,
  type RecordIssue,
  type RecordValidation,
} from '../../src/domain/pmh-record/index.js';
import { canonicalJson } from '../../bench/lib/canonical-json.js';
import { prepareRecord } from '../../src/registrations/prepare.js';
import { completeInsurerNumber, completeMedicalInstitutionCode, completeMyNumber } from '../../src/domain/numbers.js';

// ---------------------------------------------------------------------------
// Fixtures

function rules(
  id: string,
  kind: 'national' | 'local',
  insurerNumbers: string[],
  checkDigitValidation: 'strict' | 'lenient',
  lawCode?: string,
): CertificateTypeRules {
  return {
    id,
    kind,
    ...(lawCode === undefined ? {} : { lawCode }),
    insurerNumbers,
    incomeSegmentCodes: ['A', 'B', 'C'],
    segmentCodes: ['1', '2'],
    additionalConditionItems: new Map([
      ['01', ['1', '2']],
      ['02', ['A']],
    ]),
    checkDigitValidation,
  };
}

/** 難病 (54) of 東京都, strict. */
export const NATIONAL = rules('nanbyo54', 'national', ['54130018'], 'strict', '54');
/** 東京都 乳幼児 (88, 八王子市), strict. */
export const LOCAL = rules('maru88', 'local', ['88138243'], 'strict');
/** Lenient variants, any insurer number allowed. */
export const NATIONAL_LENIENT = rules('nanbyo54L', 'national', [], 'lenient', '54');
export const LOCAL_LENIENT = rules('maru88L', 'local', [], 'lenient');

export const TYPES: ReadonlyMap<string, CertificateTypeRules> = new Map([NATIONAL, LOCAL, NATIONAL_LENIENT, LOCAL_LENIENT].map((t) => [t.id, t]));

/** Valid 医療機関コード (13 東京都, 医科 / 調剤). */
export const INSTITUTION_1 = '1311234566';
export const INSTITUTION_2 = '1347654320';

/** A valid record of the national type with every field (§2 order). */
export function nationalRecord(): Record<string, unknown> {
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
    additionalConditions: '01-1;02-A',
    designatedMedicalInstitutions: `${INSTITUTION_1};${INSTITUTION_2}`,
    isAlwaysReimbursement: '0',
    maxCopaymentAmount: { monthly: 10000, daily: 0, perVisit: 500, inpatientOutpatientCombined: 20000 },
    validFrom: '2025-04-01',
    validTo: '2026-03-31',
    historyKey: 'h2025_01',
    isDeleted: false,
    certificationDetail: [
      { label: '病名', value: 'パーキンソン病' },
      { label: '備考', value: '' },
    ],
  };
}

/** A valid record of the local type with only the required fields plus insurer/recipient numbers. */
export function localRecord(): Record<string, unknown> {
  return {
    orgSpecificCertificateTypeId: 'maru88',
    myNumber: '111111111118',
    basicFiveInfo: {
      name: '八王子 花子',
      nameKana: 'ハチオウジ　ハナコ',
      address: '東京都八王子市',
      dateOfBirth: '2020-02-29',
      sex: '2',
    },
    isNotDisclosed: true,
    medicalSubsidyInsurerNumber: '88138243',
    certificationName: '乳幼児医療証',
    medicalSubsidyRecipientNumber: 'A1234',
    isAlwaysReimbursement: '1',
    validFrom: '2025-04-01',
    validTo: '2025-04-01',
    historyKey: 'H1',
    isDeleted: false,
    certificationDetail: [],
  };
}

// ---------------------------------------------------------------------------
// Helpers

type Rec = Record<string, unknown>;

const pairs = (issues: readonly RecordIssue[]) => issues.map((e) => [e.field, e.code]);

function errorsOf(v: RecordValidation): RecordIssue[] {
  return v.ok ? [] : v.errors;
}

/** Deep clone (fixtures are JSON). */
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Set (or with `undefined`, delete) the value at a dotted path of a cloned record. */
function withPath(rec: Rec, path: string, value: unknown): Rec {
  const out = clone(rec);
  const parts = path.split('.');
  let obj: Rec = out;
  for (const p of parts.slice(0, -1)) obj = obj[p] as Rec;
  const last = parts[parts.length - 1] as string;
  if (value === undefined) delete obj[last];
  else obj[last] = value;
  return out;
}

const national = (path: string, value: unknown) => withPath(nationalRecord(), path, value);
const local = (path: string, value: unknown) => withPath(localRecord(), path, value);
const ofType = (rec: Rec, id: string) => ({ ...rec, orgSpecificCertificateTypeId: id });

const codes101 = Array.from({ length: 101 }, (_, i) => completeMedicalInstitutionCode(`131${String(i).padStart(6, '0')}`)).join(';');

// ---------------------------------------------------------------------------

describe('valid records', () => {
  it('accepts the national fixture (54130018 / 0000018) unchanged, with its key and no warnings', () => {
    const input = nationalRecord();
    const v = validateRecord(input, TYPES);
    expect(v).toEqual({
      ok: true,
      record: input,
      key: {
        orgSpecificCertificateTypeId: 'nanbyo54',
        myNumber: '123456789018',
        certificationSubKey: 'sub-1',
        historyKey: 'h2025_01',
      },
      isDeleted: false,
      warnings: [],
    });
    if (!v.ok) return;
    expect(Object.keys(v.record)).toEqual(RECORD_FIELDS);
  });

  it('accepts the local fixture (88138243 / A1234); absent certificationSubKey gives "" in the key', () => {
    const v = validateRecord(localRecord(), TYPES);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.record).toEqual(localRecord());
    expect(v.key.certificationSubKey).toBe('');
    expect(v.warnings).toEqual([]);
  });

  it('returns the fields in §2 order whatever the input order', () => {
    const input = Object.fromEntries(Object.entries(nationalRecord()).reverse());
    const v = validateRecord(input, TYPES);
    expect(v.ok && Object.keys(v.record)).toEqual(RECORD_FIELDS);
  });

  it('omits "" optional strings from the record', () => {
    const input = {
      ...localRecord(),
      certificationSubKey: '',
      segment: '',
      incomeSegment: '',
      additionalConditions: '',
      designatedMedicalInstitutions: '',
      medicalSubsidyRecipientNumber: '',
      medicalSubsidyInsurerNumber: '',
    };
    const v = validateRecord(input, TYPES);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    const expected = localRecord();
    delete expected.medicalSubsidyInsurerNumber;
    delete expected.medicalSubsidyRecipientNumber;
    expect(v.record).toEqual(expected);
    expect(Object.keys(v.record)).not.toContain('segment');
  });

  it('treats undefined (non-JSON) values as absent', () => {
    const v = validateRecord({ ...localRecord(), segment: undefined }, TYPES);
    expect(v.ok && Object.keys(v.record)).not.toContain('segment');
  });

  it('accepts boundary values', () => {
    const rec = national('basicFiveInfo.name', 'x'.repeat(100));
    Object.assign(rec.basicFiveInfo as Rec, { nameKana: 'ア'.repeat(100), address: '𠮷'.repeat(200) });
    Object.assign(rec, {
      certificationName: 'c'.repeat(100),
      certificationSubKey: 'a'.repeat(50),
      historyKey: 'Z_-9'.repeat(12) + 'ab',
      orgSpecificCertificateTypeId: 'nanbyo54',
      validFrom: '1900-01-01',
      validTo: '9999-12-31',
      maxCopaymentAmount: { monthly: Number.MAX_SAFE_INTEGER },
      certificationDetail: Array.from({ length: 100 }, () => ({ label: 'l'.repeat(100), value: 'v\n\t'.repeat(166) + 'vv' })),
    });
    const v = validateRecord(rec, TYPES);
    expect(errorsOf(v)).toEqual([]);
  });

  it('accepts nameKana with ー, ・ and full-width space', () => {
    const v = validateRecord(national('basicFiveInfo.nameKana', 'ジョン・スミス　ルーカス'), TYPES);
    expect(v.ok).toBe(true);
  });

  it('accepts leap days and -0 as 0 yen', () => {
    const v = validateRecord({ ...national('basicFiveInfo.dateOfBirth', '2000-02-29'), maxCopaymentAmount: { monthly: -0 } }, TYPES);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(Object.is((v.record.maxCopaymentAmount as Rec).monthly, 0)).toBe(true);
  });

  it('a null-prototype object is a plain object', () => {
    const rec = Object.assign(Object.create(null) as Rec, nationalRecord());
    expect(validateRecord(rec, TYPES).ok).toBe(true);
  });
});

describe('deletion records (isDeleted: true)', () => {
  const minimal = () => ({
    orgSpecificCertificateTypeId: 'nanbyo54',
    myNumber: '123456789018',
    historyKey: 'h2025_01',
    isDeleted: true,
  });

  it('need only the key fields', () => {
    const v = validateRecord(minimal(), TYPES);
    expect(v).toEqual({
      ok: true,
      record: minimal(),
      key: { orgSpecificCertificateTypeId: 'nanbyo54', myNumber: '123456789018', certificationSubKey: '', historyKey: 'h2025_01' },
      isDeleted: true,
      warnings: [],
    });
  });

  it('accept a full record', () => {
    const v = validateRecord({ ...nationalRecord(), isDeleted: true }, TYPES);
    expect(v.ok && v.isDeleted).toBe(true);
  });

  it('accept partial basicFiveInfo and "" for otherwise-required strings (absent)', () => {
    const v = validateRecord({ ...minimal(), basicFiveInfo: { name: '太郎' }, certificationName: '' }, TYPES);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.record).toEqual({ ...minimal(), basicFiveInfo: { name: '太郎' } });
  });

  it.each(DELETION_REQUIRED_FIELDS.filter((f) => f !== 'isDeleted'))('still require %s', (field) => {
    const rec: Rec = minimal();
    delete rec[field];
    expect(pairs(errorsOf(validateRecord(rec, TYPES)))).toEqual([[field, 'required']]);
  });

  it('still check the format of present fields', () => {
    const v = validateRecord({ ...minimal(), validFrom: '2025-02-30', basicFiveInfo: { nameKana: 'たろう' }, isAlwaysReimbursement: true }, TYPES);
    expect(pairs(errorsOf(v))).toEqual([
      ['basicFiveInfo.nameKana', 'invalid_characters'],
      ['isAlwaysReimbursement', 'wrong_type'],
      ['validFrom', 'invalid_date'],
    ]);
  });

  it('isDeleted "true" (a string) is wrong_type and the record counts as not deleted', () => {
    const v = validateRecord({ ...minimal(), isDeleted: 'true' }, TYPES);
    const errs = pairs(errorsOf(v));
    expect(errs).toContainEqual(['isDeleted', 'wrong_type']);
    expect(errs).toContainEqual(['basicFiveInfo', 'required']);
  });
});

type Row = [name: string, input: unknown, expected: [string, string][]];

const rows: Row[] = [
  // shape and types
  ['not an object: string', 'x', [['', 'not_an_object']]],
  ['not an object: array', [nationalRecord()], [['', 'not_an_object']]],
  ['not an object: null', null, [['', 'not_an_object']]],
  ['not an object: class instance', new Date(), [['', 'not_an_object']]],
  ['unknown top-level field', { ...nationalRecord(), foo: 1 }, [['foo', 'unknown_field']]],
  ['unknown basicFiveInfo field', national('basicFiveInfo.gender', '1'), [['basicFiveInfo.gender', 'unknown_field']]],
  ['unknown maxCopaymentAmount field', national('maxCopaymentAmount.yearly', 1), [['maxCopaymentAmount.yearly', 'unknown_field']]],
  ['unknown certificationDetail item field', national('certificationDetail.1.note', 'x'), [['certificationDetail.1.note', 'unknown_field']]],
  ['myNumber as a number', national('myNumber', 123456789018), [['myNumber', 'wrong_type']]],
  ['isNotDisclosed "true"', national('isNotDisclosed', 'true'), [['isNotDisclosed', 'wrong_type']]],
  ['isDeleted "false"', national('isDeleted', 'false'), [['isDeleted', 'wrong_type']]],
  ['basicFiveInfo as a string', national('basicFiveInfo', '八王子 太郎'), [['basicFiveInfo', 'wrong_type']]],
  ['basicFiveInfo as an array', national('basicFiveInfo', []), [['basicFiveInfo', 'wrong_type']]],
  ['certificationDetail as an object', national('certificationDetail', { label: 'a', value: 'b' }), [['certificationDetail', 'wrong_type']]],
  ['maxCopaymentAmount as a number', national('maxCopaymentAmount', 10000), [['maxCopaymentAmount', 'wrong_type']]],
  ['maxCopaymentAmount.monthly as a string', national('maxCopaymentAmount.monthly', '10000'), [['maxCopaymentAmount.monthly', 'wrong_type']]],
  ['null for an optional field', national('segment', null), [['segment', 'wrong_type']]],
  ['null for a required field', national('validFrom', null), [['validFrom', 'wrong_type']]],
  ['sex as a number', national('basicFiveInfo.sex', 1), [['basicFiveInfo.sex', 'wrong_type']]],
  ['recipient number as a number', national('medicalSubsidyRecipientNumber', 18), [['medicalSubsidyRecipientNumber', 'wrong_type']]],
  // required
  ['empty required string', national('certificationName', ''), [['certificationName', 'required']]],
  ['empty basicFiveInfo.name', national('basicFiveInfo.name', ''), [['basicFiveInfo.name', 'required']]],
  ['empty historyKey', national('historyKey', ''), [['historyKey', 'required']]],
  // orgSpecificCertificateTypeId
  ['type id with "-"', national('orgSpecificCertificateTypeId', 'nanbyo-54'), [['orgSpecificCertificateTypeId', 'invalid_format']]],
  ['type id full-width', national('orgSpecificCertificateTypeId', 'ｎａｎｂｙｏ'), [['orgSpecificCertificateTypeId', 'invalid_format']]],
  ['type id of 51 characters', national('orgSpecificCertificateTypeId', 'a'.repeat(51)), [['orgSpecificCertificateTypeId', 'too_long']]],
  ['unknown type id', national('orgSpecificCertificateTypeId', 'kodomo01'), [['orgSpecificCertificateTypeId', 'unknown_certificate_type']]],
  // myNumber
  ['myNumber of 11 digits', national('myNumber', '12345678901'), [['myNumber', 'invalid_format']]],
  ['myNumber with a letter', national('myNumber', '12345678901a'), [['myNumber', 'invalid_format']]],
  ['myNumber full-width', national('myNumber', '１２３４５６７８９０１８'), [['myNumber', 'invalid_format']]],
  ['myNumber with hyphens', national('myNumber', '1234-5678-9018'), [['myNumber', 'invalid_format']]],
  ['myNumber wrong check digit', national('myNumber', '123456789010'), [['myNumber', 'check_digit_mismatch']]],
  // basicFiveInfo
  ['name of 101 characters', national('basicFiveInfo.name', 'x'.repeat(101)), [['basicFiveInfo.name', 'too_long']]],
  ['name with a NUL', national('basicFiveInfo.name', '太\u0000郎'), [['basicFiveInfo.name', 'invalid_text']]],
  ['name with a lone surrogate', national('basicFiveInfo.name', '太\ud800'), [['basicFiveInfo.name', 'invalid_text']]],
  ['nameKana in hiragana', national('basicFiveInfo.nameKana', 'はちおうじ'), [['basicFiveInfo.nameKana', 'invalid_characters']]],
  ['nameKana in half-width kana', national('basicFiveInfo.nameKana', 'ﾊﾁｵｳｼﾞ'), [['basicFiveInfo.nameKana', 'invalid_characters']]],
  ['nameKana with an ASCII space', national('basicFiveInfo.nameKana', 'ハチオウジ タロウ'), [['basicFiveInfo.nameKana', 'invalid_characters']]],
  ['nameKana of 101 characters', national('basicFiveInfo.nameKana', 'ア'.repeat(101)), [['basicFiveInfo.nameKana', 'too_long']]],
  ['address of 201 characters', national('basicFiveInfo.address', '町'.repeat(201)), [['basicFiveInfo.address', 'too_long']]],
  ['dateOfBirth 2001-02-29', national('basicFiveInfo.dateOfBirth', '2001-02-29'), [['basicFiveInfo.dateOfBirth', 'invalid_date']]],
  ['dateOfBirth 1900-02-29', national('basicFiveInfo.dateOfBirth', '1900-02-29'), [['basicFiveInfo.dateOfBirth', 'invalid_date']]],
  ['dateOfBirth before 1900', national('basicFiveInfo.dateOfBirth', '1899-12-31'), [['basicFiveInfo.dateOfBirth', 'invalid_date']]],
  ['dateOfBirth with slashes', national('basicFiveInfo.dateOfBirth', '1980/04/01'), [['basicFiveInfo.dateOfBirth', 'invalid_date']]],
  ['dateOfBirth with a time', national('basicFiveInfo.dateOfBirth', '1980-04-01T00:00:00Z'), [['basicFiveInfo.dateOfBirth', 'invalid_date']]],
  ['dateOfBirth month 13', national('basicFiveInfo.dateOfBirth', '1980-13-01'), [['basicFiveInfo.dateOfBirth', 'invalid_date']]],
  ['sex "4"', national('basicFiveInfo.sex', '4'), [['basicFiveInfo.sex', 'invalid_value']]],
  ['sex "M"', national('basicFiveInfo.sex', 'M'), [['basicFiveInfo.sex', 'invalid_value']]],
  // certificationName
  ['certificationName of 101 characters', national('certificationName', '証'.repeat(101)), [['certificationName', 'too_long']]],
  ['certificationName with a newline', national('certificationName', '受給者証\n'), [['certificationName', 'invalid_characters']]],
  // medicalSubsidyInsurerNumber
  ['insurer number of 7 digits', national('medicalSubsidyInsurerNumber', '5413001'), [['medicalSubsidyInsurerNumber', 'invalid_format']]],
  ['insurer number full-width', national('medicalSubsidyInsurerNumber', '５４１３００１８'), [['medicalSubsidyInsurerNumber', 'invalid_format']]],
  [
    'insurer number wrong check digit',
    ofType(national('medicalSubsidyInsurerNumber', '54130017'), 'nanbyo54'),
    [
      ['medicalSubsidyInsurerNumber', 'check_digit_mismatch'],
      ['medicalSubsidyInsurerNumber', 'insurer_number_not_allowed'],
    ],
  ],
  [
    'insurer number with prefecture 48 (check digit right)',
    local('medicalSubsidyInsurerNumber', completeInsurerNumber('8848001')),
    [
      ['medicalSubsidyInsurerNumber', 'unknown_prefecture'],
      ['medicalSubsidyInsurerNumber', 'insurer_number_not_allowed'],
    ],
  ],
  ['insurer number not in the type', national('medicalSubsidyInsurerNumber', '21130018'), [['medicalSubsidyInsurerNumber', 'insurer_number_not_allowed']]],
  ['local insurer number not in the type', local('medicalSubsidyInsurerNumber', '81136244'), [['medicalSubsidyInsurerNumber', 'insurer_number_not_allowed']]],
  // medicalSubsidyRecipientNumber
  ['recipient number of 31 characters', local('medicalSubsidyRecipientNumber', 'A'.repeat(31)), [['medicalSubsidyRecipientNumber', 'too_long']]],
  ['recipient number with "-"', local('medicalSubsidyRecipientNumber', 'A-1'), [['medicalSubsidyRecipientNumber', 'invalid_format']]],
  ['national recipient number not 7 digits', national('medicalSubsidyRecipientNumber', 'A1234'), [['medicalSubsidyRecipientNumber', 'invalid_format']]],
  ['national recipient number of 8 digits', national('medicalSubsidyRecipientNumber', '00000018'), [['medicalSubsidyRecipientNumber', 'invalid_format']]],
  [
    'national recipient number wrong check digit',
    national('medicalSubsidyRecipientNumber', '0000017'),
    [['medicalSubsidyRecipientNumber', 'check_digit_mismatch']],
  ],
  // keys
  ['certificationSubKey with a space', national('certificationSubKey', 'sub 1'), [['certificationSubKey', 'invalid_format']]],
  ['certificationSubKey of 51 characters', national('certificationSubKey', 's'.repeat(51)), [['certificationSubKey', 'too_long']]],
  ['historyKey in kanji', national('historyKey', '履歴1'), [['historyKey', 'invalid_format']]],
  ['historyKey of 51 characters', national('historyKey', 'h'.repeat(51)), [['historyKey', 'too_long']]],
  // segments
  ['segment not in the type', national('segment', '3'), [['segment', 'unknown_segment']]],
  ['incomeSegment not in the type', national('incomeSegment', 'Z'), [['incomeSegment', 'unknown_income_segment']]],
  // additionalConditions
  ['additionalConditions without "-"', national('additionalConditions', '011'), [['additionalConditions', 'invalid_format']]],
  ['additionalConditions trailing ";"', national('additionalConditions', '01-1;'), [['additionalConditions', 'invalid_format']]],
  ['additionalConditions full-width', national('additionalConditions', '０１-1'), [['additionalConditions', 'invalid_format']]],
  ['additionalConditions unknown item', national('additionalConditions', '01-1;99-1'), [['additionalConditions', 'unknown_condition_item']]],
  ['additionalConditions unknown condition', national('additionalConditions', '02-B'), [['additionalConditions', 'unknown_condition_code']]],
  ['additionalConditions item twice', national('additionalConditions', '01-1;01-2'), [['additionalConditions', 'duplicate_condition_item']]],
  // designatedMedicalInstitutions
  [
    'institution code wrong check digit',
    national('designatedMedicalInstitutions', '1311234567'),
    [['designatedMedicalInstitutions', 'invalid_medical_institution_code']],
  ],
  [
    'institution code of 9 digits',
    national('designatedMedicalInstitutions', `${INSTITUTION_1};131123456`),
    [['designatedMedicalInstitutions', 'invalid_medical_institution_code']],
  ],
  [
    'institution code unknown score table',
    national('designatedMedicalInstitutions', completeMedicalInstitutionCode('132123456')),
    [['designatedMedicalInstitutions', 'invalid_medical_institution_code']],
  ],
  [
    'institution codes with an empty entry',
    national('designatedMedicalInstitutions', `${INSTITUTION_1};;${INSTITUTION_2}`),
    [['designatedMedicalInstitutions', 'invalid_format']],
  ],
  [
    'institution code twice',
    national('designatedMedicalInstitutions', `${INSTITUTION_1};${INSTITUTION_1}`),
    [['designatedMedicalInstitutions', 'duplicate_medical_institution_code']],
  ],
  ['101 institution codes', national('designatedMedicalInstitutions', codes101), [['designatedMedicalInstitutions', 'too_many_items']]],
  // isAlwaysReimbursement
  ['isAlwaysReimbursement boolean', national('isAlwaysReimbursement', false), [['isAlwaysReimbursement', 'wrong_type']]],
  ['isAlwaysReimbursement number', national('isAlwaysReimbursement', 1), [['isAlwaysReimbursement', 'wrong_type']]],
  ['isAlwaysReimbursement "2"', national('isAlwaysReimbursement', '2'), [['isAlwaysReimbursement', 'invalid_value']]],
  ['isAlwaysReimbursement "true"', national('isAlwaysReimbursement', 'true'), [['isAlwaysReimbursement', 'invalid_value']]],
  // maxCopaymentAmount
  ['negative cap', national('maxCopaymentAmount.monthly', -1), [['maxCopaymentAmount.monthly', 'invalid_value']]],
  ['fractional cap', national('maxCopaymentAmount.daily', 1.5), [['maxCopaymentAmount.daily', 'invalid_value']]],
  ['unsafe integer cap', national('maxCopaymentAmount.perVisit', 2 ** 53), [['maxCopaymentAmount.perVisit', 'invalid_value']]],
  ['NaN cap', national('maxCopaymentAmount.inpatientOutpatientCombined', Number.NaN), [['maxCopaymentAmount.inpatientOutpatientCombined', 'invalid_value']]],
  // validity
  ['validFrom 2025-02-30', national('validFrom', '2025-02-30'), [['validFrom', 'invalid_date']]],
  ['validTo 2025-04-31', national('validTo', '2025-04-31'), [['validTo', 'invalid_date']]],
  ['validTo before validFrom', national('validTo', '2025-03-31'), [['validTo', 'valid_to_before_valid_from']]],
  // certificationDetail
  [
    '101 detail items',
    national(
      'certificationDetail',
      Array.from({ length: 101 }, () => ({ label: 'a', value: 'b' })),
    ),
    [['certificationDetail', 'too_many_items']],
  ],
  ['detail item a string', national('certificationDetail.1', '備考'), [['certificationDetail.1', 'wrong_type']]],
  ['detail item null', national('certificationDetail.0', null), [['certificationDetail.0', 'wrong_type']]],
  ['detail label empty', national('certificationDetail.1.label', ''), [['certificationDetail.1.label', 'required']]],
  ['detail label missing', national('certificationDetail.0.label', undefined), [['certificationDetail.0.label', 'required']]],
  ['detail label of 101 characters', national('certificationDetail.0.label', 'l'.repeat(101)), [['certificationDetail.0.label', 'too_long']]],
  ['detail value missing', national('certificationDetail.0.value', undefined), [['certificationDetail.0.value', 'required']]],
  ['detail value a number', national('certificationDetail.0.value', 5), [['certificationDetail.0.value', 'wrong_type']]],
  ['detail value of 501 characters', national('certificationDetail.0.value', 'v'.repeat(501)), [['certificationDetail.0.value', 'too_long']]],
  ['detail value with a NUL', national('certificationDetail.0.value', 'a\u0000'), [['certificationDetail.0.value', 'invalid_text']]],
];

describe('one rule per row', () => {
  it.each(rows)('%s', (_name, input, expected) => {
    const v = validateRecord(input, TYPES);
    expect(v.ok).toBe(false);
    expect(pairs(errorsOf(v))).toEqual(expected);
    expect(v.warnings).toEqual([]);
  });

  it.each(REQUIRED_RECORD_FIELDS)('missing %s → required', (field) => {
    expect(pairs(errorsOf(validateRecord(national(field, undefined), TYPES)))).toEqual([[field, 'required']]);
  });

  it.each(['name', 'nameKana', 'address', 'dateOfBirth', 'sex'])('missing basicFiveInfo.%s → required', (sub) => {
    const field = `basicFiveInfo.${sub}`;
    expect(pairs(errorsOf(validateRecord(national(field, undefined), TYPES)))).toEqual([[field, 'required']]);
  });

  it('wrong_type messages name the expected type', () => {
    const v = validateRecord(national('myNumber', 123456789018), TYPES);
    expect(errorsOf(v)[0]?.message).toMatch(/must be a string, got number/);
    const b = validateRecord(national('isNotDisclosed', 'true'), TYPES);
    expect(errorsOf(b)[0]?.message).toMatch(/boolean.*got string/);
  });

  it('invalid_medical_institution_code names the code and its problems', () => {
    const v = validateRecord(national('designatedMedicalInstitutions', `${INSTITUTION_1};1311234567`), TYPES);
    const msg = errorsOf(v)[0]?.message ?? '';
    expect(msg).toContain('entry 2');
    expect(msg).not.toContain('1311234567');
    expect(msg).toMatch(/check digit is 7, expected 6/);
  });

  it('myNumber messages do not echo the number', () => {
    const v = validateRecord(national('myNumber', '123456789010'), TYPES);
    expect(JSON.stringify(errorsOf(v))).not.toContain('123456789010');
  });

  it('error and warning codes are from the documented lists', () => {
    for (const [, input] of rows) {
      const v = validateRecord(input, TYPES);
      for (const e of errorsOf(v)) expect(RECORD_ERROR_CODES).toContain(e.code);
      for (const w of v.warnings) expect(RECORD_WARNING_CODES).toContain(w.code);
    }
  });
});

describe('check digits: strict vs lenient (PMH example values)', () => {
  const pmhExample = (typeId: string) => ({
    ...nationalRecord(),
    orgSpecificCertificateTypeId: typeId,
    myNumber: '210987654321',
    medicalSubsidyInsurerNumber: '87654321',
    medicalSubsidyRecipientNumber: '0000002',
  });

  it('rejects them under strict', () => {
    const v = validateRecord(pmhExample('nanbyo54'), TYPES);
    expect(pairs(errorsOf(v))).toEqual([
      ['myNumber', 'check_digit_mismatch'],
      ['medicalSubsidyInsurerNumber', 'unknown_prefecture'],
      ['medicalSubsidyInsurerNumber', 'check_digit_mismatch'],
      ['medicalSubsidyInsurerNumber', 'insurer_number_not_allowed'],
      ['medicalSubsidyRecipientNumber', 'check_digit_mismatch'],
    ]);
    expect(v.warnings).toEqual([]);
  });

  it('under lenient only warns for the check digits, but 87654321 (prefecture 65) stays an error', () => {
    const v = validateRecord(pmhExample('nanbyo54L'), TYPES);
    expect(pairs(errorsOf(v))).toEqual([['medicalSubsidyInsurerNumber', 'unknown_prefecture']]);
    expect(pairs(v.warnings)).toEqual([
      ['myNumber', 'check_digit_not_verified'],
      ['medicalSubsidyInsurerNumber', 'check_digit_not_verified'],
      ['medicalSubsidyRecipientNumber', 'check_digit_not_verified'],
    ]);
    expect(v.ok).toBe(false);
    expect(v.key?.myNumber).toBe('210987654321');
  });

  it('accepts them with warnings under lenient when only check digits are wrong (54130017)', () => {
    const v = validateRecord(
      {
        ...pmhExample('nanbyo54L'),
        medicalSubsidyInsurerNumber: '54130017',
        designatedMedicalInstitutions: `${INSTITUTION_1};1311234567`,
      },
      TYPES,
    );
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.record.myNumber).toBe('210987654321');
    expect(v.record.medicalSubsidyInsurerNumber).toBe('54130017');
    expect(pairs(v.warnings)).toEqual([
      ['myNumber', 'check_digit_not_verified'],
      ['medicalSubsidyInsurerNumber', 'check_digit_not_verified'],
      ['medicalSubsidyRecipientNumber', 'check_digit_not_verified'],
      ['designatedMedicalInstitutions', 'check_digit_not_verified'],
    ]);
    for (const w of v.warnings) expect(w.message).toMatch(/lenient/);
  });

  it('lenient: valid check digits give no warning', () => {
    const v = validateRecord(ofType(nationalRecord(), 'nanbyo54L'), TYPES);
    expect(v.ok && v.warnings).toEqual([]);
  });

  it('lenient: a local 受給者番号 is free-form, shape errors stay errors', () => {
    const ok = validateRecord({ ...ofType(localRecord(), 'maru88L'), myNumber: '111111111110' }, TYPES);
    expect(ok.ok && pairs(ok.warnings)).toEqual([['myNumber', 'check_digit_not_verified']]);
    const bad = validateRecord({ ...ofType(localRecord(), 'maru88L'), myNumber: '11111111111' }, TYPES);
    expect(pairs(errorsOf(bad))).toEqual([['myNumber', 'invalid_format']]);
  });

  it('lenient: a wrong institution prefecture is still an error', () => {
    const code = completeMedicalInstitutionCode('481123456');
    const v = validateRecord({ ...ofType(nationalRecord(), 'nanbyo54L'), designatedMedicalInstitutions: code }, TYPES);
    expect(pairs(errorsOf(v))).toEqual([['designatedMedicalInstitutions', 'invalid_medical_institution_code']]);
  });
});

describe('collecting errors', () => {
  it('reports all 3 problems of a record with 3 problems', () => {
    const rec = national('basicFiveInfo.nameKana', 'はちおうじ');
    rec.isAlwaysReimbursement = '2';
    rec.validTo = '2025-01-01';
    const v = validateRecord(rec, TYPES);
    expect(pairs(errorsOf(v))).toEqual([
      ['basicFiveInfo.nameKana', 'invalid_characters'],
      ['isAlwaysReimbursement', 'invalid_value'],
      ['validTo', 'valid_to_before_valid_from'],
    ]);
  });

  it('reports many problems together, unknown fields last', () => {
    const v = validateRecord({ zzz: 1, myNumber: 1, basicFiveInfo: {}, isDeleted: false }, TYPES);
    expect(pairs(errorsOf(v))).toEqual([
      ['orgSpecificCertificateTypeId', 'required'],
      ['myNumber', 'wrong_type'],
      ['basicFiveInfo.name', 'required'],
      ['basicFiveInfo.nameKana', 'required'],
      ['basicFiveInfo.address', 'required'],
      ['basicFiveInfo.dateOfBirth', 'required'],
      ['basicFiveInfo.sex', 'required'],
      ['isNotDisclosed', 'required'],
      ['certificationName', 'required'],
      ['isAlwaysReimbursement', 'required'],
      ['validFrom', 'required'],
      ['validTo', 'required'],
      ['historyKey', 'required'],
      ['certificationDetail', 'required'],
      ['zzz', 'unknown_field'],
    ]);
  });

  it('reports several problems in certificationDetail items', () => {
    const rec = national('certificationDetail', [{ label: '', value: 1, x: 0 }, 'y', { label: 'ok', value: 'ok' }]);
    expect(pairs(errorsOf(validateRecord(rec, TYPES)))).toEqual([
      ['certificationDetail.0.label', 'required'],
      ['certificationDetail.0.value', 'wrong_type'],
      ['certificationDetail.0.x', 'unknown_field'],
      ['certificationDetail.1', 'wrong_type'],
    ]);
  });

  it('reports each bad additionalConditions / institution entry', () => {
    const rec = national('additionalConditions', '01-9;x;99-1;01-1');
    rec.designatedMedicalInstitutions = `1311234567;${INSTITUTION_1};;${INSTITUTION_1}`;
    expect(pairs(errorsOf(validateRecord(rec, TYPES)))).toEqual([
      ['additionalConditions', 'unknown_condition_code'],
      ['additionalConditions', 'invalid_format'],
      ['additionalConditions', 'unknown_condition_item'],
      ['additionalConditions', 'duplicate_condition_item'],
      ['designatedMedicalInstitutions', 'invalid_medical_institution_code'],
      ['designatedMedicalInstitutions', 'invalid_format'],
      ['designatedMedicalInstitutions', 'duplicate_medical_institution_code'],
    ]);
  });

  it('unknown type: type-specific checks are skipped', () => {
    const rec = { ...nationalRecord(), orgSpecificCertificateTypeId: 'other1', segment: 'zz', medicalSubsidyRecipientNumber: 'X' };
    expect(pairs(errorsOf(validateRecord(rec, TYPES)))).toEqual([['orgSpecificCertificateTypeId', 'unknown_certificate_type']]);
  });
});

describe('key on failure', () => {
  it('is returned when the key fields are well-formed', () => {
    const v = validateRecord(national('basicFiveInfo.nameKana', 'x'), TYPES);
    expect(v.ok).toBe(false);
    expect(v.key).toEqual({
      orgSpecificCertificateTypeId: 'nanbyo54',
      myNumber: '123456789018',
      certificationSubKey: 'sub-1',
      historyKey: 'h2025_01',
    });
  });

  it('is returned for an unknown type or a wrong myNumber check digit', () => {
    expect(validateRecord(national('orgSpecificCertificateTypeId', 'other1'), TYPES).key?.historyKey).toBe('h2025_01');
    expect(validateRecord(national('myNumber', '123456789010'), TYPES).key?.myNumber).toBe('123456789010');
  });

  it.each([
    ['historyKey', '履歴'],
    ['myNumber', '1234'],
    ['orgSpecificCertificateTypeId', 'a-b'],
    ['certificationSubKey', 5],
    ['historyKey', undefined],
  ])('is absent when %s is %j', (field, value) => {
    const v = validateRecord(national(field, value), TYPES);
    expect(v.ok).toBe(false);
    expect(v.key).toBeUndefined();
  });
});

describe('rawRecordKey / keyString', () => {
  it('keyString is unambiguous', () => {
    const a = keyString({ orgSpecificCertificateTypeId: 'a', myNumber: 'b', certificationSubKey: '', historyKey: 'c' });
    const b = keyString({ orgSpecificCertificateTypeId: 'a', myNumber: 'b', certificationSubKey: 'c', historyKey: '' });
    expect(a).not.toBe(b);
  });

  it('is null for non-objects, missing or non-string key fields, and insane lengths', () => {
    expect(rawRecordKey('x')).toBeNull();
    expect(rawRecordKey([])).toBeNull();
    expect(rawRecordKey({ orgSpecificCertificateTypeId: 'a', myNumber: 'b' })).toBeNull();
    expect(rawRecordKey({ orgSpecificCertificateTypeId: 'a', myNumber: 1, historyKey: 'h' })).toBeNull();
    expect(rawRecordKey({ orgSpecificCertificateTypeId: 'a', myNumber: 'b', historyKey: 'h', certificationSubKey: null })).toBeNull();
    expect(rawRecordKey({ orgSpecificCertificateTypeId: 'a', myNumber: 'b', historyKey: 'h'.repeat(257) })).toBeNull();
  });

  it('treats absent and "" certificationSubKey alike', () => {
    const base = { orgSpecificCertificateTypeId: 'a', myNumber: 'b', historyKey: 'h' };
    expect(rawRecordKey(base)).toBe(rawRecordKey({ ...base, certificationSubKey: '' }));
    expect(rawRecordKey(base)).not.toBeNull();
  });

  it('works for invalid records with string keys (duplicate detection before validation)', () => {
    const r = rawRecordKey({ orgSpecificCertificateTypeId: 'x y', myNumber: '1', historyKey: '履歴' });
    expect(r).toBe(JSON.stringify(['x y', '1', '', '履歴']));
  });
});

// ---------------------------------------------------------------------------
// Property tests

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const keyChars = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789ABCXYZabcxyz-_'.split('')), { minLength: min, maxLength: max }).map((a) => a.join(''));
const kana = fc
  .array(
    fc.integer({ min: 0x30a0, max: 0x30ff }).map((c) => String.fromCharCode(c)),
    { minLength: 1, maxLength: 100 },
  )
  .map((a) => a.join(''));
const date = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const text = (max: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));

/** Random valid records of the four types. */
const validRecord: fc.Arbitrary<Rec> = fc
  .record({
    typeId: fc.constantFrom('nanbyo54', 'maru88', 'nanbyo54L', 'maru88L'),
    myNumber: digits(11).map(completeMyNumber),
    name: text(100),
    nameKana: kana,
    address: text(200),
    dateOfBirth: date,
    sex: fc.constantFrom('1', '2', '3'),
    isNotDisclosed: fc.boolean(),
    certificationName: text(100),
    subKey: fc.option(keyChars(0, 50), { nil: undefined }),
    historyKey: keyChars(1, 50),
    dates: fc.tuple(date, date).map(([a, b]) => (a <= b ? [a, b] : [b, a])),
    isAlwaysReimbursement: fc.constantFrom('0', '1'),
    isDeleted: fc.boolean(),
    segment: fc.option(fc.constantFrom('1', '2'), { nil: undefined }),
    monthly: fc.option(fc.nat(), { nil: undefined }),
    detail: fc.array(fc.record({ label: text(100), value: fc.constantFrom('', 'x', '1割') }), { maxLength: 5 }),
  })
  .map((g) => {
    const national = g.typeId.startsWith('nanbyo');
    const rec: Rec = {
      orgSpecificCertificateTypeId: g.typeId,
      myNumber: g.myNumber,
      basicFiveInfo: { name: g.name, nameKana: g.nameKana, address: g.address, dateOfBirth: g.dateOfBirth, sex: g.sex },
      isNotDisclosed: g.isNotDisclosed,
      medicalSubsidyInsurerNumber: national ? '54130018' : '88138243',
      certificationName: g.certificationName,
      medicalSubsidyRecipientNumber: national ? '0000018' : 'A1234',
      isAlwaysReimbursement: g.isAlwaysReimbursement,
      validFrom: g.dates[0],
      validTo: g.dates[1],
      historyKey: g.historyKey,
      isDeleted: g.isDeleted,
      certificationDetail: g.detail,
    };
    if (g.subKey !== undefined) rec.certificationSubKey = g.subKey;
    if (g.segment !== undefined) rec.segment = g.segment;
    if (g.monthly !== undefined) rec.maxCopaymentAmount = { monthly: g.monthly };
    return rec;
  });

/** Per field of a base record: keep its valid value, drop it, or replace it with junk. */
type Choice = 'valid' | 'absent' | 'junk';
const junk = fc.oneof(fc.jsonValue(), fc.string(), fc.constantFrom('', '1', '0', 'true', 'A', '01-1', '2025-02-30', '123456789018', '54130018', '0000018'));
const mixedRecord = fc
  .record({
    base: fc.constantFrom(nationalRecord(), localRecord()),
    choices: fc.array(
      fc.oneof(
        { arbitrary: fc.constant<Choice>('valid'), weight: 10 },
        { arbitrary: fc.constant<Choice>('absent'), weight: 1 },
        { arbitrary: fc.constant<Choice>('junk'), weight: 1 },
      ),
      {
        minLength: RECORD_FIELDS.length,
        maxLength: RECORD_FIELDS.length,
      },
    ),
    junkValues: fc.array(junk, { minLength: RECORD_FIELDS.length, maxLength: RECORD_FIELDS.length }),
    extra: fc.option(fc.tuple(fc.string(), junk), { nil: undefined, freq: 2 }),
  })
  .map(({ base, choices, junkValues, extra }) => {
    const entries: [string, unknown][] = [];
    RECORD_FIELDS.forEach((f, i) => {
      const choice = choices[i];
      if (choice === 'absent') return;
      if (choice === 'junk') entries.push([f, junkValues[i]]);
      else if (f in base) entries.push([f, base[f]]);
    });
    if (extra !== undefined) entries.push(extra);
    // fromEntries: "__proto__" becomes an own property, as with JSON.parse.
    const input = Object.fromEntries(entries);
    const absentRequired = RECORD_FIELDS.filter((f, i) => choices[i] === 'absent' && REQUIRED_RECORD_FIELDS.includes(f));
    const allValid = choices.every((c, i) => c === 'valid' || (c === 'absent' && !REQUIRED_RECORD_FIELDS.includes(RECORD_FIELDS[i] as string)));
    return { input, absentRequired, expectOk: allValid && extra === undefined };
  });

function checkInvariants(input: unknown, v: RecordValidation): void {
  if (v.ok) {
    // Really valid: the canonical record validates to itself, with the same key.
    const again = validateRecord(v.record, TYPES);
    expect(again).toEqual(v);
    expect(rawRecordKey(input)).toBe(keyString(v.key));
  } else {
    expect(v.errors.length).toBeGreaterThanOrEqual(1);
    for (const e of v.errors) {
      expect(RECORD_ERROR_CODES).toContain(e.code);
      expect(typeof e.field).toBe('string');
      expect(e.message.length).toBeGreaterThan(0);
    }
    if (v.key !== undefined) expect(rawRecordKey(input)).toBe(keyString(v.key));
  }
  for (const w of v.warnings) expect(RECORD_WARNING_CODES).toContain(w.code);
}

describe('properties', () => {
  it('never throws on any JSON value; such values are rejected with ≥ 1 error', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const v = validateRecord(value, TYPES);
        checkInvariants(value, v);
        expect(v.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on objects with PMH field names and random values; ok only when really valid', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(mixedRecord, ({ input, absentRequired, expectOk }) => {
        const v = validateRecord(input, TYPES);
        checkInvariants(input, v);
        if (v.ok) accepted++;
        else rejected++;
        if (expectOk) expect(errorsOf(v)).toEqual([]);
        for (const f of absentRequired) {
          if (input.isDeleted !== true || DELETION_REQUIRED_FIELDS.includes(f)) {
            expect(pairs(errorsOf(v))).toContainEqual([f, 'required']);
          }
        }
      }),
      { numRuns: 1000 },
    );
    // The generator must exercise both outcomes.
    expect(accepted).toBeGreaterThan(10);
    expect(rejected).toBeGreaterThan(100);
  });

  it('random valid records are accepted, and their record is what was given', () => {
    fc.assert(
      fc.property(validRecord, (rec) => {
        const v = validateRecord(rec, TYPES);
        expect(errorsOf(v)).toEqual([]);
        if (!v.ok) return;
        const expected = { ...rec };
        if (expected.certificationSubKey === '') delete expected.certificationSubKey;
        expect(v.record).toEqual(expected);
        expect(v.warnings).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('a valid non-deleted record with one required field removed fails with required on that field', () => {
    const fields = [...REQUIRED_RECORD_FIELDS, ...['name', 'nameKana', 'address', 'dateOfBirth', 'sex'].map((s) => `basicFiveInfo.${s}`)];
    fc.assert(
      fc.property(validRecord, fc.constantFrom(...fields), (rec, field) => {
        const input = withPath({ ...rec, isDeleted: false }, field, undefined);
        const v = validateRecord(input, TYPES);
        expect(pairs(errorsOf(v))).toEqual([[field, 'required']]);
      }),
      { numRuns: 300 },
    );
  });

  it('a valid deleted record with a key field removed fails with required on that field', () => {
    fc.assert(
      fc.property(validRecord, fc.constantFrom(...DELETION_REQUIRED_FIELDS.filter((f) => f !== 'isDeleted')), (rec, field) => {
        const v = validateRecord(withPath({ ...rec, isDeleted: true }, field, undefined), TYPES);
        expect(pairs(errorsOf(v))).toEqual([[field, 'required']]);
      }),
      { numRuns: 100 },
    );
  });

  it('the staged record text of every valid record is the validated record, with every optional field (as canonicalJson reads it)', () => {
    const optional = fc.record(
      {
        additionalConditions: fc.constantFrom('01-1', '01-2;02-A'),
        designatedMedicalInstitutions: fc.constantFrom(INSTITUTION_1, `${INSTITUTION_1};${INSTITUTION_2}`),
        incomeSegment: fc.constantFrom('A', 'C'),
        maxCopaymentAmount: fc.record({ monthly: fc.nat(), daily: fc.nat(), perVisit: fc.nat(), inpatientOutpatientCombined: fc.nat() }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    );
    let checked = 0;
    fc.assert(
      fc.property(validRecord, optional, (rec, extra) => {
        const v = validateRecord({ ...rec, ...extra }, TYPES);
        if (!v.ok || v.isDeleted) return;
        checked++;
        const staged = prepareRecord({ ...rec, ...extra }, TYPES);
        expect(staged.action).toBe('upsert');
        expect(JSON.parse(staged.write!.record)).toEqual(JSON.parse(canonicalJson(v.record)));
      }),
      { numRuns: 500 },
    );
    expect(checked).toBeGreaterThan(50);
  });

  it('rawRecordKey(valid) === keyString(result.key)', () => {
    fc.assert(
      fc.property(validRecord, (rec) => {
        const v = validateRecord(rec, TYPES);
        expect(v.ok).toBe(true);
        if (!v.ok) return;
        expect(rawRecordKey(rec)).toBe(keyString(v.key));
        expect(v.key.certificationSubKey).toBe((rec.certificationSubKey as string | undefined) ?? '');
      }),
      { numRuns: 300 },
    );
  });
});
