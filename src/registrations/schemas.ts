import { z } from 'zod';
import { PMH_RECORD_TABLE, type PmhField } from '../domain/pmh-record/index.js';
import { pageOf, paginationQuerySchema } from '../http/schemas.js';

export const TASK_STATUSES = ['queued', 'running', 'succeeded', 'completed_with_errors', 'failed'] as const;
export const OUTCOMES = ['created', 'updated', 'unchanged', 'deleted', 'rejected'] as const;

export const registrationTaskSchema = z
  .object({
    id: z.uuid(),
    status: z
      .enum(TASK_STATUSES)
      .describe(
        'queued → running → succeeded (every record applied) | completed_with_errors (some records rejected; the others applied) | failed (stopped; see failureDetail — records with results were applied, the rest were not)',
      ),
    mode: z.enum(['upsert', 'replace']),
    orgSpecificCertificateTypeId: z.string().nullable().describe('Replace mode: the certificate type the batch replaces'),
    format: z.enum(['json', 'ndjson', 'csv']),
    receivedCount: z.int(),
    counts: z.object({
      received: z.int(),
      processed: z.int().describe('Records that have their final outcome so far'),
      accepted: z.int().describe('created + updated + unchanged + deleted'),
      rejected: z.int(),
      created: z.int(),
      updated: z.int(),
      deleted: z.int(),
      unchanged: z.int(),
      removed: z.int().describe('Replace mode: registered rows of the type absent from the batch, deleted at the end'),
    }),
    failureDetail: z.string().nullable(),
    createdAt: z.iso.datetime({ offset: true }),
    startedAt: z.iso.datetime({ offset: true }).nullable(),
    finishedAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({
    id: 'RegistrationTask',
    description: 'A batch registration of 受給者証 records (PMH postRegistrationTasks)',
    example: {
      id: '5f0c2a8e-3b1d-4c6e-9a7f-2d8e1b0c4a6f',
      status: 'completed_with_errors',
      mode: 'upsert',
      orgSpecificCertificateTypeId: null,
      format: 'json',
      receivedCount: 3,
      counts: { received: 3, processed: 3, accepted: 2, rejected: 1, created: 1, updated: 0, deleted: 1, unchanged: 0, removed: 0 },
      failureDetail: null,
      createdAt: '2026-11-23T09:00:00.000Z',
      startedAt: '2026-11-23T09:00:00.050Z',
      finishedAt: '2026-11-23T09:00:00.120Z',
    },
  });

/** The task as the API shows it; the repository's TaskRow takes its status, mode and format from here. */
export type RegistrationTask = z.infer<typeof registrationTaskSchema>;
export type TaskStatus = RegistrationTask['status'];
export type TaskMode = RegistrationTask['mode'];
export type TaskFormat = RegistrationTask['format'];

export const registrationTaskPageSchema = pageOf(registrationTaskSchema).meta({
  id: 'RegistrationTaskPage',
  description: 'Registration tasks of the municipality, newest first',
});

export const tasksQuerySchema = paginationQuerySchema.extend({
  status: z.enum(TASK_STATUSES).optional().describe('Only tasks with this status'),
});

export const recordErrorSchema = z
  .object({ field: z.string(), code: z.string(), message: z.string() })
  .meta({ id: 'RecordIssue', description: 'One problem with one field of one record' });

export const taskResultSchema = z
  .object({
    index: z.int().min(0).describe('0-based position of the record in the upload (NDJSON: among non-blank lines; CSV: among data rows)'),
    historyKey: z.string().nullable(),
    outcome: z.enum(OUTCOMES),
    errors: z.array(recordErrorSchema).describe('Why the record was rejected (all problems at once); empty unless rejected'),
    warnings: z.array(recordErrorSchema).describe('e.g. check_digit_not_verified when the certificate type is lenient'),
  })
  .meta({
    id: 'RegistrationTaskResult',
    example: {
      index: 1,
      historyKey: 'H2026',
      outcome: 'rejected',
      errors: [
        {
          field: 'medicalSubsidyRecipientNumber',
          code: 'check_digit_mismatch',
          message: 'medicalSubsidyRecipientNumber: check digit does not match (PMH’s own example number 0000002)',
        },
      ],
      warnings: [],
    },
  });

/** One record's result, as listed (the repository reads them from result blocks in this shape). */
export type TaskResult = z.infer<typeof taskResultSchema>;
export type Outcome = TaskResult['outcome'];

export const taskResultPageSchema = z
  .object({ items: z.array(taskResultSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'RegistrationTaskResultPage' });

export const createTaskQuerySchema = z.object({
  wait: z.coerce
    .number()
    .min(0)
    .max(30)
    .optional()
    .describe('Wait up to this many seconds (≤ 30) for the task to finish; 200 with the finished task if it does'),
  mode: z
    .enum(['upsert', 'replace'])
    .default('upsert')
    .describe('replace: after the batch, delete registered rows of orgSpecificCertificateTypeId that the batch did not contain'),
  orgSpecificCertificateTypeId: z.string().max(50).optional().describe('Required with mode=replace'),
});

export const taskParamsSchema = z.object({ id: z.uuid() });

export const resultsQuerySchema = paginationQuerySchema.extend({
  status: z
    .enum([...OUTCOMES, 'accepted'])
    .optional()
    .describe('Only results with this outcome (accepted = any but rejected)'),
});

/** The documented schema of one field of the PMH field table (and of its sub-fields). */
function pmhFieldSchema(f: PmhField): z.ZodType {
  const schema = pmhFieldTypeSchema(f);
  const presence = f.required === 'optional' ? schema.optional() : schema;
  return f.description === undefined ? presence : presence.describe(f.description);
}

function pmhObjectSchema(fields: readonly PmhField[] | undefined): z.ZodObject {
  return z.object(Object.fromEntries((fields ?? []).map((f) => [f.name, pmhFieldSchema(f)])));
}

function pmhFieldTypeSchema(f: PmhField): z.ZodType {
  switch (f.type) {
    case 'string':
    case 'date': {
      const limited = f.maxLength === undefined ? z.string() : z.string().max(f.maxLength);
      return f.pattern === undefined ? limited : limited.regex(f.pattern);
    }
    case 'enum':
      return z.enum(f.values ?? []);
    case 'boolean':
      return z.boolean();
    case 'integer':
      return z.int().min(0);
    case 'object':
      return pmhObjectSchema(f.fields);
    case 'array': {
      const items = z.array(pmhObjectSchema(f.fields));
      return f.maxItems === undefined ? items : items.max(f.maxItems);
    }
  }
}

/**
 * The PMH record as documented, derived from the field table (src/domain/pmh-record/fields.ts); validation
 * itself is validateRecord, record by record. It describes a record that is not a deletion.
 */
export const pmhRecordSchema = pmhObjectSchema(PMH_RECORD_TABLE).meta({
  id: 'PmhRegistrationRecord',
  description: 'One 受給者証 history row as PMH registers it (diff/history variant)',
  example: {
    orgSpecificCertificateTypeId: 'NANBYO54',
    myNumber: '123456789018',
    basicFiveInfo: { name: '八王子 花子', nameKana: 'ハチオウジ　ハナコ', address: '東京都八王子市元本郷町三丁目24番1号', dateOfBirth: '1980-04-01', sex: '2' },
    isNotDisclosed: false,
    medicalSubsidyInsurerNumber: '54130018',
    certificationName: '特定医療費（指定難病）受給者証',
    medicalSubsidyRecipientNumber: '0000018',
    incomeSegment: 'IPPAN1',
    isAlwaysReimbursement: '0',
    maxCopaymentAmount: { monthly: 10000 },
    validFrom: '2026-04-01',
    validTo: '2027-03-31',
    historyKey: 'H2026',
    isDeleted: false,
    certificationDetail: [{ label: '疾病名', value: 'パーキンソン病' }],
  },
});
