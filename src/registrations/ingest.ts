import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CsvError, parse as parseCsv } from 'csv-parse';
import iconv from 'iconv-lite';
import { checkCsvHeader, columnField, columnLabel, csvRowToRecord } from '../domain/registration-csv.js';
import { maskPersonalText } from '../domain/personal-text.js';
import { problem, ProblemError } from '../http/problem.js';
import { rawRecordKey } from '../domain/pmh-record/index.js';
import type { CertificateTypeRules } from '../domain/pmh-record/index.js';
import { prepareInPool, type PreparePool } from './prepare-pool.js';
import { lineRecord, prepareRecord, stagedLine, tooLargeRecord, unreadableRecord, type StagedRecord } from './prepare.js';

export interface UploadLimits {
  /** Largest streamed upload, in bytes. */
  maxBytes: number;
  /** Most records in one upload. */
  maxRecords: number;
  /** Largest single NDJSON line, in bytes. */
  maxRecordBytes: number;
  /** A streamed body that sends nothing for this long is refused (408); 0: no limit. */
  idleTimeoutMs?: number;
}

/** How an upload's records are validated: against these certificate types, in worker threads when there is a pool. */
export interface UploadValidation {
  rules: Map<string, CertificateTypeRules>;
  pool?: PreparePool;
}

export interface Upload {
  /**
   * The validated records as staging COPY text (stagedLine): lines, batches of lines, or blocks of lines
   * already encoded; `count()` and `sha256()` are final once it is exhausted.
   */
  copy(taskId: string): AsyncIterable<string | readonly string[] | Uint8Array>;
  count(): number;
  /** sha256 of the body bytes. */
  sha256(): string;
}

const fatalUtf8 = () => new TextDecoder('utf-8', { fatal: true });

/**
 * `charset` labels of a CSV upload read as Shift_JIS (besides UTF-8, or no label): Shift_JIS as Windows and Excel
 * write it, CP932, with the NEC and IBM extensions (①, 髙, 﨑). Lower-case, as the request guard compares them.
 */
export const CSV_SHIFT_JIS_CHARSETS = ['shift_jis', 'windows-31j', 'cp932'] as const;

/** How a CSV upload's bytes are read. */
export type CsvEncoding = 'utf-8' | 'shift_jis';

/** A streaming decoder that refuses bytes that are not text in its encoding. */
interface TextDecoding {
  write(chunk: Buffer): string;
  end(): string;
}

function utf8Decoding(): TextDecoding {
  const decoder = fatalUtf8();
  const fail = () => problem('invalid_utf8', { detail: 'The CSV is not valid UTF-8 (a Shift_JIS file? send it as text/csv; charset=Shift_JIS)' });
  return {
    write(chunk) {
      try {
        return decoder.decode(chunk, { stream: true });
      } catch {
        throw fail();
      }
    },
    end() {
      try {
        return decoder.decode();
      } catch {
        throw fail();
      }
    },
  };
}

/**
 * Shift_JIS (CP932), decoded as it streams (iconv-lite). iconv-lite replaces what is not Shift_JIS with U+FFFD, which
 * Shift_JIS cannot encode: one refuses the upload. So does a body that is valid UTF-8 and not ASCII — a UTF-8 file
 * labelled Shift_JIS, which would decode to plausible kanji: Shift_JIS kana and kanji are practically never valid UTF-8
 * (most of their lead bytes are UTF-8 continuation bytes), and the UTF-8 check stops at the first invalid sequence.
 */
function shiftJisDecoding(): TextDecoding {
  const decoder = iconv.getDecoder('cp932');
  const utf8 = fatalUtf8();
  let maybeUtf8 = true;
  let nonAscii = false;
  const utf8Instead = () =>
    problem('invalid_shift_jis', { detail: 'The CSV is UTF-8, not Shift_JIS: send it as text/csv; charset=utf-8 (or with no charset)' });
  const checked = (text: string) => {
    if (text.includes('\uFFFD')) {
      throw maybeUtf8 && nonAscii ? utf8Instead() : problem('invalid_shift_jis', { detail: 'The CSV holds bytes that are not Shift_JIS (windows-31j)' });
    }
    return text;
  };
  return {
    write(chunk) {
      if (maybeUtf8) {
        if (!nonAscii) nonAscii = chunk.some((b) => b >= 0x80);
        try {
          utf8.decode(chunk, { stream: true });
        } catch {
          maybeUtf8 = false;
        }
      }
      return checked(decoder.write(chunk));
    },
    end() {
      const rest = checked(decoder.end() ?? '');
      if (maybeUtf8 && nonAscii) {
        try {
          utf8.decode();
        } catch {
          return rest;
        }
        throw utf8Instead();
      }
      return rest;
    },
  };
}

