/**
 * Worker thread of the upload pipeline (src/registrations/prepare-pool.ts): validates a batch of
 * NDJSON lines and answers with their staging COPY text, already encoded. Pure CPU work, no I/O.
 */
import { parentPort } from 'node:worker_threads';
import { Utf8Lines } from '../db/copy-text.js';
import type { CertificateTypeRules } from '../domain/pmh-record/index.js';
import { lineRecord, prepareRecord, stagedLine, tooLargeRecord } from './prepare.js';

export interface PrepareBatch {
  id: number;
  taskId: string;
  /** Index of the batch's first record in the upload. */
  firstIndex: number;
  /** The lines, one after the other. */
  bytes: Uint8Array;
  /** Byte length of each line; -1 for a line that was too long (its bytes were not kept). */
  lengths: Int32Array;
  maxRecordBytes: number;
  rules: Map<string, CertificateTypeRules>;
}

export type PrepareAnswer = { id: number; ok: true; copy: Uint8Array } | { id: number; ok: false; message: string };

const out = new Utf8Lines();

export function prepareBatch(b: PrepareBatch): Uint8Array {
  const prepare = (value: unknown) => prepareRecord(value, b.rules);
  let offset = 0;
  for (let k = 0; k < b.lengths.length; k++) {
    const length = b.lengths[k]!;
    const record = length < 0 ? tooLargeRecord(b.maxRecordBytes) : lineRecord(b.bytes.subarray(offset, offset + length), b.maxRecordBytes, prepare);
    if (length > 0) offset += length;
    out.add(stagedLine(b.taskId, b.firstIndex + k, record));
  }
  return out.take();
}

parentPort?.on('message', (b: PrepareBatch) => {
  let answer: PrepareAnswer;
  try {
    answer = { id: b.id, ok: true, copy: prepareBatch(b) };
  } catch (err) {
    answer = { id: b.id, ok: false, message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  parentPort!.postMessage(answer, answer.ok ? [answer.copy.buffer as ArrayBuffer] : []);
});
