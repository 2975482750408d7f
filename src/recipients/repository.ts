import type { Db } from '../db/prisma.js';
import { Prisma } from '../generated/prisma/client.js';

/** Primary-key position of a recipient_certificate row within one municipality. */
export type RecipientRowKey = readonly [certificateTypeId: string, myNumber: string, certificationSubKey: string, historyKey: string];

export interface RecipientRow {
  certificateTypeId: string;
  myNumber: string;
  certificationSubKey: string;
  historyKey: string;
  /** YYYY-MM-DD */
  validFrom: string;
  /** YYYY-MM-DD */
  validTo: string;
  isNotDisclosed: boolean;
  insurerNumber: string | null;
  recipientNumber: string | null;
  certificationName: string | null;
  updatedAt: Date;
  lastTaskId: string;
}

export interface RecipientFilter {
  certificateTypeId?: string;
  recipientNumber?: string;
  /** YYYY-MM-DD */
  validOn?: string;
  /** Leave out rows whose 個人番号 starts with this (the well-known test data's reserved block). */
  excludeMyNumberPrefix?: string;
  /** Rows after this key, in primary-key order. */
  after?: RecipientRowKey;
  limit: number;
}

/** Read access to recipient_certificate for the municipality's own read-back. */
export function recipientsRepository(db: Db) {
  return {
    /**
     * One municipality's rows in primary-key order. Raw SQL for the row-value comparison, which
     * lets the primary-key index start each page where the last one ended.
     */
    list(municipalityCode: string, f: RecipientFilter): Promise<RecipientRow[]> {
      const conditions = [Prisma.sql`municipality_code = ${municipalityCode}`];
      if (f.certificateTypeId !== undefined) conditions.push(Prisma.sql`certificate_type_id = ${f.certificateTypeId}`);
      if (f.recipientNumber !== undefined) conditions.push(Prisma.sql`recipient_number = ${f.recipientNumber}`);
      if (f.validOn !== undefined) conditions.push(Prisma.sql`valid_from <= ${f.validOn}::date AND valid_to >= ${f.validOn}::date`);
      if (f.excludeMyNumberPrefix !== undefined) conditions.push(Prisma.sql`NOT starts_with(my_number, ${f.excludeMyNumberPrefix})`);
      if (f.after) {
        const [typeId, myNumber, subKey, historyKey] = f.after;
        conditions.push(
          Prisma.sql`(certificate_type_id, my_number, certification_sub_key, history_key) > (${typeId}, ${myNumber}::char(12), ${subKey}, ${historyKey})`,
        );
      }
      return db.$queryRaw<RecipientRow[]>`
        SELECT certificate_type_id AS "certificateTypeId", my_number AS "myNumber",
               certification_sub_key AS "certificationSubKey", history_key AS "historyKey",
               valid_from::text AS "validFrom", valid_to::text AS "validTo", is_not_disclosed AS "isNotDisclosed",
               insurer_number AS "insurerNumber", recipient_number AS "recipientNumber",
               record->>'certificationName' AS "certificationName", updated_at AS "updatedAt", last_task_id::text AS "lastTaskId"
        FROM recipient_certificate
        WHERE ${Prisma.join(conditions, ' AND ')}
        ORDER BY certificate_type_id, my_number, certification_sub_key, history_key
        LIMIT ${f.limit}`;
    },
  };
}

export type RecipientsRepository = ReturnType<typeof recipientsRepository>;
