import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

const apps: TestApp[] = [];
afterAll(() => Promise.all(apps.map((a) => a.close())));

async function servedServers(env: Record<string, string>) {
  const t = await createTestApp(env);
  apps.push(t);
  const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
  expect(res.statusCode).toBe(200);
  return (res.json() as { servers: { url: string }[] }).servers.map((s) => s.url);
}

describe('GET /docs/json (what Swagger UI’s "Try it out" calls)', () => {
  it('names the origin that served it (`/`) without PUBLIC_URL, not a fixed 127.0.0.1:3000', async () => {
    expect(await servedServers({ HOST: '0.0.0.0', PORT: '8080' })).toEqual(['/']);
  });

  it('names PUBLIC_URL when set, without its trailing slash', async () => {
    expect(await servedServers({ PUBLIC_URL: 'https://pmh.example.test/sandbox/' })).toEqual(['https://pmh.example.test/sandbox']);
  });
});
