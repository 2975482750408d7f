/**
 * Deterministic synthetic residents and their PMH registration records
 * (pmh.md §2). Pure: no I/O, no wall clock, no Math.random, no random UUIDs.
 *
 * Determinism: the output is a function of the options only. Every draw comes
 * from a seeded sfc32 stream per (seed, resident index, purpose), the
 * reference date ("today" of the data set) is an option with a fixed default,
 * and every id is derived from the seed and the resident index. Resident n can
 * be computed on its own (`resident(n)`, `recordsOf(n)`), which keeps memory
 * flat for millions and lets callers split work.
 *
 * Uniqueness: 個人番号 are a keyed permutation of the resident index, so they
 * never repeat within a data set (up to 10^11 residents). 受給者番号 are
 * unique for the first 10^6 residents. The key is the seed with the
 * municipality code and the type id, so data sets of different types (or
 * municipalities) are different people; 個人番号 of two such sets collide only
 * by chance (about n²/10^11 pairs).
 */
import type { CertificateTypeDefinition } from '../certificate-types/schemas.js';
import { PROGRAMS } from '../catalogue/programs-data.js';
import {
  checkMedicalInstitutionCode,
  completeInsurerNumber,
  completeMedicalInstitutionCode,
  completeMyNumber,
  completeRecipientNumber,
} from '../domain/numbers.js';
import type { CertificationDetailItem, MaxCopaymentAmount, PmhActiveRecord, Sex } from '../domain/pmh-record/index.js';
import { addDays, addYears, dayNumber, fiscalYearStart, fromDayNumber, maxDate } from './calendar.js';
import {
  CHILD_CHRONIC_DISEASES,
  CHOME,
  DESIGNATED_INTRACTABLE_DISEASES,
  FAMILY_NAMES,
  FEMALE_NAMES_EARLIER,
  FEMALE_NAMES_LATER,
  LATER_NAMES_FROM_YEAR,
  MALE_NAMES_EARLIER,
  MALE_NAMES_LATER,
  MENTAL_HEALTH_CONDITIONS,
  TOWN_NAMES,
} from './names.js';
import { Permutation, seedWords, streamFor, type Rng, type SeedWords } from './prng.js';

/** Reference date ("today" of a generated data set) when none is given: the start of FY2026 (令和8年度). */
export const DEFAULT_REFERENCE_DATE = '2026-04-01';

/** Where the residents live. */
export interface SyntheticMunicipality {
  /** 全国地方公共団体コード (6 digits). */
  code: string;
  /** 都道府県番号 "01".."47". */
  prefectureCode: string;
  /** e.g. 東京都 */
  prefectureName: string;
  /**
   * Address areas following the prefecture name, e.g. ["八王子市"], the wards
   * of a 指定都市 (["横浜市鶴見区", …]) or, for a prefecture, its municipalities.
   */
  areas: readonly string[];
}

/** A certificate type as PUT /municipal/v1/certificate-types/{id} takes it, with its id. */
export interface SyntheticCertificateType {
  /** orgSpecificCertificateTypeId */
  id: string;
  definition: CertificateTypeDefinition;
}

/** Shares (0–1) of residents whose records show a particular case. */
export interface SyntheticShares {
  /** Current record already ended before the reference date. */
  expired?: number;
  /** Current record starts after the reference date. expired + future ≤ 1. */
  future?: number;
  /** Resident also has the previous period's history row. */
  history?: number;
  /** isNotDisclosed true (不開示). */
  notDisclosed?: number;
  /** isAlwaysReimbursement "1" (常に償還払い). */
  alwaysReimbursement?: number;
}

export interface GeneratorOptions {
  seed: string | number;
  /** YYYY-MM-DD; default DEFAULT_REFERENCE_DATE. Ages and validity are relative to it. */
  referenceDate?: string;
  municipality: SyntheticMunicipality;
  certificateType: SyntheticCertificateType;
  shares?: SyntheticShares;
  /**
   * 医療機関コード to draw 指定医療機関 from when the type requires them;
   * default: a pool of synthetic codes in the municipality's prefecture derived from the seed.
   */
  institutionCodes?: readonly string[];
}

export interface SyntheticResident {
  index: number;
  /** 個人番号 */
  myNumber: string;
  name: string;
  /** 全角カナ */
  nameKana: string;
  address: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  /** "1" male, "2" female */
  sex: Extract<Sex, '1' | '2'>;
}

export interface AgeRange {
  min: number;
  max: number;
}

