import { z } from 'zod';
import { paginationQuerySchema } from '../http/schemas.js';

export const TASK_STATUSES = ['queued', 'running', 'succeeded', 'completed_with_errors', 'failed'] as const;
export const OUTCOMES = ['created', 'updated', 'unchanged', 'deleted', 'rejected'] as const;

export const registrationTaskSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(TASK_STATUSES).describe(
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
      errors: [{ field: 'medicalSubsidyRecipientNumber', code: 'check_digit_mismatch', message: 'medicalSubsidyRecipientNumber: check digit does not match (PMH’s own example number 0000002)' }],
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
  wait: z.coerce.number().min(0).max(30).optional().describe('Wait up to this many seconds (≤ 30) for the task to finish; 200 with the finished task if it does'),
  mode: z.enum(['upsert', 'replace']).default('upsert').describe('replace: after the batch, delete registered rows of orgSpecificCertificateTypeId that the batch did not contain'),
  orgSpecificCertificateTypeId: z.string().max(50).optional().describe('Required with mode=replace'),
});

export const taskParamsSchema = z.object({ id: z.uuid() });

export const resultsQuerySchema = paginationQuerySchema.extend({
  status: z.enum([...OUTCOMES, 'accepted']).optional().describe('Only results with this outcome (accepted = any but rejected)'),
});

/** The PMH record as documented (validation itself is src/domain/registration-record.ts, record by record). */
export const pmhRecordSchema = z
  .object({
    orgSpecificCertificateTypeId: z.string().max(50).describe('機関別受給者証種別ID: 1–50 半角英数, a certificate type of this municipality'),
    myNumber: z.string().describe('個人番号: 12 半角数字 with a valid check digit'),
    basicFiveInfo: z.object({
      name: z.string().max(100),
      nameKana: z.string().max(100).describe('全角カナ'),
      address: z.string().max(200),
      dateOfBirth: z.string().describe('YYYY-MM-DD'),
      sex: z.enum(['1', '2', '3']).describe('1 male, 2 female, 3 unset'),
    }),
    isNotDisclosed: z.boolean().describe('不開示: withhold from clinics'),
    medicalSubsidyInsurerNumber: z.string().optional().describe('公費負担者番号: 8 半角数字, allowed by the certificate type'),
    certificationName: z.string().max(100).describe('受給者証名'),
    medicalSubsidyRecipientNumber: z.string().max(30).optional().describe('公費受給者番号 (national: 7 digits with check digit)'),
    certificationSubKey: z.string().max(50).optional(),
    segment: z.string().optional(),
    incomeSegment: z.string().optional(),
    additionalConditions: z.string().optional().describe('item-condition pairs joined by ;'),
    designatedMedicalInstitutions: z.string().optional().describe(';-separated 10-digit 医療機関コード'),
    isAlwaysReimbursement: z.enum(['0', '1']).describe('常に償還払い — a string'),
    maxCopaymentAmount: z
      .object({ monthly: z.int().min(0).optional(), daily: z.int().min(0).optional(), perVisit: z.int().min(0).optional(), inpatientOutpatientCombined: z.int().min(0).optional() })
      .optional(),
    validFrom: z.string().describe('YYYY-MM-DD, inclusive'),
    validTo: z.string().describe('YYYY-MM-DD, inclusive'),
    historyKey: z.string().max(50).describe('履歴キー'),
    isDeleted: z.boolean().describe('true removes the history row with this key'),
    certificationDetail: z.array(z.object({ label: z.string(), value: z.string() })),
  })
  .meta({
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
