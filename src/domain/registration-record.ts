/**
 * Validation of one municipal registration record of PMH's diff/history
 * variant (差分履歴情報登録, pmh.md §2). Pure: no I/O, never throws for any
 * input, collects every problem of a record instead of stopping at the first.
 *
 * Issue `field` is a dotted path: '' (the record itself), `myNumber`,
 * `basicFiveInfo.nameKana`, `maxCopaymentAmount.monthly`,
 * `certificationDetail.2.label`, … (array indexes are 0-based).
 *
 * Error codes (stable):
 * - `not_an_object`        input (or the record) is not a plain JSON object (field '')
 * - `unknown_field`        field not defined by PMH (top level, basicFiveInfo,
 *                          maxCopaymentAmount, certificationDetail items)
 * - `wrong_type`           wrong JSON type; the message names the expected type
 *                          (numbers are strings: myNumber 123 → wrong_type; null → wrong_type)
 * - `required`             required field absent, or a required string is ""
 * - `too_long`             string longer than its limit (counted in code points)
 * - `invalid_format`       characters / shape not allowed (IDs, keys, numbers,
 *                          additionalConditions entries, empty designatedMedicalInstitutions entries)
 * - `invalid_characters`   nameKana not 全角カナ; free text containing control
 *                          characters or unpaired surrogates
 * - `invalid_date`         not YYYY-MM-DD, not a real calendar date, or year < 1900
 * - `invalid_value`        sex not "1"/"2"/"3"; isAlwaysReimbursement not "0"/"1";
 *                          copay amount not a non-negative safe integer
 * - `unknown_certificate_type`  orgSpecificCertificateTypeId not in the 制度マスタ
 * - `check_digit_mismatch` myNumber / 公費負担者番号 / national 受給者番号 check digit wrong (strict types)
 * - `unknown_prefecture`   公費負担者番号 prefecture not 01–47 (an error even for lenient types)
 * - `insurer_number_not_allowed`  公費負担者番号 not among the type's insurerNumbers
 * - `unknown_segment` / `unknown_income_segment`  code not defined by the type
 * - `unknown_condition_item` / `unknown_condition_code` / `duplicate_condition_item`  additionalConditions
 * - `invalid_medical_institution_code`  a designatedMedicalInstitutions entry fails
 *                          checkMedicalInstitutionCode (message names the code and its problems)
 * - `duplicate_medical_institution_code`  the same code listed twice
 * - `too_many_items`       certificationDetail or designatedMedicalInstitutions with more than 100 entries
 * - `valid_to_before_valid_from`  reported on validTo
 * - `invalid_text`         a string (or key) holds NUL or an unpaired surrogate, which
 *                          PostgreSQL cannot store: the record's only error
 *
 * Messages never quote a personal field (myNumber, basicFiveInfo.*) nor free
 * text (historyKey, certificationSubKey, unknown keys…): they name the field,
 * the rule and the position. Only codes of the type (segment, …) are quoted.
 *
 * Warning codes:
 * - `check_digit_not_verified`  type has checkDigitValidation 'lenient' and a
 *   check digit (myNumber, 公費負担者番号, national 受給者番号, 医療機関コード) is
 *   wrong: accepted, and said so. Correct check digits give no warning.
 *
 * Sandbox choices (PMH's real behaviour is unpublished):
 * - `isDeleted === true`: only orgSpecificCertificateTypeId, myNumber,
 *   historyKey and isDeleted are required; every other field that is present
 *   is still type/format-checked (basicFiveInfo sub-fields are then optional too).
 *   When isDeleted is absent or not a boolean the record counts as not deleted.
 * - `null` is never "absent": it is `wrong_type` everywhere.
 * - `""` for a string field that is not required (optional fields; and
 *   required-unless-deleted fields of a deleted record) counts as absent and
 *   is omitted from the returned record; `""` for a required string is `required`.
 *   `undefined` values (not JSON) count as absent.
 * - Lengths are counted in Unicode code points. Exceeding a length limit is
 *   `too_long`; wrong characters are `invalid_format` (both may be reported).
 * - Free text (name, address, certificationName, detail label/value) must not
 *   contain C0 control characters, DEL or unpaired surrogates (they cannot be
 *   stored in PostgreSQL text/jsonb); a detail `value` may contain TAB, LF, CR.
 * - nameKana: U+30A0–U+30FF (katakana incl. ー ・) and U+3000 only; no
 *   half-width katakana, no ASCII space.
 * - All dates (dateOfBirth, validFrom, validTo) are YYYY-MM-DD, real Gregorian
 *   dates, year 1900–9999. Date problems are all `invalid_date`.
 * - maxCopaymentAmount: `{ monthly?, daily?, perVisit?, inpatientOutpatientCombined? }`,
 *   JSON numbers (not strings) that are non-negative safe integers; `{}` is allowed.
 * - certificationDetail: `[]` is allowed; items `{ label (1–100), value (0–500) }`,
 *   both required strings. More than 100 items → `too_many_items` (items not checked).
 * - designatedMedicalInstitutions: at most 100 codes (`too_many_items`, codes
 *   then not checked). Lenient types only warn for a wrong check digit when that
 *   is the code's only problem.
 * - Checks that need the 制度マスタ (segments, conditions, insurer allow-list,
 *   national 7-digit recipient number, leniency) are skipped when the type is
 *   unknown or its ID is malformed (the record already fails); such records
 *   are validated strictly.
 * - insurerNumbers empty = any valid 公費負担者番号 is allowed.
 * - `key` is returned (also on failure) when orgSpecificCertificateTypeId,
 *   myNumber (12 digits; check digit not required), historyKey and
 *   certificationSubKey (or its absence) are well-formed; type existence is
 *   not required.
 * - Errors come in §2 field order, unknown fields last.
 */
