import type { CertificateTypeDefinition } from '../../certificate-types/schemas.js';
import { syntheticMunicipality } from '../../synthetic/municipality.js';
import { jstDate } from '../../domain/dates.js';
import type { LocalRuleRow, Setting } from '../../domain/copay/types.js';
import {
  completeInsurerNumber,
  completeMedicalInstitutionCode,
  completeMyNumber,
  completeRecipientNumber,
  type MedicalInstitutionKind,
} from '../../domain/numbers.js';
import type { PmhActiveRecord, PmhRecord } from '../../domain/pmh-record/index.js';
import type { TaskView } from '../../registrations/service.js';
import { addDays, addYears } from '../../synthetic/calendar.js';
import { formatRecords } from '../../synthetic/format.js';
import { createGenerator } from '../../synthetic/generator.js';
import { PRESETS } from '../../synthetic/presets.js';
import type { SandboxLoader } from '../loader.js';
import type { ScenarioResult } from './schemas.js';

type Def = CertificateTypeDefinition;
const TOKYO = { code: '130001', prefectureCode: '13' };
const HACHIOJI = { code: '132012', prefectureCode: '13' };

/** 八王子市's real local programs (pmh.md: valid real 公費負担者番号 81136244, 88138243, 89131247). */
const local = (name: string, insurer: string, category: 'children' | 'single_parent', rate: number): Def => ({
  kind: 'local',
  localCategory: category,
  name,
  insurerNumbers: [insurer],
  incomeSegments: [],
  segments: [],
  additionalConditionItems: [],
  copay: { rate },
  requiresDesignatedInstitutions: false,
  checkDigitValidation: 'strict',
});
/**
 * The scenarios' certificate type ids: a prefix of their own, so that loading a scenario never re-PUTs (and registers
 * records under) a type the municipality defined itself with a natural id such as NANBYO54.
 */
const T = {
  nanbyo: 'SCNNANBYO54',
  seishin: 'SCNSEISHIN21',
  hitorioya: 'SCNHITORIOYA81',
  kodomo: 'SCNKODOMO88',
  koukousei: 'SCNKOUKOUSEI89',
} as const;

const HACHIOJI_TYPES: Record<string, Def> = {
  [T.hitorioya]: local('ひとり親家庭等医療証（マル親）', '81136244', 'single_parent', 0.1),
  [T.kodomo]: local('乳幼児・義務教育就学児医療証（マル乳・マル子）', '88138243', 'children', 0),
  [T.koukousei]: local('高校生等医療証（マル青）', '89131247', 'children', 0),
};

const OSAKA_PREF = { code: '270008', prefectureCode: '27' };
const OSAKA_CITY = { code: '271004', prefectureCode: '27' };

/** copayment-cases' certificate types: ids of their own, as the other scenarios' (never a municipality's own NANBYO54). */
const C = {
  nanbyo: 'SCNCOPAY54',
  shoman: 'SCNCOPAY52',
  seishin: 'SCNCOPAY21',
  hitorioya: 'SCNOSAKAHITORI81',
  judo: 'SCNOSAKAJUDO84',
} as const;

/** 大阪市-style local rows (copay.md §4): what is left after insurance, at most 500 a day per institution. */
const osakaRow = {
  kind: 'local',
  conditions: {},
  copay: { kind: 'remaining' },
  perDayCap: 500,
  grouping: { inpatientOutpatient: 'separate', dental: 'separate' },
  food: 'full',
  rounding: 'round10',
} as const;

const osakaLocal = (name: string, law: string, category: 'disability' | 'single_parent', row: LocalRuleRow): Def => ({
  kind: 'local',
  localCategory: category,
  name,
  insurerNumbers: [completeInsurerNumber(`${law}${OSAKA_CITY.prefectureCode}${OSAKA_CITY.code.slice(2, 5)}`)],
  incomeSegments: [],
  segments: [],
  additionalConditionItems: [],
  copay: {},
  requiresDesignatedInstitutions: false,
  checkDigitValidation: 'strict',
  copaymentRules: { rows: [row] },
});

