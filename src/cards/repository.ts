import type { Db } from '../db/prisma.js';
import type { BasicFiveInfo } from '../domain/pmh-record/index.js';

export interface NewCard {
  id: string;
  certificateSerialNumber: string;
  myNumber: string;
  name: string;
  nameKana: string;
  dateOfBirth: string;
  sex: string;
  address: string;
  status: string;
  certificateExpiresOn: string;
  pin: string;
}

/** A card after a PIN try: whether the PIN matched, the wrong tries now counted, and what checking its certificate needs. */
export interface PinTry {
  cardId: string;
  matched: boolean;
  pinFailures: number;
  status: 'active' | 'expired' | 'revoked';
  certificateExpiresOn: string;
}

export function cardsRepository(db: Db) {
  return {
    /** 基本5情報 of the person's most recently registered or changed record, if any. */
    async latestBasicFiveInfo(myNumber: string): Promise<Partial<BasicFiveInfo> | null> {
      const rows = await db.$queryRaw<{ info: Partial<BasicFiveInfo> | null }[]>`
        SELECT record->'basicFiveInfo' AS info FROM recipient_certificate
         WHERE my_number = ${myNumber}::char(12)
         ORDER BY updated_at DESC, valid_from DESC LIMIT 1`;
      return rows[0]?.info ?? null;
    },

    /** 個人番号 of the persons (at most `limit`) registered by this municipality under this type and 受給者番号. */
    async registeredMyNumbers(m: { municipality: string; certificateTypeId: string; recipientNumber: string }, limit: number): Promise<string[]> {
      const rows = await db.$queryRaw<{ my_number: string }[]>`
        SELECT DISTINCT my_number FROM recipient_certificate
         WHERE municipality_code = ${m.municipality}::char(6) AND certificate_type_id = ${m.certificateTypeId} AND recipient_number = ${m.recipientNumber}
         LIMIT ${limit}`;
      return rows.map((r) => r.my_number);
    },

    /**
     * One PIN try, in one statement so concurrent tries count exactly: a right PIN clears the count, a wrong one
     * adds to it, and a locked card (`limit` wrong tries) changes no more. null: no card has this serial.
     */
    async tryPin(serial: string, pin: string, limit: number): Promise<PinTry | null> {
      const rows = await db.$queryRaw<{ card_id: string; matched: boolean; pin_failures: number; status: PinTry['status']; expires: string }[]>`
        UPDATE simulated_card
           SET pin_failures = CASE WHEN pin_failures >= ${limit} THEN pin_failures WHEN pin = ${pin} THEN 0 ELSE pin_failures + 1 END
         WHERE certificate_serial_number = ${serial}
        RETURNING id::text AS card_id, pin = ${pin} AS matched, pin_failures, status, certificate_expires_on::text AS expires`;
      const r = rows[0];
      return r ? { cardId: r.card_id, matched: r.matched, pinFailures: r.pin_failures, status: r.status, certificateExpiresOn: r.expires } : null;
    },

    /** Clears the wrong-PIN count (and sets a new PIN when given); null: no card has this serial. */
    async resetPin(serial: string, pin: string | undefined): Promise<{ pinFailures: number } | null> {
      const rows = await db.$queryRaw<{ pin_failures: number }[]>`
        UPDATE simulated_card SET pin_failures = 0, pin = COALESCE(${pin ?? null}::char(4), pin)
         WHERE certificate_serial_number = ${serial} RETURNING pin_failures`;
      return rows[0] ? { pinFailures: rows[0].pin_failures } : null;
    },

    /** Creates the card with this serial, or rewrites it (well-known test cards keep their serial, get their PIN back, unlocked). */
    async upsert(c: NewCard) {
      const data = {
        ...c,
        pinFailures: 0,
        dateOfBirth: new Date(`${c.dateOfBirth}T00:00:00Z`),
        certificateExpiresOn: new Date(`${c.certificateExpiresOn}T00:00:00Z`),
      };
      const { id: _id, ...update } = data;
      const row = await db.simulatedCard.upsert({
        where: { certificateSerialNumber: c.certificateSerialNumber },
        create: data,
        update,
        select: { createdAt: true },
      });
      return row.createdAt;
    },

    async create(c: NewCard) {
      const row = await db.simulatedCard.create({
        data: { ...c, dateOfBirth: new Date(`${c.dateOfBirth}T00:00:00Z`), certificateExpiresOn: new Date(`${c.certificateExpiresOn}T00:00:00Z`) },
        select: { createdAt: true },
      });
      return row.createdAt;
    },
  };
}

export type CardsRepository = ReturnType<typeof cardsRepository>;