import {
  checkMedicalInstitutionCode,
  checkMyNumber,
  checkRecipientNumber,
  decodeInsurerNumber,
  type NumberProblem,
} from './numbers.js';
import { isPmhDate, PMH_MIN_YEAR } from './dates.js';
import { hasUnstorableText, maskPersonalText, unstorablePath } from './personal-text.js';

/** What the validator needs to know about one 制度マスタ entry (certificate type) of the municipality. */
export interface CertificateTypeRules {
  /** orgSpecificCertificateTypeId */
  id: string;
  kind: 'national' | 'local';
  /** 法別番号, for national types. */
  lawCode?: string;
  /** Allowed 公費負担者番号; empty = any valid number is allowed. */
  insurerNumbers: readonly string[];
  incomeSegmentCodes: readonly string[];
  segmentCodes: readonly string[];
  /** 追加条件: itemCode -> conditionCodes. */
  additionalConditionItems: ReadonlyMap<string, readonly string[]>;
  checkDigitValidation: 'strict' | 'lenient';
}

export interface RecordIssue {
  field: string;
  code: string;
  message: string;
}

export interface RecordKey {
  orgSpecificCertificateTypeId: string;
  myNumber: string;
  /** "" when the record has no certificationSubKey. */
  certificationSubKey: string;
  historyKey: string;
}

export type Sex = '1' | '2' | '3';

export interface BasicFiveInfo {
  name: string;
  nameKana: string;
  address: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  /** "1" male, "2" female, "3" unset */
  sex: Sex;
}

/** 自己負担上限額 in yen (sandbox shape). */
export interface MaxCopaymentAmount {
  monthly?: number;
  daily?: number;
  perVisit?: number;
  inpatientOutpatientCombined?: number;
}

export interface CertificationDetailItem {
  label: string;
  value: string;
}

interface PmhRecordCommon {
  orgSpecificCertificateTypeId: string;
  myNumber: string;
  medicalSubsidyInsurerNumber?: string;
  medicalSubsidyRecipientNumber?: string;
  certificationSubKey?: string;
  segment?: string;
  incomeSegment?: string;
  additionalConditions?: string;
  designatedMedicalInstitutions?: string;
  maxCopaymentAmount?: MaxCopaymentAmount;
  historyKey: string;
}

