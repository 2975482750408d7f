import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { municipalSecurity } from '../http/auth.js';
import { AUTH_PROBLEMS, describeProblems, type ProblemDeclaration } from '../http/problem.js';
import {
  certificateTypeDefinitionSchema,
  certificateTypeListQuerySchema,
  certificateTypePageSchema,
  certificateTypeParamsSchema,
  certificateTypeSchema,
} from './schemas.js';
import type { CertificateTypesService } from './service.js';

const tags = ['certificate-types'];
const NOT_FOUND: ProblemDeclaration = [['certificate_type_not_found'], 'also for a type of another municipality'];
const putProblems = describeProblems([
  [['validation_failed'], 'malformed body, unknown field, `lawCode` with `kind: local` or `localCategory` with `kind: national`, codes not 1–20 半角英数'],
  ...AUTH_PROBLEMS,
  'body_too_large',
  'unsupported_media_type',
  [
    [
      'unknown_law_code',
      'implementer_not_allowed',
      'insurer_number_wrong_prefecture',
      'insurer_number_wrong_law_code',
      'insurer_number_invalid',
      'duplicate_code',
      'invalid_copayment_rules',
    ],
    'the rules above',
  ],
]);
const listProblems = describeProblems(['validation_failed', 'invalid_cursor', ...AUTH_PROBLEMS]);
const getProblems = describeProblems(['validation_failed', ...AUTH_PROBLEMS, NOT_FOUND]);
const deleteProblems = describeProblems([
  'validation_failed',
  ...AUTH_PROBLEMS,
  NOT_FOUND,
  [['certificate_type_in_use'], 'while 受給者証 records of the type are registered'],
]);

/** Municipal API: the municipality's 制度マスタ. Mounted under /municipal/v1, behind the bearer-token hook. */
export const certificateTypeRoutes: FastifyPluginAsyncZod<{ service: CertificateTypesService }> = async (app, { service }) => {
  app.put(
    '/certificate-types/:orgSpecificCertificateTypeId',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'putCertificateType',
        summary: 'Create or replace a certificate type (制度マスタ)',
        description:
          'Defines the certificate type `orgSpecificCertificateTypeId` of the calling municipality, or replaces it whole. ' +
          'Answers 201 when it was created, 200 when it replaced one; the body is the type as stored, with defaults applied. ' +
          'Records already registered under a replaced type are kept as they are.\n\n' +
          'Rules (422, `code` is the first rule broken and `errors` lists every violation): ' +
          '`unknown_law_code` — `lawCode` is not a national program of the catalogue; ' +
          '`implementer_not_allowed` — the municipality’s kind of authority does not implement that program ' +
          '(e.g. 難病 54 and 精神通院 21 only by 都道府県 and 指定都市, 更生医療 15 by 市区町村; see GET /catalogue/v1/programs/{lawCode}); ' +
          '`insurer_number_wrong_prefecture` — a 公費負担者番号 of another prefecture; ' +
          '`insurer_number_wrong_law_code` — for a national type, a 公費負担者番号 whose 法別番号 is not `lawCode`; ' +
          '`insurer_number_invalid` — wrong 検証番号 (not checked when `checkDigitValidation` is `lenient`); ' +
          '`duplicate_code` — a code or insurer number given twice in one list; ' +
          '`invalid_copayment_rules` — a `copaymentRules` row with `ageMin` above `ageMax`, or naming a 所得区分 the type does not define.\n\n' +
          '`copaymentRules` (provisional: PMH has not published charging rules; our design, see docs/copay.md) are the type’s ' +
          'charging rules (窓口負担) for `POST /clinic/v1/copayment-quotes`: for a national type, overrides of the law defaults; for ' +
          'a local (地単) type, rule rows. Omitted: answered as `null`, and the defaults apply.\n\n' +
          putProblems.text,
        params: certificateTypeParamsSchema,
        body: certificateTypeDefinitionSchema,
        response: { 200: certificateTypeSchema, 201: certificateTypeSchema, ...putProblems.responses },
      },
    },
    async (req, reply) => {
      const { created, type } = await service.put(req.municipality, req.params.orgSpecificCertificateTypeId, req.body);
      return reply.status(created ? 201 : 200).send(type);
    },
  );

  app.get(
    '/certificate-types',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'listCertificateTypes',
        summary: 'List the municipality’s certificate types',
        description:
          'Every certificate type of the calling municipality, ordered by id, paginated; the types of the well-known test cards ' +
          `(TESTNANBYO54 of 東京都, TESTKODOMO of 八王子市) only with \`includeTestData=true\`. ${listProblems.text}`,
        querystring: certificateTypeListQuerySchema,
        response: { 200: certificateTypePageSchema, ...listProblems.responses },
      },
    },
    async (req) => service.list(req.municipality.code, req.query),
  );

  app.get(
    '/certificate-types/:orgSpecificCertificateTypeId',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'getCertificateType',
        summary: 'Get one certificate type',
        description: getProblems.text,
        params: certificateTypeParamsSchema,
        response: { 200: certificateTypeSchema, ...getProblems.responses },
      },
    },
    async (req) => service.get(req.municipality.code, req.params.orgSpecificCertificateTypeId),
  );

  app.delete(
    '/certificate-types/:orgSpecificCertificateTypeId',
    {
      schema: {
        tags,
        security: municipalSecurity,
        operationId: 'deleteCertificateType',
        summary: 'Delete a certificate type',
        description: `Removes a type that no registered record refers to. ${deleteProblems.text}`,
        params: certificateTypeParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...deleteProblems.responses },
      },
    },
    async (req, reply) => {
      await service.remove(req.municipality.code, req.params.orgSpecificCertificateTypeId);
      return reply.status(204).send(null);
    },
  );
};
