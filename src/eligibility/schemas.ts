import { z } from 'zod';
import { ELIGIBILITY_OUTCOMES, RECORD_DECISIONS } from '../domain/eligibility.js';
import { CERTIFICATION_DETAIL_ITEM_FIELDS, MAX_COPAYMENT_FIELDS, REIMBURSEMENT_VALUES } from '../domain/pmh-record/index.js';
import { certificateSerialNumberSchema, sexSchema } from '../cards/schemas.js';
import { LOCAL_CATEGORIES } from '../certificate-types/schemas.js';
import { dateInputSchema, pageOf, paginationQuerySchema } from '../http/schemas.js';
import { problemSchema } from '../http/problem.js';
import { PROBLEMS } from '../http/problems.js';
import { COPAYMENT_LIMIT_EXAMPLE, copaymentLimitSchema, PROVISIONAL } from '../copayments/schemas.js';

export const SUBSIDY_ORDER_RULE =
  'national programs (法別番号 of a national 公費) before local ones (地単公費), then by medicalSubsidyInsurerNumber ' +
  '(公費負担者番号; records without one last), then medicalSubsidyRecipientNumber, validFrom, and the registration key';

export const eligibilityCheckRequestSchema = z
  .strictObject({
    certificateSerialNumber: certificateSerialNumberSchema,
    serviceDate: dateInputSchema('Date of service (YYYY-MM-DD, 診療日/調剤日); default: today (JST) by the sandbox clock').optional(),
    consent: z
      .strictObject({ medicalSubsidy: z.boolean().describe('The patient answered yes to 「医療費助成の各種受給者証を利用しますか」') })
      .describe('The patient’s consent at the card reader, per visit'),
  })
  .meta({
    id: 'EligibilityCheckRequest',
    description: 'One オンライン資格確認 for medical subsidies: the card’s 電子証明書 serial number, the date of service and the patient’s consent',
    example: { certificateSerialNumber: '3F9A0C1D7E2B5A4C8D10', serviceDate: '2026-11-23', consent: { medicalSubsidy: true } },
  });

export type EligibilityCheckRequest = z.infer<typeof eligibilityCheckRequestSchema>;

export const patientSchema = z
  .object({
    name: z.string(),
    nameKana: z.string(),
    dateOfBirth: z.iso.date(),
    sex: sexSchema,
  })
  .meta({ id: 'EligibilityPatient', description: 'The patient as the card’s face data (券面) says, whether or not subsidies come back' });

export const subsidyProgramSchema = z
  .object({
    kind: z.enum(['national', 'local']).describe('national 公費 program, or local (地単公費)'),
    lawCode: z.string().nullable().describe('法別番号 of a national program; null for local programs'),
    localCategory: z.enum(LOCAL_CATEGORIES).nullable().describe('Category of a local program; null for national ones'),
    name: z.string().describe('National: the program’s name in the catalogue; local: the name of the municipality’s certificate type'),
  })
  .meta({ id: 'SubsidyProgram' });

export const additionalConditionPairSchema = z
  .object({ itemCode: z.string().describe('項目コード'), conditionCode: z.string().describe('条件コード') })
  .meta({ id: 'AdditionalConditionPair' });

/** `{ [name]: schema }` for each name of a field list of the PMH record (src/domain/pmh-record/fields.ts). */
function shapeOf<K extends string, S extends z.ZodType>(names: readonly K[], schema: () => S): { [P in K]: S } {
  return Object.fromEntries(names.map((n) => [n, schema()])) as { [P in K]: S };
}

export const maxCopaymentAmountSchema = z
  .object(shapeOf(MAX_COPAYMENT_FIELDS, () => z.int().optional()))
  .meta({ id: 'MaxCopaymentAmount', description: '自己負担上限額 in yen, as registered (sandbox shape)' });

export const certificationDetailItemSchema = z.object(shapeOf(CERTIFICATION_DETAIL_ITEM_FIELDS, () => z.string())).meta({ id: 'CertificationDetailItem' });

export const registeringMunicipalitySchema = z
  .object({ code: z.string().describe('全国地方公共団体コード'), name: z.string() })
  .meta({ id: 'RegisteringMunicipality', description: 'The municipality that registered the record' });

