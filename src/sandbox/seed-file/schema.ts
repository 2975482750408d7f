import { z } from 'zod';
import { CARD_STATUSES, certificateSerialNumberSchema } from '../../cards/schemas.js';
import { certificateTypeDefinitionSchema, certificateTypeIdSchema } from '../../certificate-types/schemas.js';
import { dateInputSchema } from '../../http/schemas.js';
import { MEDICAL_INSTITUTION_KINDS } from '../../institutions/schemas.js';
import { PRESET_NAMES } from '../../synthetic/presets.js';

const tokenSchema = z
  .string()
  .regex(/^[\x21-\x7E]{24,200}$/, 'must be 24–200 visible ASCII characters')
  .describe('A fixed sandbox token for this object (a CI fixture; never a real secret), sent as `Authorization: Bearer <token>`');

/** SANDBOX_SEED_FILE: what a sandbox holds from its start, loaded through the same services as the APIs. */
export const seedFileSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Where editors find this schema (openapi/seed-file.schema.json); ignored'),
    municipalities: z
      .array(
        z.strictObject({
          code: z
            .string()
            .regex(/^[0-9]{6}$/, 'must be a 6-digit 全国地方公共団体コード')
            .describe('全国地方公共団体コード with its check digit'),
          token: tokenSchema.optional(),
          certificateTypes: z
            .array(z.strictObject({ id: certificateTypeIdSchema, definition: certificateTypeDefinitionSchema }))
            .max(100)
            .default([])
            .describe('制度マスタ, PUT as PUT /municipal/v1/certificate-types/{id} would'),
          records: z
            .array(z.record(z.string(), z.unknown()))
            .max(100_000)
            .default([])
            .describe('PMH records, registered as one upload (every record must be accepted)'),
          generate: z
            .array(
              z.strictObject({
                preset: z
                  .enum(PRESET_NAMES as [string, ...string[]])
                  .describe('A generator preset (pmh-sandbox generate --list-presets); its type is PUT unless certificateTypes defines that id'),
                count: z.int().min(1).max(100_000),
                seed: z.string().min(1).max(100).default('seed').describe('Same seed, same records'),
                referenceDate: dateInputSchema('Records are valid around this date; default: today by the sandbox clock').optional(),
              }),
            )
            .max(20)
            .default([])
            .describe('Synthetic records, as pmh-sandbox generate makes them'),
        }),
      )
      .max(100)
      .default([]),
    institutions: z
      .array(
        z.strictObject({
          code: z.string().regex(/^[0-9]{10}$/, 'must be a 10-digit 医療機関コード'),
          name: z.string().min(1).max(100),
          kind: z.enum(MEDICAL_INSTITUTION_KINDS),
          token: tokenSchema,
        }),
      )
      .max(100)
      .default([]),
    cards: z
      .array(
        z.strictObject({
          certificateSerialNumber: certificateSerialNumberSchema,
          myNumber: z
            .string()
            .regex(/^[0-9]{12}$/, 'must be exactly 12 half-width digits')
            .describe('個人番号 of the holder; face data comes from their registration'),
          status: z.enum(CARD_STATUSES).default('active'),
          certificateExpiresOn: dateInputSchema('Last day the 電子証明書 is valid; default five years from today').optional(),
        }),
      )
      .max(10_000)
      .default([]),
  })
  .meta({ id: 'SandboxSeedFile', description: 'A sandbox pre-loaded at start (SANDBOX_SEED_FILE); loading it again changes nothing' });

export type SeedFile = z.infer<typeof seedFileSchema>;