/** A record that registers (or replaces) a history row. */
export interface PmhActiveRecord extends PmhRecordCommon {
  basicFiveInfo: BasicFiveInfo;
  isNotDisclosed: boolean;
  certificationName: string;
  isAlwaysReimbursement: '0' | '1';
  /** YYYY-MM-DD, inclusive */
  validFrom: string;
  /** YYYY-MM-DD, inclusive */
  validTo: string;
  isDeleted: false;
  certificationDetail: CertificationDetailItem[];
}

/** A record that removes a history row: only the key fields are required. */
export interface PmhDeletionRecord extends PmhRecordCommon {
  basicFiveInfo?: Partial<BasicFiveInfo>;
  isNotDisclosed?: boolean;
  certificationName?: string;
  isAlwaysReimbursement?: '0' | '1';
  validFrom?: string;
  validTo?: string;
  isDeleted: true;
  certificationDetail?: CertificationDetailItem[];
}

export type PmhRecord = PmhActiveRecord | PmhDeletionRecord;

export type RecordValidation =
  | { ok: true; record: PmhRecord; key: RecordKey; isDeleted: boolean; warnings: RecordIssue[] }
  | { ok: false; errors: RecordIssue[]; warnings: RecordIssue[]; key?: RecordKey };

/** Top-level PMH field names in §2 order. */
export const RECORD_FIELDS: readonly string[] = Object.freeze([
  'orgSpecificCertificateTypeId',
  'myNumber',
  'basicFiveInfo',
  'isNotDisclosed',
  'medicalSubsidyInsurerNumber',
  'certificationName',
  'medicalSubsidyRecipientNumber',
  'certificationSubKey',
  'segment',
  'incomeSegment',
  'additionalConditions',
  'designatedMedicalInstitutions',
  'isAlwaysReimbursement',
  'maxCopaymentAmount',
  'validFrom',
  'validTo',
  'historyKey',
  'isDeleted',
  'certificationDetail',
]);

/** Required fields when isDeleted is not true. */
export const REQUIRED_RECORD_FIELDS: readonly string[] = Object.freeze([
  'orgSpecificCertificateTypeId',
  'myNumber',
  'basicFiveInfo',
  'isNotDisclosed',
  'certificationName',
  'isAlwaysReimbursement',
  'validFrom',
  'validTo',
  'historyKey',
  'isDeleted',
  'certificationDetail',
]);

/** Required fields when isDeleted is true. */
export const DELETION_REQUIRED_FIELDS: readonly string[] = Object.freeze([
  'orgSpecificCertificateTypeId',
  'myNumber',
  'historyKey',
  'isDeleted',
]);

export const BASIC_FIVE_INFO_FIELDS: readonly string[] = Object.freeze([
  'name',
  'nameKana',
  'address',
  'dateOfBirth',
  'sex',
]);

export const MAX_COPAYMENT_FIELDS: readonly string[] = Object.freeze([
  'monthly',
  'daily',
  'perVisit',
  'inpatientOutpatientCombined',
]);

export const CERTIFICATION_DETAIL_ITEM_FIELDS: readonly string[] = Object.freeze(['label', 'value']);

export const RECORD_ERROR_CODES = Object.freeze([
  'not_an_object',
  'unknown_field',
  'wrong_type',
  'required',
  'too_long',
  'invalid_format',
  'invalid_characters',
  'invalid_date',
  'invalid_value',
  'unknown_certificate_type',
  'check_digit_mismatch',
  'unknown_prefecture',
  'insurer_number_not_allowed',
  'unknown_segment',
  'unknown_income_segment',
  'unknown_condition_item',
  'unknown_condition_code',
  'duplicate_condition_item',
  'invalid_medical_institution_code',
  'duplicate_medical_institution_code',
  'too_many_items',
  'valid_to_before_valid_from',
  'invalid_text',
] as const);
export type RecordErrorCode = (typeof RECORD_ERROR_CODES)[number];