export interface SyntheticGenerator {
  readonly referenceDate: string;
  readonly ageRange: AgeRange;
  resident(index: number): SyntheticResident;
  /** Records of resident `index` in history order (previous period first). */
  recordsOf(index: number): PmhActiveRecord[];
  /** The first `count` records of residents 0, 1, 2, …, generated lazily. */
  records(count: number): Generator<PmhActiveRecord, void, undefined>;
}

// Purposes of the seeded streams: fixed numbers so adding one never shifts another.
const P_RESIDENT = 1;
const P_CERTIFICATE = 2;
const P_MY_NUMBER = 3;
const P_RECIPIENT = 4;
const P_INSTITUTIONS = 5;

/** 法別番号 used for a local type without insurerNumbers, by category (東京都's numbering). */
const LOCAL_LAW_CODES: Readonly<Record<string, string>> = { children: '88', disability: '80', single_parent: '81', other: '83' };

/** Ages (on the reference date) of the people a program serves. */
export function ageRangeOf(definition: CertificateTypeDefinition): AgeRange {
  if (definition.kind === 'local') return definition.localCategory === 'children' ? { min: 0, max: 18 } : { min: 0, max: 90 };
  switch (definition.lawCode) {
    case '23': // 養育医療: infants
      return { min: 0, max: 0 };
    case '16': // 育成医療
    case '52': // 小児慢性特定疾病
    case '53': // 児童保護
    case '79': // 障害児入所・肢体不自由児通所
      return { min: 0, max: 17 };
    default:
      return { min: 0, max: 90 };
  }
}

/** Whether records of the type carry 指定医療機関 (the stored default of the API). */
export function requiresDesignatedInstitutions(definition: CertificateTypeDefinition): boolean {
  if (definition.requiresDesignatedInstitutions !== undefined) return definition.requiresDesignatedInstitutions;
  if (definition.kind === 'local') return false;
  return PROGRAMS.find((p) => p.lawCode === definition.lawCode)?.requiresDesignatedInstitution ?? false;
}

/** 公費負担者番号 for a type that lists none: 法別 + 都道府県 + 実施機関 (from the municipality code). */
function defaultInsurerNumber(definition: CertificateTypeDefinition, m: SyntheticMunicipality): string {
  const law = definition.kind === 'national' ? definition.lawCode : (LOCAL_LAW_CODES[definition.localCategory] ?? '83');
  return completeInsurerNumber(`${law}${m.prefectureCode}${m.code.slice(2, 5)}`);
}

/** A pool of synthetic 医療機関コード in the prefecture: 医科 clinics and hospitals, and 調剤 pharmacies. */
function institutionPool(seed: SeedWords, prefectureCode: string): { medical: string[]; pharmacy: string[] } {
  const rng = streamFor(seed, 0, P_INSTITUTIONS);
  const codes = (scoreTable: string, n: number) => {
    const seen = new Set<string>();
    while (seen.size < n) {
      const body = String(rng.int(0, 999_999)).padStart(6, '0');
      seen.add(completeMedicalInstitutionCode(`${prefectureCode}${scoreTable}${body}`));
    }
    return [...seen];
  };
  return { medical: codes('1', 100), pharmacy: codes('4', 40) };
}

const yen = (n: number) => `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}円`;

function checkShare(name: string, v: number | undefined): number {
  const share = v ?? 0;
  if (!(share >= 0 && share <= 1)) throw new RangeError(`share ${name} must be between 0 and 1, got ${String(v)}`);
  return share;
}

