import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fp from 'fastify-plugin';
import { PACKAGE_ROOT } from '../paths.js';

/**
 * Everything the console may load: its own origin, nothing inline, nothing external. `connect-src 'self'`
 * is the public API the console is a client of.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Where scripts/build.mjs put the console: beside the service bundle (dist/server.mjs → dist/console), or,
 * running the sources through tsx, the package's dist/console of the last `npm run build`.
 */
function consoleDir(): string {
  const beside = path.join(path.dirname(fileURLToPath(import.meta.url)), 'console');
  return existsSync(path.join(beside, 'index.html')) ? beside : path.join(PACKAGE_ROOT, 'dist', 'console');
}

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  cache: string;
}

/**
 * Serves the console (a static web UI of the public API, built by scripts/build.mjs) under /console: files
 * read once at start, hashed assets cached for a year, index.html revalidated, a strict CSP on every answer.
 * No logic of its own: what the console shows comes from the public API. Not in the OpenAPI document.
 */
export const consoleFeature = fp(
  async (app, opts: { dir?: string }) => {
    const dir = opts.dir ?? consoleDir();
    if (!existsSync(path.join(dir, 'index.html'))) {
      app.log.warn({ dir }, 'console not built: /console is not served (npm run build builds it)');
      return;
    }
    const load = (file: string, cache: string): Asset => {
      const body = readFileSync(path.join(dir, file));
      return {
        body,
        type: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
        cache,
      };
    };
    const assets = new Map<string, Asset>([['/console/', load('index.html', 'no-cache')]]);
    for (const file of readdirSync(path.join(dir, 'assets')))
      assets.set(`/console/assets/${file}`, load(`assets/${file}`, 'public, max-age=31536000, immutable'));

    const security = {
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    };
    app.get('/console', { schema: { hide: true } }, async (_req, reply) => reply.headers(security).redirect('/console/', 302));
    for (const [url, asset] of assets) {
      app.get(url, { schema: { hide: true } }, async (req, reply) => {
        reply.headers({ ...security, 'cache-control': asset.cache, etag: asset.etag });
        if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
        return reply.type(asset.type).send(asset.body);
      });
    }
  },
  { name: 'console', dependencies: ['infrastructure'] },
);
