/**
 * The PMH registration record (差分履歴情報登録, pmh.md §2) as one declarative table: the
 * validator's limits, the CSV columns and the documented OpenAPI schema (src/registrations/schemas.ts)
 * are derived from it. Rules and sandbox choices: docs/pmh-record.md.
 */

/**
 * - `always`: required in every record (also when isDeleted is true);
 * - `unless_deleted`: required unless isDeleted is true (then optional);
 * - `optional`: never required.
 * Sub-fields are required relative to their object (an absent optional object has none).
 */
export type Requirement = 'always' | 'unless_deleted' | 'optional';

/**
 * JSON type of a field: `date` is a YYYY-MM-DD string, `enum` a string among `values`,
 * `integer` a JSON number that is a non-negative safe integer.
 */
export type FieldType = 'string' | 'date' | 'enum' | 'boolean' | 'integer' | 'object' | 'array';

/**
 * How a top-level field is a CSV column: `text` verbatim, `boolean` "true"/"false", `json` JSON text,
 * `flatten` one `<field>.<sub-field>` text column per sub-field.
 */
export type CsvColumnKind = 'text' | 'boolean' | 'json' | 'flatten';

export interface PmhField {
  /** Name within its object. */
  readonly name: string;
  /** Dotted JSON path; `[]` stands for any item of an array: `certificationDetail[].label`. */
  readonly path: string;
  readonly type: FieldType;
  readonly required: Requirement;
  /** Strings: most Unicode code points. */
  readonly maxLength?: number;
  /** Arrays, and `;`-separated lists in a string: most entries. */
  readonly maxItems?: number;
  /** Strings: the whole value must match (and each character, for character classes). */
  readonly pattern?: RegExp;
  /** `pattern` in words, for messages. */
  readonly patternText?: string;
  /** `enum`: the allowed strings. */
  readonly values?: readonly string[];
  /** Holds personal data (個人番号, 基本5情報): never quoted in a message. */
  readonly personal: boolean;
  /** Top-level fields: how the field is a CSV column. */
  readonly csv?: CsvColumnKind;
  /** `object`: its sub-fields; `array`: the sub-fields of each item (an object). */
  readonly fields?: readonly PmhField[];
  /** For the OpenAPI document. */
  readonly description?: string;
}

/** basicFiveInfo.sex: "1" male, "2" female, "3" unset. */
export const SEX_VALUES = ['1', '2', '3'] as const;
/** isAlwaysReimbursement (常に償還払い), a string. */
export const REIMBURSEMENT_VALUES = ['0', '1'] as const;

const ALNUM = /^[0-9A-Za-z]+$/;
const ALNUM_TEXT = 'half-width alphanumerics (0-9, A-Z, a-z)';
const KEY_CHARS = /^[0-9A-Za-z_-]+$/;
const KEY_CHARS_TEXT = 'half-width alphanumerics, "-" or "_"';

const BASIC_FIVE_INFO_TABLE = [
  { name: 'name', path: 'basicFiveInfo.name', type: 'string', required: 'unless_deleted', maxLength: 100, personal: true },
  {
    name: 'nameKana',
    path: 'basicFiveInfo.nameKana',
    type: 'string',
    required: 'unless_deleted',
    maxLength: 100,
    pattern: /^[\u30A0-\u30FF\u3000]+$/u,
    patternText: 'full-width katakana (全角カナ, ー, ・, full-width space) only',
    personal: true,
    description: '全角カナ',
  },
  { name: 'address', path: 'basicFiveInfo.address', type: 'string', required: 'unless_deleted', maxLength: 200, personal: true },
  { name: 'dateOfBirth', path: 'basicFiveInfo.dateOfBirth', type: 'date', required: 'unless_deleted', personal: true, description: 'YYYY-MM-DD' },
  {
    name: 'sex',
    path: 'basicFiveInfo.sex',
    type: 'enum',
    required: 'unless_deleted',
    values: SEX_VALUES,
    personal: true,
    description: '1 male, 2 female, 3 unset',
  },
] as const satisfies readonly PmhField[];

const MAX_COPAYMENT_TABLE = [
  { name: 'monthly', path: 'maxCopaymentAmount.monthly', type: 'integer', required: 'optional', personal: false },
  { name: 'daily', path: 'maxCopaymentAmount.daily', type: 'integer', required: 'optional', personal: false },
  { name: 'perVisit', path: 'maxCopaymentAmount.perVisit', type: 'integer', required: 'optional', personal: false },
  {
    name: 'inpatientOutpatientCombined',
    path: 'maxCopaymentAmount.inpatientOutpatientCombined',
    type: 'integer',
    required: 'optional',
    personal: false,
  },
] as const satisfies readonly PmhField[];

