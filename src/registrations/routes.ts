import { documentRequestBody } from '../http/openapi.js';
import { jsonSyntaxMessage } from '../domain/personal-text.js';
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { municipalSecurity } from '../http/auth.js';
import { contentTypeCharset } from '../http/guards.js';
import { AUTH_PROBLEMS, describeProblems, problem, unsupportedMediaType } from '../http/problem.js';
import { CSV_SHIFT_JIS_CHARSETS } from './ingest.js';
import {
  createTaskQuerySchema,
  registrationTaskPageSchema,
  registrationTaskSchema,
  resultsQuerySchema,
  taskParamsSchema,
  taskResultPageSchema,
  tasksQuerySchema,
} from './schemas.js';
import type { RegistrationsService, UploadBody } from './service.js';

const tags = ['registration'];
const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson'];

/** Media types of the upload; JSON is buffered (BODY_LIMIT_BYTES), NDJSON and CSV are streamed. */
export const UPLOAD_MEDIA_TYPES = ['application/json', ...NDJSON_TYPES, 'text/csv'] as const;

const uploadProblems = describeProblems([
  ...AUTH_PROBLEMS,
  'malformed_json',
  'not_an_array',
  'not_an_object',
  'empty_body',
  'empty_batch',
  'invalid_utf8',
  [['invalid_shift_jis'], 'a CSV labelled charset=Shift_JIS / windows-31j / cp932 holds other bytes, or is UTF-8'],
  'invalid_csv_header',
  'malformed_csv',
  'validation_failed',
  'idempotency_key_reused',
  'body_too_large',
  'upload_too_large',
  'too_many_records',
  'unsupported_media_type',
  [['unknown_certificate_type'], 'replace mode'],
  [['upload_idle_timeout'], 'a streamed body sent nothing for UPLOAD_IDLE_TIMEOUT_MS; the connection is closed, nothing stored'],
  [['too_many_uploads'], 'UPLOAD_MAX_IN_FLIGHT_PER_MUNICIPALITY uploads of this municipality in progress; with Retry-After'],
  [['uploads_busy'], 'UPLOAD_MAX_IN_FLIGHT uploads in progress; with Retry-After'],
]);
const taskProblems = describeProblems(['validation_failed', ...AUTH_PROBLEMS, [['task_not_found'], 'also for other municipalities’ tasks']]);
const listProblems = describeProblems(['validation_failed', 'invalid_cursor', ...AUTH_PROBLEMS]);
const resultsProblems = describeProblems(['validation_failed', 'invalid_cursor', ...AUTH_PROBLEMS, 'task_not_found']);

const SEMANTICS = `
A record is identified by (municipality, orgSpecificCertificateTypeId, myNumber, certificationSubKey, historyKey).
The same key again updates that history row (outcome \`updated\`, or \`unchanged\` when identical); \`isDeleted: true\` deletes it
(deleting a row that is not registered rejects that record with \`not_found\`). A key that appears twice in one upload is
rejected on the later record (\`duplicate_key\`).

Each record is validated on its own — PMH lengths and character types, required fields, real calendar dates, validFrom ≤ validTo,
check digits of myNumber, medicalSubsidyInsurerNumber and national 7-digit recipient numbers (unless the certificate type is
\`lenient\`: then a \`check_digit_not_verified\` warning is reported instead), codes defined in the certificate type, designated
医療機関コード — and anything wrong rejects that record only, with all its errors together. Only a body that cannot be read as records
(not JSON, not an array of objects, a bad CSV header, invalid UTF-8 in JSON or CSV, over the size or record limits) is refused whole with
a 4xx problem, and then nothing is stored. Records are validated as the upload is received, against the municipality's certificate
types as they are at that moment: changing a type afterwards does not change how an already uploaded task's records are judged, and
a record whose type is deleted before it is applied is rejected then (\`unknown_certificate_type\`).

Formats: \`application/json\` (an array of records, at most MAX_JSON_RECORDS); \`application/x-ndjson\` (one record per line, streamed;
a line that is not JSON is a per-record \`malformed_json\` error); \`text/csv\` (header row of PMH field names, \`basicFiveInfo.name\` etc.
for the 基本5情報, \`certificationDetail\` and \`maxCopaymentAmount\` as JSON in one column; isNotDisclosed/isDeleted as true/false), in UTF-8
or, labelled \`text/csv; charset=Shift_JIS\` (or \`windows-31j\`, \`cp932\`), in Shift_JIS as Windows writes it (CP932), decoded as it streams.
The index of a result is the record's 0-based position in the upload.

The task runs in the background: the validated records are applied in chunks, each chunk with its results in one transaction; an interrupted task
resumes where it stopped, so every record is applied exactly once and its result says so. \`mode=replace\` with
\`orgSpecificCertificateTypeId\` also deletes, at the end, registered rows of that type that the batch did not contain (a full nightly
export); rows whose new record was rejected are kept. \`Idempotency-Key\`: the same key with the same body returns the same task;
with a different body, 409 \`idempotency_key_reused\`.`;

