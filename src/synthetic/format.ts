/**
 * Serialisation of registration records into the three upload formats that
 * POST /municipal/v1/registration-tasks accepts. Pure: yields text chunks,
 * the caller writes them.
 *
 * - csv: header row of PMH field names (CSV_COLUMNS of ../domain/registration-csv.ts,
 *   the parser this output round-trips with), RFC 4180 quoting, CRLF line ends;
 *   isNotDisclosed/isDeleted as true/false; maxCopaymentAmount and
 *   certificationDetail as JSON text; absent optional fields as empty cells.
 * - ndjson: one record as JSON per line.
 * - json: one JSON array (the API takes at most MAX_JSON_RECORDS records this way).
 */
import { CSV_COLUMNS } from '../domain/registration-csv.js';
import type { PmhRecord } from '../domain/pmh-record/index.js';

export const OUTPUT_FORMATS = ['csv', 'ndjson', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Media type to upload each format with. */
export const MEDIA_TYPES: Readonly<Record<OutputFormat, string>> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  json: 'application/json',
};

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell, quoted when it holds a comma, quote or line break. */
export function csvCell(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const BASIC = 'basicFiveInfo.';

/** One reader per CSV column, worked out once. */
const READERS: readonly ((r: PmhRecord) => unknown)[] = CSV_COLUMNS.map((column) => {
  if (column.startsWith(BASIC)) {
    const sub = column.slice(BASIC.length);
    return (r: PmhRecord) => (r.basicFiveInfo as Record<string, unknown> | undefined)?.[sub];
  }
  return (r: PmhRecord) => (r as unknown as Record<string, unknown>)[column];
});

function cell(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return csvCell(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return csvCell(JSON.stringify(value));
}

export const csvHeader = (): string => `${CSV_COLUMNS.join(',')}\r\n`;

export function csvRow(record: PmhRecord): string {
  let line = cell(READERS[0]!(record));
  for (let i = 1; i < READERS.length; i++) line += `,${cell(READERS[i]!(record))}`;
  return `${line}\r\n`;
}

/**
 * The text of `records` in `format`, in chunks of about `batch` records, pulled
 * lazily: a consumer that stops pulling stops the generation.
 */
export function* formatRecords(records: Iterable<PmhRecord>, format: OutputFormat, batch = 256): Generator<string, void, undefined> {
  let chunk = format === 'csv' ? csvHeader() : format === 'json' ? '[' : '';
  let inChunk = 0;
  let first = true;
  for (const record of records) {
    if (format === 'csv') chunk += csvRow(record);
    else if (format === 'ndjson') chunk += `${JSON.stringify(record)}\n`;
    else chunk += `${first ? '\n' : ',\n'}${JSON.stringify(record)}`;
    first = false;
    if (++inChunk >= batch) {
      yield chunk;
      chunk = '';
      inChunk = 0;
    }
  }
  if (format === 'json') chunk += first ? ']\n' : '\n]\n';
  if (chunk !== '') yield chunk;
}