/** An upload whose records are prepared one by one in this thread. */
function recordsUpload(records: AsyncIterable<StagedRecord>, sha256: () => string): Upload {
  let count = 0;
  return {
    async *copy(taskId) {
      for await (const r of records) yield stagedLine(taskId, count++, r);
    },
    count: () => count,
    sha256,
  };
}

function tooLarge(limits: UploadLimits): ProblemError {
  return problem('upload_too_large', { detail: `Uploads are limited to ${limits.maxBytes} bytes (UPLOAD_LIMIT_BYTES)` });
}

function tooManyRecords(limits: UploadLimits): ProblemError {
  return problem('too_many_records', { detail: `At most ${limits.maxRecords} records per task` });
}

/** Counts and hashes the body as it streams, refusing it once it passes the byte limit. */
async function* metered(stream: Readable, hash: Hash, limits: UploadLimits): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of idleGuarded(stream, limits.idleTimeoutMs ?? 0)) {
    bytes += chunk.length;
    if (bytes > limits.maxBytes) throw tooLarge(limits);
    hash.update(chunk);
    yield chunk;
  }
}

export function idleTimeout(ms: number): ProblemError {
  return problem('upload_idle_timeout', { detail: `No data for ${ms} ms (UPLOAD_IDLE_TIMEOUT_MS); nothing was stored`, headers: { connection: 'close' } });
}

/**
 * The chunks of `stream`, refused with 408 once the client sends nothing for `ms` while we wait for it
 * (time spent by the consumer does not count). The request stream is not destroyed, so the 408 can
 * still be answered; its connection is closed after it.
 */
async function* idleGuarded(stream: Readable, ms: number): AsyncGenerator<Buffer> {
  if (ms <= 0) {
    yield* stream as AsyncIterable<Buffer>;
    return;
  }
  const queue: Buffer[] = [];
  let ended = false;
  let failed: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onData = (c: Buffer) => {
    queue.push(c);
    stream.pause();
    notify();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };
  const onError = (err: unknown) => {
    failed = err;
    notify();
  };
  stream.on('data', onData);
  stream.once('end', onEnd);
  stream.once('error', onError);
  stream.once('aborted', () => onError(new Error('aborted')));
  try {
    for (;;) {
      if (queue.length) {
        yield queue.shift()!;
        continue;
      }
      if (failed) throw failed instanceof Error ? failed : new Error('the upload stream failed');
      if (ended) return;
      stream.resume();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await new Promise<boolean>((resolve) => {
        wake = () => resolve(false);
        timer = setTimeout(() => resolve(true), ms);
      });
      clearTimeout(timer);
      if (timedOut) {
        wake = undefined;
        throw idleTimeout(ms);
      }
    }
  } finally {
    stream.off('data', onData);
    stream.off('end', onEnd);
    stream.off('error', onError);
    stream.pause();
  }
}

/** A JSON array body (already parsed and size-limited by the HTTP layer). */
export function jsonArrayUpload(body: unknown[], bodyBytes: Buffer, limits: UploadLimits, v: UploadValidation): Upload {
  if (body.length > limits.maxRecords) throw tooManyRecords(limits);
  const sha = createHash('sha256').update(bodyBytes).digest('hex');
  return recordsUpload(
    (async function* () {
      for (const value of body) yield prepareRecord(value, v.rules);
    })(),
    () => sha,
  );
}

const isBlank = (b: Buffer) => b.every((c) => c === 0x20 || c === 0x09 || c === 0x0d);

/**
 * Splits an NDJSON stream into its lines that are not blank, a chunk at a time (no promise per line);
 * null for a line longer than maxRecordBytes (dropped as it streams, not buffered). Memory is bounded
 * by maxRecordBytes.
 */
class NdjsonSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflow = false;
  private count = 0;

  constructor(private readonly limits: UploadLimits) {}

  /** The lines that `chunk` completes. */
  push(chunk: Buffer): (Buffer | null)[] {
    const out: (Buffer | null)[] = [];
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(10, start)) !== -1) {
      const piece = chunk.subarray(start, nl);
      const line = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.pendingBytes = 0;
      this.emit(line, out);
      start = nl + 1;
    }
    if (start < chunk.length && !this.overflow) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > this.limits.maxRecordBytes) {
        this.overflow = true;
        this.pending = [];
        this.pendingBytes = 0;
      }
    }
    return out;
  }

  /** The last line, when the stream does not end with a newline. */
  end(): (Buffer | null)[] {
    const out: (Buffer | null)[] = [];
    if (this.pending.length || this.overflow) this.emit(Buffer.concat(this.pending), out);
    return out;
  }

  private emit(line: Buffer, out: (Buffer | null)[]): void {
    if (this.overflow) {
      this.overflow = false;
      if (++this.count > this.limits.maxRecords) throw tooManyRecords(this.limits);
      out.push(null);
      return;
    }
    if (line.length === 0 || isBlank(line)) return;
    if (++this.count > this.limits.maxRecords) throw tooManyRecords(this.limits);
    out.push(line);
  }
}

