import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/domain/webhook-signature.js';
import { adminHeaders, createTestApp, type TestApp } from '../helpers/app.js';
import { expectMatchesOpenApi } from '../helpers/contract.js';
import { municipality, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A webhook receiver on loopback; `status(n)` answers the n-th request (1-based). */
async function receiver(status: (n: number) => number = () => 200) {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(status(requests.length), { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const EP = '/municipal/v1/webhook-endpoints';
type Muni = Awaited<ReturnType<typeof municipality>>;

let t: TestApp;
let tokyo: Muni;
let chiyoda: Muni;
let hachioji: Muni;
let osaka: Muni;
const receivers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  t = await createTestApp({ WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_RETRY_BASE_SECONDS: '0.2', WEBHOOK_TIMEOUT_MS: '2000' });
  tokyo = await municipality(t.app, '130001');
  chiyoda = await municipality(t.app, '131016');
  hachioji = await municipality(t.app, '132012');
  osaka = await municipality(t.app, '270008');
  expect((await tokyo.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await t.close();
});

const post = (m: Muni, url: string, payload: unknown) => t.app.inject({ method: 'POST', url, headers: m.headers, payload: payload as object });
const del = (m: Muni, url: string) => t.app.inject({ method: 'DELETE', url, headers: m.headers });

async function createEndpoint(m: Muni, url: string) {
  const res = await post(m, EP, { url, description: 'test receiver' });
  expect(res.statusCode, res.body).toBe(201);
  expectMatchesOpenApi(res, 'POST', EP);
  return res.json() as { id: string; url: string; secret: string };
}

async function deliveries(m: Muni, endpointId: string) {
  const res = await m.get(`${EP}/${endpointId}/deliveries`);
  expect(res.statusCode, res.body).toBe(200);
  expectMatchesOpenApi(res, 'GET', `${EP}/{endpointId}/deliveries`);
  return res.json().items as {
    id: string;
    eventId: string;
    taskId: string;
    status: string;
    attempts: number;
    lastStatusCode: number | null;
    lastError: string | null;
    nextAttemptAt: string | null;
    deliveredAt: string | null;
  }[];
}

/** An upload whose only record names an undefined type: the task still finishes (completed_with_errors). */
const rejectedOnly = (m: Muni) => m.upload([nanbyoRecord(1, { orgSpecificCertificateTypeId: 'UNDEFINED' })], { query: 'wait=10' });

describe('registration_task.finished webhooks', () => {
  let endpoint: { id: string; secret: string };
  let taskId: string;
  let firstDelivery: { id: string; eventId: string };
  const okReceiver = { current: undefined as Awaited<ReturnType<typeof receiver>> | undefined };

  it('POSTs a signed event with the finished task to a loopback receiver', async () => {
    const r = await receiver();
    receivers.push(r);
    okReceiver.current = r;
    endpoint = await createEndpoint(tokyo, r.url);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const upload = await tokyo.upload([nanbyoRecord(1), nanbyoRecord(2)], { query: 'wait=10' });
    expect(upload.statusCode).toBe(200);
    taskId = upload.json().id;

    await until('the event', async () => r.requests.length >= 1);
    const [req] = r.requests;
    expect(req!.headers['content-type']).toBe('application/json');
    const signature = req!.headers['pmh-sandbox-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(endpoint.secret, req!.body, signature, { nowSeconds: Math.floor(Date.now() / 1000) })).toMatchObject({ ok: true });
    expect(verifyWebhook(endpoint.secret, `${req!.body} `, signature, { nowSeconds: Math.floor(Date.now() / 1000) }).ok).toBe(false);

    const event = JSON.parse(req!.body);
    const task = (await tokyo.get(`/municipal/v1/registration-tasks/${taskId}`)).json();
    expect(event).toEqual({ id: expect.any(String), type: 'registration_task.finished', createdAt: task.finishedAt, data: { task } });
    expect(task).toMatchObject({ status: 'succeeded', counts: { created: 2 } });
    expect(req!.headers['pmh-sandbox-event-id']).toBe(event.id);
    expect(req!.headers['pmh-sandbox-attempt']).toBe('1');

    const [d] = await until('the delivery recorded', async () => {
      const items = await deliveries(tokyo, endpoint.id);
      return items[0]?.status === 'succeeded' && items;
    });
    expect(d).toMatchObject({
      eventId: event.id,
      eventType: 'registration_task.finished',
      taskId,
      status: 'succeeded',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(d!.deliveredAt).not.toBeNull();
    expect(req!.headers['pmh-sandbox-delivery-id']).toBe(d!.id);
    firstDelivery = d!;
  });

  it('never returns the secret again', async () => {
    const list = await tokyo.get(EP);
    expect(list.statusCode).toBe(200);
    expectMatchesOpenApi(list, 'GET', EP);
    expect(list.json().items).toEqual([{ id: endpoint.id, url: okReceiver.current!.url, description: 'test receiver', createdAt: expect.any(String) }]);
    const one = await tokyo.get(`${EP}/${endpoint.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).not.toHaveProperty('secret');
    expect(one.body).not.toContain(endpoint.secret);
  });

  it('redelivers an event: a new delivery with the same event id', async () => {
    const res = await post(tokyo, `${EP}/${endpoint.id}/deliveries/${firstDelivery.id}/redeliver`, undefined);
    expect(res.statusCode, res.body).toBe(202);
    expectMatchesOpenApi(res, 'POST', `${EP}/{endpointId}/deliveries/{deliveryId}/redeliver`);
    const redelivery = res.json();
    expect(redelivery).toMatchObject({ eventId: firstDelivery.eventId, status: 'pending', attempts: 0 });
    expect(redelivery.id).not.toBe(firstDelivery.id);
    const r = okReceiver.current!;
    await until('the second request', async () => r.requests.length >= 2);
    expect(r.requests[1]!.body).toBe(r.requests[0]!.body);
    expect(r.requests[1]!.headers['pmh-sandbox-event-id']).toBe(firstDelivery.eventId);
    expect(r.requests[1]!.headers['pmh-sandbox-delivery-id']).toBe(redelivery.id);
    const d = await until('the redelivery recorded', async () => {
      const got = (await tokyo.get(`${EP}/${endpoint.id}/deliveries/${redelivery.id}`)).json() as { status: string; attempts: number };
      return got.status === 'succeeded' && got;
    });
    expect(d.attempts).toBe(1);
    const page = await tokyo.get(`${EP}/${endpoint.id}/deliveries?limit=1`);
    expect(page.json().items.map((i: { id: string }) => i.id)).toEqual([redelivery.id]);
    const next = await tokyo.get(`${EP}/${endpoint.id}/deliveries?limit=1&cursor=${page.json().nextCursor}`);
    expect(next.json()).toMatchObject({ items: [{ id: firstDelivery.id }], nextCursor: null });
    expect((await tokyo.get(`${EP}/${endpoint.id}/deliveries?cursor=bm9wZQ`)).json().code).toBe('invalid_cursor');
  });

  it('retries with backoff: 500, 500, then 200 gives one delivery with 3 attempts, succeeded', async () => {
    const r = await receiver((n) => (n <= 2 ? 500 : 200));
    receivers.push(r);
    const ep = await createEndpoint(chiyoda, r.url);
    expect((await rejectedOnly(chiyoda)).json().status).toBe('completed_with_errors');
    const [d] = await until('the third attempt to succeed', async () => {
      const items = await deliveries(chiyoda, ep.id);
      return items[0]?.status === 'succeeded' && items;
    });
    expect(d).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(r.requests).toHaveLength(3);
    expect(r.requests.map((q) => q.headers['pmh-sandbox-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(r.requests.map((q) => q.headers['pmh-sandbox-event-id'])).size).toBe(1);
    expect(new Set(r.requests.map((q) => q.body)).size).toBe(1);
    // Backoff: at least 0.2 s, then 0.4 s (WEBHOOK_RETRY_BASE_SECONDS = 0.2, doubling).
    expect(r.requests[1]!.at - r.requests[0]!.at).toBeGreaterThanOrEqual(200);
    expect(r.requests[2]!.at - r.requests[1]!.at).toBeGreaterThanOrEqual(400);
    // Each retry is signed anew, and every signature verifies.
    for (const q of r.requests)
      expect(verifyWebhook(ep.secret, q.body, q.headers['pmh-sandbox-signature'] as string, { nowSeconds: Math.floor(Date.now() / 1000) }).ok).toBe(true);
  });

  it('marks a delivery failed after WEBHOOK_MAX_ATTEMPTS, for error statuses and for refused connections', async () => {
    const failing = await receiver(() => 503);
    receivers.push(failing);
    const closed = await receiver();
    const closedUrl = closed.url;
    await closed.close();
    // Answers after WEBHOOK_TIMEOUT_MS (2 s): each attempt times out.
    const slow = http.createServer((_req, res) => setTimeout(() => res.end('late'), 2500).unref());
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    receivers.push({ close: () => new Promise<void>((resolve) => slow.close(() => resolve())) });
    const epFailing = await createEndpoint(hachioji, failing.url);
    const epClosed = await createEndpoint(hachioji, closedUrl);
    const epSlow = await createEndpoint(hachioji, `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hooks`);
    await rejectedOnly(hachioji);

    const pendingAfterFirst = await until('a retry to be scheduled', async () => {
      const [d] = await deliveries(hachioji, epFailing.id);
      return d && d.status === 'pending' && d.attempts >= 1 && d;
    });
    expect(pendingAfterFirst.lastStatusCode).toBe(503);
    expect(pendingAfterFirst.lastError).toBe('http_status');
    expect(pendingAfterFirst.nextAttemptAt).not.toBeNull();

    const [failed] = await until('failed', async () => {
      const items = await deliveries(hachioji, epFailing.id);
      return items[0]?.status === 'failed' && items;
    });
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 503, lastError: 'http_status', nextAttemptAt: null, deliveredAt: null });
    expect(failing.requests).toHaveLength(3);

    const [refused] = await until('failed (refused)', async () => {
      const items = await deliveries(hachioji, epClosed.id);
      return items[0]?.status === 'failed' && items;
    });
    expect(refused).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: null, lastError: 'connection_refused' });
    const [timedOut] = await until('failed (timeout)', async () => {
      const items = await deliveries(hachioji, epSlow.id);
      return items[0]?.status === 'failed' && items;
    });
    expect(timedOut).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: null, lastError: 'timeout' });
    // No more attempts after the last one.
    await new Promise((r) => setTimeout(r, 1500));
    expect(failing.requests).toHaveLength(3);
  });

  it('keeps endpoints to their municipality: another one gets 404 and sees none', async () => {
    expect((await osaka.get(EP)).json().items).toEqual([]);
    for (const res of [await osaka.get(`${EP}/${endpoint.id}`), await osaka.get(`${EP}/${endpoint.id}/deliveries`), await del(osaka, `${EP}/${endpoint.id}`)]) {
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('webhook_endpoint_not_found');
    }
    const redeliver = await post(osaka, `${EP}/${endpoint.id}/deliveries/${firstDelivery.id}/redeliver`, undefined);
    expect(redeliver.statusCode).toBe(404);
    expect((await tokyo.get(`${EP}/${endpoint.id}/deliveries/00000000-0000-4000-8000-000000000000`)).json().code).toBe('webhook_delivery_not_found');
    // An osaka task sends nothing to tokyo's endpoint.
    const before = okReceiver.current!.requests.length;
    await rejectedOnly(osaka);
    await new Promise((r) => setTimeout(r, 1500));
    expect(okReceiver.current!.requests).toHaveLength(before);
  });

  it.each([
    ['ftp://127.0.0.1/hooks', 'must be http or https'],
    ['not-a-url', 'must be an absolute URL'],
    ['http://user:pw@127.0.0.1/hooks', 'must not contain credentials'],
    ['http://127.0.0.1/hooks#x', 'must not contain a #fragment'],
  ])('refuses %s with a 400 problem', async (url, message) => {
    const res = await post(tokyo, EP, { url });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'url', message: expect.stringContaining(message) }] });
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'metadata_address'],
    ['http://[::ffff:169.254.169.254]/', 'metadata_address'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata_address'],
    ['http://[fd00:ec2::254]/', 'metadata_address'],
    ['http://169.254.1.1/', 'link_local_address'],
    ['http://[fe80::1]/', 'link_local_address'],
    ['http://0.0.0.0:8080/', 'reserved_address'],
    ['http://255.255.255.255/', 'reserved_address'],
    ['http://127.0.0.1:3000/sandbox/v1/reset', 'sandbox_admin_api'],
  ])('refuses %s with a 422 webhook_url_refused (%s), stores nothing', async (url, rule) => {
    const res = await post(tokyo, EP, { url });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'webhook_url_refused', errors: [{ field: 'url', code: rule }] });
    expect((await t.pool.query('SELECT count(*)::int AS n FROM webhook_endpoint WHERE url = $1', [new URL(url).href])).rows[0].n).toBe(0);
  });

  it.each(['http://127.0.0.1/hooks\r\nX-Injected: 1', 'http://127.0.0.1/ho\toks', 'http://127.0.0.1/hooks '])(
    'refuses control characters and spaces (%j) with a 400',
    async (url) => {
      const res = await post(tokyo, EP, { url });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'url', message: expect.stringContaining('control characters') }] });
    },
  );

  it('stores the URL normalised (integer, octal, short and full-width loopback forms)', async () => {
    for (const raw of ['http://2130706433:9/n', 'http://0177.0.0.1:9/n', 'http://0x7f.1:9/n', 'http://１２７.０.０.１:9/n']) {
      const ep = await createEndpoint(osaka, raw);
      expect(ep.url).toBe('http://127.0.0.1:9/n');
      expect((await del(osaka, `${EP}/${ep.id}`)).statusCode).toBe(204);
    }
  });

  it('refuses a missing URL and unauthenticated calls', async () => {
    expect((await post(tokyo, EP, {})).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: EP })).statusCode).toBe(401);
  });

  it('deletes an endpoint with its deliveries; later tasks send nothing there', async () => {
    const res = await del(tokyo, `${EP}/${endpoint.id}`);
    expect(res.statusCode).toBe(204);
    expect((await tokyo.get(`${EP}/${endpoint.id}/deliveries`)).statusCode).toBe(404);
    expect((await tokyo.get(EP)).json().items).toEqual([]);
    const { rows } = await t.pool.query('SELECT count(*)::int AS n FROM webhook_delivery WHERE endpoint_id = $1', [endpoint.id]);
    expect(rows[0].n).toBe(0);
    const before = okReceiver.current!.requests.length;
    await tokyo.upload([nanbyoRecord(3)], { query: 'wait=10' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(okReceiver.current!.requests).toHaveLength(before);
  });

  it('is emptied by a sandbox reset of the municipality, and by a full reset', async () => {
    const ep = await createEndpoint(chiyoda, 'http://127.0.0.1:9/never');
    const reset = await t.app.inject({ method: 'POST', url: '/sandbox/v1/reset?municipality=131016&keep=credentials', headers: adminHeaders });
    expect(reset.statusCode, reset.body).toBe(200);
    expect((await chiyoda.get(`${EP}/${ep.id}`)).statusCode).toBe(404);
    expect((await chiyoda.get(EP)).json().items).toEqual([]);
    // hachioji's endpoints survive a reset of chiyoda, not a full one.
    expect((await hachioji.get(EP)).json().items).toHaveLength(3);
    expect((await t.app.inject({ method: 'POST', url: '/sandbox/v1/reset', headers: adminHeaders })).statusCode).toBe(200);
    const { rows } = await t.pool.query(
      'SELECT (SELECT count(*) FROM webhook_endpoint)::int AS e, (SELECT count(*) FROM webhook_event)::int AS ev, (SELECT count(*) FROM webhook_delivery)::int AS d',
    );
    expect(rows[0]).toEqual({ e: 0, ev: 0, d: 0 });
  });
});

describe('test data the sandbox loads', () => {
  it('sends no webhook events: a scenario’s tasks are not the municipality’s uploads, an upload still is', async () => {
    const r = await receiver();
    receivers.push(r);
    const m = await municipality(t.app, '132012');
    const endpoint = await createEndpoint(m, r.url);
    const loaded = await t.app.inject({ method: 'POST', url: '/sandbox/v1/scenarios/edge-cases', headers: adminHeaders });
    expect(loaded.statusCode, loaded.body).toBe(200);
    expect(
      loaded.json().tasks.some((task: { municipalityCode?: string; municipality?: string }) => (task.municipalityCode ?? task.municipality) === '132012'),
    ).toBe(true);
    await rejectedOnly(m);
    const items = await until('the upload’s delivery', async () => {
      const d = await deliveries(m, endpoint.id);
      return d.length > 0 && d;
    });
    expect(items).toHaveLength(1);
    const tasks = (await t.pool.query(`SELECT id, origin FROM registration_task WHERE municipality_code = '132012'`)).rows as { id: string; origin: string }[];
    expect(tasks.filter((x) => x.origin === 'sandbox').length).toBeGreaterThan(0);
    expect(items[0]!.taskId).toBe(tasks.find((x) => x.origin === 'api')!.id);
  });
});

describe('webhooks with WEBHOOK_ALLOW_PRIVATE=false', () => {
  let strict: TestApp;
  let muni: Muni;
  beforeAll(async () => {
    strict = await createTestApp({ WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_MAX_ATTEMPTS: '1', WEBHOOK_TIMEOUT_MS: '2000' });
    muni = await municipality(strict.app, '130001');
    expect((await muni.putType('NANBYO54', NANBYO_TYPE)).statusCode).toBe(201);
  });
  afterAll(async () => strict?.close());

  it('refuses a loopback receiver at creation', async () => {
    const r = await receiver();
    receivers.push(r);
    for (const url of [r.url, r.url.replace('127.0.0.1', 'localhost'), r.url.replace('127.0.0.1', '[::1]'), 'http://10.0.0.1/hooks', 'http://127.1/hooks']) {
      const res = await strict.app.inject({ method: 'POST', url: EP, headers: muni.headers, payload: { url } });
      expect(res.statusCode, url).toBe(422);
      expect(res.json().errors[0].code).toMatch(/^(loopback|private)_address$/);
    }
  });

  it('refuses at delivery a name that resolves to loopback, and a loopback URL stored before: refused_address, nothing sent', async () => {
    const r = await receiver();
    receivers.push(r);
    const port = new URL(r.url).port;
    // As if registered while the policy allowed it (or a name that resolved elsewhere at registration).
    const urls = [`http://localhost:${port}/hooks`, r.url];
    const ids: string[] = [];
    for (const url of urls) {
      const id = crypto.randomUUID();
      await strict.pool.query(
        `INSERT INTO webhook_endpoint (id, municipality_code, url, description, secret, created_at) VALUES ($1, '130001', $2, null, 'whsec_x', now())`,
        [id, url],
      );
      ids.push(id);
    }
    await muni.upload([nanbyoRecord(1, { orgSpecificCertificateTypeId: 'UNDEFINED' })], { query: 'wait=10' });
    for (const id of ids) {
      const d = await until('failed', async () => {
        const items = (await muni.get(`${EP}/${id}/deliveries`)).json().items;
        return items[0]?.status === 'failed' && items[0];
      });
      expect(d).toMatchObject({ attempts: 1, lastStatusCode: null, lastError: 'refused_address' });
    }
    expect(r.requests).toHaveLength(0);
  });
});
