/**
 * The sandbox admin's tools, each a form over one public operation: the test clock (PUT/DELETE
 * /sandbox/v1/clock), faults (POST/GET/DELETE /sandbox/v1/faults) and reset (POST /sandbox/v1/reset, all or
 * ?municipality=, after a confirmation that names what will be deleted).
 */
import { api, asProblem, type Schemas } from '../api.js';
import { h, uid } from '../dom.js';
import { problemView } from './problem.js';

const time = (iso: string) => new Date(iso).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' });
const field = (id: string, label: string, control: HTMLElement, hint?: string) =>
  h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', { class: 'muted', id: `${id}-hint` }, hint) : null);
const done = (text: string) => h('p', { class: 'ok' }, text);

/** Test clock: freeze at a JST instant from a datetime-local input, or back to real time; onChange redraws the banner. */
export function clockTool(onChange: () => Promise<void>): HTMLElement {
  const atId = uid('clock-at');
  const at = h('input', { id: atId, type: 'datetime-local', step: 1, required: true });
  const result = h('div', { 'aria-live': 'polite' });

  async function send(call: () => Promise<{ data?: Schemas['SandboxClock']; error?: unknown; response: Response }>) {
    try {
      const { data, error, response } = await call();
      result.replaceChildren(
        data
          ? done(data.real ? '時計を実時間に戻しました。' : `時計を ${time(data.now)}（日本時間）で止めました。`)
          : problemView(asProblem(error, response.status)),
      );
    } catch (err) {
      result.replaceChildren(problemView(asProblem(err, undefined)));
    }
    await onChange().catch(() => {});
  }
  const form = h(
    'form',
    {
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const v = at.value;
        if (!v) return void result.replaceChildren(h('p', { role: 'alert' }, '日時を入力してください。'));
        const now = `${v.length === 16 ? `${v}:00` : v}+09:00`;
        void send(() => api.PUT('/sandbox/v1/clock', { body: { now } }));
      },
    },
    h('div', { class: 'row' }, field(atId, '止める日時（日本時間）', at), h('div', { class: 'field' }, h('button', { type: 'submit' }, '時計を止める'))),
  );
  return h(
    'section',
    { class: 'card', 'aria-label': 'テスト用の時計' },
    h('h2', {}, 'テスト用の時計'),
    h(
      'p',
      { class: 'muted' },
      '止めた時計は進みません。「今日」「現在」を使う処理（有効期間の判定・タスクの日時・障害の期限など）はすべてこの時刻に従います。',
    ),
    form,
    h('button', { type: 'button', class: 'secondary', onclick: () => void send(() => api.DELETE('/sandbox/v1/clock')) }, '実時間に戻す'),
    result,
  );
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type Method = (typeof METHODS)[number];

function faultTable(items: Schemas['SandboxFault'][], remove: (f: Schemas['SandboxFault']) => void): HTMLElement {
  if (items.length === 0) return h('p', { class: 'empty' }, '障害は設定されていません。');
  return h(
    'table',
    { class: 'faults' },
    h('caption', { class: 'muted' }, `古い順に ${items.length} 件`),
    h(
      'thead',
      {},
      h('tr', {}, ...['メソッド', 'パス', 'ステータス', '問題コード', '残り回数', '適用回数', '状態', '操作'].map((t) => h('th', { scope: 'col' }, t))),
    ),
    h(
      'tbody',
      {},
      ...items.map((f) =>
        h(
          'tr',
          {},
          h('td', {}, f.match.method ?? 'すべて'),
          h('td', { class: 'path' }, f.match.path ?? 'すべて'),
          h('td', {}, f.effect.status ?? ''),
          h('td', {}, f.effect.problemCode ?? ''),
          h('td', {}, f.remaining ?? '無制限'),
          h('td', {}, f.hits),
          h('td', {}, f.active ? '有効' : '終了'),
          h(
            'td',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                'aria-label': `障害を削除: ${f.match.method ?? 'すべて'} ${f.match.path ?? 'すべて'}`,
                onclick: () => remove(f),
              },
              '削除',
            ),
          ),
        ),
      ),
    ),
  );
}

