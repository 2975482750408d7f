import type pg from 'pg';
import { copyInto } from '../db/copy.js';
import { inTransaction, rollback, type RolledBack, type Transaction } from '../db/pool.js';
import type { Db } from '../db/prisma.js';
import type { RecordIssue } from '../domain/pmh-record/index.js';
import type { RegistrationTask as TaskModel } from '../generated/prisma/client.js';
import type { Upload } from './ingest.js';
import type { StagedRecord } from './prepare.js';
import { OUTCOMES, registrationTaskSchema, type Outcome, type TaskFormat, type TaskMode, type TaskResult, type TaskStatus } from './schemas.js';

export type { Outcome, TaskStatus } from './schemas.js';

/** A registration_task row (Prisma's model), its status, mode and format narrowed to what the API says they are. */
export type TaskRow = Omit<TaskModel, 'status' | 'mode' | 'format'> & { status: TaskStatus; mode: TaskMode; format: TaskFormat };

const { status: statusSchema, mode: modeSchema, format: formatSchema } = registrationTaskSchema.shape;
const toTaskRow = (t: TaskModel): TaskRow => ({
  ...t,
  status: statusSchema.parse(t.status),
  mode: modeSchema.parse(t.mode),
  format: formatSchema.parse(t.format),
});
const toTaskRowOrNull = (t: TaskModel | null) => (t ? toTaskRow(t) : null);

export type NewTask = Pick<TaskRow, 'id' | 'municipalityCode' | 'mode' | 'replaceTypeId' | 'format' | 'idempotencyKey' | 'createdAt'> & { origin: TaskOrigin };

/** `api`: a municipality's upload; `sandbox`: test data the sandbox loaded (test cards, scenarios, a seed file). */
export type TaskOrigin = 'api' | 'sandbox';

/** The columns of a staged record's COPY line (see stagedLine). */
const STAGE_COPY = `COPY registration_task_input (task_id, index, key, action, history_key, certificate_type_id, my_number, certification_sub_key,
  valid_from, valid_to, is_not_disclosed, insurer_number, recipient_number, record, errors, warnings) FROM STDIN`;

/**
 * Outcomes as small integers for the apply's statements: an element of an int2[] is found by its
 * position at once, an element of a text[] by walking the array from its start. The code is the
 * outcome's position in OUTCOMES (schemas.ts), as stored in registration_task_result.
 */
const OUTCOME_CODE = Object.fromEntries(OUTCOMES.map((o, i) => [o, i])) as Record<Outcome, number>;

const RECIPIENT_COLUMNS = `municipality_code, certificate_type_id, my_number, certification_sub_key, history_key,
  valid_from, valid_to, is_not_disclosed, insurer_number, recipient_number, record, last_task_id`;

/** The chunk's staged records marked `outcome`, as recipient_certificate rows ($1 municipality, $2 task, $3–$4 range, $5 marks). */
const stagedRows = (outcome: Outcome) => `
  SELECT $1::char(6), i.certificate_type_id, i.my_number, i.certification_sub_key, i.history_key, i.valid_from, i.valid_to,
         i.is_not_disclosed, i.insurer_number, i.recipient_number, i.record, $2::uuid
    FROM registration_task_input i
   WHERE i.task_id = $2 AND i.index >= $3 AND i.index < $4 AND i.action = 'upsert'
     AND ($5::int2[])[i.index - $3 + 1] = ${OUTCOME_CODE[outcome]}`;

/** One record's result (registration_task_result holds them in blocks). */
export type ResultRow = TaskResult;

/** Staged records `from` … `to - 1` of a task. */
export interface IndexRange {
  from: number;
  to: number;
}

/** What the apply reads of a staged record (see StagedRecord): its action, its type, and a deletion's whole key. */
export interface StagedInput {
  index: number;
  /** Index of the first record of the upload with the same key, when this is not it. */
  duplicateOf: number | null;
  action: StagedRecord['action'];
  certificateTypeId: string | null;
  /** The rest of the key: of a deletion only (an upsert's is compared in PostgreSQL, see existingRowsOfStaged). */
  historyKey: string | null;
  myNumber: string | null;
  certificationSubKey: string | null;
}

/** The key of a recipient_certificate row within its municipality (受給者証 history row). */
export interface RecordKeyFields {
  certificateTypeId: string;
  myNumber: string;
  certificationSubKey: string;
  historyKey: string;
}

