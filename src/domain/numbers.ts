/**
 * Validators for the numbers of pmh.md §4. Pure functions, no I/O.
 *
 * Every validator takes an arbitrary string and never throws. Only half-width
 * ASCII digits "0"-"9" are digits: full-width digits (０-９), other Unicode
 * digits, spaces, hyphens etc. are `not_digits`. Nothing is trimmed or
 * normalised — callers that want leniency must normalise first.
 */
import { checkDigit21, localGovCodeCheckDigit, myNumberCheckDigit } from './check-digits.js';
import { prefectureByCode } from './prefectures.js';

export type NumberProblemCode = 'not_digits' | 'wrong_length' | 'check_digit_mismatch' | 'unknown_prefecture' | 'unknown_score_table';

export type NumberProblem = { code: NumberProblemCode; message: string };

export interface NumberCheck {
  valid: boolean;
  problems: NumberProblem[];
  /** Present whenever the value has the right length and is all half-width digits. */
  checkDigit?: { given: string; expected: string };
}

export type InsurerNumberCheck = NumberCheck & {
  /** 法別番号 (2 digits); present only when the value is 8 half-width digits. */
  lawCode?: string;
  /** 都道府県番号 (2 digits); present only when the value is 8 half-width digits. */
  prefectureCode?: string;
  /** 実施機関番号 (3 digits); present only when the value is 8 half-width digits. */
  institutionNumber?: string;
};

export type NumberKind = 'myNumber' | 'recipientNumber' | 'insurerNumber' | 'localGovCode' | 'medicalInstitutionCode';

export type MedicalInstitutionKind = 'medical' | 'dental' | 'pharmacy' | 'visiting_nursing';

/** 点数表番号 (3rd digit of a 医療機関コード). */
export const SCORE_TABLES: Readonly<Record<string, MedicalInstitutionKind>> = Object.freeze({
  '1': 'medical',
  '3': 'dental',
  '4': 'pharmacy',
  '6': 'visiting_nursing',
});

interface KindSpec {
  /** English label used in messages. */
  label: string;
  /** Total length including the check digit. */
  length: number;
  /** Expected check digit of a full-length, all-digit value. */
  expectedCheckDigit(full: string): number;
}

const SPECS: Readonly<Record<NumberKind, KindSpec>> = {
  myNumber: {
    label: 'My Number (個人番号)',
    length: 12,
    expectedCheckDigit: (v) => myNumberCheckDigit(v.slice(0, 11)),
  },
  recipientNumber: {
    label: 'recipient number (受給者番号)',
    length: 7,
    expectedCheckDigit: (v) => checkDigit21(v.slice(0, 6)),
  },
  insurerNumber: {
    label: 'insurer number (公費負担者番号)',
    length: 8,
    expectedCheckDigit: (v) => checkDigit21(v.slice(0, 7)),
  },
  localGovCode: {
    label: 'local government code (全国地方公共団体コード)',
    length: 6,
    expectedCheckDigit: (v) => localGovCodeCheckDigit(v.slice(0, 5)),
  },
  medicalInstitutionCode: {
    label: 'medical institution code (医療機関コード)',
    length: 10,
    // 2-1 rule over 郡市区 (2) + 番号 (4) only; prefecture and score table are not covered.
    expectedCheckDigit: (v) => checkDigit21(v.slice(3, 9)),
  },
};

const ALL_ASCII_DIGITS = /^[0-9]*$/;
const FULL_WIDTH_DIGIT = /[０-９]/;

function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  // Show printable characters as-is, everything else only by code point.
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch) ? `"${ch}" (${hex})` : hex;
}

/**
 * Shape problems (not_digits / wrong_length). Length is counted in code points
 * so that a full-width digit counts as one character.
 */
