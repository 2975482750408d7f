import type { CertificateTypeDefinition } from '../../certificate-types/schemas.js';
import { syntheticMunicipality } from '../../synthetic/municipality.js';
import { jstDate } from '../../domain/dates.js';
import { completeMedicalInstitutionCode, completeMyNumber, completeRecipientNumber } from '../../domain/numbers.js';
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

  async function institution(first9: string, name: string) {
    const created = await loader.createInstitution(completeMedicalInstitutionCode(first9), name, 'medical');
    return { code: created.institution.code, name: created.institution.name, token: created.token };
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
