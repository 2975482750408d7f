import type { FastifyBaseLogger } from 'fastify';
import { rollback, type Transaction } from '../db/pool.js';
import type { RecordIssue } from '../domain/pmh-record/index.js';
import type { IndexRange, RecordKeyFields, RegistrationsRepository, StagedInput, TaskRow } from './repository.js';
import type { Outcome } from './schemas.js';

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
  onFinished?(tx: Transaction, task: TaskRow): Promise<void>;
  /** Test hook: called after each committed chunk with the number of records processed so far. */
  afterChunk?(taskId: string, processed: number): Promise<void> | void;
}

/** A staged deletion's key (StagedInput carries the whole key only of deletions). */
const deletionKeyOf = (i: StagedInput): RecordKeyFields | null =>
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
  deletes: { k: number; key: RecordKeyFields }[];
}

type ChunkEnd = 'committed' | 'gone';

/** Whether `end` has settled as 'gone' already (without waiting for it; rejects if it failed). */
const alreadyGone = async (end: Promise<ChunkEnd>) => (await Promise.race([end, Promise.resolve('pending' as const)])) === 'gone';

const FINISHED: ReadonlySet<TaskRow['status']> = new Set(['succeeded', 'completed_with_errors', 'failed']);

/**
 * Connections that apply chunks in turn (lanes): chunk k waits until the chunk before it on its lane
 * (chunk k - lanes) is done. Once a chunk failed, no lane is handed out again: its error is rethrown.
 */