export const RECORD_WARNING_CODES = Object.freeze(['check_digit_not_verified'] as const);
export type RecordWarningCode = (typeof RECORD_WARNING_CODES)[number];

// ---------------------------------------------------------------------------
// Limits and character classes

const ID_MAX = 50; // orgSpecificCertificateTypeId, certificationSubKey, historyKey
const NAME_MAX = 100;
const NAME_KANA_MAX = 100;
const ADDRESS_MAX = 200;
const CERTIFICATION_NAME_MAX = 100;
const RECIPIENT_MAX = 30;
const DETAIL_ITEMS_MAX = 100;
const DETAIL_LABEL_MAX = 100;
const DETAIL_VALUE_MAX = 500;
const INSTITUTIONS_MAX = 100;
const MIN_YEAR = PMH_MIN_YEAR;
/** Path segments a field error names at most. */
const FIELD_PATH_DEPTH_MAX = 8;
/** rawRecordKey: longest key field considered "sane" (code units). */
const RAW_KEY_FIELD_MAX = 256;

const ALNUM = /^[0-9A-Za-z]+$/;
const KEY_CHARS = /^[0-9A-Za-z_-]+$/;
const TWELVE_DIGITS = /^[0-9]{12}$/;
const KANA = /^[\u30A0-\u30FF\u3000]+$/u;
const FORBIDDEN_TEXT = /[\u0000-\u001F\u007F]|\p{Cs}/u;
const FORBIDDEN_MULTILINE_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|\p{Cs}/u;
const FIELD_NAME_LIKE = /^[A-Za-z_][A-Za-z0-9_]{0,59}$/;
const CONDITION_PAIR = /^([0-9A-Za-z]+)-([0-9A-Za-z]+)$/;

// ---------------------------------------------------------------------------
// Small helpers

type Obj = Record<string, unknown>;

