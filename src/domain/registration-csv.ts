/**
 * Mapping of one CSV row (already split into cells by a CSV parser) to a raw
 * PMH registration record, to be validated by validateRecord
 * (./pmh-record/). Pure: no I/O, never throws.
 *
 * Columns are PMH field names: top-level scalars, `basicFiveInfo.<sub-field>`
 * for the five basic items, and `maxCopaymentAmount` / `certificationDetail`
 * holding JSON text. Column order is free; optional columns may be left out.
 *
 * Error codes (in addition to those of validateRecord):
 * - `column_count_mismatch` (field '')  the row has a different number of
 *                           cells than the header; the record is then empty.
 * - `malformed_json`        a maxCopaymentAmount / certificationDetail cell is not JSON.
 * - `unknown_column`        a header name that is not in CSV_COLUMNS (not mapped).
 * - `duplicate_column`      a header name that appears more than once (first wins).
 *
 * Sandbox choices:
 * - Cells are taken verbatim (no trimming); an empty cell ("") means the
 *   field is absent. Numbers stay strings, so leading zeros are kept.
 * - isNotDisclosed / isDeleted: exactly "true" / "false" become booleans;
 *   any other non-empty cell is passed on as the string, so validateRecord
 *   reports `wrong_type` (expected a boolean) in one place.
 * - A JSON cell that does not parse gets `malformed_json` and the field is
 *   left out of the record; validateRecord will then also report `required`
 *   for certificationDetail on a non-deleted record (callers may drop a
 *   `required` error on a field that already has a CSV error).
 *   JSON that parses to the wrong shape is left to validateRecord.
 * - A UTF-8 BOM (U+FEFF) at the start of the first header name is ignored.
 */
import { jsonSyntaxMessage } from './personal-text.js';
import { PMH_RECORD_TABLE, type PmhField, type RecordIssue } from './pmh-record/index.js';

/** The CSV columns of one top-level field: its name, or `<field>.<sub-field>` for each sub-field of a split one. */
function columnsOf(f: PmhField, keep: (sub: PmhField) => boolean = () => true): string[] {
  return f.csv === 'flatten' ? (f.fields ?? []).filter(keep).map((sub) => `${f.name}.${sub.name}`) : [f.name];
}

/** PMH names of the CSV columns, in §2 order (from the field table). */
export const CSV_COLUMNS: readonly string[] = Object.freeze(PMH_RECORD_TABLE.flatMap((f) => columnsOf(f)));

/** Columns a header must contain (those of the fields required for a non-deleted record). */
export const CSV_REQUIRED_COLUMNS: readonly string[] = Object.freeze(
  PMH_RECORD_TABLE.filter((f) => f.required !== 'optional').flatMap((f) => columnsOf(f, (sub) => sub.required !== 'optional')),
);

const BOOLEAN_COLUMNS: ReadonlySet<string> = new Set(PMH_RECORD_TABLE.filter((f) => f.csv === 'boolean').map((f) => f.name));
const JSON_COLUMNS: ReadonlySet<string> = new Set(PMH_RECORD_TABLE.filter((f) => f.csv === 'json').map((f) => f.name));
const KNOWN: ReadonlySet<string> = new Set(CSV_COLUMNS);

// The row mapping nests the columns of one split field (basicFiveInfo) into one object per row.
const SPLIT_FIELDS = PMH_RECORD_TABLE.filter((f) => f.csv === 'flatten').map((f) => f.name);
if (SPLIT_FIELDS.length !== 1) throw new Error(`CSV mapping: one field split into columns expected, got ${SPLIT_FIELDS.join(', ')}`);
const SPLIT_FIELD = SPLIT_FIELDS[0] ?? '';
const SPLIT_PREFIX = `${SPLIT_FIELD}.`;

function normaliseHeader(header: readonly string[]): string[] {
  return header.map((h, i) => (i === 0 && h.startsWith('\uFEFF') ? h.slice(1) : h));
}

