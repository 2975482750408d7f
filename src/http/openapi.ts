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
 * Request bodies that a route reads itself (streamed or validated record by record, so Fastify
 * must not validate them) but that the document still has to describe for SDK generators.
 * Keyed by operationId; schemas refer to named components.
 */
const documentedRequestBodies = new Map<string, Json>();

export function documentRequestBody(operationId: string, requestBody: Json) {
  documentedRequestBodies.set(operationId, requestBody);
}

/**
 * The zod transform, then four corrections for SDK generators: error responses are
 * served as application/problem+json, responses get real descriptions, bodies a route
 * reads itself are documented (documentRequestBody), and the
 * unreferenced `…Input` copies of output-only schemas are dropped.
 */
export const transformOpenApiObject: SwaggerTransformObject = (input) => {
  const doc = jsonSchemaTransformObject(input) as Json;
  for (const item of Object.values<Json>(doc.paths ?? {})) {
    for (const op of Object.values<Json>(item)) {
      const body = documentedRequestBodies.get(op.operationId);
      if (body && !op.requestBody) op.requestBody = body;
      for (const [status, res] of Object.entries<Json>(op.responses ?? {})) {
        if (res.description === 'Default Response') res.description = STATUS_TEXT[status] ?? 'Response';
        if (Number(status) >= 400 && res.content?.['application/json']) {
          res.content = { [PROBLEM_CONTENT_TYPE]: res.content['application/json'] };
        }
      }
    }
  }
  const schemas: Json = doc.components?.schemas ?? {};
  // A list or page of items ({ items, nextCursor? }) gets its example from its item schema's example.
  const exampleOf = (schema: Json | undefined) => schema?.example ?? schema?.examples?.[0];
  const deriveListExample = (schema: Json) => {
    const itemRef = schema?.properties?.items?.items?.$ref;
    if (!itemRef || exampleOf(schema) !== undefined) return;
    const example = exampleOf(schemas[String(itemRef).replace('#/components/schemas/', '')]);
    if (example === undefined) return;
    schema.example = schema.properties.nextCursor ? { items: [example], nextCursor: null } : { items: [example] };
  };
  Object.values<Json>(schemas).forEach(deriveListExample);
  for (const item of Object.values<Json>(doc.paths ?? {})) {
    for (const op of Object.values<Json>(item)) {
      for (const res of Object.values<Json>(op.responses ?? {})) deriveListExample(res.content?.['application/json']?.schema);
    }
  }
  // Schemas reachable from paths, following refs between schemas.
  const reachable = new Set<string>();
  collectRefs(doc.paths, reachable);
  collectRefs(doc.webhooks, reachable);
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
