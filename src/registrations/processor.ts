import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import type { RecordIssue } from '../domain/pmh-record/index.js';
import type { IndexRange, Outcome, RegistrationsRepository, StagedInput, TaskRow } from './repository.js';

export interface ProcessorDeps {
  repo: RegistrationsRepository;
  now(): Date;
  logger: FastifyBaseLogger;
  /** Records applied per transaction. */
  chunkSize?: number;
  /**
   * Called in the transaction that gives the task its final status, with the finished task: work that must
   * happen exactly when the task finishes (webhook events) commits with it.
   */
  onFinished?(client: pg.ClientBase, task: TaskRow): Promise<void>;
  /** Test hook: called after each committed chunk with the number of records processed so far. */
  afterChunk?(taskId: string, processed: number): Promise<void> | void;
}

const lockKey = (municipalityCode: string) => `registration:${municipalityCode}`;

interface KeyFields {
  certificateTypeId: string;
  myNumber: string;
  certificationSubKey: string;
  historyKey: string;
}
/** A staged deletion's key (StagedInput carries the whole key only of deletions). */
const deletionKeyOf = (i: StagedInput): KeyFields | null =>
  i.certificateTypeId !== null && i.myNumber !== null && i.certificationSubKey !== null && i.historyKey !== null
    ? { certificateTypeId: i.certificateTypeId, myNumber: i.myNumber, certificationSubKey: i.certificationSubKey, historyKey: i.historyKey }
    : null;

const issues = (issue: RecordIssue) => JSON.stringify([issue]);

/** A chunk of staged records, with what does not depend on the stored rows decided. */
interface PreparedChunk {
  range: IndexRange;
  /** outcomes[k] / errors[k]: record range.from + k; undefined = decided when applied. */
  outcomes: (Outcome | undefined)[];
  errors: (string | null)[];
  upserts: { k: number; certificateTypeId: string }[];
  deletes: { k: number; key: KeyFields }[];
}

type ChunkEnd = 'committed' | 'gone';

/**
 * Applies a task's staged records in chunks. Records were validated when the upload was received
 * (src/registrations/prepare.ts); what is left depends on the stored rows — created, updated or
 * unchanged, whether a row to delete exists — and on the rest of the upload (a key seen earlier in
 * it). Node reads each record's action (and a deletion's key), decides, and has PostgreSQL copy the
 * records from the staging table to their rows, compare them with rows already there and write the
 * results: the records themselves never come back to Node. Each chunk — its rows, its per-record results and the task's progress — commits in
 * one transaction, so a task interrupted at any point resumes from the first record without a
 * result, and no record is ever half-applied. Tasks of one municipality run one at a time
 * (advisory lock), which also makes a task's job safe to deliver twice.
 *
 * Two chunks are applied at a time, on two connections, and commit in upload order (commitChunk);
 * a third connection reads the next chunk meanwhile. Two chunks never write the same row: a key is
 * accepted at most once per upload (later ones are duplicates), so neither waits for the other's locks.
 */