function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function own(obj: Obj, name: string): unknown {
  return Object.hasOwn(obj, name) ? obj[name] : undefined;
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Short printable rendering of a user value for messages. */
function quote(s: string, max = 40): string {
  const cps = Array.from(s);
  // Last guard: a digit run (a 個人番号) or percent-encoded text is never quoted.
  return maskPersonalText(JSON.stringify(cps.length > max ? cps.slice(0, max).join('') + '…' : s));
}

function jsonTypeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function problemText(problems: readonly NumberProblem[]): string {
  return problems.map((p) => p.message).join('; ');
}

/**
 * A pure check of a string, remembered for the strings seen last (at most `max`; then it starts
 * over): in an upload the same values come again and again — a type's few 公費負担者番号, the same
 * validity dates, the same 医療機関コード. Results are shared: callers must not change them.
 */
function remembered<R>(check: (s: string) => R, max = 4096): (s: string) => R {
  const seen = new Map<string, R>();
  return (s) => {
    let r = seen.get(s);
    if (r === undefined) {
      if (seen.size >= max) seen.clear();
      r = check(s);
      seen.set(s, r);
    }
    return r;
  };
}

const isRealDate = remembered(isPmhDate);

const decodeInsurerNumberOnce = remembered(decodeInsurerNumber);
const checkMedicalInstitutionCodeOnce = remembered(checkMedicalInstitutionCode);

class Collector {
  readonly errors: RecordIssue[] = [];
  readonly warnings: RecordIssue[] = [];
  error(field: string, code: RecordErrorCode, message: string): void {
    this.errors.push({ field, code, message });
  }
  warn(field: string, code: RecordWarningCode, message: string): void {
    this.warnings.push({ field, code, message });
  }
}

/** Field reader bound to one object and path prefix. */
class Reader {
  constructor(
    private readonly c: Collector,
    private readonly obj: Obj,
    private readonly prefix: string,
  ) {}

  path(name: string): string {
    return this.prefix === '' ? name : `${this.prefix}.${name}`;
  }

  private present(name: string, required: boolean): unknown {
    const v = own(this.obj, name);
    if (v === undefined && required) this.c.error(this.path(name), 'required', `${this.path(name)} is required`);
    return v;
  }

  private wrongType(name: string, expected: string, v: unknown): void {
    this.c.error(this.path(name), 'wrong_type', `${this.path(name)} must be ${expected}, got ${jsonTypeOf(v)}`);
  }

  /** A string, or undefined when absent / wrong type / "" (reporting as needed). */
  string(name: string, required: boolean): string | undefined {
    const v = this.present(name, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.wrongType(name, 'a string', v);
      return undefined;
    }
    if (v === '') {
      if (required) this.c.error(this.path(name), 'required', `${this.path(name)} is required and must not be empty`);
      return undefined;
    }
    return v;
  }

  boolean(name: string, required: boolean): boolean | undefined {
    const v = this.present(name, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') {
      this.wrongType(name, 'a boolean (true or false)', v);
      return undefined;
    }
    return v;
  }

  object(name: string, required: boolean): Obj | undefined {
    const v = this.present(name, required);
    if (v === undefined) return undefined;
    if (!isPlainObject(v)) {
      this.wrongType(name, 'an object', v);
      return undefined;
    }
    return v;
  }

  array(name: string, required: boolean): unknown[] | undefined {
    const v = this.present(name, required);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
      this.wrongType(name, 'an array', v);
      return undefined;
    }
    return v;
  }

  number(name: string): number | undefined {
    const v = own(this.obj, name);
    if (v === undefined) return undefined;
    if (typeof v !== 'number') {
      this.wrongType(name, 'a number', v);
      return undefined;
    }
    return v;
  }

  unknownFields(known: readonly string[]): void {
    for (const k of Object.keys(this.obj)) {
      if (!known.includes(k)) {
        // A key is quoted only when it looks like a field name: a key can hold anything (a name).
        const named = FIELD_NAME_LIKE.test(k) && !/[0-9]{4}/.test(k);
        const path = named ? this.path(k) : this.prefix;
        this.c.error(path, 'unknown_field', named ? `${quote(path, 80)} is not a PMH field` : `${this.prefix === '' ? 'the record' : this.prefix} has a field that is not a PMH field (its name is not shown)`);
      }
    }
  }

  /** length ≤ max (too_long) — returns whether it fits. */
  maxLength(name: string, s: string, max: number): boolean {
    const n = codePoints(s);
    if (n <= max) return true;
    this.c.error(this.path(name), 'too_long', `${this.path(name)} must be at most ${max} characters, got ${n}`);
    return false;
  }

  /** Free text: length and forbidden characters. Returns whether it is valid. */
  text(name: string, s: string, max: number, multiline = false): boolean {
    const fits = this.maxLength(name, s, max);
    const forbidden = multiline ? FORBIDDEN_MULTILINE_TEXT : FORBIDDEN_TEXT;
    if (forbidden.test(s)) {
      this.c.error(
        this.path(name),
        'invalid_characters',
        `${this.path(name)} must not contain control characters or unpaired surrogates`,
      );
      return false;
    }
    return fits;
  }

  /** Identifier-like: length ≤ max and characters in `chars`. */
  identifier(name: string, s: string, max: number, chars: RegExp, what: string): boolean {
    const fits = this.maxLength(name, s, max);
    if (!chars.test(s)) {
      // The value is not echoed: a key or ID field can hold anything (a name, a 個人番号).
      const at = Array.from(s).findIndex((ch) => !chars.test(ch));
      this.c.error(this.path(name), 'invalid_format', `${this.path(name)} must be ${what}; character ${at + 1} is not`);
      return false;
    }
    return fits;
  }

  date(name: string, required: boolean): string | undefined {
    const s = this.string(name, required);
    if (s === undefined) return undefined;
    if (!isRealDate(s)) {
      this.c.error(
        this.path(name),
        'invalid_date',
        // The value is not echoed: a date of birth is personal.
        `${this.path(name)} must be a real calendar date YYYY-MM-DD (year ${MIN_YEAR}-9999)`,
      );
      return undefined;
    }
    return s;
  }
}

