import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loggerOptions } from '../../src/logger.js';
import { findInvalidText } from '../../src/http/guards.js';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { municipality } from '../helpers/municipal.js';

/** One raw HTTP exchange on a fresh socket: what came back, and whether the server closed the socket afterwards. */
function rawExchange(port: number, request: string | Buffer, opts: { extra?: Buffer; waitCloseMs?: number } = {}) {
  return new Promise<{ head: string; body: string; closed: boolean }>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    socket.on('data', (d) => {
      data += d.toString();
    });
    socket.on('close', () => {
      closed = true;
    });
    socket.on('error', () => {
      closed = true;
    });
    socket.once('connect', () => {
      socket.write(request);
      if (opts.extra) socket.write(opts.extra);
    });
    const finish = () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      socket.destroy();
      resolve({ head, body, closed });
    };
    setTimeout(finish, opts.waitCloseMs ?? 1500);
    socket.once('error', (err) => (data ? undefined : reject(err)));
  });
}

describe('request guards every route inherits', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => t.close());

  it('routing errors are problems: a malformed percent-encoding (400) and an over-long path parameter (414)', async () => {
    const bad = await t.app.inject({ method: 'GET', url: '/catalogue/v1/programs/%zz' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().code).toBe('bad_url');
    const long = await t.app.inject({ method: 'GET', url: `/catalogue/v1/programs/${'a'.repeat(120)}` });
    expect(long.statusCode).toBe(414);
    expect(long.headers['content-type']).toContain('application/problem+json');
    expect(long.json().code).toBe('path_parameter_too_long');
  });

  it('a request without Host and one with an unsupported Expect get problems, not empty answers', async () => {
    const noHost = await rawExchange(port, 'GET /live HTTP/1.1\r\n\r\n');
    expect(noHost.head).toMatch(/^HTTP\/1.1 400/);
    expect(noHost.head.toLowerCase()).toContain('application/problem+json');
    expect(JSON.parse(noHost.body).code).toBe('missing_host');
    const expectation = await rawExchange(port, 'GET /live HTTP/1.1\r\nHost: x\r\nExpect: banana\r\n\r\n');
    expect(expectation.head).toMatch(/^HTTP\/1.1 417/);
    expect(JSON.parse(expectation.body).code).toBe('expectation_failed');
  });

  it('NUL and unpaired surrogates are refused as invalid text with the field, in query, path and body alike', async () => {
    const q = await t.app.inject({ method: 'GET', url: '/catalogue/v1/municipalities?q=%00' });
    expect(q.statusCode).toBe(400);
    expect(q.json().errors).toEqual([expect.objectContaining({ field: 'q', code: 'invalid_text' })]);
    const m = await municipality(t.app, '131016');
    const rn = await m.get('/municipal/v1/recipients?recipientNumber=%00');
    expect(rn.statusCode).toBe(400);
    expect(rn.json().errors[0]).toMatchObject({ field: 'recipientNumber', code: 'invalid_text' });
    for (const payload of ['{"name":"病院\\u0000"}', '{"name":"\\ud800"}']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/sandbox/v1/medical-institutions',
        headers: { ...adminHeaders, 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ field: 'name', code: 'invalid_text' });
    }
    const fault = await t.app.inject({
      method: 'POST',
      url: '/sandbox/v1/faults',
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      payload: '{"match":{"actor":"a\\u0000"},"status":503}',
    });
    expect(fault.statusCode).toBe(400);
    expect(fault.json().errors[0]).toMatchObject({ field: 'match.actor', code: 'invalid_text' });
  });

  it('findInvalidText finds text in nested arrays and keys and passes good text (pairs included)', () => {
    expect(findInvalidText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toBe('a.1.c');
    expect(findInvalidText({ ['k\uDC00']: 1 })).toBe('k?');
    expect(findInvalidText({ a: '𠮷野家', b: ['‮', '１２３'] })).toBeNull();
  });

  it('a body of a type a JSON route does not read is refused with 415 naming application/json', async () => {
    for (const contentType of ['text/xml', 'text/plain', 'application/x-www-form-urlencoded']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/sandbox/v1/medical-institutions',
        headers: { ...adminHeaders, 'content-type': contentType },
        payload: 'name=x',
      });
      expect([res.statusCode, res.json().code], contentType).toEqual([415, 'unsupported_media_type']);
      expect(res.json().detail).toBe(`Content-Type ${contentType} is not read here; send application/json`);
      expect(res.headers.accept).toBe('application/json');
      expect(res.headers['accept-post']).toBe('application/json');
    }
    const put = await t.app.inject({
      method: 'PUT',
      url: '/sandbox/v1/clock',
      headers: { ...adminHeaders, 'content-type': 'text/xml' },
      payload: '<now/>',
    });
    expect([put.statusCode, put.headers.accept, put.headers['accept-post']]).toEqual([415, 'application/json', undefined]);
  });

  it('a body declared in a character set other than UTF-8 is refused with 415', async () => {
    for (const charset of ['latin1', 'utf-16']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/sandbox/v1/medical-institutions',
        headers: { ...adminHeaders, 'content-type': `application/json; charset=${charset}` },
        payload: '{"name":"x"}',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().code).toBe('unsupported_charset');
    }
    const ok = await t.app.inject({ method: 'GET', url: '/catalogue/v1/prefectures', headers: { 'content-type': 'application/json; charset=UTF-8' } });
    expect(ok.statusCode).toBe(200);
  });

  it('two Authorization headers are refused rather than the first silently used', async () => {
    const token = adminHeaders.authorization;
    const res = await rawExchange(port, `GET /sandbox/v1/clock HTTP/1.1\r\nHost: x\r\nAuthorization: ${token}\r\nAuthorization: Bearer other\r\n\r\n`);
    expect(res.head).toMatch(/^HTTP\/1.1 400/);
    expect(JSON.parse(res.body).code).toBe('duplicate_authorization');
    const one = await rawExchange(port, `GET /sandbox/v1/clock HTTP/1.1\r\nHost: x\r\nAuthorization: ${token}\r\nConnection: close\r\n\r\n`);
    expect(one.head).toMatch(/^HTTP\/1.1 200/);
  });

  it('a keep-alive connection refused before its body was read is closed, not left hanging', async () => {
    const m = await municipality(t.app, '131024');
    const body = Buffer.alloc(2 * 1024 * 1024, 'x,y,z\n');
    const head =
      `POST /municipal/v1/registration-tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${m.token}\r\n` +
      `Content-Type: text/csv\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
    // Only the first 64 kB are sent: the refusal comes at the header row, the rest never arrives.
    const res = await rawExchange(port, head, { extra: body.subarray(0, 64 * 1024), waitCloseMs: 3000 });
    expect(res.head).toMatch(/^HTTP\/1.1 400/);
    expect(res.head.toLowerCase()).toContain('connection: close');
    expect(res.closed).toBe(true);
  });
});

describe('a DATABASE_URL that cannot be used', () => {
  it('stops the start with one line naming the variable and the reason, never the password', async () => {
    const run = (url: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
          env: { ...process.env, DATABASE_URL: url, PORT: '0', LOG_LEVEL: 'error' },
        });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const closed = await run('postgresql://someone:s3cretPassw0rd@127.0.0.1:1/pmh');
    expect(closed.code).toBe(1);
    expect(closed.out.trim().split('\n')).toHaveLength(1);
    expect(closed.out).toMatch(/^DATABASE_URL: cannot connect to database "pmh" on 127\.0\.0\.1:1 as user "someone": nothing accepts connections/);
    expect(closed.out).not.toContain('s3cretPassw0rd');
  });
});

describe('cursors', () => {
  it('a cursor this API did not issue is 400 invalid_cursor, not the first page', async () => {
    const t = await createTestApp();
    try {
      for (const cursor of ['', '%00', '%5B%5D', 'not*base64']) {
        const res = await t.app.inject({ method: 'GET', url: `/catalogue/v1/municipalities?cursor=${cursor}` });
        expect(res.statusCode, cursor).toBe(400);
        expect(res.json().code).toMatch(/invalid_cursor|validation_failed/);
      }
      const first = await t.app.inject({ method: 'GET', url: '/catalogue/v1/municipalities?limit=2' });
      const next = await t.app.inject({ method: 'GET', url: `/catalogue/v1/municipalities?limit=2&cursor=${first.json().nextCursor}` });
      expect(next.statusCode).toBe(200);
      expect(next.json().items[0].code).not.toBe(first.json().items[0].code);
    } finally {
      await t.close();
    }
  });
});

describe('a client that goes away mid-request', () => {
  it('is logged at info as request_aborted, never at error level (a JSON body and a streamed upload)', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = { write: (s: string) => void lines.push(JSON.parse(s)) };
    const logged = await createTestApp({}, { logger: pino(loggerOptions('info'), stream) });
    try {
      const tokyo = await municipality(logged.app, '130001');
      await logged.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = logged.app.server.address() as net.AddressInfo;
      const abortAfter = async (head: string, partial: string) => {
        const socket = net.connect(port, '127.0.0.1');
        await new Promise((r) => socket.once('connect', r));
        socket.write(`${head}\r\n\r\n${partial}`);
        await new Promise((r) => setTimeout(r, 300));
        socket.destroy();
      };
      await abortAfter(
        `POST /sandbox/v1/cards HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${adminHeaders.authorization}\r\nContent-Type: application/json\r\nContent-Length: 5000`,
        '{"myNumber":"12',
      );
      await abortAfter(
        `POST /municipal/v1/registration-tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${tokyo.headers.authorization}\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked`,
        '10\r\n{"orgSpecificCer\r\n',
      );
      const aborted = () => lines.filter((l) => l.msg === 'client aborted the request');
      const deadline = Date.now() + 5000;
      while (aborted().length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      expect(aborted().length).toBeGreaterThanOrEqual(1);
      for (const l of aborted()) expect(l).toMatchObject({ level: 30 });
      expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    } finally {
      await logged.close();
    }
  });
});
