import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { CertificateTypeRules } from '../domain/pmh-record/index.js';
import type { JobQueue } from '../jobs/queue.js';
import { problem } from '../http/problem.js';
import { decodeCursor, encodeCursor } from '../http/schemas.js';
import { csvUpload, jsonArrayUpload, ndjsonUpload, type CsvEncoding, type Upload, type UploadLimits, type UploadValidation } from './ingest.js';
import type { PreparePool } from './prepare-pool.js';
import type { RegistrationsRepository, TaskOrigin, TaskRow } from './repository.js';
import type { Outcome, TaskMode, TaskStatus } from './schemas.js';

export type UploadBody =
  { format: 'json'; records: unknown[]; bytes: Buffer } | { format: 'ndjson'; stream: Readable } | { format: 'csv'; stream: Readable; encoding: CsvEncoding };

export interface CreateTaskInput {
  municipalityCode: string;
  body: UploadBody;
  idempotencyKey?: string;
  mode: TaskMode;
  replaceTypeId?: string;
  /** Default `api`; the sandbox loader's tasks are `sandbox` (they send no webhook events). */
  origin?: TaskOrigin;
}

export interface RegistrationsServiceDeps {
  repo: RegistrationsRepository;
  jobs: JobQueue;
  limits: UploadLimits;
  loadRules(municipalityCode: string): Promise<Map<string, CertificateTypeRules>>;
  /** Worker threads validating NDJSON uploads; without, they are validated on the event loop. */
  preparePool?: PreparePool;
  now(): Date;
  /**
   * Connections uploads stage on, of their own (not the pool the other APIs use): a client that is slow
   * to send holds one of these only. Sized by `inFlight.total`, so it never queues. Handed to
   * repo.stageUpload, which opens the transaction on it.
   */
  uploadPool?: import('pg').Pool;
  /** Uploads received at the same time: in total and per municipality. */
  inFlight?: { total: number; perMunicipality: number };
}

export function taskView(t: TaskRow) {
  return {
    id: t.id,
    status: t.status,
    mode: t.mode,
    orgSpecificCertificateTypeId: t.replaceTypeId,
    format: t.format,
    receivedCount: t.receivedCount,
    counts: {
      received: t.receivedCount,
      processed: t.processedCount,
      accepted: t.acceptedCount,
      rejected: t.rejectedCount,
      created: t.createdCount,
      updated: t.updatedCount,
      deleted: t.deletedCount,
      unchanged: t.unchangedCount,
      removed: t.removedCount,
    },
    failureDetail: t.failureDetail,
    createdAt: t.createdAt.toISOString(),
    startedAt: t.startedAt?.toISOString() ?? null,
    finishedAt: t.finishedAt?.toISOString() ?? null,
  };
}
export type TaskView = ReturnType<typeof taskView>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const FINISHED = new Set(['succeeded', 'completed_with_errors', 'failed']);

