import { hash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import { canonicalRecordJson, keyString, validateRecord, type CertificateTypeRules, type RecordIssue, type RecordKey } from '../domain/registration-record.js';
import type { Outcome, RecipientWrite, RegistrationsRepository, ResultWrite, TaskRow } from './repository.js';

export interface ProcessorDeps {
  repo: RegistrationsRepository;
  loadRules(municipalityCode: string): Promise<Map<string, CertificateTypeRules>>;
  now(): Date;
  logger: FastifyBaseLogger;
  /** Records validated and applied per transaction. */
  chunkSize?: number;
  /**
   * Called in the transaction that gives the task its final status, with the finished task: work that must
   * happen exactly when the task finishes (webhook events) commits with it.
   */
  onFinished?(client: pg.ClientBase, task: TaskRow): Promise<void>;
  /** Test hook: called after each committed chunk with the number of records processed so far. */
  afterChunk?(taskId: string, processed: number): Promise<void> | void;
}

// One-shot crypto.hash: a third of the cost of createHash().update().digest() per record.
const sha256 = (s: string) => hash('sha256', s, 'hex');
const lockKey = (municipalityCode: string) => `registration:${municipalityCode}`;

interface KeyFields {
  certificateTypeId: string;
  myNumber: string;
  certificationSubKey: string;
  historyKey: string;
}
const keyFields = (k: RecordKey): KeyFields => ({
  certificateTypeId: k.orgSpecificCertificateTypeId,
  myNumber: k.myNumber,
  certificationSubKey: k.certificationSubKey,
  historyKey: k.historyKey,
});

/** A chunk of staged records, validated; only the parts that depend on the stored rows remain. */
interface PreparedChunk {
  from: number;
  /** Index after the chunk's last record. */
  end: number;
  results: ResultWrite[];
  upserts: (Pending & { write: RecipientWrite })[];
  deletes: (Pending & { key: KeyFields })[];
  rejectedKeys: KeyFields[];
}
type Pending = { index: number; historyKey: string | null; warnings: RecordIssue[] };

/**
 * Validates and applies a task's staged records in chunks. Each chunk — its rows written,
 * its per-record results and the task's progress — commits in one transaction, so a task
 * interrupted at any point resumes from the first record without a result, and no record
 * is ever half-applied. Tasks of one municipality run one at a time (advisory lock), which
 * also makes a task's job safe to deliver twice.
 *
 * Reading and validating a chunk needs only the staged upload, which never changes once the
 * task exists, so the next chunk is read (on a second connection) and validated while the
 * current one is written: the Node process and PostgreSQL work at the same time.
 */
export function registrationProcessor(deps: ProcessorDeps) {
  const { repo } = deps;
  const chunkSize = deps.chunkSize ?? 2000;

  /** Reads and validates staged records `from` … `from + chunkSize - 1`, outside any transaction. */
  async function prepareChunk(reader: pg.ClientBase, taskId: string, rules: Map<string, CertificateTypeRules>, from: number): Promise<PreparedChunk> {
    const inputs = await repo.readInputs(reader, taskId, from, chunkSize);
    const firstIndex = await repo.firstIndexOfKeys(reader, taskId, [...new Set(inputs.map((i) => i.key).filter((k): k is string => k !== null))]);

    const results: ResultWrite[] = [];
    const upserts: PreparedChunk['upserts'] = [];
    const deletes: PreparedChunk['deletes'] = [];
    const rejectedKeys: KeyFields[] = [];

    for (const input of inputs) {
      if (input.parse_error !== null || input.raw === null) {
        results.push({ index: input.index, historyKey: null, outcome: 'rejected', errors: JSON.parse(input.parse_error ?? '[]'), warnings: null });
        continue;
      }
      const raw = JSON.parse(input.raw) as unknown;
      const v = validateRecord(raw, rules);
      const historyKey = v.key?.historyKey ?? null;
      if (!v.ok) {
        results.push({ index: input.index, historyKey, outcome: 'rejected', errors: v.errors, warnings: v.warnings });
        if (v.key) rejectedKeys.push(keyFields(v.key));
        continue;
      }
      const first = firstIndex.get(keyString(v.key));
      if (first !== undefined && first < input.index) {
        results.push({
          index: input.index,
          historyKey,
          outcome: 'rejected',
          warnings: v.warnings,
          errors: [{ field: 'historyKey', code: 'duplicate_key', message: `The same record key appears earlier in this upload, at index ${first}` }],
        });
        continue;
      }
      if (v.isDeleted) {
        deletes.push({ index: input.index, historyKey, warnings: v.warnings, key: keyFields(v.key) });
        continue;
      }
      const r = v.record as Extract<typeof v.record, { isDeleted: false }>;
      const record = canonicalRecordJson(r);
      upserts.push({
        index: input.index,
        historyKey,
        warnings: v.warnings,
        write: {
          ...keyFields(v.key),
          validFrom: r.validFrom,
          validTo: r.validTo,
          isNotDisclosed: r.isNotDisclosed,
          insurerNumber: r.medicalSubsidyInsurerNumber ?? null,
          recipientNumber: r.medicalSubsidyRecipientNumber ?? null,
          record,
          recordHash: sha256(record),
        },
      });
    }
    const last = inputs.at(-1);
    if (!last) throw new Error(`task ${taskId}: no staged record at index ${from}`);
    return { from, end: last.index + 1, results, upserts, deletes, rejectedKeys };
  }

  /** Writes a prepared chunk in `client`'s open transaction; returns the task's new processed count. */
  async function applyChunk(client: pg.ClientBase, taskId: string, municipalityCode: string, mode: 'upsert' | 'replace', chunk: PreparedChunk) {
    const { results, upserts, deletes, rejectedKeys } = chunk;
    const existing = await repo.existingRecipients(client, municipalityCode, [...upserts.map((u) => u.write), ...deletes.map((d) => d.key)]);
    const toCreate: RecipientWrite[] = [];
    const toUpdate: RecipientWrite[] = [];
    const toTouch: KeyFields[] = [];
    for (const u of upserts) {
      const hash = existing.get(repo.keyOf(u.write));
      const outcome: Outcome = hash === undefined ? 'created' : hash === u.write.recordHash ? 'unchanged' : 'updated';
      if (outcome === 'created') toCreate.push(u.write);
      else if (outcome === 'updated') toUpdate.push(u.write);
      else toTouch.push(u.write);
      results.push({ index: u.index, historyKey: u.historyKey, outcome, errors: null, warnings: u.warnings });
    }
    const toDelete: KeyFields[] = [];
    for (const d of deletes) {
      if (existing.has(repo.keyOf(d.key))) {
        toDelete.push(d.key);
        results.push({ index: d.index, historyKey: d.historyKey, outcome: 'deleted', errors: null, warnings: d.warnings });
      } else {
        results.push({
          index: d.index,
          historyKey: d.historyKey,
          outcome: 'rejected',
          warnings: d.warnings,
          errors: [{ field: 'historyKey', code: 'not_found', message: 'No registered history row has this key, so there is nothing to delete' }],
        });
      }
    }

    await repo.insertRecipients(client, municipalityCode, taskId, toCreate);
    await repo.upsertRecipients(client, municipalityCode, taskId, toUpdate);
    // In replace mode, rows confirmed unchanged — and rows whose new record was rejected — are kept.
    if (mode === 'replace') await repo.touchRecipients(client, municipalityCode, taskId, [...toTouch, ...rejectedKeys]);
    await repo.deleteRecipients(client, municipalityCode, toDelete);
    results.sort((a, b) => a.index - b.index);
    await repo.insertResults(client, taskId, results);

    const counts: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0, deleted: 0, rejected: 0 };
    for (const r of results) counts[r.outcome]++;
    await repo.advanceTask(client, taskId, chunk.end, counts);
    return chunk.end;
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
        const rules = await deps.loadRules(task.municipalityCode);

        let processed = current.processedCount;
        const received = current.receivedCount;
        if (processed < received) {
          const reader = await repo.pool.connect();
          let next: Promise<PreparedChunk> | undefined;
          try {
            next = prepareChunk(reader, taskId, rules, processed);
            while (next) {
              const chunk = await next;
              next = undefined;
              if (chunk.end < received) {
                next = prepareChunk(reader, taskId, rules, chunk.end);
                // Awaited in the next round; if this round fails first, the finally below waits for it.
                next.catch(() => undefined);
              }
              await client.query('BEGIN');
              try {
                // Gone (a sandbox reset deleted it): stop rather than apply what was read before, or chunks of nothing forever.
                if (!(await repo.lockTaskRow(client, taskId))) {
                  await client.query('ROLLBACK');
                  return;
                }
                processed = await applyChunk(client, taskId, task.municipalityCode, task.mode, chunk);
                await client.query('COMMIT');
              } catch (err) {
                await client.query('ROLLBACK').catch(() => undefined);
                throw err;
              }
              await deps.afterChunk?.(taskId, processed);
            }
          } finally {
            await next?.catch(() => undefined);
            reader.release();
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
