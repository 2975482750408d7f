/**
 * The municipality's pages of the console in a real Chromium against the service as `npm start` runs it:
 * 制度マスタ with the API's field errors, a CSV upload and its rejected records (table, filter, CSV
 * download), the task list, the registered rows with filters and history, webhooks and their deliveries.
 * Asserts what a person sees: roles, labels, text. Skipped, loudly, where no Chromium is installed.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeRecipientNumber } from '../../src/domain/numbers.js';
import type { PmhRecord } from '../../src/domain/pmh-record/index.js';
import { csvHeader, csvRow } from '../../src/synthetic/format.js';
import { axeSeriousViolations, CHROMIUM_HINT, chromiumMissing } from '../helpers/browser.js';
import { startConsoleHarness, type ConsoleHarness } from '../helpers/console-browser.js';
import { myNumber, NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

const ADMIN_TOKEN = 'console-municipal-e2e-admin-token-0000';
const missing = chromiumMissing();
if (missing) console.warn(`SKIPPED tests/e2e/console-municipal.test.ts: ${CHROMIUM_HINT}`);

const OTHER_RECIPIENT = completeRecipientNumber('000123');
const csvOf = (records: Record<string, unknown>[]) => csvHeader() + records.map((r) => csvRow(r as unknown as PmhRecord)).join('');

describe.skipIf(missing)('the municipality’s pages of the console', { timeout: 120_000 }, () => {
  let c: ConsoleHarness;
  let token: string;
  let page: Page;
  /** A webhook receiver: answers 200 to every POST and keeps the events' ids. */
  const received: string[] = [];
  const receiver = http.createServer((req, res) => {
    req.resume();
    received.push(String(req.headers['pmh-sandbox-event-id']));
    req.on('end', () => res.writeHead(200).end('ok'));
  });

  beforeAll(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    c = await startConsoleHarness('console-municipal', { SANDBOX_ADMIN_TOKEN: ADMIN_TOKEN });
    const cred = await fetch(`${c.server.baseUrl}/sandbox/v1/municipalities/130001/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    token = ((await cred.json()) as { token: string }).token;
    page = await c.openSignedIn(token, '自治体');
  }, 180_000);

  afterAll(async () => {
    await c?.close();
    receiver.close();
  });

  const menu = (name: string) => page.getByRole('navigation', { name: '自治体のメニュー' }).getByRole('button', { name, exact: true });
  /** The text of the error box the control names in aria-describedby: what a screen reader reads with it. */
  const description = (label: string) =>
    page.getByLabel(label).evaluate((el) =>
      (el.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' '),
    );

  it('制度マスタ: a wrong field is refused with the API’s message beside it, then the type is created and listed', async () => {
    await menu('制度マスタ').click();
    const form = page.getByRole('region', { name: '制度マスタの作成・編集' });
    await page.getByRole('region', { name: '制度マスタの一覧' }).getByText('制度マスタはまだありません').waitFor();
    await form.getByLabel('制度ID', { exact: false }).fill('NANBYO54');
    await form.getByLabel('法別番号', { exact: false }).fill('54');
    await form.getByLabel('受給者証名', { exact: false }).fill(NANBYO_TYPE.name);
    await form.getByLabel('公費負担者番号（1行に1つ）', { exact: false }).fill('5413001');
    for (const [i, s] of NANBYO_TYPE.incomeSegments.entries()) {
      await form.getByRole('button', { name: '所得区分を追加' }).click();
      await form.getByLabel(`所得区分 ${i + 1} のコード`).fill(s.code);
      await form.getByLabel(`所得区分 ${i + 1} の名称`).fill(s.name);
      await form.getByLabel(`所得区分 ${i + 1} の月額上限（円）`).fill(String(s.monthlyCap));
    }
    await form.getByLabel('負担割合（0〜1）', { exact: false }).fill('0.2');
    await form.getByRole('button', { name: '制度マスタを保存' }).click();

    const problem = form.getByRole('alert');
    await problem.getByText('validation_failed', { exact: false }).waitFor();
    const insurer = form.getByLabel('公費負担者番号（1行に1つ）', { exact: false });
    expect(await insurer.getAttribute('aria-invalid')).toBe('true');
    expect(await description('公費負担者番号（1行に1つ）')).toContain('insurerNumbers.0: must be exactly 8 half-width digits');
    expect(await axeSeriousViolations(page)).toEqual([]);

    // A rule of the 制度マスタ (422): another prefecture's 公費負担者番号, named at its line.
    await insurer.fill('54130018\n54270013');
    await form.getByRole('button', { name: '制度マスタを保存' }).click();
    await problem.getByText('HTTP 422 ・ code: insurer_number_wrong_prefecture').waitFor();
    expect(await description('公費負担者番号（1行に1つ）')).toContain('insurerNumbers.1:');

    await insurer.fill('54130018');
    await form.getByRole('button', { name: '制度マスタを保存' }).click();
    await form.getByRole('status').getByText('NANBYO54 を作成しました', { exact: false }).waitFor();
    expect(await insurer.getAttribute('aria-invalid')).toBeNull();
    const listed = page.getByRole('region', { name: '制度マスタの一覧' }).getByRole('row').filter({ hasText: 'NANBYO54' });
    await listed.waitFor();
    expect(await listed.innerText()).toContain('IPPAN1 一般所得Ⅰ');
    expect(await axeSeriousViolations(page)).toEqual([]);
  });

  let taskId: string;

  it('upload: a CSV with good and bad records shows the task, its rejected rows with their field errors, and downloads them as CSV', async () => {
    await menu('一括登録').click();
    const records = [
      nanbyoRecord(1),
      nanbyoRecord(1, { historyKey: 'H2', validFrom: '2027-04-01', validTo: '2028-03-31', incomeSegment: 'JOUI', maxCopaymentAmount: { monthly: 30000 } }),
      nanbyoRecord(2, { medicalSubsidyRecipientNumber: OTHER_RECIPIENT }),
      nanbyoRecord(3, { incomeSegment: 'NOPE' }),
      nanbyoRecord(4, { validTo: '2020-13-01' }),
    ];
    await page.getByLabel('登録ファイル').setInputFiles({ name: 'records.csv', mimeType: 'text/csv', buffer: Buffer.from(csvOf(records)) });
    await page.getByText('選択中: records.csv').waitFor();
    await page.getByRole('button', { name: 'アップロード' }).click();
    const task = page.getByRole('region', { name: '登録タスク', exact: true });
    await task.getByRole('heading', { name: '登録タスク: 完了（エラーあり）' }).waitFor();
    taskId = /タスクID (\S+)/.exec(await task.innerText())![1]!;
    // The bytes sent, as XMLHttpRequest reported them: all of them.
    const sent = page.getByLabel('送信の進み具合');
    expect(await sent.evaluate((p: HTMLProgressElement) => [p.value, p.max])).toEqual([Buffer.byteLength(csvOf(records)), Buffer.byteLength(csvOf(records))]);
    await page.getByText('送信完了', { exact: false }).waitFor();
    const counts = task.getByRole('table').first();
    expect((await counts.getByRole('row').nth(1).innerText()).split('\t')).toEqual(['5', '5', '3', '0', '0', '0', '2']);

    const rejected = task.locator('table.rejected-table').getByRole('row');
    await rejected.nth(1).waitFor();
    expect(await rejected.filter({ hasText: 'incomeSegment' }).innerText()).toMatch(/^3\tincomeSegment\t\S+\t/);
    expect(await rejected.filter({ hasText: 'validTo' }).first().innerText()).toMatch(/^4\tvalidTo\t/);
    expect(await axeSeriousViolations(page)).toEqual([]);

    // The filter: by field, then by text.
    await task.getByRole('combobox', { name: /^項目/ }).selectOption('incomeSegment');
    expect(await rejected.count()).toBe(2);
    await task.getByRole('combobox', { name: /^項目/ }).selectOption('');
    await task.getByLabel('絞り込み（番号・項目・コード・メッセージ）').fill('validTo');
    expect(await rejected.filter({ hasText: 'incomeSegment' }).count()).toBe(0);
    await task.getByLabel('絞り込み（番号・項目・コード・メッセージ）').fill('');

    const [download] = await Promise.all([page.waitForEvent('download'), task.getByRole('button', { name: 'CSVでダウンロード' }).click()]);
    expect(download.suggestedFilename()).toBe(`rejected-${taskId}.csv`);
    const csv = (await readFile(await download.path()))
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(csv[0]).toBe('index,historyKey,field,code,message');
    expect(csv.filter((l) => l.startsWith('3,H1,incomeSegment,'))).toHaveLength(1);
    expect(csv.some((l) => l.startsWith('4,H1,validTo,'))).toBe(true);
  });

  it('upload: a Shift_JIS CSV is sent labelled charset=shift_jis when that encoding is chosen', async () => {
    const sjis = iconv.encode(csvOf([nanbyoRecord(5, { basicFiveInfo: { ...nanbyoRecord(5).basicFiveInfo, name: '髙﨑 花子' } })]), 'cp932');
    await page.getByLabel('登録ファイル').setInputFiles({ name: 'sjis.csv', mimeType: 'text/csv', buffer: sjis });
    await page.getByLabel('CSV の文字コード', { exact: false }).selectOption('shift_jis');
    await page.getByRole('button', { name: 'アップロード' }).click();
    await page.getByRole('region', { name: '登録タスク', exact: true }).getByRole('heading', { name: '登録タスク: 完了', exact: true }).waitFor();
  });

  it('tasks: the list shows the upload with its status, counts and duration, and opens its detail', async () => {
    await menu('登録タスク').click();
    const list = page.getByRole('region', { name: '登録タスクの一覧' });
    const row = list.getByRole('row').filter({ hasText: '完了（エラーあり）' });
    await row.waitFor();
    const cells = (await row.innerText()).split('\t');
    expect(cells.slice(1, 7)).toEqual(['完了（エラーあり）', 'CSV', '5', '5', '3', '2']);
    expect(cells[7]).toMatch(/(ms|秒)$/);
    // Both uploads (the sandbox's own task of the test cards, in JSON, is listed too).
    expect(await list.getByRole('row').filter({ hasText: 'CSV' }).count()).toBe(2);
    await list.getByLabel('状態', { exact: false }).selectOption('succeeded');
    await list.getByRole('row').filter({ hasText: '完了（エラーあり）' }).waitFor({ state: 'detached' });
    await list.getByLabel('状態', { exact: false }).selectOption('');
    await list.getByRole('button', { name: `タスク ${taskId} の詳細` }).click();
    const detail = page.getByRole('region', { name: '登録タスク', exact: true });
    await detail.getByText(`タスクID ${taskId}`, { exact: false }).waitFor();
    await detail.getByRole('heading', { name: '却下されたレコード' }).waitFor();
    expect(await axeSeriousViolations(page)).toEqual([]);
  });

  it('recipients: filters by recipient number and valid-on date, masks the 個人番号, and compares a certificate’s history rows', async () => {
    await menu('受給者証').click();
    const region = page.getByRole('region', { name: '登録済みの受給者証' });
    const rows = region.locator('table.recipients tbody tr');
    await region.getByText('4 行').waitFor();
    const masked = `********${myNumber(1).slice(-4)}`;
    expect(await rows.filter({ hasText: masked }).count()).toBe(2);
    expect(await region.innerText()).not.toContain(myNumber(1));

    await region.getByLabel('受給者番号', { exact: false }).fill(OTHER_RECIPIENT);
    await region.getByRole('button', { name: '検索' }).click();
    await region.getByText('1 行').waitFor();
    expect(await rows.first().innerText()).toContain(`********${myNumber(2).slice(-4)}`);

    await region.getByLabel('受給者番号', { exact: false }).fill('');
    await region.getByLabel('有効な日', { exact: false }).fill('2027-06-01');
    await region.getByLabel('有効な日', { exact: false }).press('Enter');
    await region.getByText('1 行').waitFor();
    expect(await rows.first().innerText()).toMatch(/2027-04-01 〜\s+2028-03-31/);

    // A wrong filter is the API's problem, not a blank table.
    await region.getByLabel('制度', { exact: false }).evaluate((s: HTMLSelectElement) => {
      s.append(new Option('BAD-ID', 'BAD-ID'));
      s.value = 'BAD-ID';
    });
    await region.getByRole('button', { name: '検索' }).click();
    await region.getByRole('alert').getByText('validation_failed', { exact: false }).waitFor();
    await region.getByLabel('制度', { exact: false }).selectOption('');
    await region.getByLabel('有効な日', { exact: false }).fill('');
    await region.getByRole('button', { name: '検索' }).click();
    await region.getByText('4 行').waitFor();

    await region.getByRole('button', { name: `${masked} 履歴 H1 の履歴を比較` }).click();
    const history = page.getByRole('region', { name: `受給者証の履歴: NANBYO54 ・ ${masked}` });
    await history.waitFor();
    const header = (await history.getByRole('row').first().innerText()).split('\t');
    expect(header).toEqual(['項目', '履歴 H1', '履歴 H2']);
    expect((await history.getByRole('row').filter({ hasText: 'validFrom' }).innerText()).split('\t').slice(1)).toEqual(['2026-04-01', '2027-04-01']);
    expect(await axeSeriousViolations(page)).toEqual([]);
  });

  it('webhooks: a refused URL shows its field error; an endpoint receives the next task’s event, listed as delivered, and is redelivered', async () => {
    await menu('Webhook').click();
    const region = page.getByRole('region', { name: 'Webhook エンドポイント' });
    await region.getByText('Webhook のエンドポイントはありません。').waitFor();
    await region.getByLabel('送信先 URL', { exact: false }).fill('ftp://127.0.0.1/hook');
    await region.getByRole('button', { name: 'エンドポイントを追加' }).click();
    await region.getByRole('alert').getByText('validation_failed', { exact: false }).waitFor();
    expect(await description('送信先 URL')).toContain('must be http or https');

    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await region.getByLabel('送信先 URL', { exact: false }).fill(url);
    await region.getByLabel('説明', { exact: false }).fill('e2e の受信口');
    await region.getByRole('button', { name: 'エンドポイントを追加' }).click();
    await region.getByRole('status').getByText('whsec_', { exact: false }).waitFor();
    await region.getByRole('row').filter({ hasText: url }).waitFor();
    expect(await axeSeriousViolations(page)).toEqual([]);

    const upload = await fetch(`${c.server.baseUrl}/municipal/v1/registration-tasks?wait=10`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body: JSON.stringify(nanbyoRecord(6)),
    });
    expect(upload.status).toBe(200);
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(1);

    await region.getByRole('button', { name: `${url} の配信履歴` }).click();
    const deliveries = page.getByRole('region', { name: `配信履歴: ${url}` });
    const delivered = deliveries.getByRole('row').filter({ hasText: '成功' });
    for (let i = 0; i < 50 && (await delivered.count()) === 0; i++) {
      await deliveries.getByRole('button', { name: '配信履歴を更新' }).click();
      await page.waitForTimeout(200);
    }
    const cells = (await delivered.first().innerText()).split('\t');
    expect(cells.slice(1, 6)).toEqual(['registration_task.finished', ((await upload.json()) as { id: string }).id, '成功', '1', '200']);
    await deliveries
      .getByRole('button', { name: /^配信 .* を再送$/ })
      .first()
      .click();
    await deliveries.getByRole('status').getByText('再送しました', { exact: false }).waitFor();
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(2);
    expect(received[1]).toBe(received[0]);
    await expect
      .poll(
        async () => {
          await deliveries.getByRole('button', { name: '配信履歴を更新' }).click();
          return deliveries.getByRole('row').filter({ hasText: '成功' }).count();
        },
        { timeout: 20_000 },
      )
      .toBe(2);
    expect(await axeSeriousViolations(page)).toEqual([]);
  });

  it('met no CSP violation or script error, and the server never logged the token', () => {
    expect(c.pageErrors).toEqual([]);
    expect(c.server.output()).not.toContain(token);
  });
});