const keyOf = (r: RecordKeyFields) => `${r.certificateTypeId}\u001f${r.myNumber}\u001f${r.certificationSubKey}\u001f${r.historyKey}`;

/**
 * Removes a finished task's staged upload, in `client`'s open transaction. When the staging table
 * holds nothing else (the usual case) and no upload is being staged right now, it is truncated:
 * deleting a million staged rows one by one took 4–5 s of the task's last transaction and left them
 * to vacuum; truncating takes milliseconds. Otherwise, only the task's rows are deleted.
 */
async function dropStaged(client: pg.ClientBase, taskId: string): Promise<void> {
  await client.query('SAVEPOINT drop_staged');
  try {
    // NOWAIT: an upload being staged holds the table; never wait for it (or make it wait).
    await client.query('LOCK TABLE registration_task_input IN ACCESS EXCLUSIVE MODE NOWAIT');
    const others = await client.query(`SELECT 1 FROM registration_task_input WHERE task_id < $1 OR task_id > $1 LIMIT 1`, [taskId]);
    if (others.rowCount === 0) {
      await client.query('TRUNCATE registration_task_input');
      await client.query('RELEASE SAVEPOINT drop_staged');
      return;
    }
    await client.query('RELEASE SAVEPOINT drop_staged');
  } catch (err) {
    // lock_not_available (an upload is being staged), insufficient_privilege (a role that may not truncate).
    if (!['55P03', '42501'].includes((err as { code?: string }).code ?? '')) throw err;
    await client.query('ROLLBACK TO SAVEPOINT drop_staged');
  }
  await client.query(`DELETE FROM registration_task_input WHERE task_id = $1`, [taskId]);
}

/** registration_task rows: reads (Prisma), and the task's creation and life cycle in the caller's transaction. */
function taskStatements(db: Db) {
  return {
    findTask: (municipalityCode: string, id: string) => db.registrationTask.findFirst({ where: { id, municipalityCode } }).then(toTaskRowOrNull),

    /** A page of the municipality's tasks, newest first (created_at, then id, descending), after the cursor's task. */
    listTasks: async (municipalityCode: string, f: { limit: number; after?: { createdAt: Date; id: string }; status?: TaskStatus }) =>
      (
        await db.registrationTask.findMany({
          where: {
            municipalityCode,
            ...(f.status ? { status: f.status } : {}),
            ...(f.after ? { OR: [{ createdAt: { lt: f.after.createdAt } }, { createdAt: f.after.createdAt, id: { lt: f.after.id } }] } : {}),
          },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: f.limit,
        })
      ).map(toTaskRow),

    findTaskById: (id: string) => db.registrationTask.findUnique({ where: { id } }).then(toTaskRowOrNull),

    findTaskByIdempotencyKey: (municipalityCode: string, idempotencyKey: string) =>
      db.registrationTask.findUnique({ where: { municipalityCode_idempotencyKey: { municipalityCode, idempotencyKey } } }).then(toTaskRowOrNull),

    unfinishedTaskIds: async () =>
      (await db.registrationTask.findMany({ where: { status: { in: ['queued', 'running'] } }, select: { id: true }, orderBy: { createdAt: 'asc' } })).map(
        (t) => t.id,
      ),

    /** Inserts the task row in `client`'s transaction; false when the idempotency key is taken. */
    async insertTask(client: pg.ClientBase, t: NewTask, receivedCount: number, bodySha256: string): Promise<boolean> {
      const r = await client.query(
        `INSERT INTO registration_task (id, municipality_code, status, mode, replace_type_id, format, idempotency_key, body_sha256, received_count, created_at, origin)
         VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (municipality_code, idempotency_key) DO NOTHING`,
        [t.id, t.municipalityCode, t.mode, t.replaceTypeId, t.format, t.idempotencyKey, bodySha256, receivedCount, t.createdAt, t.origin],
      );
      return r.rowCount === 1;
    },

    async markRunning(client: pg.ClientBase, taskId: string, now: Date) {
      await client.query(`UPDATE registration_task SET status = 'running', started_at = COALESCE(started_at, $2) WHERE id = $1`, [taskId, now]);
    },

    /** Locks the task row FOR KEY SHARE (deleting it waits; updating its counts does not); false when it is gone. */
    async keyShareTaskRow(client: pg.ClientBase, taskId: string): Promise<boolean> {
      const r = await client.query(`SELECT 1 FROM registration_task WHERE id = $1 FOR KEY SHARE`, [taskId]);
      return r.rowCount === 1;
    },

    async lockTaskRow(client: pg.ClientBase, taskId: string): Promise<TaskRow | null> {
      const { rows } = await client.query<TaskModel>(
        `SELECT id, municipality_code AS "municipalityCode", status, mode, replace_type_id AS "replaceTypeId", format,
                idempotency_key AS "idempotencyKey", body_sha256 AS "bodySha256", received_count AS "receivedCount",
                processed_count AS "processedCount", accepted_count AS "acceptedCount", rejected_count AS "rejectedCount",
                created_count AS "createdCount", updated_count AS "updatedCount", deleted_count AS "deletedCount",
                unchanged_count AS "unchangedCount", removed_count AS "removedCount", failure_detail AS "failureDetail",
                origin, created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"
           FROM registration_task WHERE id = $1 FOR UPDATE`,
        [taskId],
      );
      return toTaskRowOrNull(rows[0] ?? null);
    },

    /** Records the task's progress; false when the task is no longer running (a sandbox reset removed it). */
    async advanceTask(client: pg.ClientBase, taskId: string, processedCount: number, c: Record<Outcome, number>): Promise<boolean> {
      const r = await client.query(
        `UPDATE registration_task SET processed_count = $2,
            accepted_count = accepted_count + $3, rejected_count = rejected_count + $4, created_count = created_count + $5,
            updated_count = updated_count + $6, deleted_count = deleted_count + $7, unchanged_count = unchanged_count + $8
          WHERE id = $1 AND status = 'running'`,
        [taskId, processedCount, c.created + c.updated + c.unchanged + c.deleted, c.rejected, c.created, c.updated, c.deleted, c.unchanged],
      );
      return r.rowCount === 1;
    },

    async finishTask(client: pg.ClientBase, taskId: string, status: TaskStatus, removed: number, now: Date, failureDetail: string | null = null) {
      await client.query(`UPDATE registration_task SET status = $2, removed_count = $3, finished_at = $4, failure_detail = $5 WHERE id = $1`, [
        taskId,
        status,
        removed,
        now,
        failureDetail,
      ]);
      // The staged copy of the upload is no longer needed once every record has its result.
      await dropStaged(client, taskId);
    },
  };
}

