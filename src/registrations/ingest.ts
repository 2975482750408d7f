import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CsvError, parse as parseCsv } from 'csv-parse';
import { checkCsvHeader, csvRowToRecord } from '../domain/registration-csv.js';
import { rawRecordKey } from '../domain/registration-record.js';
import { ProblemError } from '../http/problem.js';
import { unreadableRecord, type RecordPreparer, type StagedRecord } from './prepare.js';

export interface UploadLimits {
  /** Largest streamed upload, in bytes. */
  maxBytes: number;
  /** Most records in one upload. */
  maxRecords: number;
  /** Largest single NDJSON line, in bytes. */
  maxRecordBytes: number;
}

export interface Upload {
  records: AsyncIterable<StagedRecord>;
  /** sha256 of the body bytes; complete once `records` is exhausted. */
  sha256(): string;
}

const fatalUtf8 = () => new TextDecoder('utf-8', { fatal: true });

function tooLarge(limits: UploadLimits): ProblemError {
  return new ProblemError(413, 'upload_too_large', 'The upload is larger than the configured limit', `Uploads are limited to ${limits.maxBytes} bytes (UPLOAD_LIMIT_BYTES)`);
}

function tooManyRecords(limits: UploadLimits): ProblemError {
  return new ProblemError(413, 'too_many_records', 'The upload has more records than the configured limit', `At most ${limits.maxRecords} records per task`);
}

/** Counts and hashes the body as it streams, refusing it once it passes the byte limit. */
async function* metered(stream: Readable, hash: Hash, limits: UploadLimits): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > limits.maxBytes) throw tooLarge(limits);
    hash.update(chunk);
    yield chunk;
  }
}

/** A JSON array body (already parsed and size-limited by the HTTP layer). */
export function jsonArrayUpload(body: unknown[], bodyBytes: Buffer, limits: UploadLimits, prepare: RecordPreparer): Upload {
  if (body.length > limits.maxRecords) throw tooManyRecords(limits);
  const sha = createHash('sha256').update(bodyBytes).digest('hex');
  return {
    records: (async function* () {
      for (const value of body) yield prepare(value);
    })(),
    sha256: () => sha,
  };
}

const tooLargeRecord = (limits: UploadLimits) =>
  unreadableRecord([{ field: '', code: 'record_too_large', message: `A record may have at most ${limits.maxRecordBytes} bytes` }]);

