import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOR_QUOTES_SQL, READ_VISITS_SQL } from '../../src/copayments/repository.js';
import { CARD_LOOKUP_SQL } from '../../src/eligibility/repository.js';
import { genericPlans } from '../helpers/db.js';

/**
 * The ledger's reads run with generic plans, like the check's lookup. Their keys are CHAR columns (institution_code
 * CHAR(10), year_month CHAR(7), municipality_code CHAR(6)): compared with a text value, PostgreSQL casts the column
 * to text and can no longer use the index on it. Measured: a record's read then scanned every line of its subsidyRef
 * (400 lines: 103 buffers instead of 29). The statements type their inputs as the columns; these plans keep them so.
 */
let db: Awaited<ReturnType<typeof genericPlans>>;
beforeAll(async () => {
  db = await genericPlans();
});
afterAll(async () => {
  await db?.close();
});

const CASTS = /\((institution_code|year_month|municipality_code)\)::text/;

describe('the ledger’s read plans', () => {
  it('look a visit’s line up by its primary key and compare CHAR keys without casting the columns', async () => {
    const read = await db.plan('text[], text[], text[], date[]', READ_VISITS_SQL, `'{1311234566,1311234566}', '{sr_A,sr_B}', '{v1,v2}', '{2026-06-01,NULL}'`);
    expect(read).toContain('copayment_line_pkey');
    expect(read).not.toMatch(CASTS);
    const quote = await db.plan('text[], text[]', FOR_QUOTES_SQL, `'{sr_A,sr_B}', '{2026-06,2026-06}'`);
    expect(quote).not.toMatch(CASTS);
    const lookup = await db.plan('text[], text[], text[]', CARD_LOOKUP_SQL, `'{S1,S2}', '{1311234566,1311234566}', '{2026-06,2026-07}'`);
    expect(lookup).not.toMatch(CASTS);
  });
});
