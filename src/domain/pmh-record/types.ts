// Types of the PMH record and of its validation; the fields themselves are in ./fields.ts.
import type { CertificationDetailItemFieldName, MaxCopaymentFieldName, REIMBURSEMENT_VALUES, SEX_VALUES } from './fields.js';

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

/** basicFiveInfo.sex: "1" male, "2" female, "3" unset. */
export type Sex = (typeof SEX_VALUES)[number];
/** isAlwaysReimbursement (常に償還払い): "0" or "1". */
export type Reimbursement = (typeof REIMBURSEMENT_VALUES)[number];

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
export type MaxCopaymentAmount = { [K in MaxCopaymentFieldName]?: number };

/** One 受給者証券面項目: { label, value }. */
export type CertificationDetailItem = { [K in CertificationDetailItemFieldName]: string };

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
  isAlwaysReimbursement: Reimbursement;
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
  isAlwaysReimbursement?: Reimbursement;
  validFrom?: string;
  validTo?: string;
  isDeleted: true;
  certificationDetail?: CertificationDetailItem[];
}

export type PmhRecord = PmhActiveRecord | PmhDeletionRecord;

/** The fields of a stored record that answers show (read back from jsonb: any may be absent). */
export type StoredRecordFields = Partial<
  Pick<
    PmhActiveRecord,
    | 'certificationName'
    | 'segment'
    | 'incomeSegment'
    | 'additionalConditions'
    | 'designatedMedicalInstitutions'
    | 'maxCopaymentAmount'
    | 'isAlwaysReimbursement'
    | 'certificationDetail'
  >
>;

export type RecordValidation =
  | { ok: true; record: PmhRecord; key: RecordKey; isDeleted: boolean; warnings: RecordIssue[] }
  | { ok: false; errors: RecordIssue[]; warnings: RecordIssue[]; key?: RecordKey };

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
