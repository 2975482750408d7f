/**
 * Well-known test cards, like a payment sandbox's test card numbers: a fixed list of
 * マイナンバーカード 電子証明書 serial numbers that exist after start-up in every sandbox (and
 * again after every POST /sandbox/v1/reset) and always give the same eligibility outcome, so an
 * integrator can test against them without creating anything.
 *
 * Pure data: src/sandbox/test-cards-seed.ts loads it through the municipal registration pipeline,
 * the README table and the OpenAPI description of createEligibilityCheck are written from it.
 *
 * Validity does not rot: "valid" rows run 2000-01-01 – 2099-12-31, "expired" ended 2001-03-31,
 * "future" starts 2099-01-01 — whatever the sandbox clock says between 2001 and 2098.
 */
import { completeInsurerNumber, completeMedicalInstitutionCode, completeMyNumber, completeRecipientNumber } from '../domain/numbers.js';
import type { EligibilityOutcome } from '../domain/eligibility.js';
import type { PmhActiveRecord, Reimbursement, Sex } from '../domain/pmh-record/index.js';
import type { CertificateTypeDefinition } from '../certificate-types/schemas.js';

export const ALWAYS_VALID = { validFrom: '2000-01-01', validTo: '2099-12-31' } as const;
export const EXPIRED = { validFrom: '2000-04-01', validTo: '2001-03-31' } as const;
export const FUTURE = { validFrom: '2099-01-01', validTo: '2099-12-31' } as const;

/**
 * The well-known test institution. SANDBOX CREDENTIAL: this token is public and works in every
 * sandbox; it is not a secret and never a PMH credential.
 */
export const TEST_INSTITUTION = {
  code: completeMedicalInstitutionCode('131999001'),
  name: 'PMHサンドボックス試験医院',
  kind: 'medical',
  token: 'pmh_ins_test_wellknown_sandbox_only_0000000001',
} as const;

/** Another 医療機関コード, designated on the "not designated here" card instead of TEST_INSTITUTION. */
export const OTHER_DESIGNATED_INSTITUTION = completeMedicalInstitutionCode('131999002');

/** The owners of the test cards' rows: reserved type ids in two real municipalities. */
export const TEST_MUNICIPALITIES = {
  nanbyo: { code: '130001', name: '東京都', typeId: 'TESTNANBYO54' },
  kodomo: { code: '132012', name: '八王子市', typeId: 'TESTKODOMO' },
} as const;

const NANBYO_INSURER = completeInsurerNumber('5413001');
const KODOMO_INSURER = completeInsurerNumber('8813201');

export const TEST_CERTIFICATE_TYPES: { municipality: string; id: string; definition: CertificateTypeDefinition }[] = [
  {
    municipality: TEST_MUNICIPALITIES.nanbyo.code,
    id: TEST_MUNICIPALITIES.nanbyo.typeId,
    definition: {
      kind: 'national',
      lawCode: '54',
      name: '特定医療費（指定難病）受給者証（試験用）',
      insurerNumbers: [NANBYO_INSURER],
      incomeSegments: [{ code: 'IPPAN1', name: '一般所得Ⅰ', monthlyCap: 10000 }],
      segments: [],
      additionalConditionItems: [],
      copay: { rate: 0.2 },
      requiresDesignatedInstitutions: true,
      checkDigitValidation: 'strict',
    },
  },
  {
    municipality: TEST_MUNICIPALITIES.kodomo.code,
    id: TEST_MUNICIPALITIES.kodomo.typeId,
    definition: {
      kind: 'local',
      localCategory: 'children',
      name: 'こども医療証（試験用）',
      insurerNumbers: [KODOMO_INSURER],
      incomeSegments: [],
      segments: [],
      additionalConditionItems: [],
      copay: { rate: 0, inpatientOutpatientCombined: false },
      requiresDesignatedInstitutions: false,
      checkDigitValidation: 'strict',
    },
  },
];

type RowKind = 'nanbyo' | 'kodomo';
interface RowSpec {
  kind: RowKind;
  validity?: { validFrom: string; validTo: string };
  isNotDisclosed?: boolean;
  alwaysReimbursement?: boolean;
  /** 指定医療機関 (難病 only); default TEST_INSTITUTION. */
  designated?: string;
}