/** The staged upload (registration_task_input), in the staging transaction. */
const stagingStatements = {
  /**
   * Stages an upload's validated records inside `client`'s open transaction: COPY text from
   * stagedLine, as lines, batches of lines, or blocks of lines already encoded (by worker threads).
   */
  async stageRecords(client: pg.ClientBase, data: AsyncIterable<string | readonly string[] | Uint8Array>): Promise<void> {
    await copyInto(client, STAGE_COPY, async (out) => {
      for await (const d of data) {
        if (typeof d === 'string' || d instanceof Uint8Array) {
          const pending = typeof d === 'string' ? out.write(d) : out.writeBytes(d);
          if (pending) await pending;
          continue;
        }
        for (const line of d) {
          const pending = out.write(line);
          if (pending) await pending;
        }
      }
    });
  },

  /**
   * Marks, in `client`'s open transaction, every staged record of the task whose key an earlier
   * record of the upload has, with that record's index: one grouping of the upload's keys.
   */
  async markDuplicates(client: pg.ClientBase, taskId: string): Promise<void> {
    // Room to group a big upload's keys in memory instead of on disk (this transaction only).
    await client.query(`SET LOCAL work_mem = '256MB'`);
    await client.query(
      `UPDATE registration_task_input i SET duplicate_of = d.first
         FROM (SELECT key, min(index) AS first FROM registration_task_input
                WHERE task_id = $1 AND key IS NOT NULL GROUP BY key HAVING count(*) > 1) d
        WHERE i.task_id = $1 AND i.key = d.key AND i.index > d.first`,
      [taskId],
    );
  },
};