/** A header cell that looks like a field name (ASCII identifier characters and dots, short, no digit run). */
const FIELD_NAME_LIKE = /^[A-Za-z_][A-Za-z0-9_.]{0,59}$/;

/**
 * How a header cell is named in a message: quoted when it looks like a field name, else by its
 * position only (`column 3`) — a header row left out makes the first record's cells the "names".
 */
export function columnLabel(name: string, index: number): string {
  return FIELD_NAME_LIKE.test(name) && !/[0-9]{4}/.test(name) ? `column ${index + 1} ${JSON.stringify(name)}` : `column ${index + 1}`;
}

/** The field of an issue about a header cell: the name when it may be quoted, else ''. */
export function columnField(name: string): string {
  return FIELD_NAME_LIKE.test(name) && !/[0-9]{4}/.test(name) ? name : '';
}

/** Header check: required columns present, no unknown or duplicate names. */
export function checkCsvHeader(
  header: string[],
): { ok: true } | { ok: false; missing: string[]; unknown: string[]; duplicate: string[]; unknownAt: number[]; duplicateAt: number[]; anyKnown: boolean } {
  const names = normaliseHeader(header);
  const seen = new Set<string>();
  const duplicate: string[] = [];
  const unknown: string[] = [];
  const duplicateAt: number[] = [];
  const unknownAt: number[] = [];
  names.forEach((n, i) => {
    if (seen.has(n)) {
      if (!duplicate.includes(n)) {
        duplicate.push(n);
        duplicateAt.push(i);
      }
      return;
    }
    seen.add(n);
    if (!KNOWN.has(n)) {
      unknown.push(n);
      unknownAt.push(i);
    }
  });
  const missing = CSV_REQUIRED_COLUMNS.filter((c) => !seen.has(c));
  if (missing.length === 0 && unknown.length === 0 && duplicate.length === 0) return { ok: true };
  return { ok: false, missing, unknown, duplicate, unknownAt, duplicateAt, anyKnown: names.some((n) => KNOWN.has(n)) };
}

/**
 * Map one data row to a raw record. Unknown and duplicate header names are
 * reported per row too (callers should run checkCsvHeader once first).
 */
export function csvRowToRecord(header: readonly string[], row: readonly string[]): { record: Record<string, unknown>; errors: RecordIssue[] } {
  const errors: RecordIssue[] = [];
  if (header.length !== row.length) {
    errors.push({
      field: '',
      code: 'column_count_mismatch',
      message: `row has ${row.length} cell${row.length === 1 ? '' : 's'}, header has ${header.length} column${header.length === 1 ? '' : 's'}`,
    });
    return { record: {}, errors };
  }
  const names = normaliseHeader(header);
  const record: Record<string, unknown> = {};
  let basic: Record<string, unknown> | undefined;
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (seen.has(name)) {
      errors.push({ field: columnField(name), code: 'duplicate_column', message: `${columnLabel(name, i)} appears more than once` });
      return;
    }
    seen.add(name);
    if (!KNOWN.has(name)) {
      errors.push({ field: columnField(name), code: 'unknown_column', message: `${columnLabel(name, i)} is not a PMH field` });
      return;
    }
    const cell = row[i];
    if (cell === undefined || cell === '') return;
    if (name.startsWith(SPLIT_PREFIX)) {
      basic ??= {};
      basic[name.slice(SPLIT_PREFIX.length)] = cell;
    } else if (BOOLEAN_COLUMNS.has(name)) {
      record[name] = cell === 'true' ? true : cell === 'false' ? false : cell;
    } else if (JSON_COLUMNS.has(name)) {
      try {
        record[name] = JSON.parse(cell) as unknown;
      } catch (e) {
        errors.push({
          field: name,
          code: 'malformed_json',
          message: `${name} must be JSON: ${jsonSyntaxMessage(e, cell)}`,
        });
      }
    } else {
      record[name] = cell;
    }
  });
  if (basic !== undefined) record[SPLIT_FIELD] = basic;
  return { record, errors };
}
