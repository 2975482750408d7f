import type { FastifyDynamicSwaggerOptions, SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

// The document is untyped JSON here, walked and patched in place.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return */
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
 * Requests the sandbox sends, not receives (OpenAPI 3.1 webhooks), documented by the feature that
 * sends them: SDK generators give each event a named type.
 */
const documentedWebhooks = new Map<string, Json>();

export function documentWebhook(name: string, pathItem: Json) {
  documentedWebhooks.set(name, pathItem);
}

/** Health (-1) first, then these. */
const PATH_GROUPS = ['/catalogue/', '/municipal/', '/sandbox/', '/clinic/'];

/** Text another feature adds to an operation's description (e.g. the well-known test cards to the check). */
const operationNotes = new Map<string, string>();

export function documentOperationNote(operationId: string, note: string) {
  operationNotes.set(operationId, note);
}

export const API_DESCRIPTION = `A sandbox of PMH (Public Medical Hub), Japan's online eligibility system for medical subsidies (医療費助成).

Every error is \`application/problem+json\` (RFC 9457) with a stable \`code\`; validation errors list each failing field in \`errors\`. Any operation refuses
text holding a NUL or an unpaired surrogate (400 \`validation_failed\`, field code \`invalid_text\`) and dates outside 1900-01-01 – 9999-12-31
(field code \`date_out_of_range\`).

Sandbox-only operations (tag \`sandbox\`, under \`/sandbox/v1\`) need the sandbox admin token (\`adminToken\`). With the sandbox's fault
injection (faults, \`Prefer: sandbox-fault=503\`, a maintenance window) any other operation may answer an error it does not list; such a
problem carries \`injected\`.`;

/**
 * The document's static parts (info, servers, tags, security schemes); the paths come from the routes' zod schemas.
 * `publicUrl` (PUBLIC_URL) is the server; without it `/`, so that Swagger UI's "Try it out" calls the origin that
 * served the document, whatever HOST, PORT or proxy is in front.
 */
export const openApiOptions = (publicUrl?: string): FastifyDynamicSwaggerOptions => ({
  openapi: {
    openapi: '3.1.0',
    info: { title: 'PMH Sandbox API', version: '0.1.0', description: API_DESCRIPTION },
    servers: [publicUrl ? { url: publicUrl, description: 'This sandbox' } : { url: '/', description: 'The sandbox serving this document' }],
    tags: [
      { name: 'catalogue', description: 'Public reference data: prefectures, 地方公共団体, national 公費 programs' },
      { name: 'health', description: 'Liveness and readiness' },
      { name: 'certificate-types', description: 'Municipal API: 制度マスタ, the certificate types a municipality registers' },
      { name: 'registration', description: 'Municipal API: batch registration of 受給者証 records (PMH postRegistrationTasks) and read-back' },
      { name: 'eligibility', description: 'Clinic API: オンライン資格確認 of medical subsidies with a マイナンバーカード, for a date of service' },
      {
        name: 'copayment (provisional)',
        description:
          'Provisional, our design: PMH has not published an API for 自己負担上限額管理 (MHLW and the Digital Agency plan one). ' +
          'The monthly cap ledger across institutions (the electronic 上限額管理票): subsidyRef and copaymentLimit in eligibility ' +
          'answers, each visit’s line, and the municipal view. Expect it to change when PMH publishes something.',
      },
      { name: 'webhooks', description: 'Municipal API, sandbox only (PMH has none): signed callbacks when a registration task finishes, and their deliveries' },
      { name: 'sandbox', description: 'Sandbox-only operations that do not exist in PMH: credentials, test tooling' },
    ],
    // Filled from documentWebhook when the document is generated.
    webhooks: {},
    components: {
      securitySchemes: {
        municipalToken: { type: 'http', scheme: 'bearer', description: 'Municipality token from POST /sandbox/v1/municipalities/{lgCode}/credentials' },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'Sandbox admin token for /sandbox/v1/...: SANDBOX_ADMIN_TOKEN, or the one the service generated and logged once at its first start',
        },
        institutionToken: { type: 'http', scheme: 'bearer', description: 'Medical institution token from POST /sandbox/v1/medical-institutions' },
      },
    },
  },
  transform: jsonSchemaTransform,
  transformObject: transformOpenApiObject,
});

/**
 * The zod transform, then four corrections for SDK generators: error responses are
 * served as application/problem+json, responses get real descriptions, bodies a route
 * reads itself are documented (documentRequestBody), and the
 * unreferenced `…Input` copies of output-only schemas are dropped.
 */
const transformOpenApiObject: SwaggerTransformObject = (input) => {
  const doc = jsonSchemaTransformObject(input) as Json;
  // Paths grouped by API (public, municipal, sandbox, clinic), in registration order within each.
  const group = (path: string) => PATH_GROUPS.findIndex((prefix) => path.startsWith(prefix));
  doc.paths = Object.fromEntries(Object.entries<Json>(doc.paths ?? {}).sort(([a], [b]) => group(a) - group(b)));
  if (doc.webhooks) for (const [name, item] of documentedWebhooks) doc.webhooks[name] = item;
  for (const item of Object.values<Json>(doc.paths ?? {})) {
    for (const op of Object.values<Json>(item)) {
      const note = operationNotes.get(op.operationId);
      if (note) op.description = `${op.description}\n\n${note}`;
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
  // Sorted by name, so that the document does not depend on the order features register their routes.
  if (doc.components?.schemas) doc.components.schemas = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return doc;
};