const CERTIFICATION_DETAIL_ITEM_TABLE = [
  { name: 'label', path: 'certificationDetail[].label', type: 'string', required: 'always', maxLength: 100, personal: false },
  // value may be "" (label may not); TAB, LF and CR are allowed in it.
  { name: 'value', path: 'certificationDetail[].value', type: 'string', required: 'always', maxLength: 500, personal: false },
] as const satisfies readonly PmhField[];

/** The top-level fields in §2 order, with their sub-fields. */
export const PMH_RECORD_TABLE = [
  {
    name: 'orgSpecificCertificateTypeId',
    path: 'orgSpecificCertificateTypeId',
    type: 'string',
    required: 'always',
    maxLength: 50,
    pattern: ALNUM,
    patternText: ALNUM_TEXT,
    personal: false,
    csv: 'text',
    description: '機関別受給者証種別ID: 1–50 半角英数, a certificate type of this municipality',
  },
  {
    name: 'myNumber',
    path: 'myNumber',
    type: 'string',
    required: 'always',
    pattern: /^[0-9]{12}$/,
    patternText: '12 half-width digits',
    personal: true,
    csv: 'text',
    description: '個人番号: 12 半角数字 with a valid check digit',
  },
  {
    name: 'basicFiveInfo',
    path: 'basicFiveInfo',
    type: 'object',
    required: 'unless_deleted',
    personal: true,
    csv: 'flatten',
    fields: BASIC_FIVE_INFO_TABLE,
  },
  {
    name: 'isNotDisclosed',
    path: 'isNotDisclosed',
    type: 'boolean',
    required: 'unless_deleted',
    personal: false,
    csv: 'boolean',
    description: '不開示: withhold from clinics',
  },
  {
    name: 'medicalSubsidyInsurerNumber',
    path: 'medicalSubsidyInsurerNumber',
    type: 'string',
    required: 'optional',
    personal: false,
    csv: 'text',
    description: '公費負担者番号: 8 半角数字, allowed by the certificate type',
  },
  {
    name: 'certificationName',
    path: 'certificationName',
    type: 'string',
    required: 'unless_deleted',
    maxLength: 100,
    personal: false,
    csv: 'text',
    description: '受給者証名',
  },
  {
    name: 'medicalSubsidyRecipientNumber',
    path: 'medicalSubsidyRecipientNumber',
    type: 'string',
    required: 'optional',
    maxLength: 30,
    pattern: ALNUM,
    patternText: ALNUM_TEXT,
    personal: false,
    csv: 'text',
    description: '公費受給者番号 (national: 7 digits with check digit)',
  },
  {
    name: 'certificationSubKey',
    path: 'certificationSubKey',
    type: 'string',
    required: 'optional',
    maxLength: 50,
    pattern: KEY_CHARS,
    patternText: KEY_CHARS_TEXT,
    personal: false,
    csv: 'text',
  },
  { name: 'segment', path: 'segment', type: 'string', required: 'optional', personal: false, csv: 'text' },
  { name: 'incomeSegment', path: 'incomeSegment', type: 'string', required: 'optional', personal: false, csv: 'text' },
  {
    name: 'additionalConditions',
    path: 'additionalConditions',
    type: 'string',
    required: 'optional',
    personal: false,
    csv: 'text',
    description: 'item-condition pairs joined by ;',
  },
  {
    name: 'designatedMedicalInstitutions',
    path: 'designatedMedicalInstitutions',
    type: 'string',
    required: 'optional',
    maxItems: 100,
    personal: false,
    csv: 'text',
    description: ';-separated 10-digit 医療機関コード',
  },
  {
    name: 'isAlwaysReimbursement',
    path: 'isAlwaysReimbursement',
    type: 'enum',
    required: 'unless_deleted',
    values: REIMBURSEMENT_VALUES,
    personal: false,
    csv: 'text',
    description: '常に償還払い — a string',
  },
  {
    name: 'maxCopaymentAmount',
    path: 'maxCopaymentAmount',
    type: 'object',
    required: 'optional',
    personal: false,
    csv: 'json',
    fields: MAX_COPAYMENT_TABLE,
  },
  {
    name: 'validFrom',
    path: 'validFrom',
    type: 'date',
    required: 'unless_deleted',
    personal: false,
    csv: 'text',
    description: 'YYYY-MM-DD, inclusive',
  },
  {
    name: 'validTo',
    path: 'validTo',
    type: 'date',
    required: 'unless_deleted',
    personal: false,
    csv: 'text',
    description: 'YYYY-MM-DD, inclusive',
  },
  {
    name: 'historyKey',
    path: 'historyKey',
    type: 'string',
    required: 'always',
    maxLength: 50,
    pattern: KEY_CHARS,
    patternText: KEY_CHARS_TEXT,
    personal: false,
    csv: 'text',
    description: '履歴キー',
  },
  {
    name: 'isDeleted',
    path: 'isDeleted',
    type: 'boolean',
    required: 'always',
    personal: false,
    csv: 'boolean',
    description: 'true removes the history row with this key',
  },
  {
    name: 'certificationDetail',
    path: 'certificationDetail',
    type: 'array',
    required: 'unless_deleted',
    maxItems: 100,
    personal: false,
    csv: 'json',
    fields: CERTIFICATION_DETAIL_ITEM_TABLE,
  },
] as const satisfies readonly PmhField[];

