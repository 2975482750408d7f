import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { jstDate } from '../domain/dates.js';
import { checkMyNumber } from '../domain/numbers.js';
import { problem } from '../http/problem.js';
import type { CardsRepository } from './repository.js';
import type { Card, CreateCardBody, CreateCardByRegistration } from './schemas.js';

/** マイナンバーカード 電子証明書 (利用者証明用) are issued for five years. */
const CERTIFICATE_YEARS = 5;

const GENERATED_PEOPLE = [
  { name: '試験　太郎', nameKana: 'シケン　タロウ', sex: '1' },
  { name: '試験　花子', nameKana: 'シケン　ハナコ', sex: '2' },
  { name: '見本　一郎', nameKana: 'ミホン　イチロウ', sex: '1' },
  { name: '見本　桜', nameKana: 'ミホン　サクラ', sex: '2' },
] as const;

function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // 29 February plus five years falls on 1 March (Date rolls over).
  return new Date(Date.UTC(y + years, m - 1, d)).toISOString().slice(0, 10);
}

function generatedFace() {
  const p = GENERATED_PEOPLE[randomInt(GENERATED_PEOPLE.length)]!;
  const dob = new Date(Date.UTC(1940 + randomInt(80), randomInt(12), 1 + randomInt(28))).toISOString().slice(0, 10);
  return { name: p.name, nameKana: p.nameKana, sex: p.sex, dateOfBirth: dob, address: '東京都千代田区霞が関一丁目1番1号' };
}

export function cardsService(repo: CardsRepository, now: () => Date) {
  /** The 個人番号 of the one person the registration names. */
  async function registeredPerson(body: CreateCardByRegistration): Promise<string> {
    const key = { municipality: body.municipality, certificateTypeId: body.orgSpecificCertificateTypeId, recipientNumber: body.medicalSubsidyRecipientNumber };
    const found = await repo.registeredMyNumbers(key, 2);
    // The detail names the fields, not their values (the 受給者番号 is personal).
    const named = 'this municipality, orgSpecificCertificateTypeId and medicalSubsidyRecipientNumber';
    if (found.length === 0) throw problem('registered_person_not_found', { detail: `no registered record has ${named}` });
    if (found.length > 1) throw problem('registered_person_ambiguous', { detail: `records of several persons have ${named}: give myNumber instead` });
    return found[0]!;
  }

  return {
    /**
     * Issues a simulated card with a random 電子証明書 serial number, or (`certificateSerialNumber`, for seed
     * files, the well-known test cards) with that serial, rewriting the card that has it.
     */
    async createCard(request: CreateCardBody, opts: { certificateSerialNumber?: string } = {}): Promise<Card> {
      const body = 'myNumber' in request ? request : { ...request, myNumber: await registeredPerson(request) };
      const check = checkMyNumber(body.myNumber);
      if (!check.valid) {
        const message = check.problems.map((p) => p.message).join('; ');
        throw problem('invalid_my_number', { detail: message, errors: [{ field: 'myNumber', code: check.problems[0]?.code ?? 'invalid', message }] });
      }
      const given = { name: body.name, nameKana: body.nameKana, dateOfBirth: body.dateOfBirth, sex: body.sex, address: body.address };
      const complete = Object.values(given).every((v) => v !== undefined);
      let source: Card['faceDataSource'] = 'request';
      let defaults: Partial<Record<keyof typeof given, string>> = {};
      if (!complete) {
        const registered = await repo.latestBasicFiveInfo(body.myNumber);
        const usable = registered && registered.name && registered.nameKana && registered.dateOfBirth && registered.sex && registered.address;
        source = usable ? 'registration' : 'generated';
        defaults = usable ? registered : generatedFace();
      }
      const card = {
        id: randomUUID(),
        certificateSerialNumber: opts.certificateSerialNumber ?? randomBytes(10).toString('hex').toUpperCase(),
        myNumber: body.myNumber,
        name: given.name ?? defaults.name!,
        nameKana: given.nameKana ?? defaults.nameKana!,
        dateOfBirth: given.dateOfBirth ?? defaults.dateOfBirth!,
        sex: given.sex ?? defaults.sex!,
        address: given.address ?? defaults.address!,
        status: body.status,
        certificateExpiresOn: body.certificateExpiresOn ?? addYears(jstDate(now()), CERTIFICATE_YEARS),
      };
      const createdAt = opts.certificateSerialNumber ? await repo.upsert(card) : await repo.create(card);
      const { id, myNumber: _omitted, ...face } = card;
      return { cardId: id, ...face, sex: face.sex as Card['sex'], faceDataSource: source, createdAt: createdAt.toISOString() };
    },
  };
}

export type CardsService = ReturnType<typeof cardsService>;