const COPAY_TYPES = {
  /** National types with their law defaults written out as copaymentRules (54/52 2割, 21 1割; food full / half). */
  prefecture: {
    [C.nanbyo]: { ...PRESETS.nanbyo54!.definition(OSAKA_PREF), copaymentRules: { share: 0.2, food: 'full' } },
    [C.shoman]: { ...PRESETS.shoman52!.definition(OSAKA_PREF), copaymentRules: { share: 0.2, food: 'half' } },
    [C.seishin]: { ...PRESETS.seishin21!.definition(OSAKA_PREF), copaymentRules: { share: 0.1 } },
  } as Record<string, Def>,
  city: {
    [C.hitorioya]: osakaLocal('ひとり親家庭医療証', '81', 'single_parent', {
      ...osakaRow,
      label: 'ひとり親 1日500円・月2日まで（3日目から0）、院外調剤0',
      countLimit: { unit: 'day', max: 2, after: 'free' },
      monthlyCap: { amount: 2500, scope: 'across_institutions', mode: 'window' },
      pharmacy: 'free',
    }),
    [C.judo]: osakaLocal('重度障がい者医療証', '84', 'disability', {
      ...osakaRow,
      label: '重度障がい 1日500円・月3,000円まで（医療機関・薬局合算）',
      monthlyCap: { amount: 3000, scope: 'across_institutions', mode: 'window' },
      pharmacy: 'as_others',
    }),
  } as Record<string, Def>,
};

const LOAD_TASK_RECORDS = 100_000;
/** load:<count> up to this waits for its tasks and answers 200; larger answers 202 at once. */
export const LOAD_WAIT_LIMIT = 2_000;

function* take<T>(it: Iterator<T>, n: number) {
  for (let i = 0; i < n; i++) {
    const r = it.next();
    if (r.done) return;
    yield r.value;
  }
}

const taskRow = (municipalityCode: string, t: TaskView) => ({ municipalityCode, taskId: t.id, status: t.status, receivedCount: t.receivedCount });

