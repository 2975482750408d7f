import { z } from 'zod';

export const SCENARIO_NAMES = ['pilot-municipalities', 'edge-cases', 'copayment-cases', 'load:<count>'] as const;

export const scenarioParamsSchema = z.object({
  name: z
    .string()
    .regex(
      /^(pilot-municipalities|edge-cases|copayment-cases|load:[1-9][0-9]{0,6})$/,
      'must be pilot-municipalities, edge-cases, copayment-cases or load:<count> (count 1–9999999)',
    )
    .describe('pilot-municipalities, edge-cases, copayment-cases or load:<count>')
    .meta({ example: 'edge-cases' }),
});

const credentialSchema = z.object({
  code: z.string().describe('全国地方公共団体コード or 医療機関コード'),
  name: z.string(),
  token: z.string().describe('Bearer token (sandbox credential), shown once'),
});

export const scenarioResultSchema = z
  .object({
    scenario: z.string(),
    municipalities: z.array(credentialSchema.extend({ certificateTypes: z.array(z.string()).describe('orgSpecificCertificateTypeIds defined') })),
    institutions: z.array(
      credentialSchema.extend({ kind: z.enum(['medical', 'dental', 'pharmacy', 'visiting_nursing']).describe('医療機関 kind (pharmacy: 薬局)') }),
    ),
    cards: z.array(
      z.object({
        certificateSerialNumber: z.string(),
        case: z.string().describe('Short name of the case'),
        shows: z.string().describe('What the card is meant to show'),
        consent: z.boolean().describe('consent.medicalSubsidy to send for the expected answer'),
        expected: z
          .string()
          .describe(
            'The answer of POST /clinic/v1/eligibility-checks with the scenario’s institution token, today by the sandbox clock; for copayment-cases, ' +
              'what POST /clinic/v1/copayment-quotes and copayment-records give at which institution (yen amounts, accumulatedAfter, capReached)',
          ),
      }),
    ),
    tasks: z.array(z.object({ municipalityCode: z.string(), taskId: z.uuid(), status: z.string(), receivedCount: z.int() })),
  })
  .meta({
    id: 'ScenarioResult',
    description: 'What a scenario loaded: credentials, cards and what each card shows, registration tasks',
    example: {
      scenario: 'edge-cases',
      municipalities: [{ code: '130001', name: '東京都', token: 'pmh_mun_3q2p…', certificateTypes: ['SCNNANBYO54'] }],
      institutions: [{ code: '1319991019', name: 'エッジケース試験医院', kind: 'medical', token: 'pmh_ins_x9…' }],
      cards: [
        {
          certificateSerialNumber: '3F9A0C1D7E2B5A4C8D10',
          case: 'no consent',
          shows: 'A valid 難病 record; consent false gives []',
          consent: false,
          expected: '200, medicalSubsidies [] (no_consent)',
        },
      ],
      tasks: [{ municipalityCode: '130001', taskId: '0b6f2c1e-6a53-4c1f-9a55-1d1a1f3b7e20', status: 'succeeded', receivedCount: 8 }],
    },
  });

export type ScenarioResult = z.infer<typeof scenarioResultSchema>;