function lineRecord(line: Buffer, limits: UploadLimits, prepare: RecordPreparer): StagedRecord {
  if (line.length > limits.maxRecordBytes) return tooLargeRecord(limits);
  let text: string;
  try {
    text = fatalUtf8().decode(line);
  } catch {
    return unreadableRecord([{ field: '', code: 'invalid_utf8', message: 'The line is not valid UTF-8' }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return unreadableRecord([{ field: '', code: 'malformed_json', message: `The line is not valid JSON: ${(err as Error).message}` }]);
  }
  return prepare(value);
}

const isBlank = (b: Buffer) => b.every((c) => c === 0x20 || c === 0x09 || c === 0x0d);

/**
 * NDJSON, streamed: one record per non-blank line (index = position among non-blank lines).
 * A line that is not JSON is a per-record error; memory is bounded by maxRecordBytes.
 */
export function ndjsonUpload(stream: Readable, limits: UploadLimits, prepare: RecordPreparer): Upload {
  const hash = createHash('sha256');
  let digest: string | undefined;
  return {
    records: (async function* () {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let overflow = false;
      let count = 0;
      const emit = function* (line: Buffer): Generator<StagedRecord> {
        if (overflow) {
          overflow = false;
          if (++count > limits.maxRecords) throw tooManyRecords(limits);
          yield tooLargeRecord(limits);
          return;
        }
        if (line.length === 0 || isBlank(line)) return;
        if (++count > limits.maxRecords) throw tooManyRecords(limits);
        yield lineRecord(line, limits, prepare);
      };
      for await (const chunk of metered(stream, hash, limits)) {
        let start = 0;
        let nl: number;
        while ((nl = chunk.indexOf(10, start)) !== -1) {
          const piece = chunk.subarray(start, nl);
          const line = pending.length ? Buffer.concat([...pending, piece]) : piece;
          pending = [];
          pendingBytes = 0;
          yield* emit(line);
          start = nl + 1;
        }
        if (start < chunk.length && !overflow) {
          pending.push(chunk.subarray(start));
          pendingBytes += chunk.length - start;
          // A line longer than allowed is dropped as it streams, not buffered.
          if (pendingBytes > limits.maxRecordBytes) {
            overflow = true;
            pending = [];
            pendingBytes = 0;
          }
        }
      }
      if (pending.length || overflow) yield* emit(Buffer.concat(pending));
      digest = hash.digest('hex');
    })(),
    sha256: () => digest ?? '',
  };
}

/**
 * CSV, streamed: a header row of PMH field names, then one record per row.
 * Invalid UTF-8 or a bad header refuses the whole upload (400).
 */
export function csvUpload(stream: Readable, limits: UploadLimits, prepare: RecordPreparer): Upload {
  const hash = createHash('sha256');
  let digest: string | undefined;
  return {
    records: (async function* () {
      const parser = parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: limits.maxRecordBytes });
      const decoder = fatalUtf8();
      let line = 0;
      // Resolves when the parser can take more, or is gone (it failed, or the reader below stopped).
      const writable = () =>
        new Promise<void>((resolve) => {
          const done = () => {
            parser.off('drain', done);
            parser.off('close', done);
            resolve();
          };
          parser.once('drain', done);
          parser.once('close', done);
        });
      const feed = (async () => {
        try {
          for await (const chunk of metered(stream, hash, limits)) {
            if (parser.destroyed) return;
            let text: string;
            try {
              text = decoder.decode(chunk, { stream: true });
            } catch {
              throw new ProblemError(400, 'invalid_utf8', 'The CSV is not valid UTF-8');
            }
            if (!parser.write(text)) await writable();
          }
          if (!parser.destroyed) parser.end();
        } catch (err) {
          parser.destroy(err as Error);
        }
      })();
      let header: string[] | undefined;
      let count = 0;
      try {
        for await (const row of parser as AsyncIterable<string[]>) {
          line++;
          if (!header) {
            header = row.map((h) => h.trim());
            const check = checkCsvHeader(header);
            if (!check.ok) {
              const errors = [
                ...check.missing.map((c) => ({ field: c, code: 'missing_column', message: `The header has no column ${c}` })),
                ...check.unknown.map((c) => ({ field: c, code: 'unknown_column', message: `${c} is not a PMH field` })),
                ...check.duplicate.map((c) => ({ field: c, code: 'duplicate_column', message: `Column ${c} appears more than once` })),
              ];
              throw new ProblemError(400, 'invalid_csv_header', 'The CSV header is not a valid list of PMH field names', undefined, errors);
            }
            continue;
          }
          if (++count > limits.maxRecords) throw tooManyRecords(limits);
          const { record, errors } = csvRowToRecord(header, row);
          // A cell that cannot be converted (e.g. certificationDetail that is not JSON) rejects the row with that error alone.
          yield errors.length > 0 ? unreadableRecord(errors, rawRecordKey(record)) : prepare(record);
        }
      } catch (err) {
        if (err instanceof ProblemError) throw err;
        if (err instanceof CsvError) {
          throw new ProblemError(400, 'malformed_csv', 'The CSV cannot be parsed', `Line ${line + 1}: ${(err as Error).message}`);
        }
        throw err;
      } finally {
        // The reader stopped (done, a bad header, a parse error): stop the feed too, or it waits forever for 'drain'.
        if (!parser.destroyed) parser.destroy();
        await feed;
      }
      if (!header) throw new ProblemError(400, 'empty_body', 'The upload has no header row');
      try {
        decoder.decode();
      } catch {
        throw new ProblemError(400, 'invalid_utf8', 'The CSV is not valid UTF-8');
      }
      digest = hash.digest('hex');
    })(),
    sha256: () => digest ?? '',
  };
}
