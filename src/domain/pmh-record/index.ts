// The PMH registration record: its field table, types, keys and validator. Rules: docs/pmh-record.md.
export {
  BASIC_FIVE_INFO_FIELDS,
  CERTIFICATION_DETAIL_ITEM_FIELDS,
  DELETION_REQUIRED_FIELDS,
  MAX_COPAYMENT_FIELDS,
  PMH_FIELDS_BY_PATH,
  PMH_RECORD_TABLE,
  RECORD_FIELDS,
  REIMBURSEMENT_VALUES,
  REQUIRED_RECORD_FIELDS,
  SEX_VALUES,
  pmhField,
  type BasicFiveInfoFieldName,
  type CsvColumnKind,
  type FieldType,
  type PmhField,
  type RecordFieldName,
  type Requirement,
} from './fields.js';
export * from './types.js';
export { keyString, rawRecordKey } from './key.js';
export { validateRecord } from './validate.js';