// ---------------------------------------------------------------------------
// Keys

/** Unambiguous key string (JSON array of the four key fields). */
export function keyString(k: RecordKey): string {
  return JSON.stringify([k.orgSpecificCertificateTypeId, k.myNumber, k.certificationSubKey, k.historyKey]);
}

function saneKeyField(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= RAW_KEY_FIELD_MAX && !hasUnstorableText(v);
}

/**
 * Key string for duplicate detection, computed from raw input when its key
 * fields are strings of sane length (1–256; certificationSubKey may be
 * absent or "" → ""), else null. Equals keyString(result.key) whenever
 * validateRecord returns a key.
 */
export function rawRecordKey(input: unknown): string | null {
  if (!isPlainObject(input)) return null;
  const org = own(input, 'orgSpecificCertificateTypeId');
  const myNumber = own(input, 'myNumber');
  const historyKey = own(input, 'historyKey');
  const sub = own(input, 'certificationSubKey');
  if (!saneKeyField(org) || !saneKeyField(myNumber) || !saneKeyField(historyKey)) return null;
  let subKey: string;
  if (sub === undefined || sub === '') subKey = '';
  else if (saneKeyField(sub)) subKey = sub;
  else return null;
  return keyString({ orgSpecificCertificateTypeId: org, myNumber, certificationSubKey: subKey, historyKey });
}

function isWellFormedId(v: unknown, chars: RegExp): v is string {
  return typeof v === 'string' && v.length >= 1 && codePoints(v) <= ID_MAX && chars.test(v);
}

function wellFormedKey(obj: Obj): RecordKey | undefined {
  const org = own(obj, 'orgSpecificCertificateTypeId');
  const myNumber = own(obj, 'myNumber');
  const historyKey = own(obj, 'historyKey');
  const sub = own(obj, 'certificationSubKey');
  if (!isWellFormedId(org, ALNUM)) return undefined;
  if (typeof myNumber !== 'string' || !TWELVE_DIGITS.test(myNumber)) return undefined;
  if (!isWellFormedId(historyKey, KEY_CHARS)) return undefined;
  let certificationSubKey = '';
  if (sub !== undefined && sub !== '') {
    if (!isWellFormedId(sub, KEY_CHARS)) return undefined;
    certificationSubKey = sub;
  }
  return { orgSpecificCertificateTypeId: org, myNumber, certificationSubKey, historyKey };
}

// ---------------------------------------------------------------------------
// Validation

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
    const chars = KANA.test(kana);
    if (!chars) {
      const badAt = Array.from(kana).findIndex((ch) => !KANA.test(ch));
      c.error(
        'basicFiveInfo.nameKana',
        'invalid_characters',
        `basicFiveInfo.nameKana must be full-width katakana (全角カナ, ー, ・, full-width space) only; character ${badAt + 1} is not`,
      );
    }
    if (fits && chars) out.nameKana = kana;
  }

  const address = r.string('address', required);
  if (address !== undefined && r.text('address', address, ADDRESS_MAX)) out.address = address;

  const dob = r.date('dateOfBirth', required);
  if (dob !== undefined) out.dateOfBirth = dob;

  const sex = r.string('sex', required);
  if (sex !== undefined) {
    if (sex === '1' || sex === '2' || sex === '3') out.sex = sex;
    else c.error('basicFiveInfo.sex', 'invalid_value', 'basicFiveInfo.sex must be "1", "2" or "3"');
  }

  r.unknownFields(BASIC_FIVE_INFO_FIELDS);
  return out;
}

