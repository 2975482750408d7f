/**
 * The console in a real Chromium against the service as `npm start` runs it (the bundle of scripts/build.mjs,
 * which builds the console beside it). Asserts what a person sees: roles, labels, text. Skipped, loudly,
 * where no Chromium is installed.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase } from '../../src/db/database.js';
import { databaseUrl } from '../../src/db/embedded.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { TEST_CARDS, TEST_INSTITUTION, UNKNOWN_TEST_SERIAL } from '../../src/sandbox/test-cards.js';
import { axeSeriousViolations, CHROMIUM_HINT, chromiumMissing, launchBrowser } from '../helpers/browser.js';
import { NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { buildService } from '../../scripts/build.mjs';

const ADMIN_TOKEN = 'console-e2e-admin-token-0000';
const missing = chromiumMissing();
if (missing) console.warn(`SKIPPED tests/e2e/console.test.ts: ${CHROMIUM_HINT}`);

const card = (n: number) => TEST_CARDS[n - 1]!.certificateSerialNumber;

describe.skipIf(missing)('the console in a real browser', { timeout: 120_000 }, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  let server: ServerProcess;
  let context: BrowserContext;
  /** Script errors and console errors such as Content-Security-Policy refusals: none expected (error answers of the API aside). */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const outDir = `dist/e2e-console-${process.pid}`;
    cleanups.push(() => rm(path.join(PACKAGE_ROOT, outDir), { recursive: true, force: true }));
    const bundle = (await buildService(`${outDir}/server.mjs`)) as string;
    const name = `pmh_console_${process.pid}_${Date.now()}`;
    const pgServer = inject('pgServerUrl');
    await ensureDatabase(pgServer, name);
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: pgServer });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    });
    server = await startServer({ DATABASE_URL: databaseUrl(pgServer, name), SANDBOX_ADMIN_TOKEN: ADMIN_TOKEN }, 90_000, bundle);
    cleanups.push(() => server.stop());
    const browser = await launchBrowser();
    context = browser.context;
    cleanups.push(() => browser.close());
  }, 180_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  async function openSignedIn(token: string, role: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    page.on('console', (msg) => {
      // Error answers of the API are shown as problems by design; Chromium logs each as a failed resource.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource: the server responded with a status of ')) pageErrors.push(msg.text());
    });
    await page.goto(`${server.baseUrl}/console`);
    await page.getByLabel('トークン').fill(token);
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.getByText(`ロール: ${role}`).waitFor();
    expect(page.url()).not.toContain(token);
    return page;
  }

  it('serves the console as static files with caching headers and a strict CSP', async () => {
    const index = await fetch(`${server.baseUrl}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const csp = index.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    const html = await index.text();
    expect(html).not.toMatch(/https?:\/\//);
    const script = /src="([^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${server.baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${server.baseUrl}${script}`, { headers: { 'if-none-match': asset.headers.get('etag')! } })).status).toBe(304);
    expect((await fetch(`${server.baseUrl}/console/assets/nope.js`)).status).toBe(404);
  });

  it('as the test institution: reads test cards 0001, 0004 (利用しない) and 0010 at the virtual card reader', async () => {
    const page = await openSignedIn(TEST_INSTITUTION.token, '医療機関');
    const reader = page.getByRole('region', { name: '仮想カードリーダー' });
    await reader.getByText('医療費助成の各種受給者証を利用しますか').waitFor();
    // Every page: which sandbox, role and tenant, the clock, the docs.
    const header = page.getByRole('banner');
    expect(await header.innerText()).toContain(`サンドボックス: ${new URL(server.baseUrl).host}`);
    expect(await header.innerText()).toContain(`${TEST_INSTITUTION.name}（${TEST_INSTITUTION.code}）`);
    expect(await header.innerText()).toMatch(/時計: \d{4}\/\d{1,2}\/\d{1,2} /);
    expect(await header.getByRole('link', { name: 'APIドキュメント (/docs)' }).getAttribute('href')).toBe('/docs');
    expect(await page.getByLabel('診療日').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await axeSeriousViolations(page)).toEqual([]);

    await page.getByLabel('テストカード').selectOption(card(1));
    await page.getByRole('button', { name: '利用する', exact: true }).click();
    const answer = page.getByRole('region', { name: '確認結果' });
    await answer.waitFor();
    const subsidies = answer.getByRole('region', { name: /^公費 \d+/ });
    expect(await subsidies.count()).toBe(1);
    const text = await subsidies.first().innerText();
    for (const label of ['公費負担者番号', '受給者番号', '受給者証名', '所得区分', '上限額', '有効期間', '常に償還払い', '指定医療機関'])
      expect(text).toContain(label);
    expect(text).toContain('特定医療費（指定難病）受給者証（試験用）');
    expect(text).toContain('月額 10,000円');
    expect(text).toContain('2000-01-01 〜 2099-12-31');
    expect(text).toContain('はい（当院は指定医療機関）');
    expect(await answer.innerText()).toContain('試験　難病');
    expect(await axeSeriousViolations(page)).toEqual([]);

    await page.getByLabel('テストカード').selectOption(card(4));
    await page.getByRole('button', { name: '利用しない' }).click();
    await answer.getByText('利用できる医療費助成の受給者証はありません', { exact: false }).waitFor();
    expect(await answer.getByRole('region', { name: /^公費 \d+/ }).count()).toBe(0);

    await page.getByLabel('テストカード').selectOption(card(10));
    await page.getByRole('button', { name: '利用する', exact: true }).click();
    const problem = page.getByRole('alert');
    await problem.getByText('The card’s 電子証明書 has expired').waitFor();
    expect(await problem.innerText()).toContain('certificate_expired');
    expect(await problem.getByRole('heading').innerText()).toBe('電子証明書の有効期限が切れています');
    expect(await axeSeriousViolations(page)).toEqual([]);

    // A typed serial: the list follows it, the answer is the API's problem.
    await page.getByLabel('電子証明書シリアル番号').fill(UNKNOWN_TEST_SERIAL);
    expect(await page.getByLabel('テストカード').inputValue()).toBe(UNKNOWN_TEST_SERIAL);
    await page.getByRole('button', { name: '利用する', exact: true }).click();
    await page.getByRole('alert').getByText('unknown_certificate_serial', { exact: false }).waitFor();

    // The recent checks list them newest first (the unknown serial made none); one re-reads its whole answer.
    const recent = page.getByRole('region', { name: '最近の資格確認' });
    await recent.getByText('新しい順に 2 件').waitFor();
    const recentRows = recent.getByRole('row');
    expect(await recentRows.nth(1).innerText()).toContain('利用しない');
    expect(await recentRows.nth(2).innerText()).toMatch(/利用する\t1 件/);
    await recentRows
      .nth(2)
      .getByRole('button', { name: /^結果を表示/ })
      .click();
    const earlier = page.getByRole('region', { name: '過去の確認結果' });
    await earlier.waitFor();
    expect(await earlier.getByRole('region', { name: /^公費 \d+/ }).count()).toBe(1);

    // A batch of pasted serials: each answered in its place.
    const batch = page.getByRole('region', { name: '一括確認' });
    await batch.getByLabel('シリアル番号（1行に1つ、最大1,000件）').fill([card(1), card(3), card(10), UNKNOWN_TEST_SERIAL].join('\n'));
    await batch.getByRole('button', { name: 'まとめて確認' }).click();
    const results = batch.getByRole('region', { name: '一括確認の結果' });
    await results.getByText('一括確認の結果: 4 件中 2 件成功').waitFor();
    const batchRows = results.getByRole('row');
    expect(await batchRows.nth(1).innerText()).toContain('特定医療費（指定難病）受給者証（試験用）');
    expect(await batchRows.nth(2).innerText()).toMatch(/\t200\t/);
    expect(await batchRows.nth(3).innerText()).toContain('certificate_expired');
    expect(await batchRows.nth(4).innerText()).toContain('unknown_certificate_serial');
    await recent.getByText('新しい順に 4 件').waitFor();
    expect(await axeSeriousViolations(page)).toEqual([]);

    // Sign-out forgets the token.
    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.getByLabel('トークン').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(await page.getByRole('link', { name: 'APIドキュメント (/docs)' }).getAttribute('href')).toBe('/docs');
    expect(await axeSeriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('as the admin: the journal lists the checks, filters by status, and the banner shows the frozen clock', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    await fetch(`${server.baseUrl}/sandbox/v1/clock`, { method: 'PUT', headers: admin, body: JSON.stringify({ now: '2027-04-01T00:00:00Z' }) });
    const page = await openSignedIn(ADMIN_TOKEN, 'サンドボックス管理者');
    await page.getByRole('status').getByText('サンドボックスの時計は 2027/4/1 9:00:00（日本時間）で止まっています', { exact: false }).waitFor();
    const journal = page.getByRole('region', { name: 'リクエスト履歴' });
    const checks = journal.getByRole('row').filter({ hasText: '/clinic/v1/eligibility-checks' }).filter({ hasText: 'POST' });
    await checks.first().waitFor();
    // Four single checks and one batch.
    expect(await checks.count()).toBe(5);
    expect(await checks.filter({ hasText: `institution:${TEST_INSTITUTION.code}` }).count()).toBe(5);
    // The console's own files are not journaled.
    expect(await journal.getByRole('row').filter({ hasText: '/console' }).count()).toBe(0);
    expect(await axeSeriousViolations(page)).toEqual([]);

    await page.getByLabel('ステータス', { exact: true }).selectOption('4xx');
    await journal.getByRole('row').filter({ hasText: 'certificate_expired' }).waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('table.journal tbody tr')].every((tr) => /\t4\d\d\t/.test((tr as HTMLElement).innerText)));
    await page.getByLabel('パス（* で前方・部分一致）').fill('/clinic/v1/eligibility-checks');
    await page.getByLabel('パス（* で前方・部分一致）').press('Enter');
    await page.getByLabel('パス（* で前方・部分一致）').blur();
    await page.waitForFunction(() => document.querySelectorAll('table.journal tbody tr').length === 2);
    await fetch(`${server.baseUrl}/sandbox/v1/clock`, { method: 'DELETE', headers: { authorization: admin.authorization } });
    await page.close();
  });

  it('as a municipality: uploads an NDJSON file and sees the counts and the rejected record', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const cred = await (await fetch(`${server.baseUrl}/sandbox/v1/municipalities/130001/credentials`, { method: 'POST', headers: admin })).json();
    const put = await fetch(`${server.baseUrl}/municipal/v1/certificate-types/NANBYO54`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${cred.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(NANBYO_TYPE),
    });
    expect(put.status).toBe(201);
    const page = await openSignedIn(cred.token, '自治体');
    const ndjson = [nanbyoRecord(1), nanbyoRecord(2, { incomeSegment: 'NOPE' })].map((r) => JSON.stringify(r)).join('\n');
    await page.getByLabel('登録ファイル').setInputFiles({ name: 'records.ndjson', mimeType: '', buffer: Buffer.from(ndjson) });
    await page.getByRole('button', { name: 'アップロード' }).click();
    const task = page.getByRole('region', { name: '登録タスク' });
    await task.getByRole('heading', { name: '登録タスク: 完了（エラーあり）' }).waitFor();
    const rejected = task.getByRole('row').filter({ hasText: 'incomeSegment' });
    expect(await rejected.count()).toBe(1);
    expect(await rejected.innerText()).toMatch(/^1\t/);
    expect(await axeSeriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('as the admin: freezes and clears the clock, injects a fault, resets a municipality after confirming', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const cred = await (await fetch(`${server.baseUrl}/sandbox/v1/municipalities/130001/credentials`, { method: 'POST', headers: admin })).json();
    const page = await openSignedIn(ADMIN_TOKEN, 'サンドボックス管理者');
    const frozen = page.getByRole('status').filter({ hasText: 'サンドボックスの時計は' });
    expect(await frozen.count()).toBe(0);

    // Test clock, from the keyboard: the banner follows at once.
    const clock = page.getByRole('region', { name: 'テスト用の時計' });
    await clock.getByLabel('止める日時（日本時間）').fill('2027-05-01T10:30:00');
    await clock.getByLabel('止める日時（日本時間）').press('Enter');
    await frozen.getByText('サンドボックスの時計は 2027/5/1 10:30:00（日本時間）で止まっています', { exact: false }).waitFor();
    await clock.getByText('時計を 2027/5/1 10:30:00（日本時間）で止めました。').waitFor();
    await clock.getByRole('button', { name: '実時間に戻す' }).click();
    await clock.getByText('時計を実時間に戻しました。').waitFor();
    // The banner is redrawn from GET /sandbox/v1/clock after the message: wait for it to go.
    await frozen.waitFor({ state: 'detached', timeout: 5_000 });

    // A fault on the upload: the upload fails with it, the journal lists it with its code.
    const faults = page.getByRole('region', { name: '障害の注入' });
    await faults.getByText('障害は設定されていません。').waitFor();
    await faults.getByLabel('メソッド').selectOption('POST');
    await faults.getByLabel('パス（* で前方・部分一致、空ならすべて）').fill('/municipal/v1/registration-tasks');
    await faults.getByLabel('ステータス（400〜599）').fill('503');
    await faults.getByLabel('問題コード（空なら既定）').fill('pmh_busy');
    await faults.getByLabel('残り回数（空なら無制限）').fill('1');
    await faults.getByRole('button', { name: '障害を追加' }).click();
    await faults.getByText('障害を追加しました。').waitFor();
    const fault = faults.getByRole('row').filter({ hasText: '/municipal/v1/registration-tasks' });
    expect((await fault.innerText()).split('\t').slice(0, 7)).toEqual(['POST', '/municipal/v1/registration-tasks', '503', 'pmh_busy', '1', '0', '有効']);
    expect(await axeSeriousViolations(page)).toEqual([]);

    const upload = await fetch(`${server.baseUrl}/municipal/v1/registration-tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cred.token}`, 'content-type': 'application/x-ndjson' },
      body: JSON.stringify(nanbyoRecord(3)),
    });
    expect(upload.status).toBe(503);
    expect((await upload.json()).code).toBe('pmh_busy');
    const journal = page.getByRole('region', { name: 'リクエスト履歴' });
    const failed = journal.getByRole('row').filter({ hasText: '/municipal/v1/registration-tasks' }).filter({ hasText: 'pmh_busy' });
    await failed.waitFor();
    expect(await failed.innerText()).toMatch(/\tPOST\t\/municipal\/v1\/registration-tasks\t503\tmunicipality:130001\t/);
    await faults.getByRole('button', { name: '障害の一覧を更新' }).press('Enter');
    await fault.filter({ hasText: '終了' }).waitFor();
    expect((await fault.innerText()).split('\t').slice(4, 7)).toEqual(['0', '1', '終了']);
    await faults.getByRole('button', { name: '障害を削除: POST /municipal/v1/registration-tasks' }).click();
    await faults.getByText('障害は設定されていません。').waitFor();

    // Reset: a full reset's confirmation names everything and can be cancelled; one municipality's names it,
    // and nothing is sent before 削除する.
    const reset = page.getByRole('region', { name: 'データのリセット' });
    const confirm = reset.getByRole('group', { name: 'リセットの確認' });
    await reset.getByLabel('すべて').check();
    await reset.getByRole('button', { name: 'リセット内容を確認' }).press('Enter');
    expect(await confirm.innerText()).toContain('すべての自治体のデータ');
    await confirm.getByRole('button', { name: 'キャンセル' }).press('Enter');
    expect(await confirm.count()).toBe(0);
    await reset.getByLabel('地方公共団体コード（6桁）').fill('130001');
    expect(await reset.getByLabel('1つの自治体').isChecked()).toBe(true);
    await reset.getByRole('button', { name: 'リセット内容を確認' }).click();
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain(
      '自治体 130001 のデータ（登録タスク（入力と結果を含む）、登録済みの受給者証、制度マスタ、Webhook、認証情報（発行済みトークン））を削除します',
    );
    expect(await axeSeriousViolations(page)).toEqual([]);
    const stillWorks = await fetch(`${server.baseUrl}/municipal/v1/certificate-types`, { headers: { authorization: `Bearer ${cred.token}` } });
    expect(stillWorks.status).toBe(200);
    await confirm.getByRole('button', { name: '削除する' }).click();
    await reset.getByText('自治体 130001 のデータを削除しました。').waitFor();
    const gone = await fetch(`${server.baseUrl}/municipal/v1/certificate-types`, { headers: { authorization: `Bearer ${cred.token}` } });
    expect(gone.status).toBe(401);
    expect(await axeSeriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('as the admin: a maintenance window is a banner on every page, and the clinic meets pmh_maintenance', async () => {
    const page = await openSignedIn(ADMIN_TOKEN, 'サンドボックス管理者');
    const maintenance = page.getByRole('region', { name: 'メンテナンス' });
    await maintenance.getByText('メンテナンスは設定されていません。').waitFor();
    await maintenance.getByLabel('終了日時（日本時間）').fill('2099-01-01T09:00:00');
    await maintenance.getByLabel('案内文（problem の detail）').fill('定期メンテナンスのため停止中です');
    await maintenance.getByRole('button', { name: 'メンテナンスを設定' }).press('Enter');
    await maintenance.getByText('メンテナンスを設定しました。').waitFor();
    const banner = page.getByRole('status').filter({ hasText: 'メンテナンス中' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain('2099/1/1 9:00:00');
    expect(await banner.innerText()).toContain('定期メンテナンスのため停止中です');
    expect(await axeSeriousViolations(page)).toEqual([]);

    const clinic = await openSignedIn(TEST_INSTITUTION.token, '医療機関');
    await clinic.getByRole('status').filter({ hasText: 'メンテナンス中' }).waitFor();
    await clinic.getByRole('button', { name: '利用する', exact: true }).click();
    const problem = clinic.getByRole('region', { name: '仮想カードリーダー' }).locator('..').getByRole('alert').first();
    await problem.getByRole('heading', { name: 'PMHはメンテナンス中です' }).waitFor();
    expect(await problem.innerText()).toContain('定期メンテナンスのため停止中です');
    expect(await problem.innerText()).toContain('HTTP 503 ・ code: pmh_maintenance');
    await clinic.close();

    await maintenance.getByRole('button', { name: 'メンテナンスを解除' }).click();
    await maintenance.getByText('メンテナンスを解除しました。').waitFor();
    await banner.waitFor({ state: 'detached', timeout: 5_000 });
    await page.close();
  });

  it('as the admin: loads a scenario, opens its views from its tasks and cards, explains a check, resets the institution', async () => {
    const page = await openSignedIn(ADMIN_TOKEN, 'サンドボックス管理者');
    const load = async () => {
      const scenarios = page.getByRole('region', { name: 'シナリオ', exact: true });
      await scenarios.getByLabel('シナリオ', { exact: true }).selectOption('edge-cases');
      await scenarios.getByRole('button', { name: 'シナリオを読み込む' }).click();
      const loaded = scenarios.getByRole('region', { name: 'シナリオ edge-cases の結果' });
      await loaded.waitFor({ timeout: 60_000 });
      return loaded;
    };
    let loaded = await load();
    const text = await loaded.innerText();
    expect(text).toMatch(/pmh_mun_\S+/);
    expect(text).toMatch(/pmh_ins_\S+/);
    expect(await axeSeriousViolations(page)).toEqual([]);

    // A task opens the municipality's view (its token, never in the URL).
    const task = loaded.getByRole('row').filter({ hasText: '東京都（130001）' }).filter({ hasText: 'succeeded' }).first();
    const taskId = /[0-9a-f-]{36}/.exec(await task.innerText())![0];
    await task.getByRole('button', { name: `タスクを開く: ${taskId}（東京都）` }).click();
    await page.getByText('ロール: 自治体').waitFor();
    expect(await page.getByRole('banner').innerText()).toContain('東京都（130001）');
    expect(page.url()).toContain(`#tasks/${taskId}`);
    await page.getByRole('region', { name: '登録タスク' }).getByRole('heading', { name: '登録タスク: 完了' }).waitFor();
    expect(page.url()).not.toContain('pmh_');
    await page.getByRole('button', { name: '管理者に戻る' }).click();
    await page.getByText('ロール: サンドボックス管理者').waitFor();

    // A card opens the scenario institution's card reader with that card; its empty answer is explained.
    loaded = await load();
    const institutionRow = loaded.getByRole('row').filter({ hasText: /pmh_ins_/ });
    const institutionCode = (await institutionRow.innerText()).split('\t')[0]!;
    const hidden = loaded.getByRole('row').filter({ hasText: 'A valid 難病 record with isNotDisclosed true' });
    const serial = (await hidden.innerText()).split('\t')[0]!;
    await hidden.getByRole('button', { name: `カードリーダーで開く: ${serial}` }).click();
    await page.getByText('ロール: 医療機関').waitFor();
    expect(await page.getByLabel('電子証明書シリアル番号').inputValue()).toBe(serial);
    await page.getByRole('button', { name: '利用する', exact: true }).click();
    await page.getByRole('region', { name: '確認結果' }).getByText('利用できる医療費助成の受給者証はありません', { exact: false }).waitFor();
    await page.getByRole('button', { name: '管理者に戻る' }).click();
    await page.getByText('ロール: サンドボックス管理者').waitFor();

    const log = page.getByRole('region', { name: '資格確認のアクセスログ' });
    const newest = log.getByRole('row').nth(1);
    expect(await newest.innerText()).toContain(institutionCode);
    await newest.getByRole('button', { name: /^説明を見る/ }).click();
    const why = log.getByRole('region', { name: '資格確認の説明' });
    await why.waitFor();
    const whyText = await why.innerText();
    expect(whyText).toContain('不開示（診療日に有効な受給者証はすべて不開示です） — all_not_disclosed');
    expect(whyText).toContain('Every record valid on the service date is 不開示');
    const considered = why.getByRole('row').filter({ hasText: 'SCNNANBYO54' });
    expect(await considered.count()).toBeGreaterThanOrEqual(1);
    expect(await considered.first().innerText()).toMatch(/\tはい\t不開示$/);
    expect(await axeSeriousViolations(page)).toEqual([]);

    // Reset that institution only, after a confirmation naming what goes.
    const reset = page.getByRole('region', { name: 'データのリセット' });
    await reset.getByLabel('医療機関コード（10桁）').fill(institutionCode);
    expect(await reset.getByLabel('1つの医療機関').isChecked()).toBe(true);
    await reset.getByRole('button', { name: 'リセット内容を確認' }).click();
    const confirm = reset.getByRole('group', { name: 'リセットの確認' });
    expect(await confirm.innerText()).toContain(
      `医療機関 ${institutionCode} のデータ（資格確認の記録（アクセスログ）、認証情報（発行済みトークン）、医療機関の登録）を削除します`,
    );
    await confirm.getByRole('button', { name: '削除する' }).click();
    await reset.getByText(`医療機関 ${institutionCode} のデータを削除しました。`).waitFor();
    await log.getByRole('button', { name: 'アクセスログを更新' }).click();
    await page.waitForFunction((code) => ![...document.querySelectorAll('table.access-log td')].some((td) => td.textContent?.includes(code)), institutionCode);
    await page.close();
  });

  it('met no CSP violation or script error, and the server never logged a token', () => {
    expect(pageErrors).toEqual([]);
    expect(server.output()).not.toContain(TEST_INSTITUTION.token);
    expect(server.output()).not.toContain(ADMIN_TOKEN);
  });
});
