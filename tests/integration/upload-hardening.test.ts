import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { institution } from '../helpers/clinic.js';
import { municipality } from '../helpers/municipal.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A chunked NDJSON upload over real HTTP that sends `first` and then, unless `end`, nothing more. */
function upload(base: string, token: string, first: string, end = false) {
  const url = new URL('/municipal/v1/registration-tasks', base);
  const req = http.request(url, {
    method: 'POST',
    agent: false,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  answer.catch(() => undefined);
  req.write(first);
  if (end) req.end();
  return { answer, release: () => req.destroy() };
}

async function listen(t: TestApp) {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

const taskCount = async (t: TestApp) => Number((await t.pool.query('SELECT count(*)::int AS n FROM registration_task')).rows[0].n);

describe('stalled uploads do not block other tenants', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    // The test app's shared pool has 4 connections; 6 stalled uploads are more than it.
    t = await createTestApp({ UPLOAD_MAX_IN_FLIGHT: '10', UPLOAD_MAX_IN_FLIGHT_PER_MUNICIPALITY: '10', UPLOAD_IDLE_TIMEOUT_MS: '600000' });
    base = await listen(t);
  });
  afterAll(() => t.close());

  it('a clinic check with a fresh token and another municipality’s upload answer while 6 uploads stall', async () => {
    const tokyo = await municipality(t.app, '130001');
    const osaka = await municipality(t.app, '270008');
    const stalled = Array.from({ length: 6 }, () => upload(base, tokyo.token, '{"orgSpecificCert'));
    try {
      await new Promise((r) => setTimeout(r, 500)); // let them reach the handler
      const never = Promise.all(stalled.map((s) => s.answer)).then(() => 'stalled answered' as const);
      const clinic = await institution(t.app);
      const check = fetch(`${base}/clinic/v1/eligibility-checks`, {
        method: 'POST',
        headers: { ...clinic.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ certificateSerialNumber: 'A'.repeat(16), consent: { medicalSubsidy: true } }),
      }).then((r) => r.status);
      const first = await Promise.race([check, never]);
      expect(first).not.toBe('stalled answered');
      expect(first).not.toBe(401);
      expect(first).toBeLessThan(500);
      const other = upload(base, osaka.token, '{}\n', true).answer;
      const otherAnswer = await Promise.race([other, never]);
      expect(otherAnswer).not.toBe('stalled answered');
      expect((otherAnswer as Answer).status).toBe(202);
    } finally {
      for (const s of stalled) s.release();
    }
  });
});

describe('idle timeout and in-flight limits', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ UPLOAD_MAX_IN_FLIGHT: '3', UPLOAD_MAX_IN_FLIGHT_PER_MUNICIPALITY: '2', UPLOAD_IDLE_TIMEOUT_MS: '400' });
    base = await listen(t);
  });
  afterAll(() => t.close());

  it('an upload that sends nothing more is answered 408 upload_idle_timeout, the connection closed, nothing stored', async () => {
    const tokyo = await municipality(t.app, '130001');
    const res = await upload(base, tokyo.token, '{}\n{"orgSpec').answer;
    expect(res.status).toBe(408);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.parse(res.body).code).toBe('upload_idle_timeout');
    expect(res.headers.connection).toBe('close');
    expect(await taskCount(t)).toBe(0);
  });

  it('beyond the per-municipality limit 429 too_many_uploads, beyond the total 503 uploads_busy, with Retry-After', async () => {
    // Long idle timeout for this one: the held uploads must stay in flight.
    await t.close();
    t = await createTestApp({ UPLOAD_MAX_IN_FLIGHT: '3', UPLOAD_MAX_IN_FLIGHT_PER_MUNICIPALITY: '2', UPLOAD_IDLE_TIMEOUT_MS: '600000' });
    base = await listen(t);
    const tokyo = await municipality(t.app, '130001');
    const osaka = await municipality(t.app, '270008');
    const held = [upload(base, tokyo.token, '{'), upload(base, tokyo.token, '{'), upload(base, osaka.token, '{')];
    try {
      await new Promise((r) => setTimeout(r, 500)); // let them reach the handler
      const more = await upload(base, tokyo.token, '{}\n', true).answer;
      expect(more.status).toBe(429);
      expect(JSON.parse(more.body).code).toBe('too_many_uploads');
      expect(Number(more.headers['retry-after'])).toBeGreaterThan(0);
      const busy = await upload(base, osaka.token, '{}\n', true).answer;
      expect(busy.status).toBe(503);
      expect(JSON.parse(busy.body).code).toBe('uploads_busy');
      expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      for (const h of held) h.release();
    }
  });
});

describe('a refusal sent before the body was read', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    const base = await listen(t);
    port = Number(new URL(base).port);
  });
  afterAll(() => t.close());

  it('reaches a client that goes on sending its body after it: the connection lingers, the writes are not reset', async () => {
    // Unauthenticated: refused 401 from the headers. The client sends 1 MiB first and then goes on writing after the
    // answer has come, as a client that reads its answer only once its upload is written. A close without lingering
    // resets the connection under those writes (EPIPE/ECONNRESET) and the answer can be lost.
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const total = 40 * chunk.length;
    let received = '';
    let writeError: string | undefined;
    const answered = new Promise<void>((resolve) =>
      socket.on('data', (c: Buffer) => ((received += c.toString('latin1')), received.includes('\r\n\r\n') && resolve())),
    );
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', (e: NodeJS.ErrnoException) => (writeError = e.code ?? e.message));
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    const head = `POST /municipal/v1/registration-tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: ${total}\r\n\r\n`;
    socket.write(head);
    for (let i = 0; i < 16; i++) socket.write(chunk);
    await answered;
    for (let i = 16; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 5));
      await new Promise<void>((resolve) => socket.write(chunk, () => resolve()));
    }
    socket.end();
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 401 /);
    expect(received.toLowerCase()).toContain('connection: close');
    expect(received).toContain('application/problem+json');
    expect(writeError).toBeUndefined();
  });
});
