// `npm run screenshots`: PNGs of each console view at 1280×800 into docs/screenshots/, from a real server
// (the bundle of scripts/build.mjs, an embedded PostgreSQL in a temporary directory) and the system Chromium.
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { PACKAGE_ROOT } from '../src/paths.js';
import { TEST_CARDS, TEST_INSTITUTION } from '../src/sandbox/test-cards.js';
import { CHROMIUM_HINT, chromiumMissing, launchBrowser } from '../tests/helpers/browser.js';
import { NANBYO_TYPE, nanbyoRecord } from '../tests/helpers/municipal.js';
import { freePort, startServer } from '../tests/helpers/server-process.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { buildService as untypedBuildService } from './build.mjs';

const buildService = untypedBuildService as (outfile: string) => Promise<string>;

if (chromiumMissing()) {
  console.error(CHROMIUM_HINT);
  process.exit(1);
}
const ADMIN_TOKEN = 'screenshots-admin-token-0000';
const outDir = path.join(PACKAGE_ROOT, 'docs/screenshots');
await mkdir(outDir, { recursive: true });
const tmp = await mkdtemp(path.join(os.tmpdir(), 'pmh-screenshots-'));
await chmod(tmp, 0o755);
const bundle = await buildService('dist/screenshots/server.mjs');
const server = await startServer(
  { DATABASE_URL: undefined, SANDBOX_ADMIN_TOKEN: ADMIN_TOKEN, PMH_PG_DATA_DIR: path.join(tmp, 'pg'), PMH_PG_PORT: String(await freePort()) },
  120_000,
  bundle,
);
const browser = await launchBrowser({ width: 1280, height: 800 });
const shot = async (page: Page, name: string) => {
  await page.screenshot({ path: path.join(outDir, `${name}.png`) });
  console.log(`wrote docs/screenshots/${name}.png`);
};
const signIn = async (token: string, role: string) => {
  const page = await browser.context.newPage();
  await page.goto(`${server.baseUrl}/console/`);
  await page.getByLabel('トークン').waitFor();
  return Object.assign(page, {
    async enter() {
      await page.getByLabel('トークン').fill(token);
      await page.getByRole('button', { name: 'サインイン' }).click();
      await page.getByText(`ロール: ${role}`).waitFor();
    },
  });
};
/** The municipality's other pages: 制度マスタ with a field error, the tasks, the rows and a history, webhooks with a delivery. */
async function municipalShots(page: Page, token: string) {
  const menu = (name: string) => page.getByRole('navigation', { name: '自治体のメニュー' }).getByRole('button', { name, exact: true });
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('ok'));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  try {
    const upload = (records: unknown[]) =>
      fetch(`${server.baseUrl}/municipal/v1/registration-tasks?wait=10`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
        body: records.map((r) => JSON.stringify(r)).join('\n'),
      });
    await upload([
      nanbyoRecord(1, { historyKey: 'H2', validFrom: '2027-04-01', validTo: '2028-03-31', incomeSegment: 'JOUI', maxCopaymentAmount: { monthly: 30000 } }),
    ]);

    await menu('制度マスタ').click();
    await page.getByRole('row').filter({ hasText: 'NANBYO54' }).waitFor();
    await page.getByRole('button', { name: 'NANBYO54 を編集' }).click();
    await page.getByLabel('公費負担者番号（1行に1つ）').fill('54130018\n5427001');
    await page.getByRole('button', { name: '制度マスタを保存' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByRole('heading', { name: '制度マスタの作成・編集' }).evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await shot(page, '05b-municipal-certificate-types');

    await menu('登録タスク').click();
    await page
      .getByRole('button', { name: /の詳細$/ })
      .first()
      .waitFor();
    const withErrors = page
      .getByRole('row')
      .filter({ hasText: '完了（エラーあり）' })
      .getByRole('button', { name: /の詳細$/ });
    await withErrors.click();
    await page.getByRole('heading', { name: '却下されたレコード' }).waitFor();
    await shot(page, '05c-municipal-tasks');

    await menu('受給者証').click();
    const masked = page.getByRole('button', { name: /履歴 H1 の履歴を比較$/ }).first();
    await masked.waitFor();
    await masked.click();
    await page.getByRole('region', { name: /^受給者証の履歴/ }).waitFor();
    await page.locator('table.recipients').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await shot(page, '05d-municipal-recipients');

    await menu('Webhook').click();
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/pmh/webhooks`;
    await page.getByLabel('送信先 URL').fill(url);
    await page.getByLabel('説明').fill('受給者証一括登録の完了通知');
    await page.getByRole('button', { name: 'エンドポイントを追加' }).click();
    await page.getByRole('row').filter({ hasText: url }).waitFor();
    await upload([nanbyoRecord(2)]);
    // Again from the fragment (#webhooks), without the secret's box.
    await page.reload();
    await page.getByRole('button', { name: `${url} の配信履歴` }).click();
    const delivered = page.getByRole('row').filter({ hasText: '成功' });
    for (let i = 0; i < 50 && (await delivered.count()) === 0; i++) {
      await page.waitForTimeout(200);
      await page.getByRole('button', { name: '配信履歴を更新' }).click();
    }
    await page.getByRole('heading', { name: /^配信履歴/ }).evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await shot(page, '05e-municipal-webhooks');
  } finally {
    receiver.close();
  }
}

try {
  const clinic = await signIn(TEST_INSTITUTION.token, '医療機関');
  await shot(clinic, '01-sign-in');
  await clinic.enter();
  const read = async (n: number, consent: '利用する' | '利用しない', wait: string) => {
    await clinic.getByLabel('テストカード').selectOption(TEST_CARDS[n - 1]!.certificateSerialNumber);
    await clinic.getByRole('button', { name: consent, exact: true }).click();
    await clinic.getByText(wait, { exact: false }).first().waitFor();
  };
  await read(3, '利用する', '公費 2');
  await shot(clinic, '02-clinic-card-reader');
  await read(4, '利用しない', '利用できる医療費助成の受給者証はありません');
  await shot(clinic, '03-clinic-no-consent');
  await read(10, '利用する', 'certificate_expired');
  await shot(clinic, '04-clinic-problem');
  // A batch of pasted serials, and the recent checks below it.
  const batch = clinic.getByRole('region', { name: '一括確認' });
  await batch.getByLabel('シリアル番号（1行に1つ、最大1,000件）').fill([1, 3, 5, 10].map((n) => TEST_CARDS[n - 1]!.certificateSerialNumber).join('\n'));
  await batch.getByRole('button', { name: 'まとめて確認' }).click();
  await batch.getByText('一括確認の結果:').waitFor();
  await clinic.getByRole('region', { name: '最近の資格確認' }).getByText('新しい順に 5 件').waitFor();
  await batch.getByRole('heading', { name: '一括確認', exact: true }).evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await shot(clinic, '08-clinic-batch-and-recent');

  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const cred = (await (await fetch(`${server.baseUrl}/sandbox/v1/municipalities/130001/credentials`, { method: 'POST', headers: admin })).json()) as {
    token: string;
  };
  await fetch(`${server.baseUrl}/municipal/v1/certificate-types/NANBYO54`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${cred.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(NANBYO_TYPE),
  });
  const municipal = await signIn(cred.token, '自治体');
  await municipal.enter();
  const ndjson = [nanbyoRecord(1), nanbyoRecord(2), nanbyoRecord(3, { incomeSegment: 'NOPE' }), nanbyoRecord(4, { validTo: '2020-13-01' })];
  await municipal
    .getByLabel('登録ファイル')
    .setInputFiles({ name: 'records.ndjson', mimeType: '', buffer: Buffer.from(ndjson.map((r) => JSON.stringify(r)).join('\n')) });
  await municipal.getByRole('button', { name: 'アップロード' }).click();
  await municipal.getByText('却下されたレコード').waitFor();
  await shot(municipal, '05-municipal-upload');
  await municipalShots(municipal, cred.token);

  await fetch(`${server.baseUrl}/sandbox/v1/clock`, {
    method: 'PUT',
    headers: { ...admin, 'content-type': 'application/json' },
    body: '{"now":"2027-04-01T00:00:00Z"}',
  });
  const journal = await signIn(ADMIN_TOKEN, 'サンドボックス管理者');
  await journal.enter();
  await journal.getByRole('row').filter({ hasText: '/clinic/v1/eligibility-checks' }).first().waitFor();
  // The journal sits below the admin tools: bring its heading to the top.
  await journal.getByRole('heading', { name: 'リクエスト履歴' }).evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await shot(journal, '06-admin-journal');
  // The admin tools with a fault listed.
  await fetch(`${server.baseUrl}/sandbox/v1/faults`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({
      match: { method: 'POST', path: '/municipal/v1/registration-tasks' },
      effect: { status: 503, problemCode: 'pmh_busy' },
      remaining: 2,
    }),
  });
  await journal.getByRole('button', { name: '障害の一覧を更新' }).click();
  await journal.getByRole('region', { name: '障害の注入' }).getByText('pmh_busy').first().waitFor();
  await journal.getByRole('heading', { name: 'テスト用の時計' }).evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await shot(journal, '07-admin-tools');

  // Scenarios: what edge-cases made, with a way into each view.
  const scenarios = journal.getByRole('region', { name: 'シナリオ', exact: true });
  await scenarios.getByLabel('シナリオ', { exact: true }).selectOption('edge-cases');
  await scenarios.getByRole('button', { name: 'シナリオを読み込む' }).click();
  await scenarios.getByRole('region', { name: 'シナリオ edge-cases の結果' }).waitFor({ timeout: 60_000 });
  await scenarios.getByRole('heading', { name: 'シナリオ', exact: true }).evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await shot(journal, '09-admin-scenarios');

  // The access log and the explanation of an empty answer (test card 0005, 不開示).
  const log = journal.getByRole('region', { name: '資格確認のアクセスログ' });
  await log.getByRole('button', { name: 'アクセスログを更新' }).click();
  await log.getByRole('row').nth(1).waitFor();
  // The newest check that returned nothing.
  for (const row of (await log.getByRole('row').all()).slice(1)) {
    if (!/\t0\t/.test(await row.innerText())) continue;
    await row.getByRole('button').click();
    break;
  }
  await log.getByRole('region', { name: '資格確認の説明' }).waitFor();
  await log.getByRole('region', { name: '資格確認の説明' }).evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await shot(journal, '10-admin-access-log-explanation');

  // A maintenance window: the banner on top of the page.
  const maintenance = journal.getByRole('region', { name: 'メンテナンス' });
  await maintenance.getByLabel('終了日時（日本時間）').fill('2027-04-01T12:00:00');
  await maintenance.getByLabel('案内文（problem の detail）').fill('定期メンテナンスのため停止中です');
  await maintenance.getByRole('button', { name: 'メンテナンスを設定' }).click();
  await journal.getByRole('status').filter({ hasText: 'メンテナンス中' }).waitFor();
  await journal.evaluate(() => window.scrollTo(0, 0));
  await shot(journal, '11-admin-maintenance');
} finally {
  await browser.close();
  await server.stop();
  await rm(tmp, { recursive: true, force: true });
  await rm(path.join(PACKAGE_ROOT, 'dist/screenshots'), { recursive: true, force: true });
}
