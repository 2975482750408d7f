// The field validators and validateRecord (rules: docs/pmh-record.md); limits and patterns come from ./fields.ts.
import { checkMedicalInstitutionCode, checkMyNumber, checkRecipientNumber, decodeInsurerNumber } from '../numbers.js';
import { unstorablePath } from '../personal-text.js';
import {
  BASIC_FIVE_INFO_FIELDS,
  CERTIFICATION_DETAIL_ITEM_FIELDS,
  MAX_COPAYMENT_FIELDS,
  RECORD_FIELDS,
  REIMBURSEMENT_VALUES,
  SEX_VALUES,
  maxItemsOf,
  maxLengthOf,
  patternOf,
} from './fields.js';
import { wellFormedKey } from './key.js';
import { Collector, FIELD_NAME_LIKE, Reader, isPlainObject, jsonTypeOf, own, problemText, quote, remembered, type Obj } from './reader.js';
import type {
  BasicFiveInfo,
  CertificateTypeRules,
  CertificationDetailItem,
  MaxCopaymentAmount,
  PmhRecord,
  RecordValidation,
  Reimbursement,
  Sex,
} from './types.js';

/** Path segments a field error names at most. */
const FIELD_PATH_DEPTH_MAX = 8;

// Read from the table once, at load: nothing per record.
const TYPE_ID = patternOf('orgSpecificCertificateTypeId');
const TYPE_ID_MAX = maxLengthOf('orgSpecificCertificateTypeId');
const NAME_MAX = maxLengthOf('basicFiveInfo.name');
const NAME_KANA_MAX = maxLengthOf('basicFiveInfo.nameKana');
const NAME_KANA = patternOf('basicFiveInfo.nameKana');
const ADDRESS_MAX = maxLengthOf('basicFiveInfo.address');
const CERTIFICATION_NAME_MAX = maxLengthOf('certificationName');
const RECIPIENT = patternOf('medicalSubsidyRecipientNumber');
const RECIPIENT_MAX = maxLengthOf('medicalSubsidyRecipientNumber');
const SUB_KEY = patternOf('certificationSubKey');
const SUB_KEY_MAX = maxLengthOf('certificationSubKey');
const HISTORY_KEY = patternOf('historyKey');
const HISTORY_KEY_MAX = maxLengthOf('historyKey');
const INSTITUTIONS_MAX = maxItemsOf('designatedMedicalInstitutions');
const DETAIL_ITEMS_MAX = maxItemsOf('certificationDetail');
const DETAIL_LABEL_MAX = maxLengthOf('certificationDetail[].label');
const DETAIL_VALUE_MAX = maxLengthOf('certificationDetail[].value');

