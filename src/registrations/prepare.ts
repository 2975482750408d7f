import { isUtf8 } from 'node:buffer';
import { copyField } from '../db/copy-text.js';
import { jsonSyntaxMessage } from '../domain/personal-text.js';
import { rawRecordKey, validateRecord, type CertificateTypeRules, type PmhRecord, type RecordIssue } from '../domain/pmh-record/index.js';

/** The row a valid, not deleted record will be written as (recipient_certificate columns). */
export interface RowWrite {
  validFrom: string;
  validTo: string;
  isNotDisclosed: boolean;
  insurerNumber: string | null;
  recipientNumber: string | null;
  /** The validated record as JSON text (stored as jsonb, which keeps no key order). */
  record: string;
}

/**
 * One record of an upload, validated as it was received: what applying it needs, without the
 * record being parsed or validated again. Only what depends on stored rows — created, updated
 * or unchanged; whether a row to delete exists — and duplicate keys are decided when it is applied.
 */
export interface StagedRecord {
  /** Duplicate-detection key (rawRecordKey), when the key fields are readable. */
  key: string | null;
  action: 'upsert' | 'delete' | 'rejected';
  historyKey: string | null;
  /** Key fields, whenever validation could read them (a rejected record's too: replace mode keeps its row). */
  certificateTypeId: string | null;
  myNumber: string | null;
  certificationSubKey: string | null;
  /** The row to write (upsert only). */
  write: RowWrite | null;
  errors: RecordIssue[] | null;
  warnings: RecordIssue[] | null;
}

/** A record that could not be read at all (not JSON, too large, not UTF-8, a bad CSV cell). */
export function unreadableRecord(errors: RecordIssue[], key: string | null = null): StagedRecord {
  return { key, action: 'rejected', historyKey: null, certificateTypeId: null, myNumber: null, certificationSubKey: null, write: null, errors, warnings: null };
}

/** Validates one parsed record against the municipality's certificate types. */
export function prepareRecord(value: unknown, rules: ReadonlyMap<string, CertificateTypeRules>): StagedRecord {
  const key = rawRecordKey(value);
  const v = validateRecord(value, rules);
  const k = v.key;
  const base = {
    key,
    historyKey: k?.historyKey ?? null,
    certificateTypeId: k?.orgSpecificCertificateTypeId ?? null,
    myNumber: k?.myNumber ?? null,
    certificationSubKey: k?.certificationSubKey ?? null,
    warnings: v.warnings.length > 0 ? v.warnings : null,
  };
  if (!v.ok) return { ...base, action: 'rejected', write: null, errors: v.errors };
  if (v.isDeleted) return { ...base, action: 'delete', write: null, errors: null };
  const r = v.record as Extract<PmhRecord, { isDeleted: false }>;
  return {
    ...base,
    action: 'upsert',
    errors: null,
    write: {
      validFrom: r.validFrom,
      validTo: r.validTo,
      isNotDisclosed: r.isNotDisclosed,
      insurerNumber: r.medicalSubsidyInsurerNumber ?? null,
      recipientNumber: r.medicalSubsidyRecipientNumber ?? null,
      // Any key order: PostgreSQL stores it as jsonb, whose equality decides unchanged (see existingRowsOfStaged).
      record: JSON.stringify(r),
    },
  };
}

/** Prepares each record of an upload; bound to the certificate types read when the upload began. */
export type RecordPreparer = (value: unknown) => StagedRecord;

/** A record longer than the limit (its bytes are not kept). */
export const tooLargeRecord = (maxRecordBytes: number) =>
  unreadableRecord([{ field: '', code: 'record_too_large', message: `A record may have at most ${maxRecordBytes} bytes` }]);

/** One NDJSON line (not blank): a record, or why it cannot be read. */
export function lineRecord(line: Uint8Array, maxRecordBytes: number, prepare: RecordPreparer): StagedRecord {
  if (line.length > maxRecordBytes) return tooLargeRecord(maxRecordBytes);
  if (!isUtf8(line)) return unreadableRecord([{ field: '', code: 'invalid_utf8', message: 'The line is not valid UTF-8' }]);
  let value: unknown;
  const text = Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('utf8');
  try {
    value = JSON.parse(text);
  } catch (err) {
    // The kind and position of the error, never the text around it (it may be a name or a 個人番号).
    return unreadableRecord([{ field: '', code: 'malformed_json', message: `The line is not valid JSON: ${jsonSyntaxMessage(err, text)}` }]);
  }
  return prepare(value);
}

/** The COPY text line of a staged record (registration_task_input, in the column order of stageRecords). */
export function stagedLine(taskId: string, index: number, r: StagedRecord): string {
  const w = r.write;
  return (
    `${taskId}\t${index}\t${copyField(r.key)}\t${r.action}\t${copyField(r.historyKey)}\t${copyField(r.certificateTypeId)}\t` +
    `${copyField(r.myNumber)}\t${copyField(r.certificationSubKey)}\t` +
    (w
      ? `${w.validFrom}\t${w.validTo}\t${w.isNotDisclosed ? 't' : 'f'}\t${copyField(w.insurerNumber)}\t${copyField(w.recipientNumber)}\t` +
        `${copyField(w.record)}\t`
      : '\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t') +
    `${r.errors ? copyField(JSON.stringify(r.errors)) : '\\N'}\t${r.warnings ? copyField(JSON.stringify(r.warnings)) : '\\N'}\n`
  );
}
