/**
 * Eligibility rules of the clinic side (pmh.md §1, §3). Pure: no I/O.
 *
 * Given every registered history row of one person, the service date, the
 * patient's consent and the institution asking, decide which rows are returned
 * (and in which order), and record why each row was or was not, for the
 * sandbox explanation. The clinic itself only ever sees the returned list,
 * which is `[]` alike for every reason it can be empty (pmh.md §1.4).
 */

/** What the rules need to know about one registered history row. */
export interface CandidateRecord {
  /** Registering municipality (全国地方公共団体コード). */
  municipalityCode: string;
  certificateTypeId: string;
  /** "" when the record has no certificationSubKey. */
  certificationSubKey: string;
  historyKey: string;
  /** national (法別 of a national program) before local (地単公費). */
  programKind: 'national' | 'local';
  /** YYYY-MM-DD, inclusive */
  validFrom: string;
  /** YYYY-MM-DD, inclusive */
  validTo: string;
  isNotDisclosed: boolean;
  /** 公費負担者番号 */
  insurerNumber: string | null;
  /** 公費受給者番号 */
  recipientNumber: string | null;
}

/** Why one record was or was not returned. */
export const RECORD_DECISIONS = ['applies', 'not_valid_on_service_date', 'not_disclosed'] as const;
export type RecordDecision = (typeof RECORD_DECISIONS)[number];

/** Why the returned list is what it is. Precedence when empty: no_consent, no_records, none_valid_on_service_date, all_not_disclosed. */
export const ELIGIBILITY_OUTCOMES = ['returned', 'no_consent', 'no_records', 'none_valid_on_service_date', 'all_not_disclosed'] as const;
export type EligibilityOutcome = (typeof ELIGIBILITY_OUTCOMES)[number];

export interface EligibilityDecision<R extends CandidateRecord> {
  outcome: EligibilityOutcome;
  /** Records returned to the clinic, in the documented order; [] unless outcome is `returned`. */
  returned: R[];
  /** Every record considered, in the same order as `returned` ranks them, with its decision. */
  considered: { record: R; decision: RecordDecision }[];
}

/** validFrom ≤ date ≤ validTo; YYYY-MM-DD strings compare like dates. */
export const isValidOn = (r: { validFrom: string; validTo: string }, date: string) => r.validFrom <= date && date <= r.validTo;

/** One record's decision on a service date: validity first, then 不開示. */
export function decideRecord(r: CandidateRecord, serviceDate: string): RecordDecision {
  if (!isValidOn(r, serviceDate)) return 'not_valid_on_service_date';
  if (r.isNotDisclosed) return 'not_disclosed';
  return 'applies';
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Absent numbers sort after present ones. */
const cmpNullableLast = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : cmp(a, b));

/**
 * The documented order of subsidies: national before local, then by 公費負担者番号
 * (records without one last), then 公費受給者番号, validFrom, and the record key
 * (municipality, type, sub-key, history key) so the order is total and stable.
 */
export function compareSubsidies(a: CandidateRecord, b: CandidateRecord): number {
  if (a.programKind !== b.programKind) return a.programKind === 'national' ? -1 : 1;
  return (
    cmpNullableLast(a.insurerNumber, b.insurerNumber) ||
    cmpNullableLast(a.recipientNumber, b.recipientNumber) ||
    cmp(a.validFrom, b.validFrom) ||
    cmp(a.municipalityCode, b.municipalityCode) ||
    cmp(a.certificateTypeId, b.certificateTypeId) ||
    cmp(a.certificationSubKey, b.certificationSubKey) ||
    cmp(a.historyKey, b.historyKey)
  );
}

/** Decides which of a person's records a clinic receives for a service date. */
export function decideEligibility<R extends CandidateRecord>(input: { serviceDate: string; consent: boolean; records: readonly R[] }): EligibilityDecision<R> {
  const considered = [...input.records].sort(compareSubsidies).map((record) => ({ record, decision: decideRecord(record, input.serviceDate) }));
  const applicable = considered.filter((c) => c.decision === 'applies').map((c) => c.record);
  let outcome: EligibilityOutcome;
  if (!input.consent) outcome = 'no_consent';
  else if (considered.length === 0) outcome = 'no_records';
  else if (applicable.length > 0) outcome = 'returned';
  else if (considered.some((c) => c.decision === 'not_disclosed')) outcome = 'all_not_disclosed';
  else outcome = 'none_valid_on_service_date';
  return { outcome, returned: outcome === 'returned' ? applicable : [], considered };
}

export interface ConditionPair {
  /** 項目コード */
  itemCode: string;
  /** 条件コード */
  conditionCode: string;
}

/**
 * 追加条件 `項目コード-条件コード;…` into pairs. Registration already validated the
 * format; anything else (empty entries, no `-`) is skipped rather than guessed at.
 * The condition code is everything after the first `-`.
 */
export function parseAdditionalConditions(value: string | undefined | null): ConditionPair[] {
  if (!value) return [];
  const pairs: ConditionPair[] = [];
  for (const entry of value.split(';')) {
    const dash = entry.indexOf('-');
    if (dash <= 0 || dash === entry.length - 1) continue;
    pairs.push({ itemCode: entry.slice(0, dash), conditionCode: entry.slice(dash + 1) });
  }
  return pairs;
}

/** 指定医療機関情報 (sandbox format: `;`-separated 10-digit 医療機関コード) into codes; empty entries dropped. */
export function parseDesignatedInstitutions(value: string | undefined | null): string[] {
  if (!value) return [];
  return value
    .split(';')
    .map((c) => c.trim())
    .filter((c) => c !== '');
}

/**
 * Whether the asking institution is among the record's 指定医療機関:
 * true / false, or null when the record lists no institutions at all.
 */
export function designatedHere(designatedMedicalInstitutions: string | undefined | null, institutionCode: string): boolean | null {
  const codes = parseDesignatedInstitutions(designatedMedicalInstitutions);
  if (codes.length === 0) return null;
  return codes.includes(institutionCode);
}

/**
 * A card's 電子証明書 state at the moment of the check (card readers verify the
 * certificate when the card is read, so "today", not the service date, counts).
 */
export function certificateState(
  card: { status: 'active' | 'expired' | 'revoked'; certificateExpiresOn: string },
  today: string,
): 'valid' | 'expired' | 'revoked' {
  if (card.status === 'revoked') return 'revoked';
  if (card.status === 'expired' || card.certificateExpiresOn < today) return 'expired';
  return 'valid';
}
