import type { SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

type Json = Record<string, any>;

const STATUS_TEXT: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '204': 'No content',
  '400': 'Bad request: malformed or invalid input (see `errors`)',
  '401': 'Missing or unknown credentials',
  '403': 'Forbidden',
  '404': 'Not found',
  '409': 'Conflict with the current state',
  '413': 'Request body too large',
  '415': 'Unsupported content type',
  '422': 'Valid syntax, but a business rule rejects it',
  '429': 'Too many requests',
  '500': 'Internal error',
  '503': 'Not available now (retry later, see Retry-After)',
};

function collectRefs(node: unknown, into: Set<string>) {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, into));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') into.add(v.replace('#/components/schemas/', ''));
      else collectRefs(v, into);
    }
  }
}

/**
 * The zod transform, then three corrections for SDK generators: error responses are
 * served as application/problem+json, responses get real descriptions, and the
 * unreferenced `…Input` copies of output-only schemas are dropped.
 */
export const transformOpenApiObject: SwaggerTransformObject = (input) => {
  const doc = jsonSchemaTransformObject(input) as Json;
  for (const item of Object.values<Json>(doc.paths ?? {})) {
    for (const op of Object.values<Json>(item)) {
      for (const [status, res] of Object.entries<Json>(op.responses ?? {})) {
        if (res.description === 'Default Response') res.description = STATUS_TEXT[status] ?? 'Response';
        if (Number(status) >= 400 && res.content?.['application/json']) {
          res.content = { [PROBLEM_CONTENT_TYPE]: res.content['application/json'] };
        }
      }
    }
  }
  const schemas: Json = doc.components?.schemas ?? {};
  // Schemas reachable from paths, following refs between schemas.
  const reachable = new Set<string>();
  collectRefs(doc.paths, reachable);
  let frontier = [...reachable];
  while (frontier.length > 0) {
    const next = new Set<string>();
    for (const name of frontier) collectRefs(schemas[name], next);
    frontier = [...next].filter((n) => !reachable.has(n));
    frontier.forEach((n) => reachable.add(n));
  }
  for (const name of Object.keys(schemas)) if (!reachable.has(name)) delete schemas[name];
  return doc;
};