export function createGenerator(options: GeneratorOptions): SyntheticGenerator {
  // The population is keyed by the municipality and type too: one seed gives
  // different residents for different types, never one 個人番号 with two names.
  const seed = seedWords(`${String(options.seed)}/${options.municipality.code}/${options.certificateType.id}`);
  const referenceDate = options.referenceDate ?? DEFAULT_REFERENCE_DATE;
  const refDay = dayNumber(referenceDate);
  if (referenceDate < '2000-01-01') throw new RangeError(`referenceDate ${referenceDate} must be 2000-01-01 or later`);
  const { municipality, certificateType } = options;
  const { definition } = certificateType;
  if (municipality.areas.length === 0) throw new RangeError('municipality.areas must not be empty');
  const shares = {
    expired: checkShare('expired', options.shares?.expired),
    future: checkShare('future', options.shares?.future),
    history: checkShare('history', options.shares?.history),
    notDisclosed: checkShare('notDisclosed', options.shares?.notDisclosed),
    alwaysReimbursement: checkShare('alwaysReimbursement', options.shares?.alwaysReimbursement),
  };
  if (shares.expired + shares.future > 1) throw new RangeError('shares expired + future must not exceed 1');
  const badCode = options.institutionCodes?.find((c) => !checkMedicalInstitutionCode(c).valid);
  if (badCode !== undefined) throw new RangeError(`institution code ${badCode} is not a valid 医療機関コード`);
  if (options.institutionCodes?.length === 0) throw new RangeError('institutionCodes must not be empty when given');

  const ageRange = ageRangeOf(definition);
  const myNumbers = new Permutation(100_000_000_000, seed, P_MY_NUMBER);
  const recipientNumbers = new Permutation(1_000_000, seed, P_RECIPIENT);
  const insurerNumbers = definition.insurerNumbers.length > 0 ? definition.insurerNumbers : [defaultInsurerNumber(definition, municipality)];
  const designated = requiresDesignatedInstitutions(definition);
  const pool = options.institutionCodes === undefined ? institutionPool(seed, municipality.prefectureCode) : undefined;
  /** Children's certificates run by 年度; others for a year from their start. */
  const fiscal = definition.kind === 'local' && definition.localCategory === 'children';

  function resident(index: number): SyntheticResident {
    if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`resident index ${index} must be a non-negative integer`);
    const rng = streamFor(seed, index, P_RESIDENT);
    const sex = rng.chance(0.5) ? '1' : '2';
    const age = rng.int(ageRange.min, ageRange.max);
    // Born between the day after the (age+1)th birthday would fall and the day the age-th one falls.
    const earliest = dayNumber(addYears(referenceDate, -(age + 1))) + 1;
    const latest = dayNumber(addYears(referenceDate, -age));
    const dateOfBirth = fromDayNumber(rng.int(earliest, latest));
    const later = Number(dateOfBirth.slice(0, 4)) >= LATER_NAMES_FROM_YEAR;
    const givenNames = sex === '1' ? (later ? MALE_NAMES_LATER : MALE_NAMES_EARLIER) : later ? FEMALE_NAMES_LATER : FEMALE_NAMES_EARLIER;
    const [family, familyKana] = rng.pick(FAMILY_NAMES);
    const [given, givenKana] = rng.pick(givenNames);
    const area = rng.pick(municipality.areas);
    const town = rng.pick(TOWN_NAMES);
    const chome = rng.pick(CHOME);
    const address = `${municipality.prefectureName}${area}${town}${chome}丁目${rng.int(1, 30)}番${rng.int(1, 20)}号`;
    return {
      index,
      myNumber: completeMyNumber(String(myNumbers.apply(index)).padStart(11, '0')),
      name: `${family}\u3000${given}`,
      nameKana: `${familyKana}\u3000${givenKana}`,
      address,
      dateOfBirth,
      sex,
    };
  }

  /** [validFrom, validTo] of the one-year period that starts on `start` (for 年度 periods, start is 1 April). */
  const periodFrom = (start: string): [string, string] => [start, addDays(addYears(start, 1), -1)];

  /** A period covering the reference date. */
  const currentPeriod = (offset: number): [string, string] => periodFrom(fiscal ? fiscalYearStart(referenceDate) : fromDayNumber(refDay - offset));

  /** The period of a resident's main record: expired, future or (mostly) current, as the shares say. */
  function mainPeriod(rng: Rng): [string, string] {
    const phase = rng.next();
    const offset = rng.int(0, 364);
    if (phase < shares.expired) {
      if (fiscal) return periodFrom(addYears(fiscalYearStart(referenceDate), -1));
      const end = refDay - 1 - offset;
      return [addYears(fromDayNumber(end + 1), -1), fromDayNumber(end)];
    }
    if (phase < shares.expired + shares.future) {
      return periodFrom(fiscal ? addYears(fiscalYearStart(referenceDate), 1) : fromDayNumber(refDay + 1 + (offset % 90)));
    }
    return currentPeriod(offset);
  }

  function details(rng: Rng, incomeName: string | undefined, cap: number | undefined): CertificationDetailItem[] {
    const items: CertificationDetailItem[] = [];
    if (definition.kind === 'national') {
      const diseases =
        definition.lawCode === '54'
          ? DESIGNATED_INTRACTABLE_DISEASES
          : definition.lawCode === '52'
            ? CHILD_CHRONIC_DISEASES
            : definition.lawCode === '21'
              ? MENTAL_HEALTH_CONDITIONS
              : undefined;
      const disease = rng.pick(diseases ?? DESIGNATED_INTRACTABLE_DISEASES);
      if (diseases) items.push({ label: definition.lawCode === '21' ? '病名' : '疾病名', value: disease });
    }
    if (incomeName !== undefined) items.push({ label: '所得区分', value: incomeName });
    if (cap !== undefined) items.push({ label: '自己負担上限額（月額）', value: yen(cap) });
    const { copay } = definition;
    if (copay.fixedAmountPerVisit !== undefined) items.push({ label: '一部負担金', value: `1回${yen(copay.fixedAmountPerVisit)}` });
    else if (copay.rate === 0) items.push({ label: '一部負担金', value: 'なし' });
    else if (copay.rate !== undefined) items.push({ label: '負担割合', value: `${Math.round(copay.rate * 10)}割` });
    return items;
  }

  function institutions(rng: Rng): string {
    const first = options.institutionCodes ? rng.pick(options.institutionCodes) : rng.pick(pool!.medical);
    const second = options.institutionCodes ? rng.pick(options.institutionCodes) : rng.pick(pool!.pharmacy);
    const withSecond = rng.chance(0.5);
    return withSecond && second !== first ? `${first};${second}` : first;
  }

  function recordsOf(index: number): PmhActiveRecord[] {
    const person = resident(index);
    // Every draw happens whatever the options, so changing one share never reshuffles other fields.
    const rng = streamFor(seed, index, P_CERTIFICATE);
    const insurer = rng.pick(insurerNumbers);
    const income = definition.incomeSegments.length > 0 ? rng.pick(definition.incomeSegments) : undefined;
    const segmentDraw = rng.chance(0.2);
    const segment = definition.segments.length > 0 ? rng.pick(definition.segments) : undefined;
    const conditions = definition.additionalConditionItems
      .map((item) => (rng.chance(0.3) ? `${item.itemCode}-${rng.pick(item.conditionCodes)}` : undefined))
      .filter((c): c is string => c !== undefined);
    const institutionCodes = institutions(rng);
    const notDisclosed = rng.chance(shares.notDisclosed);
    const alwaysReimbursement = rng.chance(shares.alwaysReimbursement);
    const withHistory = rng.chance(shares.history);
    let [start, end] = mainPeriod(rng);
    const cap = income?.monthlyCap ?? definition.copay.monthlyCap;
    const detail = details(rng, income?.name, cap);

    const maxCopaymentAmount: MaxCopaymentAmount = {};
    if (cap !== undefined) maxCopaymentAmount.monthly = cap;
    if (definition.copay.dailyCap !== undefined) maxCopaymentAmount.daily = definition.copay.dailyCap;
    if (definition.copay.perVisitCap !== undefined) maxCopaymentAmount.perVisit = definition.copay.perVisitCap;

    const record = (validFrom: string, validTo: string): PmhActiveRecord => ({
      orgSpecificCertificateTypeId: certificateType.id,
      myNumber: person.myNumber,
      basicFiveInfo: {
        name: person.name,
        nameKana: person.nameKana,
        address: person.address,
        dateOfBirth: person.dateOfBirth,
        sex: person.sex,
      },
      isNotDisclosed: notDisclosed,
      medicalSubsidyInsurerNumber: insurer,
      certificationName: definition.name,
      medicalSubsidyRecipientNumber: completeRecipientNumber(String(recipientNumbers.apply(index % 1_000_000)).padStart(6, '0')),
      ...(segmentDraw && segment ? { segment: segment.code } : {}),
      ...(income ? { incomeSegment: income.code } : {}),
      ...(conditions.length > 0 ? { additionalConditions: conditions.join(';') } : {}),
      ...(designated ? { designatedMedicalInstitutions: institutionCodes } : {}),
      isAlwaysReimbursement: alwaysReimbursement ? '1' : '0',
      ...(Object.keys(maxCopaymentAmount).length > 0 ? { maxCopaymentAmount } : {}),
      validFrom,
      validTo,
      historyKey: `H${validFrom.replaceAll('-', '')}`,
      isDeleted: false,
      certificationDetail: [{ label: '有効期間', value: `${validFrom}～${validTo}` }, ...detail],
    });

    // Periods are cut at the date of birth. A resident born after the drawn period
    // ended (a baby and an expired period) gets a current record instead.
    const born = person.dateOfBirth;
    if (end < born) [start, end] = currentPeriod(0);
    const out: PmhActiveRecord[] = [];
    if (withHistory) {
      const [prevStart] = periodFrom(addYears(start, -1));
      const prevEnd = addDays(start, -1);
      if (prevEnd >= born) out.push(record(maxDate(prevStart, born), prevEnd));
    }
    out.push(record(maxDate(start, born), end));
    return out;
  }

  function* records(count: number): Generator<PmhActiveRecord, void, undefined> {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count ${count} must be a non-negative integer`);
    let emitted = 0;
    for (let index = 0; emitted < count; index++) {
      for (const r of recordsOf(index)) {
        if (emitted >= count) return;
        yield r;
        emitted++;
      }
    }
  }

  return { referenceDate, ageRange, resident, recordsOf, records };
}
