import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { OPENAPI_PATH } from '../../src/openapi.js';

const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(doc, 'openapi');

const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

interface InjectedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/**
 * Asserts that a response is one the committed OpenAPI document declares for this
 * operation (status, content type) and that its body matches the declared schema.
 */
export function expectMatchesOpenApi(res: InjectedResponse, method: string, path: string) {
  const op = doc.paths?.[path]?.[method.toLowerCase()];
  expect(op, `${method} ${path} is not in openapi.json`).toBeDefined();
  const declared = op.responses[String(res.statusCode)];
  expect(declared, `${method} ${path} does not declare status ${res.statusCode}`).toBeDefined();
  const header = res.headers['content-type'];
  const contentType = (typeof header === 'string' ? header : '').split(';')[0]!;
  expect(Object.keys(declared.content ?? {}), `content type of ${res.statusCode}`).toContain(contentType);
  const ref = `openapi#/paths/${pointer(path)}/${method.toLowerCase()}/responses/${res.statusCode}/content/${pointer(contentType)}/schema`;
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  const ok = validate(JSON.parse(res.body));
  expect(validate.errors ?? [], `body of ${method} ${path} ${res.statusCode}`).toEqual([]);
  expect(ok).toBe(true);
}
