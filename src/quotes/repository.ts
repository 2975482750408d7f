import type pg from 'pg';
import type { StoredDefinition } from '../certificate-types/schemas.js';

/**
 * Reads for quotes. The certificate type behind each subsidyRef comes from the ledger's subsidy_ref table in one
 * statement (the ledger's service has no lookup by ref that names the type).
 */
export function quotesRepository(pool: pg.Pool) {
  return {
    /** The stored certificate type (with its copaymentRules) of each subsidyRef; refs without one are left out. */
    async typesOfRefs(refs: string[]): Promise<Map<string, StoredDefinition>> {
      if (refs.length === 0) return new Map();
      const { rows } = await pool.query<{ ref: string; definition: Record<string, unknown>; copayment_rules: unknown }>(
        `SELECT s.ref, ct.definition, ct.copayment_rules
           FROM subsidy_ref s
           JOIN certificate_type ct ON ct.municipality_code = s.municipality_code AND ct.id = s.certificate_type_id
          WHERE s.ref = ANY($1::text[])`,
        [refs],
      );
      return new Map(
        rows.map((r) => [r.ref, { ...r.definition, ...(r.copayment_rules == null ? {} : { copaymentRules: r.copayment_rules }) } as StoredDefinition]),
      );
    },
  };
}

export type QuotesRepository = ReturnType<typeof quotesRepository>;
