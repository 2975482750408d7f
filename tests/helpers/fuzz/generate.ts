import fc from 'fast-check';
import type { RawRequest } from './http.js';
import type { Rng } from './prng.js';

/** Generates valid and mutated requests for every operation of an OpenAPI 3.1 document. */

type Schema = Record<string, unknown>;
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}
interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: 'path' | 'query' | 'header'; name: string; required?: boolean; schema: Schema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
}

export interface FuzzOperation {
  method: string;
  path: string;
  operation: Operation;
  /** The security scheme the operation asks for (adminToken, municipalToken, institutionToken), if any. */
  scheme?: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

export function listOperations(doc: Doc): FuzzOperation[] {
  const ops: FuzzOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      ops.push({ method: method.toUpperCase(), path, operation, scheme: Object.keys(operation.security?.[0] ?? {})[0] });
    }
  }
  return ops;
}

/** What the generator may use: tokens per scheme, known ids per parameter name, per-parameter overrides. */
export interface FuzzContext {
  doc: Doc;
  tokens: Record<string, string>;
  /** Values known to exist (ids of created resources), by parameter or property name. */
  known: Record<string, string[]>;
  /** Valid values to use instead of the schema's, by parameter name (e.g. cheap scenario names). */
  overrides: Record<string, (rng: Rng) => unknown>;
}

const patternCache = new Map<string, fc.Arbitrary<string>>();
function matching(pattern: string, rng: Rng): string | undefined {
  let arb = patternCache.get(pattern);
  if (!arb) {
    try {
      arb = fc.stringMatching(new RegExp(pattern));
    } catch {
      return undefined;
    }
    patternCache.set(pattern, arb);
  }
  return fc.sample(arb, { seed: rng.seed(), numRuns: 1 })[0];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function validDate(rng: Rng): string {
  const y = rng.between(1930, 2035);
  const m = rng.between(1, 12);
  const d = rng.between(1, new Date(Date.UTC(y, m, 0)).getUTCDate());
  return `${y}-${pad(m)}-${pad(d)}`;
}
const hex = (rng: Rng, n: number) => Array.from({ length: n }, () => '0123456789abcdef'[rng.int(16)]).join('');
const uuid = (rng: Rng) => `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${'89ab'[rng.int(4)]}${hex(rng, 3)}-${hex(rng, 12)}`;

function resolve(doc: Doc, s: Schema): Schema {
  let cur = s;
  for (let i = 0; i < 10 && typeof cur.$ref === 'string'; i++) {
    const name = cur.$ref.replace('#/components/schemas/', '');
    const { $ref: _ignored, ...rest } = cur;
    cur = { ...doc.components.schemas[name]!, ...rest };
  }
  return cur;
}

/** A value valid for `schema` as far as the schema says (formats, patterns, enums, bounds, required properties). */
export function generateValue(ctx: FuzzContext, schema: Schema, rng: Rng, name = '', depth = 0): unknown {
  const s = resolve(ctx.doc, schema);
  if (ctx.known[name]?.length && rng.chance(0.8)) return rng.pick(ctx.known[name]);
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return rng.pick(s.enum);
  const alternatives = (s.oneOf ?? s.anyOf) as Schema[] | undefined;
  if (alternatives) return generateValue(ctx, rng.pick(alternatives), rng, name, depth);
  if (Array.isArray(s.allOf)) return Object.assign({}, ...(s.allOf as Schema[]).map((x) => generateValue(ctx, x, rng, name, depth)));
  const type = Array.isArray(s.type) ? rng.pick((s.type as string[]).filter((t) => t !== 'null')) : (s.type as string | undefined);
  switch (type ?? (s.properties ? 'object' : 'string')) {
    case 'string':
      return generateString(s, rng);
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : 0;
      const max = typeof s.maximum === 'number' ? s.maximum : Math.max(min, 1000);
      return type === 'integer' ? rng.between(Math.ceil(min), Math.floor(Math.min(max, min + 1e6))) : min + rng.next() * (Math.min(max, min + 1e6) - min);
    }
    case 'boolean':
      return rng.chance(0.5);
    case 'array': {
      const min = (s.minItems as number | undefined) ?? 0;
      const max = Math.min((s.maxItems as number | undefined) ?? 3, min + 3);
      const n = depth > 4 ? min : rng.between(min, Math.max(min, max));
      return Array.from({ length: n }, () => generateValue(ctx, (s.items as Schema) ?? {}, rng, name, depth + 1));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set((s.required as string[] | undefined) ?? []);
      for (const [key, prop] of Object.entries((s.properties as Record<string, Schema> | undefined) ?? {})) {
        if (required.has(key) || (depth < 4 && rng.chance(0.6))) out[key] = generateValue(ctx, prop, rng, key, depth + 1);
      }
      return out;
    }
    default:
      return null;
  }
}