function shapeProblems(value: string, spec: KindSpec): NumberProblem[] {
  const problems: NumberProblem[] = [];
  const chars = Array.from(value);
  const expected = `must be exactly ${spec.length} half-width digits (0-9)`;
  const badIndex = chars.findIndex((ch) => ch < '0' || ch > '9' || ch.length !== 1);
  if (badIndex >= 0) {
    const bad = chars[badIndex] as string;
    const hint = FULL_WIDTH_DIGIT.test(value) ? '; full-width digits are not accepted' : '';
    problems.push({
      code: 'not_digits',
      message: `${spec.label} ${expected}; found ${describeChar(bad)} at position ${badIndex + 1}${hint}`,
    });
  }
  if (chars.length !== spec.length) {
    problems.push({
      code: 'wrong_length',
      message: `${spec.label} ${expected}, got ${chars.length} character${chars.length === 1 ? '' : 's'}`,
    });
  }
  return problems;
}

function isWellFormed(value: string, spec: KindSpec): boolean {
  return value.length === spec.length && ALL_ASCII_DIGITS.test(value);
}

function prefectureProblem(prefectureCode: string, what: string): NumberProblem | undefined {
  if (prefectureByCode(prefectureCode) !== undefined) return undefined;
  return {
    code: 'unknown_prefecture',
    message: `${what}: prefecture code ${prefectureCode} is not a prefecture (expected 01-47)`,
  };
}

/**
 * Shared skeleton: shape problems first; if well-formed, `fieldProblems`
 * (left-to-right field checks) and then the check digit.
 */
function runCheck(kind: NumberKind, value: string, fieldProblems: (v: string, spec: KindSpec) => (NumberProblem | undefined)[] = () => []): NumberCheck {
  const spec = SPECS[kind];
  if (!isWellFormed(value, spec)) {
    const problems = shapeProblems(value, spec);
    return { valid: false, problems };
  }
  const problems = fieldProblems(value, spec).filter((p): p is NumberProblem => p !== undefined);
  const given = value.slice(-1);
  const expected = String(spec.expectedCheckDigit(value));
  if (given !== expected) {
    problems.push({
      code: 'check_digit_mismatch',
      message: `${spec.label}: check digit is ${given}, expected ${expected}`,
    });
  }
  return { valid: problems.length === 0, problems, checkDigit: { given, expected } };
}

/** 個人番号: exactly 12 half-width digits, mod-11 check digit (weights 6,5,4,3,2,7,6,5,4,3,2). */
export function checkMyNumber(v: string): NumberCheck {
  return runCheck('myNumber', v);
}

/** National 公費受給者番号: 7 half-width digits, 2-1 check digit over the first 6. */
export function checkRecipientNumber(v: string): NumberCheck {
  return runCheck('recipientNumber', v);
}

/**
 * 全国地方公共団体コード: 6 half-width digits, mod-11 check digit over the first 5;
 * the first two digits must be a prefecture (01-47).
 */
export function checkLocalGovCode(v: string): NumberCheck {
  return runCheck('localGovCode', v, (value, spec) => [prefectureProblem(value.slice(0, 2), spec.label)]);
}

/**
 * 医療機関コード: 10 half-width digits = 都道府県 2 (01-47) + 点数表 1 (1 医科, 3 歯科,
 * 4 調剤, 6 訪問看護) + 郡市区 2 + 番号 4 + 検証 1; the 2-1 check digit covers
 * only 郡市区 + 番号.
 */
export function checkMedicalInstitutionCode(v: string): NumberCheck {
  return runCheck('medicalInstitutionCode', v, (value, spec) => {
    const scoreTable = value.charAt(2);
    const scoreProblem: NumberProblem | undefined =
      SCORE_TABLES[scoreTable] === undefined
        ? {
            code: 'unknown_score_table',
            message: `${spec.label}: score table digit ${scoreTable} is not one of ` + '1 (medical), 3 (dental), 4 (pharmacy), 6 (visiting nursing)',
          }
        : undefined;
    return [prefectureProblem(value.slice(0, 2), spec.label), scoreProblem];
  });
}

