import { z } from 'zod';

export const MEDICAL_INSTITUTION_KINDS = ['medical', 'dental', 'pharmacy', 'visiting_nursing'] as const;

export const medicalInstitutionKindSchema = z
  .enum(MEDICAL_INSTITUTION_KINDS)
  .describe('medical 医科, dental 歯科, pharmacy 調剤 (薬局), visiting_nursing 訪問看護; must agree with the 点数表 digit of the code')
  .meta({ id: 'MedicalInstitutionKind' });

/** 医療機関コード: format only here; the check digit, prefecture and 点数表 are checked by the service (stable problem codes). */
export const medicalInstitutionCodeSchema = z
  .string()
  .regex(/^[0-9]{10}$/, 'must be exactly 10 half-width digits')
  .describe('医療機関コード (10 digits): 都道府県 2 + 点数表 1 (1 医科, 3 歯科, 4 調剤, 6 訪問看護) + 郡市区 2 + 番号 4 + 検証 1');

export const createMedicalInstitutionBodySchema = z
  .strictObject({
    code: medicalInstitutionCodeSchema,
    name: z.string().trim().min(1).max(100).describe('Name of the clinic, pharmacy or station'),
    kind: medicalInstitutionKindSchema,
  })
  .meta({
    id: 'CreateMedicalInstitution',
    description: 'A sandbox medical institution (clinic, dental clinic, pharmacy or 訪問看護 station)',
    example: { code: '1311234566', name: 'サンドボックス内科クリニック', kind: 'medical' },
  });

export type CreateMedicalInstitutionBody = z.infer<typeof createMedicalInstitutionBodySchema>;

export const medicalInstitutionSchema = z
  .object({
    code: z.string().describe('医療機関コード'),
    name: z.string(),
    kind: medicalInstitutionKindSchema,
  })
  .meta({ id: 'MedicalInstitution', description: 'A medical institution of the sandbox' });

export const institutionCredentialSchema = z
  .object({
    id: z.uuid().describe('Id of this credential'),
    token: z.string().describe('Bearer token for the clinic API (`/clinic/v1/...`). Shown once: only its hash is stored.'),
    institution: medicalInstitutionSchema,
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({
    id: 'InstitutionCredential',
    description: 'A sandbox medical institution with a new credential',
    example: {
      id: '6e0c2a0e-3f43-4c52-9a55-0d3c0e6b7f11',
      token: 'pmh_ins_Yk3q0V9mX2cH1fQw8rT5zL7nB4dS6aJe',
      institution: { code: '1311234566', name: 'サンドボックス内科クリニック', kind: 'medical' },
      createdAt: '2026-11-23T09:00:00.000Z',
    },
  });
