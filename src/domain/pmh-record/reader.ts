// The generic part of the validator: a collector of issues and a reader of typed fields of one object.
import type { NumberProblem } from '../numbers.js';
import { maskPersonalText } from '../personal-text.js';
import { DATE_MAX, DATE_MIN, isRealDate as isRealCalendarDate } from '../dates.js';
import type { RecordErrorCode, RecordIssue, RecordWarningCode } from './types.js';

const FORBIDDEN_TEXT = /[\u0000-\u001F\u007F]|\p{Cs}/u;
const FORBIDDEN_MULTILINE_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|\p{Cs}/u;
/** A key that looks like a field name; callers also refuse a 4-digit run before quoting it in a message. */
export const FIELD_NAME_LIKE = /^[A-Za-z_][A-Za-z0-9_]{0,59}$/;

export type Obj = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function own(obj: Obj, name: string): unknown {
  return Object.hasOwn(obj, name) ? obj[name] : undefined;
}

export function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Short printable rendering of a user value for messages. */
export function quote(s: string, max = 40): string {
  const cps = Array.from(s);
  // Last guard: a digit run (a 個人番号) or percent-encoded text is never quoted.
  return maskPersonalText(JSON.stringify(cps.length > max ? cps.slice(0, max).join('') + '…' : s));
}

export function jsonTypeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

export function problemText(problems: readonly NumberProblem[]): string {
  return problems.map((p) => p.message).join('; ');
}

/**
 * A pure check of a string, remembered for the strings seen last (at most `max`; then it starts
 * over): in an upload the same values come again and again — a type's few 公費負担者番号, the same
 * validity dates, the same 医療機関コード. Results are shared: callers must not change them.
 */
export function remembered<R>(check: (s: string) => R, max = 4096): (s: string) => R {
  const seen = new Map<string, R>();
  return (s) => {
    let r = seen.get(s);
    if (r === undefined) {
      if (seen.size >= max) seen.clear();
      r = check(s);
      seen.set(s, r);
    }
    return r;
  };
}

const isRealDate = remembered(isRealCalendarDate);

export class Collector {
  readonly errors: RecordIssue[] = [];
  readonly warnings: RecordIssue[] = [];
  error(field: string, code: RecordErrorCode, message: string): void {
    this.errors.push({ field, code, message });
  }
  warn(field: string, code: RecordWarningCode, message: string): void {
    this.warnings.push({ field, code, message });
  }
}

/** Field reader bound to one object and path prefix. */
export class Reader {
  constructor(
    private readonly c: Collector,
    private readonly obj: Obj,
    private readonly prefix: string,
  ) {}

  path(name: string): string {
    return this.prefix === '' ? name : `${this.prefix}.${name}`;
  }

  private present(name: string, required: boolean): unknown {
    const v = own(this.obj, name);
    if (v === undefined && required) this.c.error(this.path(name), 'required', `${this.path(name)} is required`);
    return v;
  }

  private wrongType(name: string, expected: string, v: unknown): void {
    this.c.error(this.path(name), 'wrong_type', `${this.path(name)} must be ${expected}, got ${jsonTypeOf(v)}`);
  }

  /** A string, or undefined when absent / wrong type / "" (reporting as needed). */
  string(name: string, required: boolean): string | undefined {
    const v = this.present(name, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.wrongType(name, 'a string', v);
      return undefined;
    }
    if (v === '') {
      if (required) this.c.error(this.path(name), 'required', `${this.path(name)} is required and must not be empty`);
      return undefined;
    }
    return v;
  }

  boolean(name: string, required: boolean): boolean | undefined {
    const v = this.present(name, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') {
      this.wrongType(name, 'a boolean (true or false)', v);
      return undefined;
    }
    return v;
  }

  object(name: string, required: boolean): Obj | undefined {
    const v = this.present(name, required);
    if (v === undefined) return undefined;
    if (!isPlainObject(v)) {
      this.wrongType(name, 'an object', v);
      return undefined;
    }
    return v;
  }

  array(name: string, required: boolean): unknown[] | undefined {
    const v = this.present(name, required);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
      this.wrongType(name, 'an array', v);
      return undefined;
    }
    return v as unknown[];
  }

  number(name: string): number | undefined {
    const v = own(this.obj, name);
    if (v === undefined) return undefined;
    if (typeof v !== 'number') {
      this.wrongType(name, 'a number', v);
      return undefined;
    }
    return v;
  }

  unknownFields(known: readonly string[]): void {
    for (const k of Object.keys(this.obj)) {
      if (!known.includes(k)) {
        // A key is quoted only when it looks like a field name: a key can hold anything (a name).
        const named = FIELD_NAME_LIKE.test(k) && !/[0-9]{4}/.test(k);
        const path = named ? this.path(k) : this.prefix;
        this.c.error(
          path,
          'unknown_field',
          named
            ? `${quote(path, 80)} is not a PMH field`
            : `${this.prefix === '' ? 'the record' : this.prefix} has a field that is not a PMH field (its name is not shown)`,
        );
      }
    }
  }

  /** length ≤ max (too_long) — returns whether it fits. */
  maxLength(name: string, s: string, max: number): boolean {
    const n = codePoints(s);
    if (n <= max) return true;
    this.c.error(this.path(name), 'too_long', `${this.path(name)} must be at most ${max} characters, got ${n}`);
    return false;
  }

  /** Free text: length and forbidden characters. Returns whether it is valid. */
  text(name: string, s: string, max: number, multiline = false): boolean {
    const fits = this.maxLength(name, s, max);
    const forbidden = multiline ? FORBIDDEN_MULTILINE_TEXT : FORBIDDEN_TEXT;
    if (forbidden.test(s)) {
      this.c.error(this.path(name), 'invalid_characters', `${this.path(name)} must not contain control characters or unpaired surrogates`);
      return false;
    }
    return fits;
  }

  /** Identifier-like: length ≤ max and characters in `chars`. */
  identifier(name: string, s: string, max: number, chars: RegExp, what: string): boolean {
    const fits = this.maxLength(name, s, max);
    if (!chars.test(s)) {
      // The value is not echoed: a key or ID field can hold anything (a name, a 個人番号).
      const at = Array.from(s).findIndex((ch) => !chars.test(ch));
      this.c.error(this.path(name), 'invalid_format', `${this.path(name)} must be ${what}; character ${at + 1} is not`);
      return false;
    }
    return fits;
  }

  date(name: string, required: boolean): string | undefined {
    const s = this.string(name, required);
    if (s === undefined) return undefined;
    if (!isRealDate(s)) {
      this.c.error(
        this.path(name),
        'invalid_date',
        // The value is not echoed: a date of birth is personal.
        `${this.path(name)} must be a real calendar date YYYY-MM-DD (${DATE_MIN} to ${DATE_MAX})`,
      );
      return undefined;
    }
    return s;
  }
}