export function registrationsService(deps: RegistrationsServiceDeps) {
  const { repo } = deps;
  let inFlight = 0;
  const inFlightOf = new Map<string, number>();

  /** Takes an upload slot for the municipality, or refuses the upload (429 for the municipality, 503 in total). */
  function admit(municipalityCode: string): () => void {
    const limits = deps.inFlight;
    if (!limits) return () => undefined;
    const mine = inFlightOf.get(municipalityCode) ?? 0;
    // The refused body is not read: close the connection after the answer.
    const headers = { 'retry-after': '2', connection: 'close' };
    if (mine >= limits.perMunicipality) {
      throw problem('too_many_uploads', {
        detail: `At most ${limits.perMunicipality} uploads per municipality at a time (UPLOAD_MAX_IN_FLIGHT_PER_MUNICIPALITY)`,
        headers,
      });
    }
    if (inFlight >= limits.total) {
      throw problem('uploads_busy', { detail: `At most ${limits.total} uploads at a time (UPLOAD_MAX_IN_FLIGHT)`, headers });
    }
    inFlight++;
    inFlightOf.set(municipalityCode, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inFlight--;
      const n = (inFlightOf.get(municipalityCode) ?? 1) - 1;
      if (n <= 0) inFlightOf.delete(municipalityCode);
      else inFlightOf.set(municipalityCode, n);
    };
  }

  function upload(body: UploadBody, v: UploadValidation): Upload {
    switch (body.format) {
      case 'json':
        return jsonArrayUpload(body.records, body.bytes, deps.limits, v);
      case 'ndjson':
        return ndjsonUpload(body.stream, deps.limits, v);
      case 'csv':
        return csvUpload(body.stream, deps.limits, v, body.encoding);
    }
  }

  async function getTask(municipalityCode: string, id: string): Promise<TaskRow> {
    const t = await repo.findTask(municipalityCode, id);
    // Another municipality's task is indistinguishable from a missing one.
    if (!t) throw problem('task_not_found');
    return t;
  }

  return {
    /**
     * Validates and stages the whole upload and creates the task in one transaction: an upload that
     * fails part-way (limit, broken stream, bad CSV header) leaves nothing behind. Records are
     * validated as they stream in, against the municipality's certificate types as they are now.
     */
    async createTask(input: CreateTaskInput): Promise<{ task: TaskView; replayed: boolean }> {
      const release = admit(input.municipalityCode);
      try {
        return await this.stageTask(input);
      } finally {
        release();
      }
    },

    async stageTask(input: CreateTaskInput): Promise<{ task: TaskView; replayed: boolean }> {
      if (input.mode === 'replace' && !input.replaceTypeId) {
        throw problem('validation_failed', {
          detail: 'mode=replace needs orgSpecificCertificateTypeId',
          errors: [{ field: 'orgSpecificCertificateTypeId', code: 'required', message: 'required with mode=replace' }],
        });
      }
      const rules = await deps.loadRules(input.municipalityCode);
      if (input.mode === 'replace' && input.replaceTypeId) {
        if (!rules.has(input.replaceTypeId)) {
          throw problem('unknown_certificate_type', { detail: `${input.replaceTypeId} is not a certificate type of this municipality` });
        }
      }
      const id = randomUUID();
      const u = upload(input.body, { rules, pool: deps.preparePool });
      const staged = await repo.stageUpload({
        task: {
          id,
          municipalityCode: input.municipalityCode,
          mode: input.mode,
          replaceTypeId: input.replaceTypeId ?? null,
          format: input.body.format,
          idempotencyKey: input.idempotencyKey ?? null,
          origin: input.origin ?? 'api',
        },
        upload: u,
        createdAt: () => deps.now(),
        enqueue: (tx) => deps.jobs.send('registration-task', { taskId: id }, { client: tx }),
        on: deps.uploadPool,
      });
      if (staged === 'empty') throw problem('empty_batch');
      if (staged === 'key_taken') {
        const existing = (await repo.findTaskByIdempotencyKey(input.municipalityCode, input.idempotencyKey!))!;
        if (existing.bodySha256 !== u.sha256() || existing.mode !== input.mode || existing.replaceTypeId !== (input.replaceTypeId ?? null)) {
          throw problem('idempotency_key_reused', { detail: `Task ${existing.id} was created with this key from another body or mode` });
        }
        return { task: taskView(existing), replayed: true };
      }
      deps.jobs.wake();
      return { task: taskView((await repo.findTaskById(id))!), replayed: false };
    },

    getTask: async (municipalityCode: string, id: string) => taskView(await getTask(municipalityCode, id)),

    /** The municipality's tasks, newest first; the cursor is the last task's creation time and id. */
    async listTasks(municipalityCode: string, q: { limit: number; cursor?: string; status?: TaskStatus }) {
      let after: { createdAt: Date; id: string } | undefined;
      if (q.cursor !== undefined) {
        const [at, id] = decodeCursor(q.cursor).split('|');
        const createdAt = new Date(at ?? '');
        if (!id || !UUID.test(id) || Number.isNaN(createdAt.getTime()))
          throw problem('invalid_cursor', { detail: 'Pass nextCursor from a previous page unchanged' });
        after = { createdAt, id };
      }
      const rows = await repo.listTasks(municipalityCode, { limit: q.limit + 1, after, status: q.status });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return { items: page.map(taskView), nextCursor: rows.length > q.limit && last ? encodeCursor(`${last.createdAt.toISOString()}|${last.id}`) : null };
    },

    /** Polls until the task is finished or `seconds` pass. */
    async waitForTask(municipalityCode: string, id: string, seconds: number): Promise<TaskView> {
      const deadline = Date.now() + seconds * 1000;
      let t = await getTask(municipalityCode, id);
      while (!FINISHED.has(t.status) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        t = await getTask(municipalityCode, id);
      }
      return taskView(t);
    },

    isFinished: (t: TaskView) => FINISHED.has(t.status),

    async listResults(municipalityCode: string, id: string, q: { status?: Outcome | 'accepted'; limit: number; cursor?: string }) {
      await getTask(municipalityCode, id);
      const after = q.cursor === undefined ? undefined : Number(decodeCursor(q.cursor));
      if (after !== undefined && !Number.isInteger(after)) throw problem('invalid_cursor');
      const outcomes: Outcome[] | undefined = q.status === 'accepted' ? ['created', 'updated', 'unchanged', 'deleted'] : q.status ? [q.status] : undefined;
      const rows = await repo.listResults(id, { outcomes, afterIndex: after, limit: q.limit + 1 });
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(String(last.index)) : null };
    },

    /** Every result (filtered), page by page, for NDJSON/CSV downloads. */
    async *allResults(municipalityCode: string, id: string, status?: Outcome | 'accepted') {
      let cursor: string | undefined;
      do {
        const page = await this.listResults(municipalityCode, id, { status, limit: 1000, cursor });
        yield* page.items;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    },
  };
}

export type RegistrationsService = ReturnType<typeof registrationsService>;