/** Faults: a form that creates one, and the list (remaining, hits) with a delete button per fault. */
export function faultsTool(): { el: HTMLElement; refresh: () => Promise<void> } {
  const ids = { method: uid('f-method'), path: uid('f-path'), status: uid('f-status'), code: uid('f-code'), remaining: uid('f-remaining') };
  const method = h('select', { id: ids.method }, h('option', { value: '' }, 'すべて'), ...METHODS.map((m) => h('option', { value: m }, m)));
  const path = h('input', {
    id: ids.path,
    type: 'text',
    placeholder: '/municipal/v1/*',
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: 500,
    pattern: '/.*',
  });
  const status = h('input', { id: ids.status, type: 'number', min: 400, max: 599, value: 503, required: true });
  const code = h('input', {
    id: ids.code,
    type: 'text',
    placeholder: 'service_unavailable',
    autocomplete: 'off',
    spellcheck: 'false',
    pattern: '[a-z][a-z0-9_]{0,63}',
  });
  const remaining = h('input', { id: ids.remaining, type: 'number', min: 1, max: 1000000, placeholder: '無制限' });
  const message = h('div', { 'aria-live': 'polite' });
  const list = h('div', {});

  async function refresh() {
    try {
      const { data, error, response } = await api.GET('/sandbox/v1/faults');
      list.replaceChildren(data ? faultTable(data.items, (f) => void remove(f)) : problemView(asProblem(error, response.status)));
    } catch (err) {
      list.replaceChildren(problemView(asProblem(err, undefined)));
    }
  }
  async function remove(f: Schemas['SandboxFault']) {
    try {
      const { error, response } = await api.DELETE('/sandbox/v1/faults/{faultId}', { params: { path: { faultId: f.id } } });
      message.replaceChildren(response.ok ? done('障害を削除しました。') : problemView(asProblem(error, response.status)));
    } catch (err) {
      message.replaceChildren(problemView(asProblem(err, undefined)));
    }
    await refresh();
  }
  async function create() {
    const body: Schemas['CreateSandboxFaultInput'] = {
      match: { ...(method.value ? { method: method.value as Method } : {}), ...(path.value.trim() ? { path: path.value.trim() } : {}) },
      effect: { status: Number(status.value), ...(code.value.trim() ? { problemCode: code.value.trim() } : {}) },
      ...(remaining.value ? { remaining: Number(remaining.value) } : {}),
    };
    try {
      const { data, error, response } = await api.POST('/sandbox/v1/faults', { body });
      message.replaceChildren(data ? done('障害を追加しました。') : problemView(asProblem(error, response.status)));
    } catch (err) {
      message.replaceChildren(problemView(asProblem(err, undefined)));
    }
    await refresh();
  }
  void refresh();

  const form = h(
    'form',
    {
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void create();
      },
    },
    h(
      'div',
      { class: 'row' },
      field(ids.method, 'メソッド', method),
      field(ids.path, 'パス（* で前方・部分一致、空ならすべて）', path),
      field(ids.status, 'ステータス（400〜599）', status),
      field(ids.code, '問題コード（空なら既定）', code),
      field(ids.remaining, '残り回数（空なら無制限）', remaining),
      h('div', { class: 'field' }, h('button', { type: 'submit' }, '障害を追加')),
    ),
  );
  const el = h(
    'section',
    { class: 'card', 'aria-label': '障害の注入' },
    h('h2', {}, '障害の注入'),
    h('p', { class: 'muted' }, '条件に合うリクエストを処理せず、指定したステータスと問題コードのエラーで応答します（/sandbox/v1/… には効きません）。'),
    form,
    message,
    h('h3', {}, '設定中の障害'),
    h('button', { type: 'button', class: 'secondary', onclick: () => void refresh() }, '障害の一覧を更新'),
    list,
  );
  return { el, refresh };
}