/**
 * Kind of institution from the 点数表 digit of a 医療機関コード. Returns
 * undefined unless `code` is 10 half-width digits with a known score table
 * (the check digit and prefecture are not verified here).
 */
export function medicalInstitutionKind(code: string): MedicalInstitutionKind | undefined {
  if (!isWellFormed(code, SPECS.medicalInstitutionCode)) return undefined;
  return SCORE_TABLES[code.charAt(2)];
}

/**
 * 公費負担者番号: 8 half-width digits = 法別 2 + 都道府県 2 (01-47) + 実施機関 3 +
 * 検証 1; 2-1 check digit over the first 7. Unknown prefecture and check-digit
 * mismatch are both reported when both apply. The decoded fields are present
 * whenever the value is 8 half-width digits, even if it is invalid.
 */
export function decodeInsurerNumber(v: string): InsurerNumberCheck {
  const result = runCheck('insurerNumber', v, (value, spec) => [prefectureProblem(value.slice(2, 4), spec.label)]);
  if (!isWellFormed(v, SPECS.insurerNumber)) return result;
  return {
    ...result,
    lawCode: v.slice(0, 2),
    prefectureCode: v.slice(2, 4),
    institutionNumber: v.slice(4, 7),
  };
}

/** 公費負担者番号 validation without the decoded fields. */
export function checkInsurerNumber(v: string): NumberCheck {
  const { valid, problems, checkDigit } = decodeInsurerNumber(v);
  return checkDigit === undefined ? { valid, problems } : { valid, problems, checkDigit };
}

/** Validate `v` as a number of the given kind. */
export function checkNumber(kind: NumberKind, v: string): NumberCheck {
  switch (kind) {
    case 'myNumber':
      return checkMyNumber(v);
    case 'recipientNumber':
      return checkRecipientNumber(v);
    case 'insurerNumber':
      return checkInsurerNumber(v);
    case 'localGovCode':
      return checkLocalGovCode(v);
    case 'medicalInstitutionCode':
      return checkMedicalInstitutionCode(v);
  }
}

/** Length of the body (everything before the check digit) for each kind. */
export const BODY_LENGTH: Readonly<Record<NumberKind, number>> = Object.freeze({
  myNumber: 11,
  recipientNumber: 6,
  insurerNumber: 7,
  localGovCode: 5,
  medicalInstitutionCode: 9,
});

/**
 * Append the check digit to `body` (the number without its last digit).
 * Throws RangeError unless `body` is exactly BODY_LENGTH[kind] half-width
 * digits. Only the check digit is computed: a body with an unknown prefecture
 * or score table yields a number whose check digit matches but which the
 * corresponding validator still rejects.
 */
export function withCheckDigit(kind: NumberKind, body: string): string {
  const spec = SPECS[kind];
  const bodyLength = spec.length - 1;
  if (body.length !== bodyLength || !ALL_ASCII_DIGITS.test(body)) {
    throw new RangeError(`withCheckDigit(${kind}): body must be exactly ${bodyLength} half-width digits, got ${JSON.stringify(body)}`);
  }
  // The check-digit functions only look at the body part, so a placeholder works.
  return body + String(spec.expectedCheckDigit(body + '0'));
}

/** 個人番号 from its first 11 digits. */
export const completeMyNumber = (first11: string): string => withCheckDigit('myNumber', first11);
/** 受給者番号 from its first 6 digits. */
export const completeRecipientNumber = (first6: string): string => withCheckDigit('recipientNumber', first6);
/** 公費負担者番号 from its first 7 digits. */
export const completeInsurerNumber = (first7: string): string => withCheckDigit('insurerNumber', first7);
/** 全国地方公共団体コード from its first 5 digits. */
export const completeLocalGovCode = (first5: string): string => withCheckDigit('localGovCode', first5);
/** 医療機関コード from its first 9 digits. */
export const completeMedicalInstitutionCode = (first9: string): string => withCheckDigit('medicalInstitutionCode', first9);
