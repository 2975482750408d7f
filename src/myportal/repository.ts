import type { Db } from '../db/prisma.js';
import type { StoredRecordFields } from '../domain/pmh-record/index.js';
import type { StoredDefinition } from '../certificate-types/schemas.js';

/** One registered history row of a card holder with its type; no 個人番号 (joined on inside PostgreSQL, never selected). */
export interface HolderRecord {
  municipalityCode: string;
  municipalityName: string | null;
  certificateTypeId: string;
  certificationSubKey: string;
  validFrom: string;
  validTo: string;
  isNotDisclosed: boolean;
  insurerNumber: string | null;
  recipientNumber: string | null;
  /** The type as stored (null if it was deleted since), with its copaymentRules */
  type: StoredDefinition | null;
  /** Catalogue name of a national program */
  programName: string | null;
  record: StoredRecordFields;
}

/** The holder's own view (マイナポータル): reads only. */
export function myPortalRepository(db: Db) {
  return {
    async recordsOfCard(cardId: string): Promise<HolderRecord[]> {
      const rows = await db.$queryRaw<(Omit<HolderRecord, 'type'> & { definition: Record<string, unknown> | null; copaymentRules: unknown })[]>`
        SELECT r.municipality_code AS "municipalityCode", lg.name AS "municipalityName", r.certificate_type_id AS "certificateTypeId",
               r.certification_sub_key AS "certificationSubKey", r.valid_from::text AS "validFrom", r.valid_to::text AS "validTo",
               r.is_not_disclosed AS "isNotDisclosed", r.insurer_number AS "insurerNumber", r.recipient_number AS "recipientNumber",
               r.record - '{myNumber,basicFiveInfo}'::text[] AS record, ct.definition, ct.copayment_rules AS "copaymentRules",
               p.data->>'name' AS "programName"
          FROM simulated_card c
          JOIN recipient_certificate r ON r.my_number = c.my_number
          LEFT JOIN certificate_type ct ON ct.municipality_code = r.municipality_code AND ct.id = r.certificate_type_id
          LEFT JOIN local_government lg ON lg.code = r.municipality_code
          LEFT JOIN program p ON p.law_code = ct.definition->>'lawCode'
         WHERE c.id = ${cardId}::uuid
         ORDER BY r.municipality_code, r.certificate_type_id, r.certification_sub_key, r.valid_from, r.history_key`;
      return rows.map(({ definition, copaymentRules, ...r }) => ({
        ...r,
        type: definition === null ? null : ({ ...definition, ...(copaymentRules == null ? {} : { copaymentRules }) } as StoredDefinition),
      }));
    },

    /** Names of institutions by 医療機関コード (those the sandbox knows). */
    async institutionNames(codes: string[]): Promise<Map<string, string>> {
      if (codes.length === 0) return new Map();
      const rows = await db.medicalInstitution.findMany({ where: { code: { in: codes } }, select: { code: true, name: true } });
      return new Map(rows.map((r) => [r.code, r.name]));
    },
  };
}

export type MyPortalRepository = ReturnType<typeof myPortalRepository>;
