import { z } from 'zod';
import { localGovernmentKindSchema } from '../catalogue/schemas.js';

export const lgCodeParamsSchema = z.object({
  lgCode: z
    .string()
    .regex(/^[0-9]{6}$/, 'must be 6 half-width digits')
    .describe('全国地方公共団体コード of the municipality'),
});

export const municipalCredentialSchema = z
  .object({
    id: z.uuid(),
    token: z.string().describe('Bearer token for the municipal API. Shown once: only its hash is stored.'),
    municipality: z.object({ code: z.string(), name: z.string(), kind: localGovernmentKindSchema, prefectureCode: z.string() }),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({
    id: 'MunicipalCredential',
    description: 'A sandbox credential of one municipality',
    example: {
      id: '0b8f3f4e-6d0c-4a8e-9d51-6a7f0c1e2b3a',
      token: 'pmh_mun_2lX0cS0m1q6f0b0yJ3vXkq9bZr3cTtQe',
      municipality: { code: '132012', name: '八王子市', kind: 'city', prefectureCode: '13' },
      createdAt: '2026-11-23T09:00:00.000Z',
    },
  });
