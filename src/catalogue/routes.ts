import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeProblems } from '../http/problem.js';
import {
  insurerNumberDecodingSchema,
  insurerNumberParamsSchema,
  lawCodeParamsSchema,
  localGovernmentPageSchema,
  municipalitiesQuerySchema,
  prefectureSchema,
  programSchema,
} from './schemas.js';
import type { CatalogueService } from './service.js';

const tags = ['catalogue'];

const listProblems = describeProblems([[['validation_failed'], 'bad filter or limit'], 'invalid_cursor']);
const programProblems = describeProblems(['validation_failed', [['program_not_found'], 'the 法別番号 is not a national program']]);
const decodeProblems = describeProblems(['validation_failed']);

/** Public, read-only catalogue: prefectures, 地方公共団体, national 公費 programs. */
export const catalogueRoutes: FastifyPluginAsyncZod<{ service: CatalogueService }> = async (app, { service }) => {
  app.get(
    '/prefectures',
    {
      schema: {
        tags,
        security: [],
        operationId: 'listPrefectures',
        summary: 'List the 47 prefectures',
        description: '都道府県 with their JIS X 0401 codes (01–47), the codes used in 公費負担者番号 and 医療機関コード.',
        response: { 200: z.object({ items: z.array(prefectureSchema) }) },
      },
    },
    async () => ({ items: await service.listPrefectures() }),
  );

  app.get(
    '/municipalities',
    {
      schema: {
        tags,
        security: [],
        operationId: 'listMunicipalities',
        summary: 'List or search 地方公共団体',
        description:
          'Every 地方公共団体 of Japan (prefectures, 政令指定都市 and their wards, cities, 特別区, towns, villages) with its ' +
          '6-digit 全国地方公共団体コード, ordered by code. `q` matches a substring of the name or kana, or a code prefix.\n\n' +
          listProblems.text,
        querystring: municipalitiesQuerySchema,
        response: { 200: localGovernmentPageSchema, ...listProblems.responses },
      },
    },
    async (req) => service.listLocalGovernments(req.query),
  );

  app.get(
    '/programs',
    {
      schema: {
        tags,
        security: [],
        operationId: 'listPrograms',
        summary: 'List the national 公費 programs',
        description: 'Every national 公費負担医療 program by 法別番号, with its implementers, PMH online-eligibility status and co-pay schedule.',
        response: { 200: z.object({ items: z.array(programSchema) }) },
      },
    },
    async () => ({ items: await service.listPrograms() }),
  );

  app.get(
    '/programs/:lawCode',
    {
      schema: {
        tags,
        security: [],
        operationId: 'getProgram',
        summary: 'Get one national 公費 program',
        description: programProblems.text,
        params: lawCodeParamsSchema,
        response: { 200: programSchema, ...programProblems.responses },
      },
    },
    async (req) => service.getProgram(req.params.lawCode),
  );

  app.get(
    '/insurer-numbers/:number',
    {
      schema: {
        tags,
        security: [],
        operationId: 'decodeInsurerNumber',
        summary: 'Decode a 公費負担者番号',
        description:
          'Takes any 8-digit 公費負担者番号 apart (法別番号, 都道府県番号, 実施機関番号, 検証番号) and says whether it is valid. ' +
          'An invalid number still answers 200 with `valid: false` and the problems found (`check_digit_mismatch`, `unknown_prefecture`). ' +
          `Anything that is not 8 half-width digits is a 400 problem.\n\n${decodeProblems.text}`,
        params: insurerNumberParamsSchema,
        response: { 200: insurerNumberDecodingSchema, ...decodeProblems.responses },
      },
    },
    async (req) => service.decodeInsurerNumber(req.params.number),
  );
};
