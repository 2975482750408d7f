import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_LOOKUP_SQL } from '../../src/eligibility/repository.js';
import { genericPlans } from '../helpers/db.js';

/**
 * The eligibility lookup runs with one generic plan (plan_cache_mode = force_generic_plan on the
 * check path's connections). That plan must probe the card and record indexes for each serial —
 * never scan a table, whatever the statistics: a scan of simulated_card (the plan PostgreSQL chose
 * for `= ANY($1)`, and for an unlimited lateral join, while the card table is small) costs every
 * check the whole table, and a scan of recipient_certificate would cost it a million rows.
 */
let db: Awaited<ReturnType<typeof genericPlans>>;
beforeAll(async () => {
  db = await genericPlans();
});
afterAll(async () => {
  await db?.close();
});

const genericPlan = () => db.plan('text[], text[], text[]', CARD_LOOKUP_SQL, `'{S1,S2,S3}', '{1311234566,1311234566,1311234566}', '{2026-06,2026-06,2026-07}'`);

describe('the eligibility lookup plan', () => {
  it('probes indexes only, on empty tables, with a few cards, and with statistics', async () => {
    const plans = [await genericPlan()];
    await db.client.query(`
      INSERT INTO simulated_card (id, certificate_serial_number, my_number, name, name_kana, date_of_birth, sex, address, status, certificate_expires_on)
      SELECT gen_random_uuid(), 'S' || i, lpad(i::text, 12, '0'), '都庁 太郎', 'トチョウ　タロウ', '1970-01-01', '1', '東京都', 'active', '2030-01-01'
        FROM generate_series(1, 500) AS i`);
    plans.push(await genericPlan());
    await db.client.query('ANALYZE simulated_card');
    plans.push(await genericPlan());
    for (const plan of plans) {
      expect(plan).toContain('simulated_card_certificate_serial_number_key');
      expect(plan).not.toMatch(/Seq Scan on (simulated_card|recipient_certificate|subsidy_ref|subsidy_ref_receipt|copayment_month_total)/);
    }
  });
});