function generateString(s: Schema, rng: Rng): string {
  if (s.format === 'date') return validDate(rng);
  if (s.format === 'date-time') return `${validDate(rng)}T${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}${rng.pick(['Z', '+09:00', '.123Z'])}`;
  if (s.format === 'uuid') return uuid(rng);
  if (typeof s.pattern === 'string') {
    const v = matching(s.pattern, rng);
    if (v !== undefined) return v;
  }
  const min = (s.minLength as number | undefined) ?? 0;
  const max = Math.min((s.maxLength as number | undefined) ?? 20, min + 20);
  const alphabet = 'abcXYZ019あ漢カ　-_';
  return Array.from({ length: rng.between(Math.max(min, 1), Math.max(min, max, 1)) }, () => alphabet[rng.int(alphabet.length)]).join('');
}

/** The mutations a request can get; `valid` is the generated request itself. */
export const MUTATIONS = [
  'valid',
  'no-auth',
  'wrong-token',
  'wrong-type',
  'missing-required',
  'huge-string',
  'deep-nesting',
  'nasty-text',
  'invalid-date',
  'path-traversal',
  'duplicate-keys',
  'wrong-content-type',
  'truncated-body',
  'wrong-charset',
  'raw-bytes',
  'query-junk',
  'bad-headers',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** Strings that must never reach the database or break a parser: NUL, lone surrogates, RTL marks, full-width digits. */
const NASTY = [
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\u202e12345\u202c',
  '\u200f\u061c',
  '１２３４５６',
  '０１',
  '\ufeff',
  '\u0085\u2028\u2029',
  '𠮷野家',
  'ｶﾀｶﾅ',
  '%00',
  '\\u0000',
  '${7*7}',
  "'; DROP TABLE x;--",
];
const NASTY_URL = [
  '%00',
  '%ED%A0%80',
  '%C0%AF',
  '%FF',
  '%E2%80%AE1',
  '%EF%BC%91%EF%BC%92',
  '%',
  '%zz',
  '%2e%2e%2f',
  '..%2f..',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%5C..%5C',
  '.%00.',
];
const BAD_DATES = [
  '0000-01-01',
  '2026-02-30',
  '99999-01-01',
  '2026-13-01',
  '2026-00-10',
  '1900-02-29',
  '2026-1-1',
  '2026-02-28T25:00:00Z',
  '-0001-01-01',
  '２０２６-０１-０１',
];
const WRONG_TYPES: unknown[] = [null, 0, -1, 1.5, 1e308, true, 'x', [], {}, [1, 'a'], { a: { b: 1 } }, '999999999999999999999999'];

export interface GeneratedRequest {
  mutation: Mutation;
  /** What was changed, for the report. */
  detail: string;
  request: RawRequest;
}

/** encodeURIComponent, except that a lone surrogate is sent as its 3 (WTF-8) bytes instead of throwing. */
function percentEncode(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff)
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    else out += encodeURIComponent(ch);
  }
  return out;
}