/** What a check of the card with `consent` answers, for any service date 2001-04-01 … 2098-12-31. */
export type Expected =
  | { status: 200; outcome: EligibilityOutcome; subsidies: ExpectedSubsidy[] }
  | { status: 422; problemCode: 'certificate_expired' | 'certificate_revoked' | 'unknown_certificate_serial' };

export interface ExpectedSubsidy {
  /** 法別番号 of a national program, or the localCategory of a 地単. */
  program: '54' | 'children';
  designatedHere: boolean | null;
  isAlwaysReimbursement: Reimbursement;
}

export interface TestCard {
  certificateSerialNumber: string;
  /** Short name of the case. */
  case: string;
  /** What the card is meant to show. */
  shows: string;
  /** consent.medicalSubsidy to send for the documented outcome. */
  consent: boolean;
  expected: Expected;
  card: { status: 'active' | 'revoked'; certificateExpiresOn: string };
  rows: RowSpec[];
  person: { n: number; name: string; nameKana: string; dateOfBirth: string; sex: Extract<Sex, '1' | '2'> };
}

const ACTIVE = { status: 'active', certificateExpiresOn: '2099-12-31' } as const;
const nanbyo = (over: Partial<ExpectedSubsidy> = {}): ExpectedSubsidy => ({ program: '54', designatedHere: true, isAlwaysReimbursement: '0', ...over });
const kodomo: ExpectedSubsidy = { program: 'children', designatedHere: null, isAlwaysReimbursement: '0' };

const serial = (n: number) => `TEST${String(n).padStart(16, '0')}`;