function validateInsurerNumber(
  c: Collector,
  r: Reader,
  type: CertificateTypeRules | undefined,
  lenient: boolean,
): string | undefined {
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

function validateRecipientNumber(
  c: Collector,
  r: Reader,
  type: CertificateTypeRules | undefined,
  lenient: boolean,
): string | undefined {
  const field = 'medicalSubsidyRecipientNumber';
  const s = r.string(field, false);
  if (s === undefined) return undefined;
  if (!r.identifier(field, s, RECIPIENT_MAX, ALNUM, 'half-width alphanumerics (0-9, A-Z, a-z)')) return undefined;
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

function validateCode(
  c: Collector,
  r: Reader,
  field: 'segment' | 'incomeSegment',
  type: CertificateTypeRules | undefined,
): string | undefined {
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
      c.error(
        field,
        'invalid_format',
        `${field} entry ${i + 1} is not 項目コード-条件コード (half-width alphanumerics joined by "-", entries joined by ";")`,
      );
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
      c.error(
        field,
        'unknown_condition_code',
        `${field}: condition ${condition} is not defined for item ${item} of certificate type ${type.id}`,
      );
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
      c.error(
        r.path(name),
        'invalid_value',
        `${r.path(name)} must be a non-negative whole number of yen (safe integer), got ${String(v)}`,
      );
      continue;
    }
    out[name as keyof MaxCopaymentAmount] = v + 0; // -0 → 0
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
    else if (typeof rawValue !== 'string')
      c.error(`${path}.value`, 'wrong_type', `${path}.value must be a string, got ${jsonTypeOf(rawValue)}`);
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
      errors: [{ field, code: 'invalid_text', message: `${field === '' ? 'the record' : field} holds a NUL character or an unpaired surrogate, which cannot be stored` }],
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
  if (
    org !== undefined &&
    r.identifier('orgSpecificCertificateTypeId', org, ID_MAX, ALNUM, 'half-width alphanumerics (0-9, A-Z, a-z)')
  ) {
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
  if (
    subKey !== undefined &&
    !r.identifier('certificationSubKey', subKey, ID_MAX, KEY_CHARS, 'half-width alphanumerics, "-" or "_"')
  ) {
    subKey = undefined;
  }

  const segment = validateCode(c, r, 'segment', type);
  const incomeSegment = validateCode(c, r, 'incomeSegment', type);
  const additionalConditions = validateAdditionalConditions(c, r, type);
  const institutions = validateInstitutions(c, r, lenient);

  const reimbursementRaw = r.string('isAlwaysReimbursement', req);
  let isAlwaysReimbursement: '0' | '1' | undefined;
  if (reimbursementRaw === '0' || reimbursementRaw === '1') isAlwaysReimbursement = reimbursementRaw;
  else if (reimbursementRaw !== undefined) {
    c.error(
      'isAlwaysReimbursement',
      'invalid_value',
      'isAlwaysReimbursement must be the string "0" or "1"',
    );
  }

  const maxCopaymentAmount = validateMaxCopayment(c, input);

  const validFrom = r.date('validFrom', req);
  const validTo = r.date('validTo', req);
  if (validFrom !== undefined && validTo !== undefined && validTo < validFrom) {
    c.error('validTo', 'valid_to_before_valid_from', `validTo ${validTo} is before validFrom ${validFrom}`);
  }

  let historyKey = r.string('historyKey', true);
  if (
    historyKey !== undefined &&
    !r.identifier('historyKey', historyKey, ID_MAX, KEY_CHARS, 'half-width alphanumerics, "-" or "_"')
  ) {
    historyKey = undefined;
  }

  r.boolean('isDeleted', true);
  const certificationDetail = validateCertificationDetail(c, input, req);

  r.unknownFields(RECORD_FIELDS);

  const key = wellFormedKey(input);
  if (c.errors.length > 0 || key === undefined || org === undefined || myNumber === undefined || historyKey === undefined) {
    // key === undefined etc. cannot happen without an error; kept for the type checker.
    return key === undefined
      ? { ok: false, errors: c.errors, warnings: c.warnings }
      : { ok: false, errors: c.errors, warnings: c.warnings, key };
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