/**
 * NDJSON, streamed: one record per non-blank line (index = position among non-blank lines).
 * A line that is not JSON is a per-record error. The lines of each chunk of the body are validated and
 * turned into COPY text together. With a pool, worker threads validate batches of lines while this
 * thread reads the next ones and PostgreSQL stores what is done.
 */
export function ndjsonUpload(stream: Readable, limits: UploadLimits, v: UploadValidation): Upload {
  const hash = createHash('sha256');
  let digest: string | undefined;
  let count = 0;
  const batches = (async function* () {
    const splitter = new NdjsonSplitter(limits);
    for await (const chunk of metered(stream, hash, limits)) {
      const lines = splitter.push(chunk);
      count += lines.length;
      if (lines.length > 0) yield lines;
    }
    const last = splitter.end();
    count += last.length;
    if (last.length > 0) yield last;
    digest = hash.digest('hex');
  })();
  return {
    async *copy(taskId) {
      if (v.pool) {
        yield* prepareInPool(
          v.pool,
          (async function* () {
            for await (const lines of batches) yield* lines;
          })(),
          { taskId, maxRecordBytes: limits.maxRecordBytes, rules: v.rules },
        );
        return;
      }
      let index = 0;
      const prepare = (value: unknown) => prepareRecord(value, v.rules);
      for await (const lines of batches) {
        yield lines.map((line) =>
          stagedLine(taskId, index++, line === null ? tooLargeRecord(limits.maxRecordBytes) : lineRecord(line, limits.maxRecordBytes, prepare)),
        );
      }
    },
    count: () => count,
    sha256: () => digest ?? '',
  };
}

/**
 * CSV, streamed: a header row of PMH field names, then one record per row, in UTF-8 or Shift_JIS (`encoding`).
 * Text that is not in its encoding or a bad header refuses the whole upload (400).
 */
export function csvUpload(stream: Readable, limits: UploadLimits, v: UploadValidation, encoding: CsvEncoding = 'utf-8'): Upload {
  const hash = createHash('sha256');
  let digest: string | undefined;
  return recordsUpload(
    (async function* () {
      const parser = parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: limits.maxRecordBytes });
      const decoder = encoding === 'shift_jis' ? shiftJisDecoding() : utf8Decoding();
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
            if (!parser.write(decoder.write(chunk))) await writable();
          }
          // The decoder's end refuses a truncated sequence (or, for Shift_JIS, a UTF-8 file) before the last records are read.
          const rest = decoder.end();
          if (!parser.destroyed) parser.end(rest);
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
              // A header cell is quoted only when it looks like a field name: without a header row, the
              // first record's cells (個人番号, name, address…) would be read back as "unknown columns".
              if (!check.anyKnown) {
                throw problem('invalid_csv_header', {
                  detail: `The first row is not a header of PMH field names (none of its ${header.length} cells is one); send a header row first`,
                  errors: [{ field: '', code: 'missing_header', message: 'the first row is not a header of PMH field names' }],
                });
              }
              const errors = [
                ...check.missing.map((c) => ({ field: c, code: 'missing_column', message: `The header has no column ${c}` })),
                ...check.unknown.map((c, k) => ({
                  field: columnField(c),
                  code: 'unknown_column',
                  message: `${columnLabel(c, check.unknownAt[k]!)} is not a PMH field`,
                })),
                ...check.duplicate.map((c, k) => ({
                  field: columnField(c),
                  code: 'duplicate_column',
                  message: `${columnLabel(c, check.duplicateAt[k]!)} appears more than once`,
                })),
              ];
              throw problem('invalid_csv_header', { errors });
            }
            continue;
          }
          if (++count > limits.maxRecords) throw tooManyRecords(limits);
          const { record, errors } = csvRowToRecord(header, row);
          // A cell that cannot be converted (e.g. certificationDetail that is not JSON) rejects the row with that error alone.
          yield errors.length > 0 ? unreadableRecord(errors, rawRecordKey(record)) : prepareRecord(record, v.rules);
        }
      } catch (err) {
        if (err instanceof ProblemError) throw err;
        if (err instanceof CsvError) {
          // csv-parse may quote the field it stopped at ("value is …"): that part is not passed on.
          const reason = maskPersonalText((err as Error).message.replace(/,?\s*value is[^]*$/, ''));
          throw problem('malformed_csv', { detail: `Line ${line + 1}: ${reason}` });
        }
        throw err;
      } finally {
        // The reader stopped (done, a bad header, a parse error): stop the feed too, or it waits forever for 'drain'.
        if (!parser.destroyed) parser.destroy();
        await feed;
      }
      if (!header) throw problem('empty_body', { detail: 'The upload has no header row' });
      digest = hash.digest('hex');
    })(),
    () => digest ?? '',
  );
}