export const medicalSubsidySchema = z
  .object({
    medicalSubsidyInsurerNumber: z.string().nullable().describe('公費負担者番号, as registered'),
    medicalSubsidyRecipientNumber: z.string().nullable().describe('公費受給者番号, as registered'),
    certificationName: z.string().describe('受給者証名'),
    program: subsidyProgramSchema,
    validFrom: z.iso.date().describe('有効期間開始日'),
    validTo: z.iso.date().describe('有効期間終了日 (inclusive)'),
    segment: z.string().nullable().describe('区分 code, as registered'),
    incomeSegment: z.string().nullable().describe('所得区分 code, as registered'),
    additionalConditions: z.string().nullable().describe('追加条件 as registered: `項目コード-条件コード` joined by `;`'),
    additionalConditionPairs: z.array(additionalConditionPairSchema).describe('additionalConditions parsed into pairs'),
    maxCopaymentAmount: maxCopaymentAmountSchema.nullable(),
    isAlwaysReimbursement: z.enum(REIMBURSEMENT_VALUES).describe('常に償還払い: "1" = the subsidy is not applied at the window (償還払い)'),
    designatedHere: z
      .boolean()
      .nullable()
      .describe('Whether the asking institution is one of the record’s 指定医療機関: true / false; null when the record lists none'),
    certificationDetail: z.array(certificationDetailItemSchema).describe('受給者証券面項目'),
    registeringMunicipality: registeringMunicipalitySchema,
    subsidyRef: z
      .string()
      .describe(
        `${PROVISIONAL} Opaque reference of this 受給者証 for POST /clinic/v1/copayment-records and quotes: the same in every check of ` +
          'every institution, random, never derived from the 個人番号 or the 受給者番号. Absent only from answers stored before the ' +
          'ledger existed (read again by checkId)',
      )
      .optional(),
    copaymentLimit: copaymentLimitSchema
      .nullable()
      .optional()
      .describe(
        `${PROVISIONAL} The service date’s month of 上限額管理 across every institution, at the time of the check; null when the ` +
          'program has no monthly cap. Absent only from answers stored before the ledger existed',
      ),
  })
  .meta({ id: 'MedicalSubsidy', description: 'One subsidy record valid on the service date' });

export const eligibilityCheckSchema = z
  .object({
    checkId: z.uuid(),
    checkedAt: z.iso.datetime({ offset: true }),
    serviceDate: z.iso.date(),
    patient: patientSchema,
    medicalSubsidies: z
      .array(medicalSubsidySchema)
      .describe(
        `Subsidies valid on serviceDate, ordered: ${SUBSIDY_ORDER_RULE}. Empty — always the same \`[]\` — when the patient declined, ` +
          'when nothing is registered or valid on that date, or when every valid record is 不開示: the clinic cannot tell which.',
      ),
  })
  .meta({
    id: 'EligibilityCheck',
    description: 'The answer to one eligibility check, as stored: reading it again by checkId always gives the same answer',
    example: {
      checkId: '0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b',
      checkedAt: '2026-11-23T00:30:00.000Z',
      serviceDate: '2026-11-23',
      patient: { name: '都庁　太郎', nameKana: 'トチョウ　タロウ', dateOfBirth: '1970-01-01', sex: '1' },
      medicalSubsidies: [
        {
          medicalSubsidyInsurerNumber: '54130018',
          medicalSubsidyRecipientNumber: '0000018',
          certificationName: '特定医療費（指定難病）受給者証',
          program: { kind: 'national', lawCode: '54', localCategory: null, name: '難病 特定医療' },
          validFrom: '2026-04-01',
          validTo: '2027-03-31',
          segment: null,
          incomeSegment: 'IPPAN1',
          additionalConditions: 'A1-1',
          additionalConditionPairs: [{ itemCode: 'A1', conditionCode: '1' }],
          maxCopaymentAmount: { monthly: 10000 },
          isAlwaysReimbursement: '0',
          designatedHere: true,
          certificationDetail: [{ label: '疾病名', value: 'パーキンソン病' }],
          registeringMunicipality: { code: '130001', name: '東京都' },
          subsidyRef: 'sr_K7Q2M4X6TB3RZ5WH6JNA',
          copaymentLimit: COPAYMENT_LIMIT_EXAMPLE,
        },
      ],
    },
  });

