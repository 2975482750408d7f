import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOR_QUOTES_SQL, READ_VISITS_SQL } from '../../src/copayments/repository.js';
import { CARD_LOOKUP_SQL } from '../../src/eligibility/repository.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * The ledger's reads run with generic plans, like the check's lookup. Their keys are CHAR columns (institution_code
 * CHAR(10), year_month CHAR(7), municipality_code CHAR(6)): compared with a text value, PostgreSQL casts the column
 * to text and can no longer use the index on it. Measured: a record's read then scanned every line of its subsidyRef
 * (400 lines: 103 buffers instead of 29). The statements type their inputs as the columns; these plans keep them so.
 */
let database: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url, options: '-c plan_cache_mode=force_generic_plan' });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

async function genericPlan(types: string, sql: string, args: string): Promise<string> {
  await client.query('DEALLOCATE ALL');
  await client.query(`PREPARE q(${types}) AS ${sql}`);
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE q(${args})`);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

const CASTS = /\((institution_code|year_month|municipality_code)\)::text/;

describe('the ledger’s read plans', () => {
  it('look a visit’s line up by its primary key and compare CHAR keys without casting the columns', async () => {
    const read = await genericPlan(
      'text[], text[], text[], date[]',
      READ_VISITS_SQL,
      `'{1311234566,1311234566}', '{sr_A,sr_B}', '{v1,v2}', '{2026-06-01,NULL}'`,
    );
    expect(read).toContain('copayment_line_pkey');
    expect(read).not.toMatch(CASTS);
    const quote = await genericPlan('text[], text[]', FOR_QUOTES_SQL, `'{sr_A,sr_B}', '{2026-06,2026-06}'`);
    expect(quote).not.toMatch(CASTS);
    const lookup = await genericPlan('text[], text[], text[]', CARD_LOOKUP_SQL, `'{S1,S2}', '{1311234566,1311234566}', '{2026-06,2026-07}'`);
    expect(lookup).not.toMatch(CASTS);
  });
});