export const TEST_CARDS: readonly TestCard[] = [
  {
    certificateSerialNumber: serial(1),
    case: 'valid 難病',
    shows: 'One 特定医療費（指定難病） subsidy (法別54, 東京都), designated at the test institution',
    consent: true,
    expected: { status: 200, outcome: 'returned', subsidies: [nanbyo()] },
    card: ACTIVE,
    rows: [{ kind: 'nanbyo' }],
    person: { n: 1, name: '試験　難病', nameKana: 'シケン　ナンビョウ', dateOfBirth: '1970-01-01', sex: '1' },
  },
  {
    certificateSerialNumber: serial(2),
    case: 'valid こども医療',
    shows: 'One こども医療費助成 subsidy (地単 children, 八王子市)',
    consent: true,
    expected: { status: 200, outcome: 'returned', subsidies: [kodomo] },
    card: ACTIVE,
    rows: [{ kind: 'kodomo' }],
    person: { n: 2, name: '試験　子供', nameKana: 'シケン　コドモ', dateOfBirth: '2020-05-05', sex: '2' },
  },
  {
    certificateSerialNumber: serial(3),
    case: 'both at once',
    shows: 'Two subsidies from two municipalities: 難病 (national, first) then こども医療 (local)',
    consent: true,
    expected: { status: 200, outcome: 'returned', subsidies: [nanbyo(), kodomo] },
    card: ACTIVE,
    rows: [{ kind: 'nanbyo' }, { kind: 'kodomo' }],
    person: { n: 3, name: '試験　両方', nameKana: 'シケン　リョウホウ', dateOfBirth: '2015-03-03', sex: '1' },
  },
  {
    certificateSerialNumber: serial(4),
    case: 'no consent',
    shows: 'A valid 難病 record, but sent with consent.medicalSubsidy false: [] (with true: the 難病 subsidy)',
    consent: false,
    expected: { status: 200, outcome: 'no_consent', subsidies: [] },
    card: ACTIVE,
    rows: [{ kind: 'nanbyo' }],
    person: { n: 4, name: '試験　同意', nameKana: 'シケン　ドウイ', dateOfBirth: '1980-04-04', sex: '2' },
  },
  {
    certificateSerialNumber: serial(5),
    case: '不開示',
    shows: 'A valid 難病 record with isNotDisclosed true: []',
    consent: true,
    expected: { status: 200, outcome: 'all_not_disclosed', subsidies: [] },
    card: ACTIVE,
    rows: [{ kind: 'nanbyo', isNotDisclosed: true }],
    person: { n: 5, name: '試験　非開示', nameKana: 'シケン　ヒカイジ', dateOfBirth: '1975-05-05', sex: '1' },
  },
  {
    certificateSerialNumber: serial(6),
    case: 'expired record',
    shows: 'A 難病 record that ended 2001-03-31: []',
    consent: true,
    expected: { status: 200, outcome: 'none_valid_on_service_date', subsidies: [] },
    card: ACTIVE,
    rows: [{ kind: 'nanbyo', validity: EXPIRED }],
    person: { n: 6, name: '試験　期限', nameKana: 'シケン　キゲン', dateOfBirth: '1960-06-06', sex: '2' },
  },
  {
    certificateSerialNumber: serial(7),
    case: 'future record',
    shows: 'A 難病 record that starts 2099-01-01: [] (returned for a serviceDate in 2099)',
    consent: true,
    expected: { status: 200, outcome: 'none_valid_on_service_date', subsidies: [] },
    card: ACTIVE,
    rows: [{ kind: 'nanbyo', validity: FUTURE }],
    person: { n: 7, name: '試験　未来', nameKana: 'シケン　ミライ', dateOfBirth: '1990-07-07', sex: '1' },
  },
  {
    certificateSerialNumber: serial(8),
    case: 'not designated here',
    shows: `A 難病 subsidy whose 指定医療機関 is ${OTHER_DESIGNATED_INSTITUTION}, not the test institution: designatedHere false`,
    consent: true,
    expected: { status: 200, outcome: 'returned', subsidies: [nanbyo({ designatedHere: false })] },
    card: ACTIVE,
    rows: [{ kind: 'nanbyo', designated: OTHER_DESIGNATED_INSTITUTION }],
    person: { n: 8, name: '試験　指定', nameKana: 'シケン　シテイ', dateOfBirth: '1955-08-08', sex: '2' },
  },
  {
    certificateSerialNumber: serial(9),
    case: '常に償還払い',
    shows: 'A 難病 subsidy with isAlwaysReimbursement "1" (the patient pays and claims back)',
    consent: true,
    expected: { status: 200, outcome: 'returned', subsidies: [nanbyo({ isAlwaysReimbursement: '1' })] },
    card: ACTIVE,
    rows: [{ kind: 'nanbyo', alwaysReimbursement: true }],
    person: { n: 9, name: '試験　償還', nameKana: 'シケン　ショウカン', dateOfBirth: '1965-09-09', sex: '1' },
  },
  {
    certificateSerialNumber: serial(10),
    case: 'expired card',
    shows: 'The card’s 電子証明書 expired 2001-03-31: 422 certificate_expired (its 難病 record is valid)',
    consent: true,
    expected: { status: 422, problemCode: 'certificate_expired' },
    card: { status: 'active', certificateExpiresOn: '2001-03-31' },
    rows: [{ kind: 'nanbyo' }],
    person: { n: 10, name: '試験　失効', nameKana: 'シケン　シッコウ', dateOfBirth: '1950-10-10', sex: '2' },
  },
  {
    certificateSerialNumber: serial(11),
    case: 'revoked card',
    shows: 'The card’s 電子証明書 is revoked (失効): 422 certificate_revoked (its 難病 record is valid)',
    consent: true,
    expected: { status: 422, problemCode: 'certificate_revoked' },
    card: { status: 'revoked', certificateExpiresOn: '2099-12-31' },
    rows: [{ kind: 'nanbyo' }],
    person: { n: 11, name: '試験　取消', nameKana: 'シケン　トリケシ', dateOfBirth: '1985-11-11', sex: '1' },
  },
  {
    certificateSerialNumber: serial(12),
    case: 'no records',
    shows: 'A valid card whose holder no municipality registered: []',
    consent: true,
    expected: { status: 200, outcome: 'no_records', subsidies: [] },
    card: ACTIVE,
    rows: [],
    person: { n: 12, name: '試験　無登録', nameKana: 'シケン　ムトウロク', dateOfBirth: '1995-12-12', sex: '2' },
  },
];

/** Whether a reset (all, or of one municipality or institution) removed test-card data, so that they must be loaded again. */
export function resetTouchesTestCards(what: { scope: 'all' | 'municipality' | 'institution'; code: string | null }): boolean {
  if (what.scope === 'all') return true;
  if (what.scope === 'institution') return what.code === TEST_INSTITUTION.code;
  return Object.values(TEST_MUNICIPALITIES).some((m) => m.code === what.code);
}

/** A serial no card has: 422 unknown_certificate_serial. */
export const UNKNOWN_TEST_SERIAL = serial(0);