/** `"1", "2" or "3"` */
function oneOfText(values: readonly string[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1) ?? ''}`;
}
const SEX_TEXT = oneOfText(SEX_VALUES);
const REIMBURSEMENT_TEXT = oneOfText(REIMBURSEMENT_VALUES);
const isSex = (s: string): s is Sex => (SEX_VALUES as readonly string[]).includes(s);
const isReimbursement = (s: string): s is Reimbursement => (REIMBURSEMENT_VALUES as readonly string[]).includes(s);

const CONDITION_PAIR = /^([0-9A-Za-z]+)-([0-9A-Za-z]+)$/;

const decodeInsurerNumberOnce = remembered(decodeInsurerNumber);
const checkMedicalInstitutionCodeOnce = remembered(checkMedicalInstitutionCode);

const LENIENT_NOTE = 'accepted without check-digit verification (checkDigitValidation: lenient)';

/** Check-digit mismatch: error for strict types, warning for lenient ones. */
function checkDigitIssue(c: Collector, field: string, lenient: boolean, message: string): void {
  if (lenient) c.warn(field, 'check_digit_not_verified', `${message}; ${LENIENT_NOTE}`);
  else c.error(field, 'check_digit_mismatch', message);
}

function validateMyNumber(c: Collector, r: Reader, lenient: boolean): string | undefined {
  const s = r.string('myNumber', true);
  if (s === undefined) return undefined;
  const check = checkMyNumber(s);
  const shape = check.problems.filter((p) => p.code !== 'check_digit_mismatch');
  if (shape.length > 0) {
    // The value itself is not echoed: it may be a real 個人番号.
    c.error('myNumber', 'invalid_format', problemText(shape));
    return undefined;
  }
  if (!check.valid) checkDigitIssue(c, 'myNumber', lenient, problemText(check.problems));
  return s;
}

function validateBasicFiveInfo(c: Collector, obj: Obj, required: boolean): Partial<BasicFiveInfo> | undefined {
  const top = new Reader(c, obj, '');
  const info = top.object('basicFiveInfo', required);
  if (info === undefined) return undefined;
  const r = new Reader(c, info, 'basicFiveInfo');
  // Invalid values are left out: the record then has errors and is not returned.
  const out: Partial<BasicFiveInfo> = {};

  const name = r.string('name', required);
  if (name !== undefined && r.text('name', name, NAME_MAX)) out.name = name;

  const kana = r.string('nameKana', required);
  if (kana !== undefined) {
    const fits = r.maxLength('nameKana', kana, NAME_KANA_MAX);
    const chars = NAME_KANA.pattern.test(kana);
    if (!chars) {
      const badAt = Array.from(kana).findIndex((ch) => !NAME_KANA.pattern.test(ch));
      c.error('basicFiveInfo.nameKana', 'invalid_characters', `basicFiveInfo.nameKana must be ${NAME_KANA.text}; character ${badAt + 1} is not`);
    }
    if (fits && chars) out.nameKana = kana;
  }

  const address = r.string('address', required);
  if (address !== undefined && r.text('address', address, ADDRESS_MAX)) out.address = address;

  const dob = r.date('dateOfBirth', required);
  if (dob !== undefined) out.dateOfBirth = dob;

  const sex = r.string('sex', required);
  if (sex !== undefined) {
    if (isSex(sex)) out.sex = sex;
    else c.error('basicFiveInfo.sex', 'invalid_value', `basicFiveInfo.sex must be ${SEX_TEXT}`);
  }

  r.unknownFields(BASIC_FIVE_INFO_FIELDS);
  return out;
}

function validateInsurerNumber(c: Collector, r: Reader, type: CertificateTypeRules | undefined, lenient: boolean): string | undefined {
  const field = 'medicalSubsidyInsurerNumber';
  const s = r.string(field, false);
  if (s === undefined) return undefined;
  const d = decodeInsurerNumberOnce(s);
  if (d.lawCode === undefined) {
    c.error(field, 'invalid_format', problemText(d.problems));
    return undefined;
  }
  for (const p of d.problems) {
    if (p.code === 'unknown_prefecture') c.error(field, 'unknown_prefecture', p.message);
    else if (p.code === 'check_digit_mismatch') checkDigitIssue(c, field, lenient, p.message);
  }
  if (type !== undefined && type.insurerNumbers.length > 0 && !type.insurerNumbers.includes(s)) {
    c.error(
      field,
      'insurer_number_not_allowed',
      `${field} ${s} is not one of the 公費負担者番号 of certificate type ${type.id}: ${type.insurerNumbers.join(', ')}`,
    );
  }
  return s;
}

function validateRecipientNumber(c: Collector, r: Reader, type: CertificateTypeRules | undefined, lenient: boolean): string | undefined {
  const field = 'medicalSubsidyRecipientNumber';
  const s = r.string(field, false);
  if (s === undefined) return undefined;
  if (!r.identifier(field, s, RECIPIENT_MAX, RECIPIENT.pattern, RECIPIENT.text)) return undefined;
  if (type?.kind === 'national') {
    const check = checkRecipientNumber(s);
    const shape = check.problems.filter((p) => p.code !== 'check_digit_mismatch');
    if (shape.length > 0) {
      c.error(field, 'invalid_format', `national certificate type ${type.id}: ${problemText(shape)}`);
      return undefined;
    }
    if (!check.valid) checkDigitIssue(c, field, lenient, problemText(check.problems));
  }
  return s;
}

function validateCode(c: Collector, r: Reader, field: 'segment' | 'incomeSegment', type: CertificateTypeRules | undefined): string | undefined {
  const s = r.string(field, false);
  if (s === undefined) return undefined;
  if (type === undefined) return s;
  const codes = field === 'segment' ? type.segmentCodes : type.incomeSegmentCodes;
  if (!codes.includes(s)) {
    const code = field === 'segment' ? 'unknown_segment' : 'unknown_income_segment';
    const list = codes.length > 0 ? codes.join(', ') : '(none defined)';
    c.error(field, code, `${field} ${quote(s)} is not defined for certificate type ${type.id}; allowed: ${list}`);
    return undefined;
  }
  return s;
}

function validateAdditionalConditions(c: Collector, r: Reader, type: CertificateTypeRules | undefined): string | undefined {
  const field = 'additionalConditions';
  const s = r.string(field, false);
  if (s === undefined) return undefined;
  const before = c.errors.length;
  const seen = new Set<string>();
  s.split(';').forEach((entry, i) => {
    const m = CONDITION_PAIR.exec(entry);
    if (!m) {
      c.error(field, 'invalid_format', `${field} entry ${i + 1} is not 項目コード-条件コード (half-width alphanumerics joined by "-", entries joined by ";")`);
      return;
    }
    const item = m[1] ?? '';
    const condition = m[2] ?? '';
    if (seen.has(item)) {
      c.error(field, 'duplicate_condition_item', `${field}: item ${item} appears more than once`);
      return;
    }
    seen.add(item);
    if (type === undefined) return;
    const conditions = type.additionalConditionItems.get(item);
    if (conditions === undefined) {
      c.error(field, 'unknown_condition_item', `${field}: item ${item} is not defined for certificate type ${type.id}`);
    } else if (!conditions.includes(condition)) {
      c.error(field, 'unknown_condition_code', `${field}: condition ${condition} is not defined for item ${item} of certificate type ${type.id}`);
    }
  });
  return c.errors.length === before ? s : undefined;
}

function validateInstitutions(c: Collector, r: Reader, lenient: boolean): string | undefined {
  const field = 'designatedMedicalInstitutions';
  const s = r.string(field, false);
  if (s === undefined) return undefined;
  const entries = s.split(';');
  if (entries.length > INSTITUTIONS_MAX) {
    c.error(field, 'too_many_items', `${field} lists ${entries.length} codes, at most ${INSTITUTIONS_MAX} are allowed`);
    return undefined;
  }
  const before = c.errors.length;
  const seen = new Set<string>();
  entries.forEach((code, i) => {
    if (code === '') {
      c.error(field, 'invalid_format', `${field}: entry ${i + 1} is empty (codes are joined by ";", no empty entries)`);
      return;
    }
    if (seen.has(code)) {
      c.error(field, 'duplicate_medical_institution_code', `${field}: entry ${i + 1} repeats an earlier entry`);
      return;
    }
    seen.add(code);
    const check = checkMedicalInstitutionCodeOnce(code);
    if (check.valid) return;
    const onlyCheckDigit = check.problems.every((p) => p.code === 'check_digit_mismatch');
    const message = `${field}: entry ${i + 1}: ${problemText(check.problems)}`;
    if (lenient && onlyCheckDigit) c.warn(field, 'check_digit_not_verified', `${message}; ${LENIENT_NOTE}`);
    else c.error(field, 'invalid_medical_institution_code', message);
  });
  return c.errors.length === before ? s : undefined;
}

function validateMaxCopayment(c: Collector, obj: Obj): MaxCopaymentAmount | undefined {
  const m = new Reader(c, obj, '').object('maxCopaymentAmount', false);
  if (m === undefined) return undefined;
  const r = new Reader(c, m, 'maxCopaymentAmount');
  const out: MaxCopaymentAmount = {};
  for (const name of MAX_COPAYMENT_FIELDS) {
    const v = r.number(name);
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 0) {
      c.error(r.path(name), 'invalid_value', `${r.path(name)} must be a non-negative whole number of yen (safe integer), got ${String(v)}`);
      continue;
    }
    out[name] = v + 0; // -0 → 0
  }
  r.unknownFields(MAX_COPAYMENT_FIELDS);
  return out;
}

function validateCertificationDetail(c: Collector, obj: Obj, required: boolean): CertificationDetailItem[] | undefined {
  const field = 'certificationDetail';
  const arr = new Reader(c, obj, '').array(field, required);
  if (arr === undefined) return undefined;
  if (arr.length > DETAIL_ITEMS_MAX) {
    c.error(field, 'too_many_items', `${field} has ${arr.length} items, at most ${DETAIL_ITEMS_MAX} are allowed`);
    return undefined;
  }
  const out: CertificationDetailItem[] = [];
  // Sparse arrays (not JSON) are read index by index: holes are `undefined` → wrong_type.
  for (let i = 0; i < arr.length; i++) {
    const item: unknown = arr[i];
    const path = `${field}.${i}`;
    if (!isPlainObject(item)) {
      c.error(path, 'wrong_type', `${path} must be an object { label, value }, got ${jsonTypeOf(item)}`);
      continue;
    }
    const r = new Reader(c, item, path);
    const label = r.string('label', true);
    const labelOk = label !== undefined && r.text('label', label, DETAIL_LABEL_MAX);
    // value may be "": read it without the empty-means-absent rule.
    const rawValue = own(item, 'value');
    let valueOk = false;
    if (rawValue === undefined) c.error(`${path}.value`, 'required', `${path}.value is required`);
    else if (typeof rawValue !== 'string') c.error(`${path}.value`, 'wrong_type', `${path}.value must be a string, got ${jsonTypeOf(rawValue)}`);
    else valueOk = r.text('value', rawValue, DETAIL_VALUE_MAX, true);
    r.unknownFields(CERTIFICATION_DETAIL_ITEM_FIELDS);
    if (labelOk && valueOk && typeof rawValue === 'string' && label !== undefined) out.push({ label, value: rawValue });
  }
  return out;
}

/**
 * Validate one registration record against the municipality's certificate
 * types. Never throws. On success `record` holds exactly the given fields
 * (absent and "" optional fields omitted) in §2 order.
 */
export function validateRecord(input: unknown, types: ReadonlyMap<string, CertificateTypeRules>): RecordValidation {
  if (!isPlainObject(input)) {
    return {
      ok: false,
      errors: [{ field: '', code: 'not_an_object', message: `a record must be a JSON object, got ${jsonTypeOf(input)}` }],
      warnings: [],
    };
  }
  // NUL and lone surrogates cannot be stored in PostgreSQL (text, jsonb): the record is refused with
  // that error alone, naming the field (up to the first part of its path that is not a field name).
  const unstorable = unstorablePath(input);
  if (unstorable !== null) {
    const parts = unstorable === '' ? [] : unstorable.split('.');
    const cut = parts.findIndex((p) => !/^[0-9]{1,3}$/.test(p) && !(FIELD_NAME_LIKE.test(p) && !/[0-9]{4}/.test(p)));
    // At most a few levels: a value nested thousands deep would otherwise be named by a path of that length.
    const field = (cut === -1 ? parts : parts.slice(0, cut)).slice(0, FIELD_PATH_DEPTH_MAX).join('.');
    return {
      ok: false,
      errors: [
        {
          field,
          code: 'invalid_text',
          message: `${field === '' ? 'the record' : field} holds a NUL character or an unpaired surrogate, which cannot be stored`,
        },
      ],
      warnings: [],
    };
  }
  const c = new Collector();
  const r = new Reader(c, input, '');
  const deleted = own(input, 'isDeleted') === true;
  const req = !deleted; // required-unless-deleted

  // orgSpecificCertificateTypeId first: the type decides the other checks.
  let type: CertificateTypeRules | undefined;
  const org = r.string('orgSpecificCertificateTypeId', true);
  if (org !== undefined && r.identifier('orgSpecificCertificateTypeId', org, TYPE_ID_MAX, TYPE_ID.pattern, TYPE_ID.text)) {
    type = types.get(org);
    if (type === undefined) {
      c.error(
        'orgSpecificCertificateTypeId',
        'unknown_certificate_type',
        `orgSpecificCertificateTypeId ${quote(org)} is not a certificate type (制度マスタ) of this municipality`,
      );
    }
  }
  const lenient = type?.checkDigitValidation === 'lenient';

  const myNumber = validateMyNumber(c, r, lenient);
  const basicFiveInfo = validateBasicFiveInfo(c, input, req);
  const isNotDisclosed = r.boolean('isNotDisclosed', req);
  const insurer = validateInsurerNumber(c, r, type, lenient);

  let certificationName = r.string('certificationName', req);
  if (certificationName !== undefined && !r.text('certificationName', certificationName, CERTIFICATION_NAME_MAX)) {
    certificationName = undefined;
  }

  const recipient = validateRecipientNumber(c, r, type, lenient);

  let subKey = r.string('certificationSubKey', false);
  if (subKey !== undefined && !r.identifier('certificationSubKey', subKey, SUB_KEY_MAX, SUB_KEY.pattern, SUB_KEY.text)) {
    subKey = undefined;
  }

  const segment = validateCode(c, r, 'segment', type);
  const incomeSegment = validateCode(c, r, 'incomeSegment', type);
  const additionalConditions = validateAdditionalConditions(c, r, type);
  const institutions = validateInstitutions(c, r, lenient);

  const reimbursementRaw = r.string('isAlwaysReimbursement', req);
  let isAlwaysReimbursement: Reimbursement | undefined;
  if (reimbursementRaw !== undefined && isReimbursement(reimbursementRaw)) isAlwaysReimbursement = reimbursementRaw;
  else if (reimbursementRaw !== undefined) {
    c.error('isAlwaysReimbursement', 'invalid_value', `isAlwaysReimbursement must be the string ${REIMBURSEMENT_TEXT}`);
  }

  const maxCopaymentAmount = validateMaxCopayment(c, input);

  const validFrom = r.date('validFrom', req);
  const validTo = r.date('validTo', req);
  if (validFrom !== undefined && validTo !== undefined && validTo < validFrom) {
    c.error('validTo', 'valid_to_before_valid_from', `validTo ${validTo} is before validFrom ${validFrom}`);
  }

  let historyKey = r.string('historyKey', true);
  if (historyKey !== undefined && !r.identifier('historyKey', historyKey, HISTORY_KEY_MAX, HISTORY_KEY.pattern, HISTORY_KEY.text)) {
    historyKey = undefined;
  }

  r.boolean('isDeleted', true);
  const certificationDetail = validateCertificationDetail(c, input, req);

  r.unknownFields(RECORD_FIELDS);

  const key = wellFormedKey(input);
  if (c.errors.length > 0 || key === undefined || org === undefined || myNumber === undefined || historyKey === undefined) {
    // key === undefined etc. cannot happen without an error; kept for the type checker.
    return key === undefined ? { ok: false, errors: c.errors, warnings: c.warnings } : { ok: false, errors: c.errors, warnings: c.warnings, key };
  }

  // Build the canonical record in §2 order.
  const rec: Record<string, unknown> = {};
  rec.orgSpecificCertificateTypeId = org;
  rec.myNumber = myNumber;
  if (basicFiveInfo !== undefined) rec.basicFiveInfo = basicFiveInfo;
  if (isNotDisclosed !== undefined) rec.isNotDisclosed = isNotDisclosed;
  if (insurer !== undefined) rec.medicalSubsidyInsurerNumber = insurer;
  if (certificationName !== undefined) rec.certificationName = certificationName;
  if (recipient !== undefined) rec.medicalSubsidyRecipientNumber = recipient;
  if (subKey !== undefined) rec.certificationSubKey = subKey;
  if (segment !== undefined) rec.segment = segment;
  if (incomeSegment !== undefined) rec.incomeSegment = incomeSegment;
  if (additionalConditions !== undefined) rec.additionalConditions = additionalConditions;
  if (institutions !== undefined) rec.designatedMedicalInstitutions = institutions;
  if (isAlwaysReimbursement !== undefined) rec.isAlwaysReimbursement = isAlwaysReimbursement;
  if (maxCopaymentAmount !== undefined) rec.maxCopaymentAmount = maxCopaymentAmount;
  if (validFrom !== undefined) rec.validFrom = validFrom;
  if (validTo !== undefined) rec.validTo = validTo;
  rec.historyKey = historyKey;
  rec.isDeleted = deleted;
  if (certificationDetail !== undefined) rec.certificationDetail = certificationDetail;

  return { ok: true, record: rec as unknown as PmhRecord, key, isDeleted: deleted, warnings: c.warnings };
}