const MUNICIPALITY_DATA = '登録タスク（入力と結果を含む）、登録済みの受給者証、制度マスタ、認証情報（発行済みトークン）';

/** Reset: everything or one municipality, after a confirmation step naming what will be deleted. */
export function resetTool(onDone: () => Promise<void>): HTMLElement {
  const name = uid('reset-scope');
  const codeId = uid('reset-code');
  const allId = uid('reset-all');
  const oneId = uid('reset-one');
  const all = h('input', { id: allId, type: 'radio', name, value: 'all', checked: true });
  const one = h('input', { id: oneId, type: 'radio', name, value: 'municipality' });
  const code = h('input', {
    id: codeId,
    type: 'text',
    inputmode: 'numeric',
    pattern: '[0-9]{6}',
    maxlength: 6,
    autocomplete: 'off',
    placeholder: '130001',
    'aria-describedby': `${codeId}-hint`,
  });
  const confirmation = h('div', {});
  const result = h('div', { 'aria-live': 'polite' });
  code.addEventListener('input', () => (one.checked = true));

  function ask() {
    result.replaceChildren();
    const municipality = one.checked ? code.value.trim() : null;
    if (municipality !== null && !/^[0-9]{6}$/.test(municipality))
      return void confirmation.replaceChildren(h('p', { role: 'alert' }, '地方公共団体コードは6桁の数字で入力してください。'));
    const text =
      municipality !== null
        ? `自治体 ${municipality} のデータ（${MUNICIPALITY_DATA}）を削除します。ほかの自治体・医療機関のデータは残ります。`
        : `すべての自治体のデータ（${MUNICIPALITY_DATA}）、すべての医療機関（認証情報と資格確認の記録を含む）と模擬カードを削除します。`;
    const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => confirmation.replaceChildren() }, 'キャンセル');
    const go = h('button', { type: 'button', class: 'danger', onclick: () => void send(municipality) }, '削除する');
    confirmation.replaceChildren(
      h(
        'div',
        { class: 'confirm', role: 'group', 'aria-label': 'リセットの確認' },
        h('p', {}, text),
        h('p', { class: 'muted' }, '時計・障害・メンテナンス・リクエスト履歴は残ります。元に戻せません。'),
        go,
        ' ',
        cancel,
      ),
    );
    cancel.focus();
  }
  async function send(municipality: string | null) {
    confirmation.replaceChildren();
    try {
      const { data, error, response } = await api.POST('/sandbox/v1/reset', { params: { query: municipality ? { municipality } : {} } });
      if (!data) return void result.replaceChildren(problemView(asProblem(error, response.status)));
      const rows = data.tables.map((t) => h('li', {}, `${t.table}: ${t.rows === null ? 'すべて' : `${t.rows} 行`}`));
      result.replaceChildren(done(data.code ? `自治体 ${data.code} のデータを削除しました。` : 'すべてのデータを削除しました。'), h('ul', {}, ...rows));
    } catch (err) {
      result.replaceChildren(problemView(asProblem(err, undefined)));
    }
    await onDone().catch(() => {});
  }

  return h(
    'section',
    { class: 'card', 'aria-label': 'データのリセット' },
    h('h2', {}, 'データのリセット'),
    h(
      'form',
      {
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          ask();
        },
      },
      h(
        'fieldset',
        {},
        h('legend', {}, 'リセットする範囲'),
        h('div', {}, all, ' ', h('label', { for: allId, class: 'inline' }, 'すべて')),
        h('div', {}, one, ' ', h('label', { for: oneId, class: 'inline' }, '1つの自治体')),
        field(codeId, '地方公共団体コード（6桁）', code, '「1つの自治体」のときに入力します'),
      ),
      h('button', { type: 'submit' }, 'リセット内容を確認'),
    ),
    confirmation,
    result,
  );
}