/** Applying a chunk of staged records to recipient_certificate, and writing its results, in the chunk's transaction. */
const applyStatements = {
  /**
   * What applying staged records `fromIndex` … `fromIndex + limit - 1` needs to read in Node: their
   * action, type, duplicate mark and a deletion's key, not the records themselves (those go from the staging table to their rows in
   * SQL). A bounded range, not `index >= $2 … LIMIT`: right after a big upload the table's
   * statistics are stale, and the planner then read and sorted the whole rest of the upload for every chunk.
   */
  async readInputs(client: pg.ClientBase, taskId: string, fromIndex: number, limit: number): Promise<StagedInput[]> {
    const { rows } = await client.query<StagedInput>(
      `SELECT index, duplicate_of AS "duplicateOf", action, certificate_type_id AS "certificateTypeId",
              CASE WHEN action = 'delete' THEN history_key END AS "historyKey", CASE WHEN action = 'delete' THEN my_number END AS "myNumber",
              CASE WHEN action = 'delete' THEN certification_sub_key END AS "certificationSubKey"
         FROM registration_task_input
        WHERE task_id = $1 AND index >= $2 AND index < $2 + $3 ORDER BY index`,
      [taskId, fromIndex, limit],
    );
    return rows;
  },

  /**
   * Locks the municipality's certificate types with these ids FOR KEY SHARE, as a foreign key's check
   * would (deleting one waits for this transaction; see src/certificate-types/repository.ts); returns
   * the ids that exist.
   */
  async lockCertificateTypes(client: pg.ClientBase, municipalityCode: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM certificate_type WHERE municipality_code = $1 AND id = ANY($2::text[]) FOR KEY SHARE`, [
      municipalityCode,
      ids,
    ]);
    return new Set(rows.map((r) => r.id));
  },

  /**
   * Inserts the rows of the chunk's staged records marked `created` in `outcomes` (`outcomes[k]`:
   * record `range.from + k`) straight from the staging table, but not over a row that exists; returns
   * how many it inserted (existingRowsOfStaged finds the others). One range scan of the chunk, the
   * mark looked up by position (a list of indexes made PostgreSQL search the list for every row).
   */
  async insertNewRecipients(client: pg.ClientBase, municipalityCode: string, taskId: string, range: IndexRange, outcomes: Outcome[]): Promise<number> {
    if (!outcomes.includes('created')) return 0;
    const { rows } = await client.query<{ n: number }>(
      `WITH inserted AS (INSERT INTO recipient_certificate (${RECIPIENT_COLUMNS}) ${stagedRows('created')} ON CONFLICT DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM inserted`,
      [municipalityCode, taskId, range.from, range.to, outcomes.map((o) => OUTCOME_CODE[o])],
    );
    return rows[0]!.n;
  },

  /**
   * After insertNewRecipients: the chunk's staged records marked `created` whose row was there
   * already (not inserted by this transaction), locked, each with its key and whether its stored
   * record is the same (jsonb equality: the same fields with the same values, in any order). One primary-key probe per record (a LATERAL subquery, and my_number
   * compared as char(12) so the key index applies): a join was planned from stale statistics as a
   * scan and sort of the whole table per chunk.
   */
  async existingRowsOfStaged(client: pg.ClientBase, municipalityCode: string, taskId: string, range: IndexRange, outcomes: Outcome[]) {
    const { rows } = await client.query<{ index: number; unchanged: boolean; t: string; m: string; s: string; h: string }>(
      `SELECT i.index, r.unchanged, i.certificate_type_id AS t, i.my_number AS m, i.certification_sub_key AS s, i.history_key AS h
         FROM registration_task_input i
        CROSS JOIN LATERAL (
          SELECT rc.record = i.record AS unchanged FROM recipient_certificate rc
           WHERE rc.municipality_code = $1 AND rc.certificate_type_id = i.certificate_type_id AND rc.my_number = i.my_number::bpchar
             AND rc.certification_sub_key = i.certification_sub_key AND rc.history_key = i.history_key
             AND rc.xmin <> pg_current_xact_id()::xid
             FOR UPDATE) r
        WHERE i.task_id = $2 AND i.index >= $3 AND i.index < $4 AND i.action = 'upsert'
          AND ($5::int2[])[i.index - $3 + 1] = ${OUTCOME_CODE.created}`,
      [municipalityCode, taskId, range.from, range.to, outcomes.map((o) => OUTCOME_CODE[o])],
    );
    return rows.map((r) => ({
      index: r.index,
      unchanged: r.unchanged,
      key: { certificateTypeId: r.t, myNumber: r.m, certificationSubKey: r.s, historyKey: r.h },
    }));
  },

  /** Replaces existing rows with the chunk's staged records marked `updated` in `outcomes` (see insertNewRecipients). */
  async updateRecipients(client: pg.ClientBase, municipalityCode: string, taskId: string, range: IndexRange, outcomes: Outcome[]) {
    const updates = outcomes.reduce((n, o) => (o === 'updated' ? n + 1 : n), 0);
    if (updates === 0) return;
    const r = await client.query(
      `INSERT INTO recipient_certificate (${RECIPIENT_COLUMNS}) ${stagedRows('updated')}
       ON CONFLICT (municipality_code, certificate_type_id, my_number, certification_sub_key, history_key) DO UPDATE SET
         valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to, is_not_disclosed = EXCLUDED.is_not_disclosed,
         insurer_number = EXCLUDED.insurer_number, recipient_number = EXCLUDED.recipient_number, record = EXCLUDED.record,
         last_task_id = EXCLUDED.last_task_id, updated_at = now()`,
      [municipalityCode, taskId, range.from, range.to, outcomes.map((o) => OUTCOME_CODE[o])],
    );
    if (r.rowCount !== updates) throw new Error(`task ${taskId}: wrote ${r.rowCount} of ${updates} changed rows`);
  },

  /** Marks rows as seen by this task (replace mode keeps them). */
  async touchRecipients(client: pg.ClientBase, municipalityCode: string, taskId: string, keys: RecordKeyFields[]) {
    if (keys.length === 0) return;
    await client.query(
      `UPDATE recipient_certificate r SET last_task_id = $2
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS k(t, m, s, h)
        WHERE r.municipality_code = $1 AND r.certificate_type_id = k.t AND r.my_number = k.m
          AND r.certification_sub_key = k.s AND r.history_key = k.h`,
      [
        municipalityCode,
        taskId,
        keys.map((k) => k.certificateTypeId),
        keys.map((k) => k.myNumber),
        keys.map((k) => k.certificationSubKey),
        keys.map((k) => k.historyKey),
      ],
    );
  },

  /**
   * The keys (keyOf) of the given keys whose rows exist, locked for this transaction. One primary-key
   * probe per key (a LATERAL subquery, and my_number compared as char(12) so the key index
   * applies): a join was planned from stale statistics as a scan and sort of the whole table per chunk.
   */
  async existingRecipients(client: pg.ClientBase, municipalityCode: string, keys: RecordKeyFields[]) {
    if (keys.length === 0) return new Set<string>();
    const { rows } = await client.query<{ i: string }>(
      `SELECT k.i
         FROM unnest($2::text[], $3::bpchar[], $4::text[], $5::text[]) WITH ORDINALITY AS k(t, m, s, h, i)
         CROSS JOIN LATERAL (
           SELECT 1 FROM recipient_certificate r
            WHERE r.municipality_code = $1 AND r.certificate_type_id = k.t AND r.my_number = k.m
              AND r.certification_sub_key = k.s AND r.history_key = k.h
            FOR UPDATE) r`,
      [
        municipalityCode,
        keys.map((k) => k.certificateTypeId),
        keys.map((k) => k.myNumber),
        keys.map((k) => k.certificationSubKey),
        keys.map((k) => k.historyKey),
      ],
    );
    return new Set(rows.map((r) => keyOf(keys[Number(r.i) - 1]!)));
  },

  keyOf,

  async deleteRecipients(client: pg.ClientBase, municipalityCode: string, keys: RecordKeyFields[]) {
    if (keys.length === 0) return;
    await client.query(
      `DELETE FROM recipient_certificate r
         USING unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS k(t, m, s, h)
        WHERE r.municipality_code = $1 AND r.certificate_type_id = k.t AND r.my_number = k.m
          AND r.certification_sub_key = k.s AND r.history_key = k.h`,
      [
        municipalityCode,
        keys.map((k) => k.certificateTypeId),
        keys.map((k) => k.myNumber),
        keys.map((k) => k.certificationSubKey),
        keys.map((k) => k.historyKey),
      ],
    );
  },

  /**
   * The results of staged records `range.from` … `range.to - 1`, as one block: `outcomes[k]` is the
   * outcome of record `range.from + k`; its errors are `errors[k]` when given (a rule decided while
   * applying), else those found when it was staged; its warnings are those found when it was staged.
   */
  async insertResults(client: pg.ClientBase, taskId: string, range: IndexRange, outcomes: Outcome[], errors: (string | null)[]) {
    const decided = errors.flatMap((e, k) => (e === null ? [] : [k]));
    const mask = outcomes.reduce((m, o) => m | (1 << OUTCOME_CODE[o]), 0);
    const r = await client.query(
      `INSERT INTO registration_task_result (task_id, first_index, outcomes, history_keys, issues, outcome_mask)
       SELECT $1, $2, $4::int2[], array_agg(i.history_key ORDER BY i.index),
              jsonb_object_agg((i.index - $2)::text, jsonb_build_object('errors', COALESCE(e.errors::jsonb, i.errors, '[]'), 'warnings', COALESCE(i.warnings, '[]')))
                FILTER (WHERE e.errors IS NOT NULL OR i.errors IS NOT NULL OR i.warnings IS NOT NULL),
              $7::int2
         FROM registration_task_input i
         LEFT JOIN unnest($5::int[], $6::text[]) AS e(index, errors) ON e.index = i.index
        WHERE i.task_id = $1 AND i.index >= $2 AND i.index < $3
       HAVING count(*) = cardinality($4::int2[])`,
      [taskId, range.from, range.to, outcomes.map((o) => OUTCOME_CODE[o]), decided.map((k) => range.from + k), decided.map((k) => errors[k]), mask],
    );
    if (r.rowCount !== 1) throw new Error(`task ${taskId}: records ${range.from}–${range.to - 1} are not all staged; no results written`);
  },

  /**
   * Replace mode: removes rows of the type that this task did not create, update or confirm —
   * except those whose record in this upload was rejected (read from the staged upload, still there).
   */
  async removeUnseen(client: pg.ClientBase, municipalityCode: string, typeId: string, taskId: string): Promise<number> {
    const r = await client.query(
      `DELETE FROM recipient_certificate r
        WHERE r.municipality_code = $1 AND r.certificate_type_id = $2 AND r.last_task_id <> $3
          AND NOT EXISTS (SELECT 1 FROM registration_task_input s
                           WHERE s.task_id = $3 AND s.action = 'rejected' AND s.certificate_type_id = r.certificate_type_id
                             AND s.my_number = r.my_number AND s.certification_sub_key = r.certification_sub_key
                             AND s.history_key = r.history_key)`,
      [municipalityCode, typeId, taskId],
    );
    return r.rowCount ?? 0;
  },
};

/** Results as the API lists them, on the shared pool. */
function resultQueries(pool: pg.Pool) {
  return {
    /**
     * Results in upload order, those with an index above `afterIndex` and (when given) one of `outcomes`,
     * read from the task's result blocks (insertResults): from the block holding the first wanted index on,
     * skipping blocks without a wanted outcome.
     */
    async listResults(taskId: string, f: { outcomes?: Outcome[]; afterIndex?: number; limit: number }): Promise<ResultRow[]> {
      const wanted: readonly Outcome[] = f.outcomes ?? OUTCOMES;
      const mask = wanted.reduce((m, o) => m | (1 << OUTCOME_CODE[o]), 0);
      const from = f.afterIndex === undefined ? 0 : f.afterIndex + 1;
      const { rows } = await pool.query<{
        index: number;
        history_key: string | null;
        code: number;
        issues: { errors: RecordIssue[]; warnings: RecordIssue[] } | null;
      }>(
        // The blocks are ordered in a subquery of their own, so the outer ORDER BY is an incremental sort
        // that unnests block after block until LIMIT (a flat join sorted every record after the cursor).
        `SELECT r.first_index + u.k::int - 1 AS index, u.h AS history_key, u.o AS code, r.issues -> (u.k - 1)::text AS issues
           FROM (SELECT * FROM registration_task_result b
                  WHERE b.task_id = $1 AND (b.outcome_mask & $3) <> 0
                    AND b.first_index >= COALESCE((SELECT max(p.first_index) FROM registration_task_result p WHERE p.task_id = $1 AND p.first_index <= $2), 0)
                  ORDER BY b.first_index) r
          CROSS JOIN LATERAL unnest(r.outcomes, r.history_keys) WITH ORDINALITY AS u(o, h, k)
          WHERE r.first_index + u.k - 1 >= $2 AND ($3 >> u.o) & 1 = 1
          ORDER BY r.first_index, u.k
          LIMIT $4`,
        [taskId, from, mask, f.limit],
      );
      return rows.map((r) => ({
        index: r.index,
        historyKey: r.history_key,
        outcome: OUTCOMES[r.code]!,
        errors: r.issues?.errors ?? [],
        warnings: r.issues?.warnings ?? [],
      }));
    },
  };
}

/** The registration lock of a municipality: tasks of one municipality run one at a time. */
const lockKey = (municipalityCode: string) => `registration:${municipalityCode}`;

/**
 * Data access of registration tasks. Ordinary reads use Prisma; the hot paths (staging an upload
 * with COPY, applying a chunk with set-based statements) use pg. Transactions are opened here only,
 * by the unit-of-work methods at the end; the statements take the Transaction they hand out.
 */
export function registrationsRepository(db: Db, pool: pg.Pool) {
  const tasks = taskStatements(db);
  return {
    ...tasks,
    ...applyStatements,
    ...resultQueries(pool),

    /**
     * Stages an upload and creates its task in one transaction (on a connection of `on`, by default the
     * repository's pool): an upload that fails part-way (limit, broken stream, bad CSV header) leaves
     * nothing behind. COPYs the upload's records, marks duplicate keys, inserts the task (created at
     * `createdAt()`, once the upload is read) and calls `enqueue` with the transaction, so the task's job
     * commits with it. Rolls back when the upload has no records (`empty`) or the task's idempotency key
     * is taken (`key_taken`).
     */
    stageUpload: (s: { task: Omit<NewTask, 'createdAt'>; upload: Upload; createdAt(): Date; enqueue(tx: Transaction): Promise<void>; on?: pg.Pool }) =>
      inTransaction<'staged' | 'empty' | 'key_taken'>(s.on ?? pool, async (client) => {
        await stagingStatements.stageRecords(client, s.upload.copy(s.task.id));
        const count = s.upload.count();
        await stagingStatements.markDuplicates(client, s.task.id);
        if (count === 0) return rollback('empty');
        if (!(await tasks.insertTask(client, { ...s.task, createdAt: s.createdAt() }, count, s.upload.sha256()))) return rollback('key_taken');
        await s.enqueue(client);
        return 'staged';
      }),

    /**
     * Runs `fn` holding the municipality's registration lock (a session advisory lock on a connection
     * of its own, which `fn` gets to work on), released after. When another task of the municipality
     * holds it, throws at once: the task's job is retried later.
     */
    async withMunicipalityLock<T>(municipalityCode: string, fn: (session: Transaction) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let locked = false;
      try {
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [lockKey(municipalityCode)]);
        locked = rows[0]!.ok;
        if (!locked) throw new Error(`municipality ${municipalityCode} is busy with another registration task`);
        return await fn(client);
      } finally {
        if (locked) await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey(municipalityCode)]).catch(() => undefined);
        client.release();
      }
    },

    /** Runs `fn` with `n` more connections of the pool (to apply and read chunks beside a session), released after. */
    async withConnections<T>(n: number, fn: (connections: Transaction[]) => Promise<T>): Promise<T> {
      const connections: pg.PoolClient[] = [];
      try {
        for (let i = 0; i < n; i++) connections.push(await pool.connect());
        return await fn(connections);
      } finally {
        for (const c of connections.reverse()) c.release();
      }
    },

    /**
     * Runs `fn` in a transaction on `connection` that applies one chunk. It commits without waiting for
     * its WAL to reach the disk: should PostgreSQL or the machine crash within the next fraction of a
     * second, the chunk is lost whole — rows, results and the task's progress together — and the task
     * resumes before it. Measured in bench/ingest.ts (1,000,000 records: applying 43.1 → 37.8 s).
     */
    inChunkTransaction: <T>(connection: Transaction, fn: (tx: Transaction) => Promise<T | RolledBack<T>>) =>
      inTransaction(connection, fn, { setLocal: 'SET LOCAL synchronous_commit = off' }),

    /** Runs `fn` in a transaction on `connection` (e.g. the session withMunicipalityLock gave), or on a connection of the pool. */
    inTaskTransaction: <T>(fn: (tx: Transaction) => Promise<T | RolledBack<T>>, connection?: Transaction) => inTransaction(connection ?? pool, fn),
  };
}

export type RegistrationsRepository = ReturnType<typeof registrationsRepository>;
