import { z } from 'zod';
import { certificateSerialNumberSchema, pinSchema } from '../cards/schemas.js';
import {
  CAP_REACHED_LIMIT_EXAMPLE,
  copaymentLimitSchema,
  copaymentLineSchema,
  LINE_EXAMPLE as COPAYMENT_LINE_EXAMPLE,
  PROVISIONAL,
  yearMonthSchema,
} from '../copayments/schemas.js';
import {
  additionalConditionPairSchema,
  certificationDetailItemSchema,
  maxCopaymentAmountSchema,
  registeringMunicipalitySchema,
  subsidyProgramSchema,
} from '../eligibility/schemas.js';
import { REIMBURSEMENT_VALUES } from '../domain/pmh-record/index.js';

export const myPortalRequestSchema = z
  .strictObject({
    certificateSerialNumber: certificateSerialNumberSchema.describe('Serial number of the card’s 利用者証明用電子証明書, as the card reader returns it'),
    pin: pinSchema,
  })
  .meta({
    id: 'MyPortalSignIn',
    description: 'The card holder’s sign-in as マイナポータル asks it: the card (its 電子証明書 serial number) and its 4-digit PIN',
    example: { certificateSerialNumber: 'TEST0000000000000001', pin: '1234' },
  });

export const myPortalLineSchema = copaymentLineSchema
  .omit({ subsidyRef: true, visitId: true, version: true })
  .extend({ institutionName: z.string().nullable().describe('Name of the institution, when the sandbox knows it') })
  .meta({ id: 'MyPortalCopaymentLine', description: `${PROVISIONAL} One line of the month’s 上限額管理票, as the holder sees it` });

const { subsidyRef: _ref, visitId: _visit, version: _version, institutionCode, ...line } = COPAYMENT_LINE_EXAMPLE;
const LINE_EXAMPLE = { institutionCode, institutionName: 'PMHサンドボックス試験医院', ...line };

export const myPortalSubsidySchema = z
  .object({
    registeringMunicipality: registeringMunicipalitySchema,
    orgSpecificCertificateTypeId: z.string().describe('The municipality’s certificate type (機関別受給者証種別ID)'),
    certificationName: z.string().describe('受給者証名'),
    program: subsidyProgramSchema,
    medicalSubsidyInsurerNumber: z.string().nullable().describe('公費負担者番号, as registered'),
    medicalSubsidyRecipientNumber: z.string().nullable().describe('公費受給者番号, as registered'),
    validFrom: z.iso.date(),
    validTo: z.iso.date(),
    validToday: z.boolean().describe('validFrom ≤ today ≤ validTo (today: JST, sandbox clock)'),
    segment: z.string().nullable(),
    incomeSegment: z.string().nullable(),
    additionalConditions: z.string().nullable(),
    additionalConditionPairs: z.array(additionalConditionPairSchema),
    maxCopaymentAmount: maxCopaymentAmountSchema.nullable(),
    isAlwaysReimbursement: z.enum(REIMBURSEMENT_VALUES),
    designatedMedicalInstitutions: z.string().nullable().describe('指定医療機関 as registered (医療機関コード joined by `;`), null when none'),
    certificationDetail: z.array(certificationDetailItemSchema),
    isNotDisclosed: z.boolean().describe('不開示: the record is withheld from clinics (their checks do not return it); its holder sees it here, marked'),
    copaymentLimitManageFormCode: z
      .string()
      .regex(/^[0-9]{2}$/)
      .describe(
        `${PROVISIONAL} 上限額管理票 of the certificate, as マイナポータル’s own data names it: the 法別 of the 管理票 (54, 52, 15, 16, 21, 24, 51) ` +
          'when the program keeps one and the certificate has a monthly cap; "00" none',
      ),
    subsidyRef: z.string().nullable().describe(`${PROVISIONAL} The certificate’s subsidyRef; null until a clinic checked it with consent`),
    copaymentLimit: copaymentLimitSchema
      .nullable()
      .describe(`${PROVISIONAL} This month’s totals across every institution, on the row valid today of a capped certificate; else null`),
    lines: z.array(myPortalLineSchema).describe(`${PROVISIONAL} This month’s lines (not cancelled), by service date; [] where copaymentLimit is null`),
  })
  .meta({ id: 'MyPortalMedicalSubsidy', description: 'One registered history row of the holder’s 受給者証, as registered (never the 個人番号)' });

export const myPortalResponseSchema = z
  .object({
    today: z.iso.date().describe('Today (JST) by the sandbox clock'),
    yearMonth: yearMonthSchema.describe('This month (JST, sandbox clock): the month of copaymentLimit and lines'),
    medicalSubsidies: z.array(myPortalSubsidySchema).describe('Every registered history row of the holder, by municipality, type, sub key and validFrom'),
  })
  .meta({
    id: 'MyPortalMedicalSubsidies',
    description: `The holder’s own 医療費助成 as マイナポータル would show them. Month data: ${PROVISIONAL}`,
    example: {
      today: '2026-11-23',
      yearMonth: '2026-11',
      medicalSubsidies: [
        {
          registeringMunicipality: { code: '130001', name: '東京都' },
          orgSpecificCertificateTypeId: 'NANBYO54',
          certificationName: '特定医療費（指定難病）受給者証',
          program: { kind: 'national', lawCode: '54', localCategory: null, name: '難病の患者に対する医療等に関する法律による特定医療' },
          medicalSubsidyInsurerNumber: '54130018',
          medicalSubsidyRecipientNumber: '0000018',
          validFrom: '2026-04-01',
          validTo: '2027-03-31',
          validToday: true,
          segment: null,
          incomeSegment: 'IPPAN1',
          additionalConditions: null,
          additionalConditionPairs: [],
          maxCopaymentAmount: { monthly: 10000 },
          isAlwaysReimbursement: '0',
          designatedMedicalInstitutions: '1311234566',
          certificationDetail: [{ label: '疾病名', value: 'パーキンソン病' }],
          isNotDisclosed: false,
          copaymentLimitManageFormCode: '54',
          subsidyRef: 'sr_K7Q2M4X6TB3RZ5WH6JNA',
          copaymentLimit: CAP_REACHED_LIMIT_EXAMPLE,
          lines: [LINE_EXAMPLE],
        },
      ],
    },
  });

export type MyPortalSubsidy = z.infer<typeof myPortalSubsidySchema>;
export type MyPortalResponse = z.infer<typeof myPortalResponseSchema>;
