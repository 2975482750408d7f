/**
 * The sandbox admin's page: the tools of admin-tools.ts (test clock, maintenance, faults, reset), scenarios and
 * opening a tenant's view (admin-scenarios.ts), the eligibility access log with explanations
 * (admin-eligibility.ts), and the request journal (GET /sandbox/v1/requests, polled) with a path filter (the
 * API's glob) and a status filter (applied here: the API has none).
 */
import { api, asProblem, jstTime, type Schemas } from '../api.js';
import { h, uid } from '../dom.js';
import { accessLogTool } from './admin-eligibility.js';
import { openViewTool, scenariosTool } from './admin-scenarios.js';
import { clockTool, faultsTool, maintenanceTool, resetTool } from './admin-tools.js';
import { problemView } from './problem.js';

const POLL_MS = 2000;
const STATUS_FILTERS: Record<string, (s: number) => boolean> = {
  all: () => true,
  '2xx': (s) => s < 300,
  '4xx': (s) => s >= 400 && s < 500,
  '5xx': (s) => s >= 500,
  errors: (s) => s >= 400,
};
const STATUS_LABELS: Record<string, string> = {
  all: 'すべて',
  '2xx': '成功 (2xx)',
  '4xx': 'クライアントエラー (4xx)',
  '5xx': 'サーバーエラー (5xx)',
  errors: 'エラーのみ (4xx/5xx)',
};

const time = jstTime;

function journalTable(items: Schemas['SandboxRequestLogEntry'][]): HTMLElement {
  if (items.length === 0) return h('p', { class: 'empty' }, '該当するリクエストはありません。');
  return h(
    'table',
    { class: 'journal' },
    h('caption', { class: 'muted' }, `新しい順に ${items.length} 件`),
    h('thead', {}, h('tr', {}, ...['日時', 'メソッド', 'パス', 'ステータス', '呼び出し元', '所要時間', '問題コード'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      {},
      ...items.map((r) =>
        h(
          'tr',
          {},
          h('td', {}, time(r.at)),
          h('td', {}, r.method),
          h('td', { class: 'path' }, r.path),
          h('td', {}, r.status),
          h('td', {}, r.actor),
          h('td', {}, `${r.durationMs.toFixed(1)} ms`),
          h('td', {}, r.problemCode ?? ''),
        ),
      ),
    ),
  );
}

const SECTIONS: [string, string][] = [
  ['clock', 'テスト用の時計'],
  ['maintenance', 'メンテナンス'],
  ['faults', '障害の注入'],
  ['reset', 'データのリセット'],
  ['scenarios', 'シナリオ'],
  ['open-view', '自治体・医療機関の画面'],
  ['access-log', '資格確認のアクセスログ'],
  ['journal', 'リクエスト履歴'],
];

/**
 * The admin view: the tools, then the logs; refreshBanner redraws the page's clock and banners, openAs opens a
 * tenant's view with its token. The returned stop() ends its polling.
 */
export function adminView(refreshBanner: () => Promise<void>, openAs: (token: string, hash?: string) => void): { el: HTMLElement; stop: () => void } {
  const pathId = uid('path');
  const statusId = uid('status');
  const list = h('div', { 'aria-live': 'off' });
  const path = h('input', { id: pathId, type: 'text', placeholder: '/clinic/v1/*', autocomplete: 'off', spellcheck: 'false', maxlength: 500 });
  const status = h('select', { id: statusId }, ...Object.keys(STATUS_FILTERS).map((k) => h('option', { value: k }, STATUS_LABELS[k])));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  async function refresh() {
    clearTimeout(timer);
    try {
      const query = { limit: 200, ...(path.value.trim() ? { path: path.value.trim() } : {}) };
      const { data, error, response } = await api.GET('/sandbox/v1/requests', { params: { query } });
      if (stopped) return;
      const keep = STATUS_FILTERS[status.value] ?? STATUS_FILTERS.all!;
      list.replaceChildren(data ? journalTable(data.items.filter((r) => keep(r.status))) : problemView(asProblem(error, response.status)));
    } catch (err) {
      list.replaceChildren(problemView(asProblem(err, undefined)));
    }
    if (!stopped) timer = setTimeout(() => void refresh(), POLL_MS);
  }
  path.addEventListener('change', () => void refresh());
  status.addEventListener('change', () => void refresh());
  void refresh();

  const faults = faultsTool();
  const journal = h(
    'section',
    { class: 'card', 'aria-label': 'リクエスト履歴', id: 'journal' },
    h('h2', {}, 'リクエスト履歴'),
    h('p', { class: 'muted' }, `サンドボックスが受け取ったリクエスト（${POLL_MS / 1000}秒ごとに更新）。本文・クエリ・ヘッダーは記録されません。`),
    h(
      'div',
      { class: 'row' },
      h('div', { class: 'field' }, h('label', { for: pathId }, 'パス（* で前方・部分一致）'), path),
      h('div', { class: 'field' }, h('label', { for: statusId }, 'ステータス'), status),
      h('div', { class: 'field' }, h('button', { type: 'button', class: 'secondary', onclick: () => void refresh() }, '更新')),
    ),
    list,
  );
  const accessLog = accessLogTool();
  const el = h(
    'div',
    {},
    h('nav', { 'aria-label': '管理者メニュー', class: 'toc' }, h('ul', {}, ...SECTIONS.map(([id, label]) => h('li', {}, h('a', { href: `#${id}` }, label))))),
    clockTool(async () => {
      await refreshBanner();
      await faults.refresh();
    }),
    maintenanceTool(refreshBanner),
    faults.el,
    resetTool(async () => {
      await refresh();
      await accessLog.refresh();
    }),
    scenariosTool(openAs),
    openViewTool(openAs),
    accessLog.el,
    journal,
  );
  return {
    el,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
