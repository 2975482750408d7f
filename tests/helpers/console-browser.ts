import { rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { ensureDatabase } from '../../src/db/database.js';
import { databaseUrl } from '../../src/db/embedded.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { launchBrowser } from './browser.js';
import { startServer, type ServerProcess } from './server-process.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { buildService } from '../../scripts/build.mjs';

export interface ConsoleHarness {
  server: ServerProcess;
  context: BrowserContext;
  /** Script errors and console errors (CSP refusals among them) of every page opened; 4xx answers aside. */
  pageErrors: string[];
  /** A new page of the console, signed in with `token`, once the header names `role`. */
  openSignedIn(token: string, role: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * The service as `npm start` runs it (the bundle of scripts/build.mjs, the console built beside it) on a
 * database of its own, and a headless Chromium: what a browser test of the console starts from.
 */
export async function startConsoleHarness(name: string, env: Record<string, string>): Promise<ConsoleHarness> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  try {
    const outDir = `dist/e2e-${name}-${process.pid}`;
    cleanups.push(() => rm(path.join(PACKAGE_ROOT, outDir), { recursive: true, force: true }));
    const bundle = (await buildService(`${outDir}/server.mjs`)) as string;
    const db = `pmh_${name.replace(/\W/g, '_')}_${process.pid}_${Date.now()}`;
    const pgServer = inject('pgServerUrl');
    await ensureDatabase(pgServer, db);
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: pgServer });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      await c.end();
    });
    const server = await startServer({ DATABASE_URL: databaseUrl(pgServer, db), ...env }, 90_000, bundle);
    cleanups.push(() => server.stop());
    const browser = await launchBrowser();
    cleanups.push(() => browser.close());
    const pageErrors: string[] = [];
    return {
      server,
      context: browser.context,
      pageErrors,
      close,
      async openSignedIn(token, role) {
        const page = await browser.context.newPage();
        page.on('pageerror', (err) => pageErrors.push(String(err)));
        page.on('console', (msg) => {
          if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource: the server responded with a status of 4')) pageErrors.push(msg.text());
        });
        await page.goto(`${server.baseUrl}/console`);
        await page.getByLabel('トークン').fill(token);
        await page.getByRole('button', { name: 'サインイン' }).click();
        await page.getByText(`ロール: ${role}`).waitFor();
        expect(page.url()).not.toContain(token);
        return page;
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