function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const registrationRoutes: FastifyPluginAsyncZod<{ service: RegistrationsService; maxJsonRecords: number }> = async (
  app,
  { service, maxJsonRecords },
) => {
  // JSON is read as bytes so that invalid UTF-8 is refused (Node would silently replace it) and the body can be hashed.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return done(problem('invalid_utf8'));
    }
    if (text.trim() === '') return done(problem('empty_body'));
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      // The kind and position of the error, never the text around it (it may be a name or a 個人番号).
      return done(problem('malformed_json', { detail: jsonSyntaxMessage(err, text) }));
    }
    done(null, { json: value, bytes: body });
  });
  app.addContentTypeParser([...NDJSON_TYPES, 'text/csv'], (_req, payload, done) => done(null, payload));

  documentRequestBody('createRegistrationTask', {
    required: true,
    description: 'The records: a JSON array, NDJSON (one record per line) or CSV (header row of PMH field names).',
    content: {
      'application/json': { schema: { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/PmhRegistrationRecord' } } },
      'application/x-ndjson': { schema: { type: 'string', description: 'One PmhRegistrationRecord as JSON per line; blank lines are skipped' } },
      'text/csv': {
        schema: {
          type: 'string',
          description:
            'Header row of PMH field names (basicFiveInfo.name, … for the 基本5情報; certificationDetail and maxCopaymentAmount as JSON in one column), then one record per row',
        },
      },
    },
  });

  app.post(
    '/registration-tasks',
    {
      // Text in records is checked per record (a bad record fails alone), not refused with the whole body.
      config: { recordsCheckTheirText: true, acceptedMediaTypes: UPLOAD_MEDIA_TYPES, extraCharsets: { 'text/csv': CSV_SHIFT_JIS_CHARSETS } },
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'createRegistrationTask',
        summary: 'Register a batch of 受給者証 records (PMH postRegistrationTasks)',
        description:
          `Accepts a batch of records in PMH's diff/history shape (see PmhRegistrationRecord) and answers 202 with the task and a Location header; ` +
          `with \`?wait=N\`, 200 with the finished task if it finishes within N seconds.\n${SEMANTICS}\n\n${uploadProblems.text}`,
        querystring: createTaskQuerySchema,
        response: { 200: registrationTaskSchema, 202: registrationTaskSchema, ...uploadProblems.responses },
      },
    },
    async (req, reply) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      let body: UploadBody;
      if (!(UPLOAD_MEDIA_TYPES as readonly string[]).includes(type)) {
        throw unsupportedMediaType(req);
      }
      if (type === 'application/json') {
        const { json, bytes } = req.body as { json: unknown; bytes: Buffer };
        if (!Array.isArray(json)) throw problem('not_an_array', { detail: 'Send [ {record}, … ] (or use application/x-ndjson for one record per line)' });
        const notObject = json.findIndex((r) => !isPlainObject(r));
        if (notObject !== -1) {
          throw problem('not_an_object', {
            errors: [
              {
                index: notObject,
                field: '',
                code: 'not_an_object',
                message: `Element ${notObject} is ${json[notObject] === null ? 'null' : typeof json[notObject]}`,
              },
            ],
          });
        }
        if (json.length > maxJsonRecords) {
          throw problem('too_many_records', {
            detail: `A JSON array may hold at most ${maxJsonRecords} records; use application/x-ndjson or text/csv for larger uploads`,
          });
        }
        body = { format: 'json', records: json, bytes };
      } else {
        const stream = req.body as Readable;
        if (NDJSON_TYPES.includes(type)) body = { format: 'ndjson', stream };
        else {
          const charset = contentTypeCharset(req.headers['content-type']);
          const shiftJis = (CSV_SHIFT_JIS_CHARSETS as readonly (string | undefined)[]).includes(charset);
          body = { format: 'csv', stream, encoding: shiftJis ? 'shift_jis' : 'utf-8' };
        }
      }
      const idempotencyKey = req.headers['idempotency-key'];
      if (Array.isArray(idempotencyKey) || (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 255))) {
        throw problem('validation_failed', {
          detail: 'Idempotency-Key must be 1–255 characters',
          errors: [{ field: 'Idempotency-Key', code: 'invalid', message: 'must be 1–255 characters' }],
        });
      }
      const { task, replayed } = await service.createTask({
        municipalityCode: req.municipality.code,
        body,
        idempotencyKey,
        mode: req.query.mode,
        replaceTypeId: req.query.orgSpecificCertificateTypeId,
      });
      reply.header('location', `/municipal/v1/registration-tasks/${task.id}`);
      if (replayed) reply.header('idempotent-replayed', 'true');
      if (req.query.wait) {
        const finished = await service.waitForTask(req.municipality.code, task.id, req.query.wait);
        return reply.status(service.isFinished(finished) ? 200 : 202).send(finished);
      }
      return reply.status(202).send(task);
    },
  );

  app.get(
    '/registration-tasks',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'listRegistrationTasks',
        summary: 'List registration tasks',
        description:
          'The calling municipality’s registration tasks, newest first, with their status and counts (as GET /municipal/v1/registration-tasks/{id}), ' +
          'paginated; `status` keeps only tasks with that status. Tasks the sandbox made for the municipality (the well-known test cards of ' +
          `東京都 and 八王子市, scenarios, seed files) are listed too; tasks of other municipalities never are. ${listProblems.text}`,
        querystring: tasksQuerySchema,
        response: { 200: registrationTaskPageSchema, ...listProblems.responses },
      },
    },
    async (req) => service.listTasks(req.municipality.code, req.query),
  );

  app.get(
    '/registration-tasks/:id',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'getRegistrationTask',
        summary: 'Get a registration task',
        description: `Status and counts of a task of the calling municipality. ${taskProblems.text}`,
        params: taskParamsSchema,
        response: { 200: registrationTaskSchema, ...taskProblems.responses },
      },
    },
    async (req) => service.getTask(req.municipality.code, req.params.id),
  );

  app.get(
    '/registration-tasks/:id/results',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'listRegistrationTaskResults',
        summary: 'Per-record results of a registration task',
        description:
          'One result per record processed so far, in upload order, with every error of a rejected record. ' +
          '`Accept: application/x-ndjson` or `text/csv` downloads all (filtered) results at once instead of a page. ' +
          resultsProblems.text,
        params: taskParamsSchema,
        querystring: resultsQuerySchema,
        response: { 200: taskResultPageSchema, ...resultsProblems.responses },
      },
    },
    async (req, reply) => {
      const accept = String(req.headers.accept ?? '');
      const municipality = req.municipality.code;
      if (/application\/(x-)?ndjson/.test(accept) || /text\/csv/.test(accept)) {
        await service.getTask(municipality, req.params.id);
        const csv = /text\/csv/.test(accept) && !/ndjson/.test(accept);
        const results = service.allResults(municipality, req.params.id, req.query.status);
        const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const lines = (async function* () {
          if (csv) yield 'index,historyKey,outcome,errors,warnings\n';
          for await (const r of results) {
            yield csv
              ? `${r.index},${r.historyKey === null ? '' : quote(r.historyKey)},${r.outcome},${quote(JSON.stringify(r.errors))},${quote(JSON.stringify(r.warnings))}\n`
              : `${JSON.stringify(r)}\n`;
          }
        })();
        // A stream is sent as is: the page schema does not apply to downloads.
        return reply.type(csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson').send(Readable.from(lines) as never);
      }
      return service.listResults(municipality, req.params.id, req.query);
    },
  );
};