export type EligibilityCheck = z.infer<typeof eligibilityCheckSchema>;
export type MedicalSubsidy = z.infer<typeof medicalSubsidySchema>;

export const MAX_BATCH_ITEMS = 1000;

export const eligibilityBatchRequestSchema = z
  .strictObject({
    items: z.array(eligibilityCheckRequestSchema).min(1).max(MAX_BATCH_ITEMS).describe(`1–${MAX_BATCH_ITEMS} checks`),
  })
  .meta({
    id: 'EligibilityBatchRequest',
    description: 'Several eligibility checks in one call (e.g. a pharmacy re-checking its patients)',
    example: {
      items: [
        { certificateSerialNumber: '3F9A0C1D7E2B5A4C8D10', serviceDate: '2026-11-23', consent: { medicalSubsidy: true } },
        { certificateSerialNumber: '0000000000000000DEAD', serviceDate: '2026-11-23', consent: { medicalSubsidy: true } },
      ],
    },
  });

/** What the batch route validates as a whole; each item is validated on its own so one bad item fails only itself. */
export const eligibilityBatchEnvelopeSchema = z.strictObject({ items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS) });

export const eligibilityBatchItemResultSchema = z
  .object({
    index: z.int().min(0).describe('Position of the item in the request'),
    status: z.int().describe('What the single-check endpoint would have answered: 200, or the problem’s status'),
    result: eligibilityCheckSchema.nullable().describe('The check, when status is 200'),
    problem: problemSchema.nullable().describe('Why the item failed, when status is not 200'),
  })
  .meta({ id: 'EligibilityBatchItemResult' });

export const eligibilityBatchResponseSchema = z
  .object({ items: z.array(eligibilityBatchItemResultSchema).describe('One result per request item, in request order') })
  .meta({
    id: 'EligibilityBatchResponse',
    example: {
      items: [
        { index: 0, status: 200, result: z.globalRegistry.get(eligibilityCheckSchema)?.example, problem: null },
        {
          index: 1,
          status: 422,
          result: null,
          problem: {
            type: 'urn:pmh-sandbox:problem:unknown_certificate_serial',
            title: PROBLEMS.unknown_certificate_serial.title,
            status: 422,
            code: 'unknown_certificate_serial',
            instance: '/clinic/v1/eligibility-checks/batch',
          },
        },
      ],
    },
  });

export const checkIdParamsSchema = z.object({ checkId: z.uuid().describe('checkId of an earlier check') });

// Sandbox explanation

export const consideredRecordSchema = z
  .object({
    registeringMunicipality: registeringMunicipalitySchema,
    orgSpecificCertificateTypeId: z.string(),
    certificationSubKey: z.string().nullable(),
    historyKey: z.string(),
    certificationName: z.string(),
    medicalSubsidyInsurerNumber: z.string().nullable(),
    medicalSubsidyRecipientNumber: z.string().nullable(),
    validFrom: z.iso.date(),
    validTo: z.iso.date(),
    isNotDisclosed: z.boolean(),
    decision: z
      .enum(RECORD_DECISIONS)
      .describe('applies: valid on the service date and disclosable (returned when the patient consented); not_valid_on_service_date; not_disclosed (不開示)'),
  })
  .meta({ id: 'ConsideredRecord', description: 'One registered history row of the card holder as the check saw it (no 個人番号)' });