/** The reserved block of the test card holders' 個人番号: 99990000xxx and a check digit. */
export const TEST_MY_NUMBER_PREFIX = '99990000';

/** 個人番号 of a test card holder (a reserved block 99990000xxx with a valid check digit). */
export const testCardMyNumber = (card: TestCard) => completeMyNumber(`${TEST_MY_NUMBER_PREFIX}${String(card.person.n).padStart(3, '0')}`);

/** The card's rows as registration records, grouped by registering municipality. */
export function testCardRecords(card: TestCard): { municipality: string; record: PmhActiveRecord }[] {
  const myNumber = testCardMyNumber(card);
  const basicFiveInfo = {
    name: card.person.name,
    nameKana: card.person.nameKana,
    address: card.rows[0]?.kind === 'kodomo' ? '東京都八王子市元本郷町三丁目24番1号' : '東京都新宿区西新宿二丁目8番1号',
    dateOfBirth: card.person.dateOfBirth,
    sex: card.person.sex,
  };
  return card.rows.map((row, i) => {
    const validity = row.validity ?? ALWAYS_VALID;
    const common = {
      myNumber,
      basicFiveInfo,
      isNotDisclosed: row.isNotDisclosed ?? false,
      isAlwaysReimbursement: row.alwaysReimbursement ? ('1' as const) : ('0' as const),
      ...validity,
      historyKey: 'TEST1',
      isDeleted: false as const,
      medicalSubsidyRecipientNumber: completeRecipientNumber(`99${String(card.person.n).padStart(2, '0')}0${i}`),
    };
    if (row.kind === 'nanbyo') {
      return {
        municipality: TEST_MUNICIPALITIES.nanbyo.code,
        record: {
          ...common,
          orgSpecificCertificateTypeId: TEST_MUNICIPALITIES.nanbyo.typeId,
          medicalSubsidyInsurerNumber: NANBYO_INSURER,
          certificationName: '特定医療費（指定難病）受給者証（試験用）',
          incomeSegment: 'IPPAN1',
          maxCopaymentAmount: { monthly: 10000 },
          designatedMedicalInstitutions: row.designated ?? TEST_INSTITUTION.code,
          certificationDetail: [{ label: '疾病名', value: 'パーキンソン病（試験用）' }],
        },
      };
    }
    return {
      municipality: TEST_MUNICIPALITIES.kodomo.code,
      record: {
        ...common,
        orgSpecificCertificateTypeId: TEST_MUNICIPALITIES.kodomo.typeId,
        medicalSubsidyInsurerNumber: KODOMO_INSURER,
        certificationName: 'こども医療証（試験用）',
        certificationDetail: [{ label: '備考', value: '試験用' }],
      },
    };
  });
}

const describeExpected = (e: Expected) =>
  e.status === 422
    ? `422 \`${e.problemCode}\``
    : `200, ${e.subsidies.length === 0 ? '`medicalSubsidies: []`' : `${e.subsidies.length} ${e.subsidies.length > 1 ? 'subsidies' : 'subsidy'}`} (${e.outcome})`;

/** The README table (section "Well-known test cards"); a test keeps the README in step. */
export function testCardsMarkdownTable(): string {
  const lines = ['| certificateSerialNumber | Case | consent | Answer | What it shows |', '|---|---|---|---|---|'];
  for (const c of TEST_CARDS) {
    lines.push(`| \`${c.certificateSerialNumber}\` | ${c.case} | ${c.consent} | ${describeExpected(c.expected)} | ${c.shows} |`);
  }
  lines.push(`| \`${UNKNOWN_TEST_SERIAL}\` | unknown card | true | 422 \`unknown_certificate_serial\` | No card has this serial |`);
  return lines.join('\n');
}

/** For the OpenAPI description of the eligibility check. */
export function testCardsDescription(): string {
  return (
    `Well-known test cards (sandbox only; they exist in every sandbox and survive POST /sandbox/v1/reset). Call with the well-known ` +
    `test institution's sandbox token \`${TEST_INSTITUTION.token}\` (医療機関コード ${TEST_INSTITUTION.code}); validity runs 2000-01-01 – 2099-12-31, ` +
    `so the answers hold for any service date from 2001-04-01 to 2098-12-31:\n\n${testCardsMarkdownTable()}`
  );
}
