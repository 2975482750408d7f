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

    /** Creates the card with this serial, or rewrites it (well-known test cards keep their serial). */
    async upsert(c: NewCard) {
      const data = { ...c, dateOfBirth: new Date(`${c.dateOfBirth}T00:00:00Z`), certificateExpiresOn: new Date(`${c.certificateExpiresOn}T00:00:00Z`) };
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
