import { z } from 'zod';
import { SEX_VALUES } from '../domain/pmh-record/index.js';
import { certificateTypeIdSchema } from '../certificate-types/schemas.js';
import { dateInputSchema } from '../http/schemas.js';

export const CARD_STATUSES = ['active', 'expired', 'revoked'] as const;

/** The PIN of every card not given one, the well-known test cards' included. A sandbox PIN, not a secret. */
export const DEFAULT_PIN = '1234';
/** Wrong PINs in a row that lock a 利用者証明用電子証明書. */
export const PIN_TRIES = 3;

/** 利用者証明用電子証明書 暗証番号: 4 digits. */
export const pinSchema = z
  .string()
  .regex(/^[0-9]{4}$/, 'must be exactly 4 half-width digits')
  .describe('4-digit PIN (暗証番号) of the card’s 利用者証明用電子証明書');

const freeText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u001F\u007F]*$/, 'must not contain control characters');

/** 電子証明書 serial number as a card reader hands it to the clinic system. */
export const certificateSerialNumberSchema = z
  .string()
  .regex(/^[0-9A-Za-z]{1,32}$/, 'must be 1–32 half-width letters or digits')
  .describe('Serial number of the card’s 電子証明書, as the card reader returns it (sandbox cards: 20 upper-case hex digits)');

export const sexSchema = z.enum(SEX_VALUES).describe('"1" male, "2" female, "3" unset');

/** Face data (券面) and certificate state a card request may set, whichever way it names the person. */
const cardFields = {
  name: freeText(100).optional().describe('券面 name; default: from the person’s latest registration, else generated'),
  nameKana: z
    .string()
    .regex(/^[\u30A0-\u30FF\u3000]{1,100}$/u, 'must be 1–100 全角カナ')
    .optional()
    .describe('Name in 全角カナ; default as for name'),
  dateOfBirth: dateInputSchema('YYYY-MM-DD; default as for name').optional(),
  sex: sexSchema.optional(),
  address: freeText(200).optional().describe('券面 address; default as for name'),
  status: z.enum(CARD_STATUSES).default('active').describe('State of the 電子証明書: active, expired or revoked (失効)'),
  certificateExpiresOn: dateInputSchema('Last day the 電子証明書 is valid (YYYY-MM-DD); default: five years from today by the sandbox clock').optional(),
  pin: pinSchema
    .optional()
    .describe(
      `4-digit PIN (暗証番号) of the 利用者証明用電子証明書, asked by POST /myportal/v1/medical-subsidies; default ${DEFAULT_PIN} ` +
        `(also the PIN of the well-known test cards). ${PIN_TRIES} wrong PINs in a row lock it, as on a real card. Never returned.`,
    ),
};

export const createCardByMyNumberSchema = z
  .strictObject({
    myNumber: z
      .string()
      .regex(/^[0-9]{12}$/, 'must be exactly 12 half-width digits')
      .describe('個人番号 of the card holder (check digit verified). Never returned.'),
    ...cardFields,
  })
  .meta({ id: 'CreateCardByMyNumber', description: 'A card for the person with this 個人番号', example: { myNumber: '123456789018', status: 'active' } });

export const createCardByRegistrationSchema = z
  .strictObject({
    municipality: z
      .string()
      .regex(/^[0-9]{6}$/, 'must be 6 half-width digits')
      .describe('全国地方公共団体コード of the municipality that registered the person'),
    orgSpecificCertificateTypeId: certificateTypeIdSchema.describe('The certificate type of the registration'),
    medicalSubsidyRecipientNumber: z.string().min(1).max(30).describe('公費受給者番号 of the registration, as GET /municipal/v1/recipients reads it back'),
    ...cardFields,
  })
  .meta({
    id: 'CreateCardByRegistration',
    description:
      'A card for the one person registered by this municipality under this type and 受給者番号 — for when you registered someone ' +
      'and do not have their 個人番号 (read-back masks it). 404 registered_person_not_found when nobody matches, 422 ' +
      'registered_person_ambiguous when records of several persons do.',
    example: { municipality: '130001', orgSpecificCertificateTypeId: 'NANBYO54', medicalSubsidyRecipientNumber: '0000018' },
  });

export const createCardBodySchema = z
  .union([createCardByMyNumberSchema, createCardByRegistrationSchema], {
    error: 'give myNumber, or municipality + orgSpecificCertificateTypeId + medicalSubsidyRecipientNumber (not both)',
  })
  .meta({
    id: 'CreateCard',
    description:
      'A simulated マイナンバーカード for a person named by `myNumber`, or by one of their registrations: `municipality` + ' +
      '`orgSpecificCertificateTypeId` + `medicalSubsidyRecipientNumber` (one of the two ways). Face data (券面) not given is taken ' +
      'from the person’s latest registration, or generated.',
    examples: [
      { myNumber: '123456789018', status: 'active' },
      { municipality: '130001', orgSpecificCertificateTypeId: 'NANBYO54', medicalSubsidyRecipientNumber: '0000018' },
    ],
  });

export type CreateCardBody = z.infer<typeof createCardBodySchema>;
export type CreateCardByRegistration = z.infer<typeof createCardByRegistrationSchema>;

export const cardSchema = z
  .object({
    cardId: z.uuid(),
    certificateSerialNumber: certificateSerialNumberSchema,
    name: z.string(),
    nameKana: z.string(),
    dateOfBirth: z.iso.date(),
    sex: sexSchema,
    address: z.string(),
    status: z.enum(CARD_STATUSES),
    certificateExpiresOn: z.iso.date(),
    faceDataSource: z
      .enum(['request', 'registration', 'generated'])
      .describe('Where the face data came from: all given in the request; else the latest registration of the person; else generated'),
    pinTriesRemaining: z.int().min(0).max(PIN_TRIES).describe('Wrong PINs the card still takes before it locks (0 = locked)'),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({
    id: 'Card',
    description: 'A simulated マイナンバーカード. Hand `certificateSerialNumber` to the clinic system as a card reader would; the 個人番号 is never returned.',
    example: {
      cardId: '5b9a3f0e-8a4c-4a8e-9d51-6a7f0c1e2b3a',
      certificateSerialNumber: '3F9A0C1D7E2B5A4C8D10',
      name: '都庁　太郎',
      nameKana: 'トチョウ　タロウ',
      dateOfBirth: '1970-01-01',
      sex: '1',
      address: '東京都新宿区西新宿二丁目8番1号',
      status: 'active',
      certificateExpiresOn: '2031-11-23',
      faceDataSource: 'registration',
      pinTriesRemaining: 3,
      createdAt: '2026-11-23T09:00:00.000Z',
    },
  });

export type Card = z.infer<typeof cardSchema>;

export const cardSerialParamsSchema = z.object({ certificateSerialNumber: certificateSerialNumberSchema });

export const pinResetBodySchema = z
  .strictObject({ pin: pinSchema.optional().describe('The new PIN; default: the card keeps its PIN') })
  .meta({ id: 'CardPinReset', description: 'A PIN reset (暗証番号の初期化, done at the municipality’s window for a real card)', example: { pin: '4321' } });

export const cardPinStateSchema = z
  .object({
    certificateSerialNumber: certificateSerialNumberSchema,
    pinTriesRemaining: z.int().min(0).max(PIN_TRIES).describe('Wrong PINs the card still takes before it locks (0 = locked)'),
  })
  .meta({
    id: 'CardPinState',
    description: 'The PIN state of a simulated card',
    example: { certificateSerialNumber: '3F9A0C1D7E2B5A4C8D10', pinTriesRemaining: 3 },
  });
