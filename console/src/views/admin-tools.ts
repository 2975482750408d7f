/**
 * The sandbox admin's tools, each a form over one public operation: the test clock (PUT/DELETE
 * /sandbox/v1/clock), the maintenance window (GET/PUT/DELETE /sandbox/v1/maintenance), faults
 * (POST/GET/DELETE /sandbox/v1/faults) and reset (POST /sandbox/v1/reset, all, ?municipality= or
 * ?institution=, after a confirmation that names what will be deleted).
 */
import { api, asProblem, jstTime, type Schemas } from '../api.js';
import { h, uid } from '../dom.js';
import { problemView } from './problem.js';

const time = jstTime;
const field = (id: string, label: string, control: HTMLElement, hint?: string) =>
  h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', { class: 'muted', id: `${id}-hint` }, hint) : null);
const done = (text: string) => h('p', { class: 'ok' }, text);
/** A datetime-local value (JST wall time) as an ISO instant with the +09:00 offset. */
const jstInstant = (v: string) => `${v.length === 16 ? `${v}:00` : v}+09:00`;

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
        const now = jstInstant(v);
        void send(() => api.PUT('/sandbox/v1/clock', { body: { now } }));
      },
    },
    h('div', { class: 'row' }, field(atId, '止める日時（日本時間）', at), h('div', { class: 'field' }, h('button', { type: 'submit' }, '時計を止める'))),
  );
  return h(
    'section',
    { class: 'card', 'aria-label': 'テスト用の時計', id: 'clock' },
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

/** Maintenance window: schedule (from/until in JST, a message) or cancel it; onChange redraws the banners. */
export function maintenanceTool(onChange: () => Promise<void>): HTMLElement {
  const ids = { from: uid('mw-from'), until: uid('mw-until'), message: uid('mw-message') };
  const from = h('input', { id: ids.from, type: 'datetime-local', step: 1, 'aria-describedby': `${ids.from}-hint` });
  const until = h('input', { id: ids.until, type: 'datetime-local', step: 1, required: true });
  const message = h('input', { id: ids.message, type: 'text', maxlength: 500, placeholder: '定期メンテナンスのため停止中です' });
  const state = h('div', {});
  const result = h('div', { 'aria-live': 'polite' });

  const show = (m: Schemas['SandboxMaintenance']) =>
    state.replaceChildren(
      m.window
        ? h(
            'p',
            {},
            `${m.active ? 'メンテナンス中' : 'メンテナンス予定'}: ${m.window.from ? time(m.window.from) : '設定時'} 〜 ${time(m.window.until)}（日本時間）`,
            m.window.message ? `・案内「${m.window.message}」` : '',
            m.retryAfterSeconds !== null ? `・Retry-After ${m.retryAfterSeconds} 秒` : '',
          )
        : h('p', { class: 'empty' }, 'メンテナンスは設定されていません。'),
    );
  async function send(call: () => Promise<{ data?: Schemas['SandboxMaintenance']; error?: unknown; response: Response }>, ok: string) {
    try {
      const { data, error, response } = await call();
      if (data) show(data);
      result.replaceChildren(data ? done(ok) : problemView(asProblem(error, response.status)));
    } catch (err) {
      result.replaceChildren(problemView(asProblem(err, undefined)));
    }
    await onChange().catch(() => {});
  }
  void (async () => {
    const { data } = await api.GET('/sandbox/v1/maintenance').catch(() => ({ data: undefined }));
    if (data) show(data);
  })();
  const form = h(
    'form',
    {
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        if (!until.value) return void result.replaceChildren(h('p', { role: 'alert' }, '終了日時を入力してください。'));
        const body: Schemas['SetSandboxMaintenanceInput'] = {
          until: jstInstant(until.value),
          ...(from.value ? { from: jstInstant(from.value) } : {}),
          ...(message.value.trim() ? { message: message.value.trim() } : {}),
        };
        void send(() => api.PUT('/sandbox/v1/maintenance', { body }), 'メンテナンスを設定しました。');
      },
    },
    h(
      'div',
      { class: 'row' },
      field(ids.from, '開始日時（日本時間）', from, '空なら今すぐ'),
      field(ids.until, '終了日時（日本時間）', until),
      field(ids.message, '案内文（problem の detail）', message),
      h('div', { class: 'field' }, h('button', { type: 'submit' }, 'メンテナンスを設定')),
    ),
  );
  return h(
    'section',
    { class: 'card', 'aria-label': 'メンテナンス', id: 'maintenance' },
    h('h2', {}, 'メンテナンス'),
    h(
      'p',
      { class: 'muted' },
      'PMHの計画停止を模擬します。期間中（サンドボックスの時計で判定）は自治体・医療機関のAPIが 503 pmh_maintenance と Retry-After で応答します。',
    ),
    state,
    form,
    h(
      'button',
      { type: 'button', class: 'secondary', onclick: () => void send(() => api.DELETE('/sandbox/v1/maintenance'), 'メンテナンスを解除しました。') },
      'メンテナンスを解除',
    ),
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
    { class: 'card', 'aria-label': '障害の注入', id: 'faults' },
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

const MUNICIPALITY_DATA = '登録タスク（入力と結果を含む）、登録済みの受給者証、制度マスタ、Webhook、認証情報（発行済みトークン）';
const INSTITUTION_DATA = '資格確認の記録（アクセスログ）、認証情報（発行済みトークン）、医療機関の登録';

type Scope = { kind: 'all' } | { kind: 'municipality'; code: string } | { kind: 'institution'; code: string };

/** What a reset of this scope deletes, in the words of its confirmation. */
function resetText(scope: Scope): string {
  if (scope.kind === 'municipality') return `自治体 ${scope.code} のデータ（${MUNICIPALITY_DATA}）を削除します。ほかの自治体・医療機関のデータは残ります。`;
  if (scope.kind === 'institution') return `医療機関 ${scope.code} のデータ（${INSTITUTION_DATA}）を削除します。ほかの医療機関・自治体のデータは残ります。`;
  return `すべての自治体のデータ（${MUNICIPALITY_DATA}）、すべての医療機関（${INSTITUTION_DATA}）と模擬カードを削除します。`;
}

/** Reset: everything, one municipality or one institution, after a confirmation step naming what will be deleted. */
export function resetTool(onDone: () => Promise<void>): HTMLElement {
  const name = uid('reset-scope');
  const ids = { all: uid('reset-all'), one: uid('reset-one'), inst: uid('reset-inst'), code: uid('reset-code'), instCode: uid('reset-inst-code') };
  const all = h('input', { id: ids.all, type: 'radio', name, value: 'all', checked: true });
  const one = h('input', { id: ids.one, type: 'radio', name, value: 'municipality' });
  const inst = h('input', { id: ids.inst, type: 'radio', name, value: 'institution' });
  const code = h('input', {
    id: ids.code,
    type: 'text',
    inputmode: 'numeric',
    pattern: '[0-9]{6}',
    maxlength: 6,
    autocomplete: 'off',
    placeholder: '130001',
    'aria-describedby': `${ids.code}-hint`,
  });
  const instCode = h('input', {
    id: ids.instCode,
    type: 'text',
    inputmode: 'numeric',
    pattern: '[0-9]{10}',
    maxlength: 10,
    autocomplete: 'off',
    placeholder: '1319990011',
    'aria-describedby': `${ids.instCode}-hint`,
  });
  const confirmation = h('div', {});
  const result = h('div', { 'aria-live': 'polite' });
  code.addEventListener('input', () => (one.checked = true));
  instCode.addEventListener('input', () => (inst.checked = true));

  function ask() {
    result.replaceChildren();
    const scope: Scope = one.checked
      ? { kind: 'municipality', code: code.value.trim() }
      : inst.checked
        ? { kind: 'institution', code: instCode.value.trim() }
        : { kind: 'all' };
    if (scope.kind === 'municipality' && !/^[0-9]{6}$/.test(scope.code))
      return void confirmation.replaceChildren(h('p', { role: 'alert' }, '地方公共団体コードは6桁の数字で入力してください。'));
    if (scope.kind === 'institution' && !/^[0-9]{10}$/.test(scope.code))
      return void confirmation.replaceChildren(h('p', { role: 'alert' }, '医療機関コードは10桁の数字で入力してください。'));
    const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => confirmation.replaceChildren() }, 'キャンセル');
    const go = h('button', { type: 'button', class: 'danger', onclick: () => void send(scope) }, '削除する');
    confirmation.replaceChildren(
      h(
        'div',
        { class: 'confirm', role: 'group', 'aria-label': 'リセットの確認' },
        h('p', {}, resetText(scope)),
        h('p', { class: 'muted' }, '時計・障害・メンテナンス・リクエスト履歴は残ります。元に戻せません。'),
        go,
        ' ',
        cancel,
      ),
    );
    cancel.focus();
  }
  async function send(scope: Scope) {
    confirmation.replaceChildren();
    try {
      const query = scope.kind === 'municipality' ? { municipality: scope.code } : scope.kind === 'institution' ? { institution: scope.code } : {};
      const { data, error, response } = await api.POST('/sandbox/v1/reset', { params: { query } });
      if (!data) return void result.replaceChildren(problemView(asProblem(error, response.status)));
      const rows = data.tables.map((t) => h('li', {}, `${t.table}: ${t.rows === null ? 'すべて' : `${t.rows} 行`}`));
      const what =
        data.scope === 'municipality' ? `自治体 ${data.code} のデータ` : data.scope === 'institution' ? `医療機関 ${data.code} のデータ` : 'すべてのデータ';
      result.replaceChildren(done(`${what}を削除しました。`), h('ul', {}, ...rows));
    } catch (err) {
      result.replaceChildren(problemView(asProblem(err, undefined)));
    }
    await onDone().catch(() => {});
  }

  return h(
    'section',
    { class: 'card', 'aria-label': 'データのリセット', id: 'reset' },
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
        h('div', {}, all, ' ', h('label', { for: ids.all, class: 'inline' }, 'すべて')),
        h('div', {}, one, ' ', h('label', { for: ids.one, class: 'inline' }, '1つの自治体')),
        h('div', {}, inst, ' ', h('label', { for: ids.inst, class: 'inline' }, '1つの医療機関')),
        h(
          'div',
          { class: 'row' },
          field(ids.code, '地方公共団体コード（6桁）', code, '「1つの自治体」のときに入力します'),
          field(ids.instCode, '医療機関コード（10桁）', instCode, '「1つの医療機関」のときに入力します'),
        ),
      ),
      h('button', { type: 'submit' }, 'リセット内容を確認'),
    ),
    confirmation,
    result,
  );
}
