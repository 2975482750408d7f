// Record keys: the four fields that identify a history row, for duplicate detection and storage.
import { hasUnstorableText } from '../personal-text.js';
import { maxLengthOf, patternOf } from './fields.js';
import { codePoints, isPlainObject, own, type Obj } from './reader.js';
import type { RecordKey } from './types.js';

/** rawRecordKey: longest key field considered "sane" (code units). */
const RAW_KEY_FIELD_MAX = 256;

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

/** A key field as the validator accepts it: its pattern and length limit. */
function keyFieldCheck(path: string): (v: unknown) => v is string {
  const max = maxLengthOf(path);
  const { pattern } = patternOf(path);
  return (v): v is string => typeof v === 'string' && v.length >= 1 && codePoints(v) <= max && pattern.test(v);
}
const isWellFormedTypeId = keyFieldCheck('orgSpecificCertificateTypeId');
const isWellFormedHistoryKey = keyFieldCheck('historyKey');
const isWellFormedSubKey = keyFieldCheck('certificationSubKey');
const MY_NUMBER_SHAPE = patternOf('myNumber').pattern;

/** The record's key when its four key fields are well-formed (type existence and check digit aside). */
export function wellFormedKey(obj: Obj): RecordKey | undefined {
  const org = own(obj, 'orgSpecificCertificateTypeId');
  const myNumber = own(obj, 'myNumber');
  const historyKey = own(obj, 'historyKey');
  const sub = own(obj, 'certificationSubKey');
  if (!isWellFormedTypeId(org)) return undefined;
  if (typeof myNumber !== 'string' || !MY_NUMBER_SHAPE.test(myNumber)) return undefined;
  if (!isWellFormedHistoryKey(historyKey)) return undefined;
  let certificationSubKey = '';
  if (sub !== undefined && sub !== '') {
    if (!isWellFormedSubKey(sub)) return undefined;
    certificationSubKey = sub;
  }
  return { orgSpecificCertificateTypeId: org, myNumber, certificationSubKey, historyKey };
}
