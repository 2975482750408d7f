/**
 * Hiding text that could be personal data in what the service writes back out: error messages,
 * stored results, the request journal and log lines. Pure, no I/O.
 *
 * What could be personal, whatever field it came from:
 * - a digit run of 10 or more digits, with or without separators between them (space, U+3000,
 *   "-", "‐", "‑", "‒", "–", "—", "−", "ー", "ｰ", "－", "+", and the percent-encoded %20 / %2D),
 *   in half-width or full-width digits (０-９) or percent-encoded (%30-%39): a 個人番号 (12 digits),
 *   a phone number, a 13-digit 法人番号-like typo…;
 * - a percent-encoded run that decodes to non-ASCII text (a name or address in kana or kanji sent
 *   in a URL) or holds percent-encoded digits.
 * A UUID (8-4-4-4-12 hex) is not a digit run: task and delivery IDs in paths stay readable.
 */

const DIGIT = '(?:[0-9\\uFF10-\\uFF19]|%3[0-9])';
const SEP = '(?:[ \\u3000+\\-\\u2010-\\u2015\\u2212\\u30FC\\uFF70\\uFF0D]|%20|%2[Dd])';
const UUID = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Za-z])';
/** Not inside a word: not right after a letter or digit, unless that is the end of a %XX escape. */
const START = '(?:(?<![0-9A-Za-z\\uFF10-\\uFF19])|(?<=%[0-9A-Fa-f]{2}))';
const END = '(?![0-9A-Za-z\\uFF10-\\uFF19])';
const RUN = `${START}${DIGIT}(?:${SEP}{0,3}${DIGIT}){9,}${END}`;

const DIGIT_RUN = new RegExp(`(?<![0-9A-Za-z])${UUID}|${RUN}`, 'g');
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;
/** A percent-encoded byte that is not ASCII, or a percent-encoded digit. */
const PERSONAL_ESCAPE = /%(?:[89A-Fa-f][0-9A-Fa-f]|3[0-9])/;

/** Cheap pre-check: what has no digit run candidate and no "%" needs no masking. */
const CANDIDATE = /[0-9\uFF10-\uFF19][^]*[0-9\uFF10-\uFF19]|%/;

/** What replaces a digit run. */
export const DIGITS_MASK = '************';
/** What replaces a percent-encoded run. */
export const PERCENT_MASK = '%…';

/** Replaces the digit runs and the percent-encoded runs that could be personal data (see the module comment). */
export function maskPersonalText(s: string): string {
  if (!CANDIDATE.test(s)) return s;
  let out = s.replace(DIGIT_RUN, (m) => (m.length === 36 && m[8] === '-' && /^[0-9A-Fa-f-]+$/.test(m) ? m : DIGITS_MASK));
  if (out.includes('%')) out = out.replace(PERCENT_RUN, (m) => (PERSONAL_ESCAPE.test(m) ? PERCENT_MASK : m));
  return out;
}

/** Whether the text holds something maskPersonalText would hide. */
/**
 * Masks what could be personal in a path: the query string is dropped, and digit runs of 10+ digits
 * (a 個人番号, hyphenated, full-width or percent-encoded) and percent-encoded non-ASCII text (a name
 * or address) are hidden (maskPersonalText).
 */
export const maskPath = (url: string) => maskPersonalText(url.split('?')[0]!);

export const hasPersonalText = (s: string) => maskPersonalText(s) !== s;

/** NUL, or a UTF-16 surrogate that is not half of a pair: neither can be stored in PostgreSQL text or jsonb. */
const UNSTORABLE = /\u0000|\p{Cs}/u;

/** Whether a string holds a character PostgreSQL cannot store (NUL, a lone surrogate). */
export const hasUnstorableText = (s: string) => UNSTORABLE.test(s);

/**
 * Where a JSON text has a character PostgreSQL cannot store, as a dotted path of the value
 * (object keys count too): null when there is none. Strings are scanned only when the cheap
 * whole-text check finds such a character.
 */
export function unstorablePath(value: unknown, prefix = ''): string | null {
  return unstorableWithin(value, prefix, 0);
}

/** Past this depth the walk goes on with a stack of its own (JSON.parse builds nestings a recursion cannot follow). */
const RECURSION_DEPTH = 200;

function unstorableWithin(value: unknown, prefix: string, depth: number): string | null {
  if (typeof value === 'string') return hasUnstorableText(value) ? prefix : null;
  if (typeof value !== 'object' || value === null) return null;
  if (depth > RECURSION_DEPTH) return unstorableDeep(value, prefix);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = unstorableWithin(value[i], prefix === '' ? String(i) : `${prefix}.${i}`, depth + 1);
      if (p !== null) return p;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    // A key that cannot be stored cannot be named either: the field is its parent.
    if (hasUnstorableText(k)) return prefix;
    const p = unstorableWithin(v, prefix === '' ? k : `${prefix}.${k}`, depth + 1);
    if (p !== null) return p;
  }
  return null;
}

/** unstorableWithin without recursion, in the same order: a key is checked just before its value is walked. */
function unstorableDeep(value: object, prefix: string): string | null {
  // [value, path] to walk, or [key, parent path, true] to check.
  const stack: [unknown, string, boolean?][] = [[value, prefix]];
  while (stack.length > 0) {
    const [v, at, isKey] = stack.pop()!;
    if (isKey) {
      if (hasUnstorableText(v as string)) return at;
      continue;
    }
    if (typeof v === 'string') {
      if (hasUnstorableText(v)) return at;
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], at === '' ? String(i) : `${at}.${i}`]);
      continue;
    }
    const entries: [string, unknown][] = Object.entries(v as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, child] = entries[i]!;
      stack.push([child, at === '' ? k : `${at}.${k}`], [k, at, true]);
    }
  }
  return null;
}

/**
 * A JSON.parse error as a message that names the kind of error and its position, never the text
 * around it. V8 writes e.g. `Unexpected token 'x', "…context…" is not valid JSON` (the token and up
 * to 10 characters either side of it: a name, most of a 個人番号): both are dropped; a position
 * (`at position 12`) is kept, with its line and column when the text is given.
 */
export function jsonSyntaxMessage(err: unknown, text?: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const at = /at position (\d+)/.exec(message);
  let kind = message
    .replace(/^Unexpected token\b[^]*$/, 'Unexpected token')
    .replace(/\s*in JSON at position \d+[^]*$/, '')
    .replace(/\s*at position \d+[^]*$/, '');
  // Anything else that could quote the input (another engine's wording) is not passed on.
  if (/["'`]/.test(kind.replace(/'[,\]}:]'/g, '')) || kind.length > 80) kind = 'Invalid JSON';
  if (!at) return maskPersonalText(kind);
  const position = Number(at[1]);
  let where = `at offset ${position}`;
  if (text !== undefined && position <= text.length) {
    let line = 1;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    where = `at line ${line} column ${position - lineStart + 1} (offset ${position})`;
  }
  return `${maskPersonalText(kind)} ${where}`;
}
