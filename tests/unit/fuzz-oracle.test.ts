import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateRequest, listOperations, MUTATIONS, type FuzzContext, type GeneratedRequest } from '../helpers/fuzz/generate.js';
import { parseResponse, type RawResponse } from '../helpers/fuzz/http.js';
import { judge } from '../helpers/fuzz/oracle.js';
import { mulberry32, requestRng } from '../helpers/fuzz/prng.js';

const answer = (status: number, contentType: string, body: unknown, ms = 5): RawResponse => ({
  status,
  headers: { 'content-type': contentType },
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  ms,
});
const problem = (status: number, extra: Record<string, unknown> = {}) =>
  answer(status, 'application/problem+json; charset=utf-8', { status, code: 'x', title: 't', ...extra });

describe('the fuzz oracle', () => {
  it('passes 2xx, and 4xx problems with a string code', () => {
    expect(judge(answer(200, 'application/json', { ok: 1 }))).toBeNull();
    expect(judge(problem(404))).toBeNull();
  });
  it('flags a 4xx that is plain JSON, not JSON at all, or without a string code', () => {
    expect(judge(answer(400, 'application/json', { code: 'x' }))).toMatch(/Content-Type application\/json/);
    expect(judge(answer(400, 'application/problem+json', '<html>'))).toMatch(/not a JSON object/);
    expect(judge(answer(400, 'application/problem+json', { code: 7 }))).toMatch(/string code/);
    expect(judge({ status: 400, headers: {}, body: Buffer.alloc(0), ms: 1 })).toMatch(/\(none\)/);
  });
  it('flags a 500 and a 503 unless the sandbox injected it', () => {
    expect(judge(problem(500))).toBe('500 x');
    expect(judge(answer(502, 'text/plain', 'bad gateway'))).toBe('502');
    expect(judge(problem(503, { injected: { by: 'fault' } }))).toBeNull();
    expect(judge(problem(503, { injected: 'fault' }))).toBe('503 x');
  });
  it('flags slow answers and no answer; a closed connection only where the client stopped sending', () => {
    expect(judge(problem(404, {}), {})).toBeNull();
    expect(judge({ ...problem(404), ms: 10_001 })).toMatch(/over 10000 ms/);
    const closed: RawResponse = { status: 0, headers: {}, body: Buffer.alloc(0), ms: 3, error: 'closed' };
    expect(judge(closed)).toMatch(/without an answer/);
    expect(judge(closed, { mayClose: true })).toBeNull();
    expect(judge({ ...closed, error: 'timeout', ms: 12_000 }, { mayClose: true })).toMatch(/no answer/);
    expect(judge({ ...answer(200, 'application/json', '{"a'), incomplete: true })).toMatch(/cut short/);
  });
  it('reads chunked and 204 answers', () => {
    expect(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'))).toMatchObject({
      status: 200,
      complete: true,
      body: Buffer.from('abcde'),
    });
    expect(parseResponse(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'))).toMatchObject({ status: 204, complete: true });
    expect(parseResponse(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}'))).toMatchObject({
      status: 201,
      complete: true,
    });
    expect(parseResponse(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'))).toBeNull();
    expect(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab'))).toMatchObject({ complete: false });
  });
});

const fingerprint = ({ detail, request: r }: GeneratedRequest) =>
  createHash('sha256')
    .update(JSON.stringify([detail, r.method, r.target, r.headers, r.contentLength]))
    .update(r.body ?? Buffer.alloc(0))
    .digest('hex');

describe('the fuzz generator', () => {
  const doc = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'));
  const ctx: FuzzContext = { doc, tokens: { adminToken: 'adm', municipalToken: 'mun', institutionToken: 'ins' }, known: {}, overrides: {} };
  const ops = listOperations(doc);

  it('the PRNG is seeded: same seed, same numbers; request streams differ by index', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(requestRng(1, 0).next()).not.toBe(requestRng(1, 1).next());
  });

  it('builds every mutation of every operation, the same for the same seed and index', () => {
    expect(ops.length).toBeGreaterThan(30);
    for (const op of ops) {
      for (const [i, m] of MUTATIONS.entries()) {
        const one = fingerprint(generateRequest(ctx, op, requestRng(7, i), m));
        expect(fingerprint(generateRequest(ctx, op, requestRng(7, i), m))).toBe(one);
      }
    }
  });

  it('valid requests follow the schema: required fields, enums, dates, patterns, the scheme’s token', () => {
    const card = ops.find((o) => o.method === 'POST' && o.path === '/sandbox/v1/cards')!;
    const insurer = ops.find((o) => o.method === 'GET' && o.path === '/catalogue/v1/insurer-numbers/{number}')!;
    const recipients = ops.find((o) => o.method === 'GET' && o.path === '/municipal/v1/recipients')!;
    for (let i = 0; i < 50; i++) {
      const r = generateRequest(ctx, card, requestRng(3, i), 'valid');
      const body = JSON.parse(r.request.body!.toString());
      // One of the two ways of naming the card holder (CreateCardByMyNumber | CreateCardByRegistration).
      if ('myNumber' in body) expect(body.myNumber).toMatch(/^[0-9]{12}$/);
      else expect(body).toMatchObject({ municipality: expect.stringMatching(/^[0-9]{6}$/), orgSpecificCertificateTypeId: expect.any(String) });
      expect('myNumber' in body && 'municipality' in body).toBe(false);
      if (body.sex !== undefined) expect(['1', '2', '3']).toContain(body.sex);
      if (body.dateOfBirth !== undefined) expect(Number.isNaN(Date.parse(body.dateOfBirth))).toBe(false);
      expect(r.request.headers).toContainEqual(['Authorization', 'Bearer adm']);
      expect(generateRequest(ctx, insurer, requestRng(3, i), 'valid').request.target).toMatch(/^\/catalogue\/v1\/insurer-numbers\/[0-9]{8}$/);
      const q = new URL(generateRequest(ctx, recipients, requestRng(3, i), 'valid').request.target, 'http://x').searchParams.get('validOn');
      if (q !== null) expect(q).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
