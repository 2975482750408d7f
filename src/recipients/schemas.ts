import { z } from 'zod';
import { certificateTypeIdSchema } from '../certificate-types/schemas.js';
import { dateInputSchema, includeTestDataSchema, pageOf, paginationQuerySchema } from '../http/schemas.js';

export const recipientsQuerySchema = paginationQuerySchema.extend({
  // Cursors here are encrypted (they stand for a row key that includes the 個人番号), hence longer.
  cursor: z.string().max(400).optional().describe('Opaque cursor from the previous page’s nextCursor'),
  orgSpecificCertificateTypeId: certificateTypeIdSchema.optional().describe('Only rows of this certificate type'),
  recipientNumber: z.string().min(1).max(30).optional().describe('Only rows with this 公費受給者番号 (medicalSubsidyRecipientNumber), exact match'),
  validOn: dateInputSchema('Only rows valid on this date (YYYY-MM-DD): validFrom ≤ validOn ≤ validTo').optional(),
  includeTestData: includeTestDataSchema.describe(
    '`true`: also list the rows of the well-known test cards (個人番号 99990000xxx), which the sandbox registers for 東京都 and 八王子市',
  ),
});

export type RecipientsQuery = z.infer<typeof recipientsQuerySchema>;

export const recipientCertificateSummarySchema = z
  .object({
    orgSpecificCertificateTypeId: certificateTypeIdSchema,
    myNumberMasked: z
      .string()
      .regex(/^\*{8}[0-9]{4}$/)
      .describe('個人番号 with all but its last 4 digits masked; the full number is never returned'),
    certificationSubKey: z.string().nullable().describe('受給者証サブキー; null when the record has none'),
    historyKey: z.string().describe('履歴キー of this history row'),
    validFrom: z.iso.date().describe('有効期間開始日'),
    validTo: z.iso.date().describe('有効期間終了日 (inclusive)'),
    isNotDisclosed: z.boolean().describe('不開示フラグ: withheld from clinics'),
    medicalSubsidyInsurerNumber: z.string().nullable().describe('公費負担者番号'),
    medicalSubsidyRecipientNumber: z.string().nullable().describe('公費受給者番号'),
    certificationName: z.string().describe('受給者証名'),
    updatedAt: z.iso.datetime({ offset: true }).describe('When the row was last created or changed'),
    lastTaskId: z.uuid().describe('The registration task that last created, updated or confirmed the row'),
  })
  .meta({
    id: 'RecipientCertificateSummary',
    description: 'One registered history row of a 受給者証, without 基本5情報 and with the 個人番号 masked',
    example: {
      orgSpecificCertificateTypeId: 'NANBYO',
      myNumberMasked: '********9018',
      certificationSubKey: null,
      historyKey: '2026-1',
      validFrom: '2026-04-01',
      validTo: '2027-03-31',
      isNotDisclosed: false,
      medicalSubsidyInsurerNumber: '54130018',
      medicalSubsidyRecipientNumber: '0000018',
      certificationName: '特定医療費（指定難病）受給者証',
      updatedAt: '2026-11-23T09:00:00.000Z',
      lastTaskId: '3d6f9a52-1c1e-4d7a-9b0a-6f1e2d3c4b5a',
    },
  });

export type RecipientCertificateSummary = z.infer<typeof recipientCertificateSummarySchema>;

export const recipientCertificatePageSchema = pageOf(recipientCertificateSummarySchema).meta({ id: 'RecipientCertificatePage' });
