/**
 * The registry of tenant data that `POST /sandbox/v1/reset` empties. The catalogue (prefecture,
 * local_government, program) and the sandbox's own settings are not tenant data and are never listed.
 *
 * To add a feature's tables, append entries here — children before the tables they reference, since a
 * one-tenant reset deletes in this order. `municipality` / `institution` are SQL conditions selecting one
 * tenant's rows, with `$1` the 地方公共団体コード / 医療機関コード; a table without a condition for a scope
 * keeps its rows when that scope is reset (a full reset truncates every table listed).
 */
export interface TenantTable {
  table: string;
  municipality?: string;
  institution?: string;
  /** Credentials survive a reset with `keep=credentials`. */
  credential?: boolean;
  /**
   * A full reset locks this table before the others: set it on the table a background job locks first in
   * each of its transactions (registration tasks lock their task row), so that reset waits for the job's
   * transaction instead of deadlocking with it.
   */
  lockFirst?: boolean;
}

const REFS_OF_MUNICIPALITY = 'subsidy_ref IN (SELECT ref FROM subsidy_ref WHERE municipality_code = $1)';
const TASKS_OF_MUNICIPALITY = 'task_id IN (SELECT id FROM registration_task WHERE municipality_code = $1)';

export const TENANT_TABLES: TenantTable[] = [
  { table: 'registration_task_result', municipality: TASKS_OF_MUNICIPALITY },
  { table: 'registration_task_input', municipality: TASKS_OF_MUNICIPALITY },
  { table: 'registration_task', municipality: 'municipality_code = $1', lockFirst: true },
  { table: 'recipient_certificate', municipality: 'municipality_code = $1' },
  { table: 'certificate_type', municipality: 'municipality_code = $1' },
  { table: 'webhook_delivery', municipality: 'endpoint_id IN (SELECT id FROM webhook_endpoint WHERE municipality_code = $1)' },
  { table: 'webhook_event', municipality: 'municipality_code = $1' },
  { table: 'webhook_endpoint', municipality: 'municipality_code = $1' },
  { table: 'municipal_credential', municipality: 'municipality_code = $1', credential: true },
  // 上限額管理 (src/copayments/): a municipality's certificates' refs and all that hangs off them; an
  // institution's own lines and receipts, and the month totals they were part of (rebuilt from the other
  // institutions' lines after the reset). Totals before lines: their condition reads the lines.
  {
    table: 'copayment_month_total',
    municipality: REFS_OF_MUNICIPALITY,
    institution: 'subsidy_ref IN (SELECT subsidy_ref FROM copayment_line WHERE institution_code = $1)',
  },
  { table: 'copayment_line', municipality: REFS_OF_MUNICIPALITY, institution: 'institution_code = $1' },
  { table: 'subsidy_ref_receipt', municipality: REFS_OF_MUNICIPALITY, institution: 'institution_code = $1' },
  { table: 'subsidy_ref', municipality: 'municipality_code = $1' },
  // Clinic eligibility. An institution is its credential's owner (deleting it cascades to its tokens), so
  // keep=credentials keeps both. Simulated cards belong to no tenant: only a full reset removes them.
  { table: 'eligibility_check', institution: 'institution_code = $1' },
  { table: 'institution_credential', institution: 'institution_code = $1', credential: true },
  { table: 'medical_institution', institution: 'code = $1', credential: true },
  { table: 'simulated_card' },
];
