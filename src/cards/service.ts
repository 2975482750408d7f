import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { jstDate } from '../domain/dates.js';
import { checkMyNumber } from '../domain/numbers.js';
import { problem } from '../http/problem.js';
import type { CardsRepository } from './repository.js';
import { certificateState } from '../domain/eligibility.js';
import { DEFAULT_PIN, PIN_TRIES, type Card, type CreateCardBody, type CreateCardByRegistration } from './schemas.js';

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
        pin: body.pin ?? DEFAULT_PIN,
      };
      const createdAt = opts.certificateSerialNumber ? await repo.upsert(card) : await repo.create(card);
      const { id, myNumber: _omitted, pin: _secret, ...face } = card;
      return {
        cardId: id,
        ...face,
        sex: face.sex as Card['sex'],
        faceDataSource: source,
        pinTriesRemaining: PIN_TRIES,
        createdAt: createdAt.toISOString(),
      };
    },

    /**
     * The card holder's sign-in with card and PIN (利用者証明用電子証明書, as マイナポータル asks): the card id when the PIN
     * is right and the certificate valid today. Problems: unknown_certificate_serial, card_locked (also on the wrong
     * try that locks it, and for a right PIN once locked), pin_incorrect with the tries left, certificate_expired/revoked.
     */
    async signIn(serial: string, pin: string): Promise<{ cardId: string }> {
      const tried = await repo.tryPin(serial, pin, PIN_TRIES);
      if (!tried) throw problem('unknown_certificate_serial', { detail: 'Check the serial number the card reader returned' });
      const unlock = 'a PIN reset unlocks it (POST /sandbox/v1/cards/{certificateSerialNumber}/pin-reset; for a real card, at the municipality)';
      if (tried.pinFailures >= PIN_TRIES) {
        throw problem('card_locked', { detail: `${PIN_TRIES} wrong PINs in a row locked the card’s 利用者証明用電子証明書: ${unlock}` });
      }
      if (!tried.matched) {
        const left = PIN_TRIES - tried.pinFailures;
        const message = `wrong PIN: ${left} ${left === 1 ? 'try' : 'tries'} left before the card locks`;
        throw problem('pin_incorrect', { detail: message, errors: [{ field: 'pin', code: 'pin_incorrect', message }] });
      }
      const state = certificateState(tried, jstDate(now()));
      if (state === 'expired') throw problem('certificate_expired', { detail: 'Renew the card’s 電子証明書' });
      if (state === 'revoked') throw problem('certificate_revoked', { detail: 'Renew the card’s 電子証明書' });
      return { cardId: tried.cardId };
    },

    /** Unlocks a card (clears its wrong-PIN count), with a new PIN when given. */
    async resetPin(serial: string, pin: string | undefined): Promise<{ certificateSerialNumber: string; pinTriesRemaining: number }> {
      const done = await repo.resetPin(serial, pin);
      if (!done) throw problem('card_not_found', { detail: 'No simulated card has this 電子証明書 serial number' });
      return { certificateSerialNumber: serial, pinTriesRemaining: PIN_TRIES - done.pinFailures };
    },
  };
}

export type CardsService = ReturnType<typeof cardsService>;