function encodeQuery(q: Record<string, unknown>): string {
  const parts = Object.entries(q).map(([k, v]) => `${percentEncode(k)}=${percentEncode(typeof v === 'string' ? v : JSON.stringify(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Every [path, value] leaf of a JSON value, and the objects that hold required properties. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [path];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  const out = entries.flatMap(([k, v]) => leaves(v, [...path, k]));
  return out.length ? out : [path];
}
function setAt(root: unknown, path: (string | number)[], v: unknown): unknown {
  if (path.length === 0) return v;
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  copy[path[0]!] = setAt(copy[path[0]!], path.slice(1), v);
  return copy;
}
function deleteAt(root: unknown, path: (string | number)[]): unknown {
  if (path.length === 0) return undefined;
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  if (path.length === 1) {
    if (Array.isArray(copy)) copy.splice(path[0] as number, 1);
    else delete copy[path[0]!];
  } else copy[path[0]!] = deleteAt(copy[path[0]!], path.slice(1));
  return copy;
}

function csvOf(records: unknown[]): string {
  const flat = (records as Record<string, unknown>[]).map((r) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(r ?? {})) {
      if (v && typeof v === 'object' && !Array.isArray(v) && k === 'basicFiveInfo') for (const [k2, v2] of Object.entries(v)) out[`${k}.${k2}`] = String(v2);
      else out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    return out;
  });
  const header = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  const cell = (s: string | undefined) => `"${(s ?? '').replaceAll('"', '""')}"`;
  return [header.join(','), ...flat.map((r) => header.map((h) => cell(r[h])).join(','))].join('\n') + '\n';
}

/** A request for `op`: valid when `mutation` is 'valid', otherwise wrong in the named way. */
export function generateRequest(ctx: FuzzContext, op: FuzzOperation, rng: Rng, mutation: Mutation): GeneratedRequest {
  const params = op.operation.parameters ?? [];
  const pathValues: Record<string, string> = {};
  const query: Record<string, unknown> = {};
  for (const p of params) {
    const gen = () => (ctx.overrides[p.name] ? ctx.overrides[p.name]!(rng) : generateValue(ctx, p.schema, rng, p.name));
    if (p.in === 'path') pathValues[p.name] = String(gen());
    else if (p.in === 'query' && (p.required || rng.chance(0.5))) query[p.name] = gen();
  }
  const contents = Object.entries(op.operation.requestBody?.content ?? {});
  const [contentType, media] = contents.length ? rng.pick(contents) : [undefined, undefined];
  let body: unknown = media ? generateValue(ctx, media.schema, rng, 'body') : undefined;
  if (contentType === 'application/x-ndjson' || contentType === 'text/csv') {
    const recordSchema = (contents.find(([ct]) => ct === 'application/json')?.[1].schema.items ?? {}) as Schema;
    body = Array.from({ length: rng.between(1, 3) }, () => generateValue(ctx, recordSchema, rng, 'record'));
  }
  let detail = '';
  let rawBody: Buffer | undefined;
  let contentLength: number | undefined;
  let ct = contentType;
  let auth: string | undefined = op.scheme ? ctx.tokens[op.scheme] : undefined;
  let rawQuery: string | undefined;
  const extraHeaders: [string, string][] = [];
  const pathMutate = (value: string) => {
    const names = Object.keys(pathValues);
    if (!names.length) return false;
    const n = rng.pick(names);
    pathValues[n] = value;
    detail = `path ${n}=${value.slice(0, 60)}`;
    return true;
  };
  // Where a mutation puts its value: a body leaf if there is a body, else a query parameter or a path parameter.
  const place = (value: unknown, raw: string) => {
    if (body !== undefined && rng.chance(0.7)) {
      const at = rng.pick(leaves(body));
      body = setAt(body, at, value);
      detail = `body ${at.join('.') || '(root)'}=${JSON.stringify(value)?.slice(0, 60)}`;
    } else if (!(Object.keys(pathValues).length && rng.chance(0.5) && pathMutate(raw))) {
      const names = params.filter((p) => p.in === 'query').map((p) => p.name);
      const n = names.length ? rng.pick(names) : 'x';
      query[n] = value;
      detail = `query ${n}=${JSON.stringify(value)?.slice(0, 60)}`;
    }
  };

  switch (mutation) {
    case 'valid':
      break;
    case 'no-auth':
      auth = undefined;
      detail = 'no Authorization';
      break;
    case 'wrong-token':
      auth = rng.pick([
        '',
        'x',
        'pmh_adm_' + 'a'.repeat(40),
        ctx.tokens.institutionToken ?? 'y',
        ctx.tokens.municipalToken ?? 'z',
        'a'.repeat(5000),
        'トークン',
        'tok\u0001en',
      ]);
      if (auth === ctx.tokens[op.scheme ?? '']) auth = 'not-a-token';
      detail = `Authorization: Bearer ${auth.slice(0, 30)}`;
      break;
    case 'wrong-type':
      place(rng.pick(WRONG_TYPES), rng.pick(['abc', '-1', '1.5', 'true', '[]', '{}']));
      break;
    case 'missing-required': {
      const all = body === undefined ? [] : leaves(body).filter((p) => p.length > 0);
      if (all.length) {
        const at = rng.pick(all).slice(0, rng.between(1, 3));
        body = deleteAt(body, at);
        detail = `body without ${at.join('.')}`;
      } else if (media) {
        body = undefined;
        rawBody = Buffer.alloc(0);
        detail = 'empty body';
      } else {
        for (const k of Object.keys(query)) delete query[k];
        detail = 'no query parameters';
      }
      break;
    }
    case 'huge-string': {
      const n = rng.pick([10_000, 100_000, 1_000_000]);
      const s = rng.pick(['a', '9', 'あ', '\u{20BB7}']).repeat(n);
      // In the URL, past Node's 16 KiB header limit the answer is a 431 (and a reset while the rest is being written).
      const inUrl = s.slice(0, rng.pick([500, 1500, 5000]));
      place(body !== undefined ? s : inUrl, inUrl);
      detail = `${detail.split('=')[0]}=<${n} × ${[...s][0]}>`;
      break;
    }
    case 'deep-nesting': {
      const depth = rng.pick([100, 1000, 10_000, 100_000]);
      const open = rng.chance(0.5) ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      const nested = open.repeat(depth) + '1' + close.repeat(depth);
      if (media) {
        const json = JSON.stringify(body ?? {});
        rawBody = Buffer.from(json.startsWith('{"') ? json.replace(/^\{"([^"]*)":/, `{"$1":${nested},"$1_":`) : nested);
        if (rng.chance(0.5)) rawBody = Buffer.from(nested);
      } else query[rng.pick([...params.filter((p) => p.in === 'query').map((p) => p.name), 'x'])] = '['.repeat(Math.min(depth, 5000));
      detail = `nesting depth ${depth} (${open})`;
      break;
    }
    case 'nasty-text':
      place(rng.pick(NASTY), rng.pick(NASTY_URL));
      break;
    case 'invalid-date': {
      const d = rng.pick(BAD_DATES);
      const dateParams = params.filter((p) => resolve(ctx.doc, p.schema).format?.toString().startsWith('date'));
      if (dateParams.length && rng.chance(0.7)) {
        const p = rng.pick(dateParams);
        query[p.name] = d;
        detail = `query ${p.name}=${d}`;
      } else {
        const dateLeaves = body === undefined ? [] : leaves(body).filter((p) => /date|valid|since|until|from|now|at$|On$/i.test(String(p.at(-1))));
        if (dateLeaves.length) {
          const at = rng.pick(dateLeaves);
          body = setAt(body, at, d);
          detail = `body ${at.join('.')}=${d}`;
        } else place(d, d);
      }
      break;
    }
    case 'path-traversal':
      if (
        !pathMutate(
          rng.pick(['..%2f..', '..%2F..%2Fsandbox%2Fv1%2Freset', '..', '.', '%2e%2e', '..%5c..', '....//', '%2f', 'a%2Fb', '%252e%252e%252f', '..%c0%af']),
        )
      )
        rawQuery = `?${rng.pick(['../../x', 'a=..%2f..', '%2e%2e=1'])}`;
      detail ||= `query ${rawQuery}`;
      break;
    case 'duplicate-keys': {
      const json = JSON.stringify(body ?? { a: 1 });
      rawBody = Buffer.from(
        json.startsWith('{"')
          ? json.replace(/^\{"([^"]*)":/, (_m, k) => `{"${k}":${JSON.stringify(rng.pick(WRONG_TYPES))},"${k}":`)
          : `{"a":1,"a":2,"__proto__":{"x":1},"constructor":{"prototype":{"y":1}}}`,
      );
      ct ??= 'application/json';
      detail = `duplicate keys: ${rawBody.toString().slice(0, 60)}`;
      if (rng.chance(0.3)) rawQuery = `${encodeQuery(query) || '?'}&limit=1&limit=2&cursor=a&cursor=b`;
      break;
    }
    case 'wrong-content-type':
      ct = rng.pick([
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'application/json-patch+json',
        'application/octet-stream',
        '',
        'application/json, text/csv',
        ';;;',
        'application/x-ndjson',
        'text/csv',
        'application/jsonx',
      ]);
      rawBody = Buffer.from(contentType === 'application/json' || !contentType ? JSON.stringify(body ?? { a: 1 }) : 'a,b\n1,2\n');
      detail = `Content-Type: ${ct}`;
      break;
    case 'truncated-body': {
      const full = Buffer.from(JSON.stringify(body ?? { a: 1 }));
      const cut = rng.between(0, Math.max(0, full.length - 1));
      rawBody = full.subarray(0, cut);
      contentLength = rng.chance(0.5) ? full.length : undefined;
      ct ??= 'application/json';
      detail = `body cut at ${cut}/${full.length}${contentLength ? ' (Content-Length of the whole, then half-close)' : ''}`;
      break;
    }
    case 'wrong-charset': {
      const charset = rng.pick(['latin1', 'utf-16', 'utf-16le', 'shift_jis', 'iso-8859-1', 'UTF-8', '"utf-8"', 'utf8mb4', 'x'.repeat(500)]);
      const json = JSON.stringify(body ?? { name: 'テスト' });
      rawBody = charset.startsWith('utf-16')
        ? Buffer.from(json, 'utf16le')
        : Buffer.from(json, charset.includes('latin1') || charset.includes('8859') ? 'latin1' : 'utf8');
      ct = `${contentType ?? 'application/json'}; charset=${charset}`;
      detail = `charset=${charset.slice(0, 30)}`;
      break;
    }
    case 'raw-bytes': {
      rawBody = Buffer.from(Array.from({ length: rng.between(1, 2000) }, () => rng.int(256)));
      if (rng.chance(0.3)) rawBody = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80, 0xff, 0xfe]), Buffer.from('"}')]);
      ct ??= rng.pick(['application/json', 'application/x-ndjson', 'text/csv']);
      detail = `${rawBody.length} raw bytes as ${ct}`;
      break;
    }
    case 'query-junk':
      rawQuery = rng.pick([
        `${encodeQuery(query) || '?'}&${rng.pick(['limit=0', 'limit=-1', 'limit=1e3', 'limit=99999999999999999999', 'limit=NaN', 'limit=0x10', 'cursor=%FF%FE', 'cursor=' + 'A'.repeat(5000), 'wait=1e9', 'wait=-0', 'unknown=1', '__proto__[x]=1', 'constructor[prototype][x]=1', 'a[b][c][d]=1', '=', '&&&', '%'])}`,
        `?${'a=1&'.repeat(2000)}`,
        `?${encodeURIComponent('\ud83d\ude00')}=${'%ED%A0%80'}`,
      ]);
      detail = `query ${rawQuery.slice(0, 80)}`;
      break;
    case 'bad-headers': {
      const options: (() => void)[] = [
        () => ((auth = undefined), extraHeaders.push(['Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`])),
        () => extraHeaders.push(['Authorization', `Bearer ${auth ?? 'x'}`]),
        () => extraHeaders.push(['Authorization', 'Bearer']),
        () => extraHeaders.push(['Transfer-Encoding', 'chunked']),
        () => extraHeaders.push(['Content-Length', '5']),
        () => extraHeaders.push(['Expect', rng.pick(['200-ok', '100-continue'])]),
        () => extraHeaders.push(['X-Fuzz', 'a'.repeat(rng.pick([1000, 20_000]))]),
        () => extraHeaders.push(['X-Fuzz', Buffer.from([0xff, 0xfe, 0x80]).toString('latin1')]),
        () => extraHeaders.push(['Accept', rng.pick(['application/problem+json;q=0', 'text/html', ';;', '*/*;q=abc'])]),
        () => (ct = `${ct ?? 'application/json'}; charset=utf-8; charset=latin1`),
        () => (ct = rng.pick(['application/json;', 'application/json; boundary=x', 'APPLICATION/JSON', 'application/json ; charset="utf-8"'])),
        () =>
          extraHeaders.push([
            'Prefer',
            rng.pick(['sandbox-fault=500', 'sandbox-fault=503; sandbox-problem=x_y', 'sandbox-fault=abc', 'sandbox-problem=NOPE!', 'sandbox-fault=99999']),
          ]),
        () => extraHeaders.push(['Idempotency-Key', rng.pick(['', 'k'.repeat(5000), 'ключ', '\u0000'])]),
        () => extraHeaders.push(['Host', 'evil.example']),
      ];
      const n = rng.int(options.length);
      options[n]!();
      detail = `headers: ${JSON.stringify(extraHeaders).slice(0, 80)}${ct ? ` Content-Type ${ct}` : ''} (#${n})`;
      break;
    }
  }

  let target = op.path.replace(/\{([^}]+)\}/g, (_m, n: string) => {
    const v = pathValues[n] ?? '';
    return mutation === 'path-traversal' || /%[0-9a-f]{2}|\.\./i.test(v) ? v : percentEncode(v);
  });
  target += rawQuery ?? encodeQuery(query);

  if (rawBody === undefined && body !== undefined) {
    rawBody = Buffer.from(
      contentType === 'application/x-ndjson'
        ? (body as unknown[]).map((r) => JSON.stringify(r)).join('\n') + '\n'
        : contentType === 'text/csv'
          ? csvOf(body as unknown[])
          : JSON.stringify(body),
    );
  }
  const headers: [string, string][] = [
    ['Accept', rng.chance(0.9) ? 'application/json, application/problem+json' : rng.pick(['text/csv', 'application/x-ndjson', '*/*', 'image/png'])],
  ];
  if (auth !== undefined) headers.push(['Authorization', `Bearer ${auth}`]);
  if (ct && rawBody !== undefined) headers.push(['Content-Type', ct]);
  headers.push(...extraHeaders);
  return { mutation, detail: detail || 'as generated', request: { method: op.method, target, headers, body: rawBody, contentLength } };
}