export function scenariosService(deps: { loader: SandboxLoader; now: () => Date; maxRecordsPerTask: number }) {
  const { loader } = deps;

  async function municipalityWithTypes(code: string, types: Record<string, Def>) {
    const lg = await loader.municipality(code);
    for (const [id, def] of Object.entries(types)) await loader.putCertificateType(code, id, def);
    return { code, name: lg.name, token: await loader.issueMunicipalToken(code), certificateTypes: Object.keys(types) };
  }

  async function institution(first9: string, name: string, kind: MedicalInstitutionKind = 'medical') {
    const created = await loader.createInstitution(completeMedicalInstitutionCode(first9), name, kind);
    return { code: created.institution.code, name: created.institution.name, kind, token: created.token };
  }

  async function pilotMunicipalities(): Promise<ScenarioResult> {
    const today = jstDate(deps.now());
    const inst = await institution('131999101', 'パイロット試験医院');
    const municipalities = [
      await municipalityWithTypes(TOKYO.code, { [T.nanbyo]: PRESETS.nanbyo54!.definition(TOKYO), [T.seishin]: PRESETS.seishin21!.definition(TOKYO) }),
      await municipalityWithTypes(HACHIOJI.code, HACHIOJI_TYPES),
    ];
    const tasks: ScenarioResult['tasks'] = [];
    const holders: { myNumber: string; case: string; shows: string }[] = [];
    for (const m of municipalities) {
      const area = syntheticMunicipality(m.code)!;
      const records: PmhActiveRecord[] = [];
      for (const typeId of m.certificateTypes) {
        const definition =
          m.code === TOKYO.code ? (typeId === T.nanbyo ? PRESETS.nanbyo54!.definition(TOKYO) : PRESETS.seishin21!.definition(TOKYO)) : HACHIOJI_TYPES[typeId]!;
        const gen = createGenerator({
          seed: 'pilot-municipalities',
          referenceDate: today,
          municipality: area,
          certificateType: { id: typeId, definition },
          shares: { expired: 0, future: 0, history: 0, notDisclosed: 0, alwaysReimbursement: 0 },
          institutionCodes: [inst.code],
        });
        for (let i = 0; i < 2; i++) {
          const rec = gen.recordsOf(i).at(-1)!;
          records.push(rec);
          holders.push({ myNumber: rec.myNumber, case: `${m.name} ${typeId}`, shows: `${rec.certificationName} (${rec.validFrom} – ${rec.validTo})` });
        }
      }
      tasks.push(taskRow(m.code, await loader.register(m.code, records, { waitSeconds: 60 })));
    }
    const cards: ScenarioResult['cards'] = [];
    for (const h of holders) {
      const card = await loader.createCard({ myNumber: h.myNumber, status: 'active' });
      cards.push({ certificateSerialNumber: card.certificateSerialNumber, case: h.case, shows: h.shows, consent: true, expected: '200, 1 subsidy (returned)' });
    }
    return { scenario: 'pilot-municipalities', municipalities, institutions: [inst], cards, tasks };
  }

  async function edgeCases(): Promise<ScenarioResult> {
    const today = jstDate(deps.now());
    const valid = { validFrom: addDays(today, -30), validTo: addYears(today, 1) };
    const inst = await institution('131999201', 'エッジケース試験医院');
    const other = completeMedicalInstitutionCode('131999202');
    const nanbyoDef = PRESETS.nanbyo54!.definition(TOKYO);
    const kodomoDef = HACHIOJI_TYPES[T.kodomo]!;
    const municipalities = [
      await municipalityWithTypes(TOKYO.code, { [T.nanbyo]: nanbyoDef }),
      await municipalityWithTypes(HACHIOJI.code, { [T.kodomo]: kodomoDef }),
    ];

    interface Case {
      case: string;
      shows: string;
      consent?: boolean;
      expected: string;
      card?: { status?: 'active' | 'revoked'; certificateExpiresOn?: string };
      rows: {
        kodomo?: boolean;
        validity?: { validFrom: string; validTo: string };
        isNotDisclosed?: boolean;
        reimburse?: boolean;
        designated?: string;
        historyKey?: string;
      }[];
      deleteHistoryKey?: string;
    }
    const cases: Case[] = [
      { case: 'no consent', shows: 'A valid 難病 record; sent with consent false', consent: false, expected: '200, [] (no_consent)', rows: [{}] },
      {
        case: 'expired record',
        shows: `A 難病 record that ended yesterday (${addDays(today, -1)})`,
        expected: '200, [] (none_valid_on_service_date)',
        rows: [{ validity: { validFrom: addYears(today, -1), validTo: addDays(today, -1) } }],
      },
      {
        case: 'future record',
        shows: `A 難病 record that starts tomorrow (${addDays(today, 1)})`,
        expected: '200, [] (none_valid_on_service_date)',
        rows: [{ validity: { validFrom: addDays(today, 1), validTo: addYears(today, 1) } }],
      },
      {
        case: 'ends today',
        shows: `A 難病 record whose validTo is today (${today}): returned today, [] from tomorrow (move the sandbox clock)`,
        expected: '200, 1 subsidy (returned)',
        rows: [{ validity: { validFrom: addYears(today, -1), validTo: today } }],
      },
      { case: '不開示', shows: 'A valid 難病 record with isNotDisclosed true', expected: '200, [] (all_not_disclosed)', rows: [{ isNotDisclosed: true }] },
      {
        case: 'not designated here',
        shows: `A valid 難病 record whose 指定医療機関 is ${other}, not the scenario institution`,
        expected: '200, 1 subsidy with designatedHere false',
        rows: [{ designated: other }],
      },
      {
        case: '常に償還払い',
        shows: 'A valid 難病 record with isAlwaysReimbursement "1"',
        expected: '200, 1 subsidy with isAlwaysReimbursement "1"',
        rows: [{ reimburse: true }],
      },
      {
        case: 'two municipalities',
        shows: '難病 from 東京都 and こども医療 from 八王子市',
        expected: '200, 2 subsidies (national first)',
        rows: [{}, { kodomo: true }],
      },
      {
        case: 'deleted history row',
        shows: 'History rows H1 and H2 registered, then H2 deleted (isDeleted true) by a second upload',
        expected: '200, 1 subsidy (H1 only)',
        rows: [{ historyKey: 'H1' }, { historyKey: 'H2', validity: { validFrom: addDays(today, -10), validTo: addYears(today, 2) } }],
        deleteHistoryKey: 'H2',
      },
      {
        case: 'card expired',
        shows: `The card’s 電子証明書 expired yesterday (${addDays(today, -1)}); its record is valid`,
        expected: '422 certificate_expired',
        card: { certificateExpiresOn: addDays(today, -1) },
        rows: [{}],
      },
      {
        case: 'card revoked',
        shows: 'The card’s 電子証明書 is revoked (失効); its record is valid',
        expected: '422 certificate_revoked',
        card: { status: 'revoked' },
        rows: [{}],
      },
    ];

    const uploads = new Map<string, PmhRecord[]>();
    const deletions = new Map<string, PmhRecord[]>();
    const add = (m: Map<string, PmhRecord[]>, code: string, r: PmhRecord) => m.set(code, [...(m.get(code) ?? []), r]);
    cases.forEach((c, n) => {
      const myNumber = completeMyNumber(`99980000${String(n + 1).padStart(3, '0')}`);
      const basicFiveInfo = {
        name: `境界　${n + 1}号`,
        nameKana: 'キョウカイ　テスト',
        address: '東京都八王子市元本郷町三丁目24番1号',
        dateOfBirth: '2012-04-02',
        sex: '1' as const,
      };
      c.rows.forEach((row, i) => {
        const common = {
          myNumber,
          basicFiveInfo,
          isNotDisclosed: row.isNotDisclosed ?? false,
          isAlwaysReimbursement: row.reimburse ? ('1' as const) : ('0' as const),
          ...(row.validity ?? valid),
          historyKey: row.historyKey ?? 'H1',
          isDeleted: false as const,
          medicalSubsidyRecipientNumber: completeRecipientNumber(`98${String(n + 1).padStart(2, '0')}0${i}`),
        };
        if (row.kodomo) {
          add(uploads, HACHIOJI.code, {
            ...common,
            orgSpecificCertificateTypeId: T.kodomo,
            medicalSubsidyInsurerNumber: kodomoDef.insurerNumbers[0],
            certificationName: kodomoDef.name,
            certificationDetail: [],
          });
        } else {
          add(uploads, TOKYO.code, {
            ...common,
            orgSpecificCertificateTypeId: T.nanbyo,
            medicalSubsidyInsurerNumber: nanbyoDef.insurerNumbers[0],
            certificationName: nanbyoDef.name,
            incomeSegment: 'IPPAN1',
            maxCopaymentAmount: { monthly: 10000 },
            designatedMedicalInstitutions: row.designated ?? inst.code,
            certificationDetail: [{ label: '疾病名', value: 'パーキンソン病' }],
          });
        }
      });
      if (c.deleteHistoryKey) add(deletions, TOKYO.code, { orgSpecificCertificateTypeId: T.nanbyo, myNumber, historyKey: c.deleteHistoryKey, isDeleted: true });
    });
    const tasks: ScenarioResult['tasks'] = [];
    for (const [code, records] of uploads) tasks.push(taskRow(code, await loader.register(code, records, { waitSeconds: 60 })));
    for (const [code, records] of deletions) tasks.push(taskRow(code, await loader.register(code, records, { waitSeconds: 60 })));

    const cards: ScenarioResult['cards'] = [];
    for (const [n, c] of cases.entries()) {
      const myNumber = completeMyNumber(`99980000${String(n + 1).padStart(3, '0')}`);
      const card = await loader.createCard({ myNumber, status: c.card?.status ?? 'active', certificateExpiresOn: c.card?.certificateExpiresOn });
      cards.push({ certificateSerialNumber: card.certificateSerialNumber, case: c.case, shows: c.shows, consent: c.consent ?? true, expected: c.expected });
    }
    return { scenario: 'edge-cases', municipalities, institutions: [inst], cards, tasks };
  }

  /**
   * copay.md §6's worked examples, one cardholder each, in 大阪府 (national 54, 52, 21) and 大阪市 (local ひとり親,
   * 重度障がい). Earlier visits a case needs are recorded through the eligibility check and the ledger like any
   * institution's; loading again cancels the other lines of the scenario's certificates in this and last month and
   * restores these, so every case starts where its `expected` text says.
   */
  async function copaymentCases(): Promise<ScenarioResult> {
    const today = jstDate(deps.now());
    const ym = today.slice(0, 7);
    const first = `${ym}-01`;
    const prevLast = addDays(first, -1);
    const prevYm = prevLast.slice(0, 7);
    const prev = (d: number) => `${prevYm}-${String(d).padStart(2, '0')}`;
    const clinic = await institution('271999301', '上限額試験クリニックA');
    const hospital = await institution('271999302', '上限額試験病院B');
    const pharmacy = await institution('274999303', '上限額試験薬局P', 'pharmacy');
    const A = `${clinic.name} (${clinic.code})`;
    const B = `${hospital.name} (${hospital.code})`;
    const P = `${pharmacy.name} (${pharmacy.code})`;
    const municipalities = [
      await municipalityWithTypes(OSAKA_PREF.code, COPAY_TYPES.prefecture),
      await municipalityWithTypes(OSAKA_CITY.code, COPAY_TYPES.city),
    ];
    const designatedMedicalInstitutions = [clinic.code, hospital.code, pharmacy.code].join(';');

    type Inst = typeof clinic;
    interface Line {
      at: Inst;
      visitId: string;
      serviceDate: string;
      setting: Setting;
      totalMedicalCost: number;
      copaymentCharged: number;
    }
    interface Case {
      case: string;
      type: keyof typeof C;
      shows: string;
      expected: string;
      history: Line[];
    }
    const line = (at: Inst, visitId: string, serviceDate: string, totalMedicalCost: number, copaymentCharged: number): Line => ({
      at,
      visitId,
      serviceDate,
      setting: 'outpatient',
      totalMedicalCost,
      copaymentCharged,
    });
    const cases: Case[] = [
      {
        case: '#1 cap reached mid-visit',
        type: 'nanbyo',
        shows: `難病 54, 一般所得Ⅰ, monthly cap 10,000; ${B} recorded 9,000 (総額 45,000) on ${first}`,
        expected:
          `Check at ${A}: copaymentLimit accumulated 9,000, remaining 1,000. Quote ${today} outpatient 総額 20,000, insuranceShare 0.3 → ` +
          'patientPays 1,000 (insurancePays 14,000; the subsidy pays 5,000, copaymentCharged 1,000, monthToDate 9,000, capReached true). ' +
          `Record copaymentCharged 1,000 → accumulatedAfter 10,000, capReached true. Then at ${P}: pharmacy 総額 8,000 → 0 (as #2)`,
        history: [line(hospital, 'SCN-1-B', first, 45000, 9000)],
      },
      {
        case: '#2 pharmacy after the cap',
        type: 'nanbyo',
        shows: `難病 54, monthly cap 10,000 reached this month: ${B} recorded 10,000 (総額 50,000) on ${first}`,
        expected:
          `Check at ${P}: accumulated 10,000, capReached true. Quote ${today} pharmacy 総額 8,000, insuranceShare 0.3 → patientPays 0 ` +
          '(copaymentCharged 0, monthToDate 10,000). Record 総額 8,000, copaymentCharged 0 → accumulatedAfter 10,000, capReached true ' +
          '(the line is kept with its 総額)',
        history: [line(hospital, 'SCN-2-B', first, 50000, 10000)],
      },
      {
        case: '#4 52 inpatient with food',
        type: 'shoman',
        shows: '小慢 52, 一般所得Ⅰ, monthly cap 5,000 (the type’s incomeSegments), food 1/2; nothing recorded',
        expected:
          `At ${A}: quote ${today} inpatient 総額 30,000, foodCost 12,000, insuranceShare 0.3 → patientPays 11,000 ` +
          '(patientPaysMedical 5,000: 2割 6,000 capped at 5,000; patientPaysFood 6,000: half of 12,000; insurancePays 21,000). ' +
          'Record copaymentCharged 5,000, foodCost 6,000 → accumulatedAfter 5,000, capReached true (food never counts toward the cap)',
        history: [],
      },
      {
        case: '#5 自立支援 21 at 1割',
        type: 'seishin',
        shows: '精神通院 21, 低所得2, monthly cap 5,000, 1割; nothing recorded',
        expected:
          `At ${A} on ${today}: outpatient 総額 30,000 → 3,000; record → accumulatedAfter 3,000. At ${P} the same day: pharmacy 総額 25,000 → ` +
          `2,000 (1割 2,500, 2,000 left), capReached true; record → accumulatedAfter 5,000, capReached true. At ${A} again: 総額 10,000 → 0`,
        history: [],
      },
      {
        case: '#8 month rollover',
        type: 'nanbyo',
        shows: `難病 54, monthly cap 10,000, reached last month: ${B} recorded 10,000 (総額 50,000) on ${addDays(prevLast, -3)}; nothing this month`,
        expected:
          `At ${A}: quote ${first} outpatient 総額 20,000 → 4,000 (monthToDate 0: a new month); record → accumulatedAfter 4,000, capReached false. ` +
          `A visit of ${prevLast} entered late: quote → 0 (${prevYm} is at its cap); record 総額 20,000, copaymentCharged 0 → ` +
          `accumulatedAfter 10,000, capReached true (${prevYm}'s line)`,
        history: [line(hospital, 'SCN-8-B', addDays(prevLast, -3), 50000, 10000)],
      },
      {
        case: '#9 ひとり親 500 a day, 2 days, then free',
        type: 'hitorioya',
        shows: `大阪市 ひとり親 (地単): 500 yen a day, 2 days a month, from the 3rd day 0, 院外調剤 0; last month (${prevYm}) nothing recorded`,
        expected:
          `At ${A}: quote outpatient 総額 5,000 on ${prev(5)}, ${prev(12)}, ${prev(19)} → 500, 500, 0; record each → accumulatedAfter 500, ` +
          `1,000, 1,000 (copaymentLimit: the rule row's monthlyCap 2,500). At ${P} on ${prev(5)}: pharmacy 総額 3,000 → 0`,
        history: [],
      },
      {
        case: '#10 重度障がい across two institutions',
        type: 'judo',
        shows:
          `大阪市 重度障がい (地単): 500 yen a day per institution, 3,000 a month across institutions; in ${prevYm} ${A} recorded ` +
          `500 on days 2, 9, 16 and ${B} 500 on day 4, 300 on day 11 (share 300): 2,300`,
        expected:
          `At ${B}: quote ${prev(18)} outpatient 総額 5,000 → 500 (monthToDate 2,300); record → accumulatedAfter 2,800. At ${A}: ${prev(23)} ` +
          `総額 5,000 → 200, capReached true; record → accumulatedAfter 3,000, capReached true. At ${B}: ${prevLast} 総額 5,000 → 0`,
        history: [
          line(clinic, 'SCN-10-A2', prev(2), 5000, 500),
          line(hospital, 'SCN-10-B4', prev(4), 5000, 500),
          line(clinic, 'SCN-10-A9', prev(9), 5000, 500),
          line(hospital, 'SCN-10-B11', prev(11), 1000, 300),
          line(clinic, 'SCN-10-A16', prev(16), 5000, 500),
        ],
      },
      {
        case: 'correction (PUT) changes the accumulated amount',
        type: 'nanbyo',
        shows: `難病 54, monthly cap 10,000; ${A} recorded visit SCN-CORR on ${first} with 総額 30,000 and 6,000, and both were wrong`,
        expected:
          `PUT /clinic/v1/copayment-records/SCN-CORR with ${A}'s token: subsidyRef, serviceDate ${first}, outpatient, 総額 20,000, ` +
          `copaymentCharged 4,000 → version 2, accumulatedAfter 4,000 (was 6,000). Then quote ${today} 総額 30,000 → 6,000 (before the ` +
          'correction: 4,000); record → accumulatedAfter 10,000, capReached true',
        history: [line(clinic, 'SCN-CORR', first, 30000, 6000)],
      },
    ];

    const n = (i: number) => String(i + 1).padStart(3, '0');
    const validity = { validFrom: addDays(first, -60), validTo: addYears(today, 1) };
    const uploads = new Map<string, PmhRecord[]>();
    cases.forEach((c, i) => {
      const typeId = C[c.type];
      const national = typeId in COPAY_TYPES.prefecture;
      const code = national ? OSAKA_PREF.code : OSAKA_CITY.code;
      const def = (national ? COPAY_TYPES.prefecture : COPAY_TYPES.city)[typeId]!;
      const record: PmhRecord = {
        orgSpecificCertificateTypeId: typeId,
        myNumber: completeMyNumber(`99970000${n(i)}`),
        basicFiveInfo: {
          name: `上限　${i + 1}号`,
          nameKana: 'ジョウゲン　テスト',
          address: '大阪府大阪市北区中之島一丁目3番20号',
          dateOfBirth: c.type === 'shoman' ? addYears(today, -8) : '1980-04-02',
          sex: '2',
        },
        isNotDisclosed: false,
        isAlwaysReimbursement: '0',
        ...validity,
        historyKey: 'H1',
        isDeleted: false,
        medicalSubsidyInsurerNumber: def.insurerNumbers[0]!,
        medicalSubsidyRecipientNumber: completeRecipientNumber(`97${n(i)}0`),
        certificationName: def.name,
        certificationDetail: c.type === 'nanbyo' ? [{ label: '疾病名', value: 'パーキンソン病' }] : [],
        ...(c.type === 'nanbyo' ? { incomeSegment: 'IPPAN1', maxCopaymentAmount: { monthly: 10000 } } : {}),
        ...(c.type === 'shoman' ? { incomeSegment: 'IPPAN1' } : {}),
        ...(c.type === 'seishin' ? { incomeSegment: 'TEI2' } : {}),
        ...(c.type === 'judo' ? { maxCopaymentAmount: { monthly: 3000 } } : {}),
        ...(national ? { designatedMedicalInstitutions } : {}),
      };
      uploads.set(code, [...(uploads.get(code) ?? []), record]);
    });
    const tasks: ScenarioResult['tasks'] = [];
    for (const [code, records] of uploads) tasks.push(taskRow(code, await loader.register(code, records, { waitSeconds: 60 })));

    const cards: ScenarioResult['cards'] = [];
    for (const [i, c] of cases.entries()) {
      const card = await loader.createCard({ myNumber: completeMyNumber(`99970000${n(i)}`), status: 'active' });
      cards.push({ certificateSerialNumber: card.certificateSerialNumber, case: c.case, shows: c.shows, consent: true, expected: c.expected });
      // The subsidyRef, as the scenario clinic (and each institution of the case's history) receives it in a check.
      let subsidyRef = '';
      for (const at of new Set([clinic, ...c.history.map((l) => l.at)])) {
        const answer = await loader.check(at.code, card.certificateSerialNumber, today);
        subsidyRef = answer.medicalSubsidies[0]!.subsidyRef!;
      }
      const own = new Set(c.history.map((l) => `${l.at.code}|${l.visitId}`));
      for (const month of [prevYm, ym]) {
        for (const l of await loader.copaymentLines(subsidyRef, month)) {
          if (!l.cancelled && !own.has(`${l.institutionCode}|${l.visitId}`)) await loader.cancelCopaymentLine(l.institutionCode, l.visitId, subsidyRef);
        }
      }
      for (const l of c.history) {
        const { at, ...body } = l;
        await loader.putCopaymentLine(at.code, { ...body, subsidyRef });
      }
    }
    return { scenario: 'copayment-cases', municipalities, institutions: [clinic, hospital, pharmacy], cards, tasks };
  }

  async function load(count: number): Promise<{ result: ScenarioResult; finished: boolean }> {
    const today = jstDate(deps.now());
    const definition = PRESETS.nanbyo54!.definition(TOKYO);
    const m = await municipalityWithTypes(TOKYO.code, { [T.nanbyo]: definition });
    const gen = createGenerator({
      seed: `load:${count}`,
      referenceDate: today,
      municipality: syntheticMunicipality(TOKYO.code)!,
      certificateType: { id: T.nanbyo, definition },
    });
    const perTask = Math.min(LOAD_TASK_RECORDS, deps.maxRecordsPerTask);
    const records = gen.records(count)[Symbol.iterator]();
    const wait = count <= LOAD_WAIT_LIMIT ? 60 : undefined;
    const tasks: ScenarioResult['tasks'] = [];
    for (let left = count; left > 0; left -= perTask) {
      const task = await loader.register(TOKYO.code, { ndjson: formatRecords(take(records, Math.min(perTask, left)), 'ndjson') }, { waitSeconds: wait });
      tasks.push(taskRow(TOKYO.code, task));
    }
    return { result: { scenario: `load:${count}`, municipalities: [m], institutions: [], cards: [], tasks }, finished: wait !== undefined };
  }

  function run(name: string): Promise<{ result: ScenarioResult; finished: boolean }> {
    if (name === 'pilot-municipalities') return pilotMunicipalities().then((result) => ({ result, finished: true }));
    if (name === 'edge-cases') return edgeCases().then((result) => ({ result, finished: true }));
    if (name === 'copayment-cases') return copaymentCases().then((result) => ({ result, finished: true }));
    return load(Number(name.slice('load:'.length)));
  }

  // Scenarios are sequences of registration tasks over the same keys (edge-cases registers H2 and then deletes it
  // in a second task). Two loads interleaved would see each other's steps — the second deletion of H2 finds
  // nothing and is rejected — so loads run one after another: each one sees the state a previous one left.
  let previous: Promise<unknown> = Promise.resolve();

  return {
    /** Loads a scenario; `finished` is false when its registration tasks are still running (202). */
    load(name: string): Promise<{ result: ScenarioResult; finished: boolean }> {
      const next = previous.then(() => run(name));
      previous = next.catch(() => undefined);
      return next;
    },
  };
}

export type ScenariosService = ReturnType<typeof scenariosService>;