export function registrationProcessor(deps: ProcessorDeps) {
  const { repo } = deps;
  const chunkSize = deps.chunkSize ?? 2000;

  /** Reads staged records `from` … `from + chunkSize - 1` and decides what the staging alone decides. */
  async function prepareChunk(reader: pg.ClientBase, taskId: string, from: number): Promise<PreparedChunk> {
    const inputs = await repo.readInputs(reader, taskId, from, chunkSize);
    const last = inputs.at(-1);
    if (!last || inputs[0]!.index !== from || last.index !== from + inputs.length - 1) throw new Error(`task ${taskId}: staged records from ${from} are missing`);

    const chunk: PreparedChunk = {
      range: { from, to: last.index + 1 },
      outcomes: new Array<Outcome | undefined>(inputs.length),
      errors: new Array<string | null>(inputs.length).fill(null),
      upserts: [],
      deletes: [],
    };
    inputs.forEach((input, k) => {
      if (input.action === 'rejected') {
        chunk.outcomes[k] = 'rejected';
        return;
      }
      if (input.certificateTypeId === null) throw new Error(`task ${taskId}: staged record ${input.index} (${input.action}) has no key`);
      if (input.duplicateOf !== null) {
        chunk.outcomes[k] = 'rejected';
        chunk.errors[k] = issues({ field: 'historyKey', code: 'duplicate_key', message: `The same record key appears earlier in this upload, at index ${input.duplicateOf}` });
        return;
      }
      if (input.action === 'delete') {
        const key = deletionKeyOf(input);
        if (!key) throw new Error(`task ${taskId}: staged record ${input.index} (delete) has no key`);
        chunk.deletes.push({ k, key });
        return;
      }
      chunk.upserts.push({ k, certificateTypeId: input.certificateTypeId });
    });
    return chunk;
  }

  /** Writes a prepared chunk in `client`'s open transaction; returns the task's new processed count. */
  async function applyChunk(client: pg.ClientBase, taskId: string, municipalityCode: string, mode: 'upsert' | 'replace', chunk: PreparedChunk) {
    const { range, outcomes, errors, deletes } = chunk;
    // The types the chunk's rows will use, locked as a foreign key would (FOR KEY SHARE, so deleting one
    // waits for this transaction), once per chunk instead of per row: a record whose type was deleted
    // after the upload was received is rejected. (Type updates do not wait: they change no key.)
    const types = await repo.lockCertificateTypes(client, municipalityCode, [...new Set(chunk.upserts.map((u) => u.certificateTypeId))]);
    const upserts = chunk.upserts.filter((u) => {
      if (types.has(u.certificateTypeId)) return true;
      outcomes[u.k] = 'rejected';
      errors[u.k] = issues({
        field: 'orgSpecificCertificateTypeId',
        code: 'unknown_certificate_type',
        message: `orgSpecificCertificateTypeId "${u.certificateTypeId}" was deleted from this municipality's 制度マスタ after the upload was received`,
      });
      return false;
    });
    // New rows first, in one statement (all of them on a first load, and then nothing else is read);
    // only the rows that were there already are looked up, and compared, in PostgreSQL.
    for (const u of upserts) outcomes[u.k] = 'created';
    const inserted = await repo.insertNewRecipients(client, municipalityCode, taskId, range, outcomes as Outcome[]);
    const touched: KeyFields[] = [];
    if (inserted < upserts.length) {
      const there = await repo.existingRowsOfStaged(client, municipalityCode, taskId, range, outcomes as Outcome[]);
      // Neither inserted nor there: deleted by something else meanwhile (a sandbox reset); the retried chunk sees it again.
      if (inserted + there.length !== upserts.length) throw new Error(`task ${taskId}: of records ${range.from}–${range.to - 1}, ${upserts.length - inserted - there.length} neither were inserted nor exist`);
      for (const e of there) {
        outcomes[e.index - range.from] = e.unchanged ? 'unchanged' : 'updated';
        if (e.unchanged) touched.push(e.key);
      }
    }
    const existing = await repo.existingRecipients(client, municipalityCode, deletes.map((d) => d.key));
    const toDelete: KeyFields[] = [];
    for (const d of deletes) {
      if (existing.has(repo.keyOf(d.key))) {
        toDelete.push(d.key);
        outcomes[d.k] = 'deleted';
      } else {
        outcomes[d.k] = 'rejected';
        errors[d.k] = issues({ field: 'historyKey', code: 'not_found', message: 'No registered history row has this key, so there is nothing to delete' });
      }
    }

    const decided = outcomes as Outcome[];
    await repo.updateRecipients(client, municipalityCode, taskId, range, decided);
    // In replace mode, rows confirmed unchanged are kept (and rows whose new record was rejected: see removeUnseen).
    if (mode === 'replace') await repo.touchRecipients(client, municipalityCode, taskId, touched);
    await repo.deleteRecipients(client, municipalityCode, toDelete);
    await repo.insertResults(client, taskId, range, decided, errors);

    const counts: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0, deleted: 0, rejected: 0 };
    for (const o of decided) counts[o]++;
    return counts;
  }

  /**
   * Applies `chunk` in a transaction of its own on `client`, and commits it only after the chunk
   * before it (`previous`) committed: chunks are applied two at a time (PostgreSQL works on both),
   * yet commit in order, so a task's progress is always a prefix of its upload. If the previous chunk
   * failed or found its task gone, this one rolls back too.
   */
  async function commitChunk(client: pg.ClientBase, taskId: string, task: TaskRow, chunk: PreparedChunk, previous: Promise<ChunkEnd>): Promise<ChunkEnd> {
    // A chunk commits without waiting for its WAL to reach the disk: should PostgreSQL or the machine
    // crash within the next fraction of a second, the chunk is lost whole — rows, results and the
    // task's progress together — and the task resumes before it. Measured in bench/ingest.ts
    // (1,000,000 records: applying 43.1 → 37.8 s).
    await client.query('BEGIN; SET LOCAL synchronous_commit = off');
    try {
      // The task row first, as before any write (a sandbox reset locks the tables in the same order), in a
      // mode both lanes can hold at once and that lets each update the row's progress in turn.
      if (!(await repo.keyShareTaskRow(client, taskId))) {
        await client.query('ROLLBACK');
        return 'gone';
      }
      const counts = await applyChunk(client, taskId, task.municipalityCode, task.mode, chunk);
      // Gone (a sandbox reset deleted it): stop rather than go on with chunks of nothing.
      if ((await previous) === 'gone' || !(await repo.advanceTask(client, taskId, chunk.range.to, counts))) {
        await client.query('ROLLBACK');
        return 'gone';
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    await deps.afterChunk?.(taskId, chunk.range.to);
    return 'committed';
  }

  async function notifyFinished(client: pg.ClientBase, taskId: string) {
    if (!deps.onFinished) return;
    const finished = await repo.lockTaskRow(client, taskId);
    if (finished) await deps.onFinished(client, finished);
  }

  return {
    /** Runs (or resumes) a task to its final state. Safe to call twice, concurrently or after a crash. */
    async process(taskId: string): Promise<void> {
      const task = await repo.findTaskById(taskId);
      if (!task || task.status === 'succeeded' || task.status === 'completed_with_errors' || task.status === 'failed') return;

      const client = await repo.pool.connect();
      let locked = false;
      try {
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [lockKey(task.municipalityCode)]);
        locked = rows[0]!.ok;
        if (!locked) {
          // Another task of this municipality is running; the job is retried later.
          throw new Error(`municipality ${task.municipalityCode} is busy with another registration task`);
        }
        let current = await repo.findTaskById(taskId);
        if (!current || (current.status !== 'queued' && current.status !== 'running')) return;
        if (current.status === 'queued') await repo.markRunning(client, taskId, deps.now());

        const received = current.receivedCount;
        if (current.processedCount < received) {
          // Two lanes apply chunks (client holds the municipality's lock; a second connection); a third
          // connection reads the next chunk meanwhile. Only the reads and the decisions are in Node.
          const lane2 = await repo.pool.connect();
          const reader = await repo.pool.connect();
          const lanes = [client, lane2];
          const busy: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
          let previous: Promise<ChunkEnd> = Promise.resolve('committed');
          let failure: { err: unknown } | undefined;
          let next: Promise<PreparedChunk> | undefined;
          try {
            next = prepareChunk(reader, taskId, current.processedCount);
            for (let k = 0; next; k++) {
              const chunk = await next;
              next = undefined;
              if (chunk.range.to < received) {
                next = prepareChunk(reader, taskId, chunk.range.to);
                // Awaited in the next round; if this round fails first, the finally below waits for it.
                next.catch(() => undefined);
              }
              await busy[k % 2];
              if (failure) throw failure.err;
              if ((await Promise.race([previous, Promise.resolve('pending' as const)])) === 'gone') return;
              const done = commitChunk(lanes[k % 2]!, taskId, task, chunk, previous);
              previous = done;
              busy[k % 2] = done.catch((err: unknown) => {
                failure ??= { err };
              });
            }
            await Promise.all(busy);
            if (failure) throw failure.err;
            if ((await previous) === 'gone') return;
          } finally {
            await Promise.allSettled([...busy, next]);
            reader.release();
            lane2.release();
          }
        }

        await client.query('BEGIN');
        try {
          current = await repo.lockTaskRow(client, taskId);
          if (!current || current.status !== 'running') {
            await client.query('ROLLBACK');
            return;
          }
          const removed = task.mode === 'replace' && task.replaceTypeId ? await repo.removeUnseen(client, task.municipalityCode, task.replaceTypeId, taskId) : 0;
          await repo.finishTask(client, taskId, current.rejectedCount > 0 ? 'completed_with_errors' : 'succeeded', removed, deps.now());
          await notifyFinished(client, taskId);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
        deps.logger.info({ taskId, received: current.receivedCount, rejected: current.rejectedCount }, 'registration task finished');
      } finally {
        if (locked) await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey(task.municipalityCode)]).catch(() => undefined);
        client.release();
      }
    },

    /** After the queue gave up on a task: it ends as failed, reporting how far it got. */
    async fail(taskId: string, detail: string) {
      const client = await repo.pool.connect();
      try {
        await client.query('BEGIN');
        const t = await repo.lockTaskRow(client, taskId);
        if (t && (t.status === 'queued' || t.status === 'running')) {
          await repo.finishTask(client, taskId, 'failed', 0, deps.now(), `${detail} (records 0–${t.processedCount - 1} were applied as their results say; the rest were not)`);
          await notifyFinished(client, taskId);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

export type RegistrationProcessor = ReturnType<typeof registrationProcessor>;