type NamesOf<T extends readonly PmhField[]> = T[number]['name'];
export type RecordFieldName = NamesOf<typeof PMH_RECORD_TABLE>;
export type BasicFiveInfoFieldName = NamesOf<typeof BASIC_FIVE_INFO_TABLE>;
export type MaxCopaymentFieldName = NamesOf<typeof MAX_COPAYMENT_TABLE>;
export type CertificationDetailItemFieldName = NamesOf<typeof CERTIFICATION_DETAIL_ITEM_TABLE>;

function names<T extends readonly PmhField[]>(table: T, keep: (f: PmhField) => boolean = () => true): readonly NamesOf<T>[] {
  return Object.freeze(table.filter(keep).map((f) => f.name as NamesOf<T>));
}

/** Top-level PMH field names in §2 order. */
export const RECORD_FIELDS: readonly string[] = names(PMH_RECORD_TABLE);
/** Required fields when isDeleted is not true. */
export const REQUIRED_RECORD_FIELDS: readonly string[] = names(PMH_RECORD_TABLE, (f) => f.required !== 'optional');
/** Required fields when isDeleted is true. */
export const DELETION_REQUIRED_FIELDS: readonly string[] = names(PMH_RECORD_TABLE, (f) => f.required === 'always');
export const BASIC_FIVE_INFO_FIELDS: readonly BasicFiveInfoFieldName[] = names(BASIC_FIVE_INFO_TABLE);
export const MAX_COPAYMENT_FIELDS: readonly MaxCopaymentFieldName[] = names(MAX_COPAYMENT_TABLE);
export const CERTIFICATION_DETAIL_ITEM_FIELDS: readonly CertificationDetailItemFieldName[] = names(CERTIFICATION_DETAIL_ITEM_TABLE);

/** Every field of the table, sub-fields included, by path. */
export const PMH_FIELDS_BY_PATH: ReadonlyMap<string, PmhField> = (() => {
  const byPath = new Map<string, PmhField>();
  const add = (fields: readonly PmhField[]): void => {
    for (const f of fields) {
      byPath.set(f.path, f);
      if (f.fields !== undefined) add(f.fields);
    }
  };
  add(PMH_RECORD_TABLE);
  return byPath;
})();

/** The field at `path`; throws for a path not in the table (a programming error, found at load). */
export function pmhField(path: string): PmhField {
  const f = PMH_FIELDS_BY_PATH.get(path);
  if (f === undefined) throw new Error(`no PMH field ${path}`);
  return f;
}

function defined<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`PMH field table: ${what} is not set`);
  return v;
}

/** The field's maxLength; throws when the table gives none. */
export function maxLengthOf(path: string): number {
  return defined(pmhField(path).maxLength, `maxLength of ${path}`);
}

/** The field's maxItems; throws when the table gives none. */
export function maxItemsOf(path: string): number {
  return defined(pmhField(path).maxItems, `maxItems of ${path}`);
}

/** The field's pattern and its wording; throws when the table gives none. */
export function patternOf(path: string): { pattern: RegExp; text: string } {
  const f = pmhField(path);
  return { pattern: defined(f.pattern, `pattern of ${path}`), text: defined(f.patternText, `patternText of ${path}`) };
}