export const eligibilityExplanationSchema = z
  .object({
    checkId: z.uuid(),
    institution: z.object({ code: z.string(), name: z.string() }),
    checkedAt: z.iso.datetime({ offset: true }),
    serviceDate: z.iso.date(),
    consent: z.boolean().describe('consent.medicalSubsidy as sent'),
    subsidyCount: z.int().min(0).describe('Number of medicalSubsidies returned'),
    outcome: z
      .enum(ELIGIBILITY_OUTCOMES)
      .describe(
        'returned: subsidies came back. Why the list was empty otherwise, first that applies: no_consent; no_records (nothing registered for ' +
          'the card holder by any municipality); none_valid_on_service_date; all_not_disclosed (every valid record is 不開示)',
      ),
    summary: z.string().describe('The outcome in one sentence'),
    records: z.array(consideredRecordSchema).describe(`Every registered row of the card holder at the time of the check, in the order: ${SUBSIDY_ORDER_RULE}`),
  })
  .meta({
    id: 'EligibilityExplanation',
    description: 'Sandbox only: why an eligibility check answered what it did. Never visible to the clinic.',
    example: {
      checkId: '0b9f5a2e-4c1d-4e8a-9f3b-2d7c6e1a5b40',
      institution: { code: '1311234566', name: 'サンドボックス内科クリニック' },
      checkedAt: '2026-11-23T10:15:00.000+09:00',
      serviceDate: '2026-11-23',
      consent: true,
      subsidyCount: 0,
      outcome: 'all_not_disclosed',
      summary: 'The only record valid on 2026-11-23 is marked 不開示, so nothing was returned',
      records: [
        {
          registeringMunicipality: { code: '130001', name: '東京都' },
          orgSpecificCertificateTypeId: 'NANBYO54',
          certificationSubKey: null,
          historyKey: 'H2026',
          certificationName: '特定医療費（指定難病）受給者証',
          medicalSubsidyInsurerNumber: '54130018',
          medicalSubsidyRecipientNumber: '0000018',
          validFrom: '2026-04-01',
          validTo: '2027-03-31',
          isNotDisclosed: true,
          decision: 'not_disclosed',
        },
      ],
    },
  });

export type EligibilityExplanation = z.infer<typeof eligibilityExplanationSchema>;
export type ConsideredRecord = z.infer<typeof consideredRecordSchema>;

export const accessLogQuerySchema = paginationQuerySchema.extend({
  institutionCode: z
    .string()
    .regex(/^[0-9]{10}$/, 'must be 10 half-width digits')
    .optional()
    .describe('Only checks by this 医療機関コード'),
});

export const accessLogEntrySchema = z
  .object({
    checkId: z.uuid(),
    institution: z.object({ code: z.string(), name: z.string() }),
    checkedAt: z.iso.datetime({ offset: true }),
    serviceDate: z.iso.date(),
    subsidyCount: z.int().min(0).describe('Number of medicalSubsidies returned (not their content)'),
  })
  .meta({
    id: 'EligibilityAccessLogEntry',
    description: 'One eligibility check in the access log: who asked, when, for which date, how many subsidies',
    example: {
      checkId: '0b9f5a2e-4c1d-4e8a-9f3b-2d7c6e1a5b40',
      institution: { code: '1311234566', name: 'サンドボックス内科クリニック' },
      checkedAt: '2026-11-23T10:15:00.000+09:00',
      serviceDate: '2026-11-23',
      subsidyCount: 1,
    },
  });

export const accessLogPageSchema = pageOf(accessLogEntrySchema).meta({ id: 'EligibilityAccessLogPage' });

export const clinicCheckListQuerySchema = paginationQuerySchema;

export const clinicCheckSummarySchema = z
  .object({
    checkId: z.uuid().describe('Read the whole answer with GET /clinic/v1/eligibility-checks/{checkId}'),
    checkedAt: z.iso.datetime({ offset: true }),
    serviceDate: z.iso.date(),
    consent: z.boolean().describe('consent.medicalSubsidy as this institution sent it'),
    patient: patientSchema,
    subsidyCount: z.int().min(0).describe('Number of medicalSubsidies returned'),
  })
  .meta({
    id: 'EligibilityCheckSummary',
    description: 'One earlier check by this institution: who (as the card says), when, for which date, how many subsidies came back',
    example: {
      checkId: '0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b',
      checkedAt: '2026-11-23T00:30:00.000Z',
      serviceDate: '2026-11-23',
      consent: true,
      patient: { name: '都庁　太郎', nameKana: 'トチョウ　タロウ', dateOfBirth: '1970-01-01', sex: '1' },
      subsidyCount: 1,
    },
  });

export const clinicCheckPageSchema = pageOf(clinicCheckSummarySchema).meta({ id: 'EligibilityCheckSummaryPage' });

export type ClinicCheckPage = z.infer<typeof clinicCheckPageSchema>;