function applyLanes(connections: readonly Transaction[]) {
  const busy: Promise<unknown>[] = connections.map(() => Promise.resolve());
  let failure: { err: unknown } | undefined;
  let turn = 0;
  const rethrow = () => {
    if (failure) throw failure.err;
  };
  return {
    /** Waits for the next lane in turn to be free; returns how to run a chunk's work on it. */
    async next() {
      const i = turn++ % connections.length;
      await busy[i];
      rethrow();
      return <T>(work: (lane: Transaction) => Promise<T>): Promise<T> => {
        const done = work(connections[i]!);
        busy[i] = done.catch((err: unknown) => {
          failure ??= { err };
        });
        return done;
      };
    },
    /** Waits for every lane's last chunk; rethrows the first failure. */
    async drain() {
      await Promise.all(busy);
      rethrow();
    },
    /** Resolves once no lane is working, failed or not. */
    settled: () => Promise.allSettled(busy),
  };
}

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
  async function prepareChunk(reader: Transaction, taskId: string, from: number): Promise<PreparedChunk> {
    const inputs = await repo.readInputs(reader, taskId, from, chunkSize);
    const last = inputs.at(-1);
    if (!last || inputs[0]!.index !== from || last.index !== from + inputs.length - 1)
      throw new Error(`task ${taskId}: staged records from ${from} are missing`);

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
        chunk.errors[k] = issues({
          field: 'historyKey',
          code: 'duplicate_key',
          message: `The same record key appears earlier in this upload, at index ${input.duplicateOf}`,
        });
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

  /** Writes a prepared chunk in `client`'s open transaction; returns the chunk's outcome counts. */
  async function applyChunk(client: Transaction, taskId: string, municipalityCode: string, mode: TaskRow['mode'], chunk: PreparedChunk) {
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
    const touched: RecordKeyFields[] = [];
    if (inserted < upserts.length) {
      const there = await repo.existingRowsOfStaged(client, municipalityCode, taskId, range, outcomes as Outcome[]);
      // Neither inserted nor there: deleted by something else meanwhile (a sandbox reset); the retried chunk sees it again.
      if (inserted + there.length !== upserts.length)
        throw new Error(
          `task ${taskId}: of records ${range.from}–${range.to - 1}, ${upserts.length - inserted - there.length} neither were inserted nor exist`,
        );
      for (const e of there) {
        outcomes[e.index - range.from] = e.unchanged ? 'unchanged' : 'updated';
        if (e.unchanged) touched.push(e.key);
      }
    }
    const existing = await repo.existingRecipients(
      client,
      municipalityCode,
      deletes.map((d) => d.key),
    );
    const toDelete: RecordKeyFields[] = [];
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
   * Applies `chunk` in a transaction of its own on `lane`, and commits it only after the chunk before
   * it (`previous`) committed: chunks are applied two at a time (PostgreSQL works on both), yet commit
   * in order, so a task's progress is always a prefix of its upload. If the previous chunk failed or
   * found its task gone, this one rolls back too.
   */
  async function commitChunk(lane: Transaction, task: TaskRow, chunk: PreparedChunk, previous: Promise<ChunkEnd>): Promise<ChunkEnd> {
    const end = await repo.inChunkTransaction<ChunkEnd>(lane, async (tx) => {
      // The task row first, as before any write (a sandbox reset locks the tables in the same order), in a
      // mode both lanes can hold at once and that lets each update the row's progress in turn.
      if (!(await repo.keyShareTaskRow(tx, task.id))) return rollback('gone');
      const counts = await applyChunk(tx, task.id, task.municipalityCode, task.mode, chunk);
      // Gone (a sandbox reset deleted it): stop rather than go on with chunks of nothing.
      if ((await previous) === 'gone' || !(await repo.advanceTask(tx, task.id, chunk.range.to, counts))) return rollback('gone');
      return 'committed';
    });
    if (end === 'committed') await deps.afterChunk?.(task.id, chunk.range.to);
    return end;
  }

  /**
   * Applies the task's staged records `from` … `received - 1`, chunk after chunk, on two lanes: the
   * session (which holds the municipality's lock) and a second connection; a third connection reads
   * the next chunk meanwhile. Only the reads and the decisions are in Node.
   */
  function applyStaged(session: Transaction, task: TaskRow, from: number, received: number): Promise<ChunkEnd> {
    return repo.withConnections(2, async ([second, reader]) => {
      const lanes = applyLanes([session, second!]);
      let previous: Promise<ChunkEnd> = Promise.resolve('committed');
      let next: Promise<PreparedChunk> | undefined = prepareChunk(reader!, task.id, from);
      try {
        while (next) {
          const chunk: PreparedChunk = await next;
          next = undefined;
          if (chunk.range.to < received) {
            next = prepareChunk(reader!, task.id, chunk.range.to);
            // Awaited in the next round; if this round fails first, the finally below waits for it.
            next.catch(() => undefined);
          }
          const onLane = await lanes.next();
          if (await alreadyGone(previous)) return 'gone';
          const before = previous;
          previous = onLane((lane) => commitChunk(lane, task, chunk, before));
        }
        await lanes.drain();
        return await previous;
      } finally {
        // Nothing may still use the connections when they go back to the pool.
        await Promise.allSettled([lanes.settled(), next]);
      }
    });
  }

  async function notifyFinished(tx: Transaction, taskId: string) {
    if (!deps.onFinished) return;
    const finished = await repo.lockTaskRow(tx, taskId);
    if (finished) await deps.onFinished(tx, finished);
  }

  return {
    /** Runs (or resumes) a task to its final state. Safe to call twice, concurrently or after a crash. */
    async process(taskId: string): Promise<void> {
      const task = await repo.findTaskById(taskId);
      if (!task || FINISHED.has(task.status)) return;

      await repo.withMunicipalityLock(task.municipalityCode, async (session) => {
        const current = await repo.findTaskById(taskId);
        if (!current || FINISHED.has(current.status)) return;
        if (current.status === 'queued') await repo.markRunning(session, taskId, deps.now());
        if (current.processedCount < current.receivedCount && (await applyStaged(session, task, current.processedCount, current.receivedCount)) === 'gone')
          return;

        const finished = await repo.inTaskTransaction(async (tx) => {
          const t = await repo.lockTaskRow(tx, taskId);
          if (!t || t.status !== 'running') return rollback(null);
          const removed = task.mode === 'replace' && task.replaceTypeId ? await repo.removeUnseen(tx, task.municipalityCode, task.replaceTypeId, taskId) : 0;
          await repo.finishTask(tx, taskId, t.rejectedCount > 0 ? 'completed_with_errors' : 'succeeded', removed, deps.now());
          await notifyFinished(tx, taskId);
          return t;
        }, session);
        if (finished) deps.logger.info({ taskId, received: finished.receivedCount, rejected: finished.rejectedCount }, 'registration task finished');
      });
    },

    /** After the queue gave up on a task: it ends as failed, reporting how far it got. */
    async fail(taskId: string, detail: string) {
      await repo.inTaskTransaction(async (tx) => {
        const t = await repo.lockTaskRow(tx, taskId);
        if (t && !FINISHED.has(t.status)) {
          await repo.finishTask(
            tx,
            taskId,
            'failed',
            0,
            deps.now(),
            `${detail} (records 0–${t.processedCount - 1} were applied as their results say; the rest were not)`,
          );
          await notifyFinished(tx, taskId);
        }
      });
    },
  };
}

export type RegistrationProcessor = ReturnType<typeof registrationProcessor>;
