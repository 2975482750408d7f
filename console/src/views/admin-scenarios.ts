/**
 * The admin's way into the tenants' views: load a scenario (POST /sandbox/v1/scenarios/{name}) and see the
 * tokens, cards and tasks it made, each with a button that opens the matching view with that token; or open
 * any municipality's view (POST /sandbox/v1/municipalities/{lgCode}/credentials) or institution's view
 * (POST /sandbox/v1/medical-institutions, which issues one more token). Deep links go in the URL hash
 * (`#card=<serial>`, `#tasks/<taskId>`), never a token.
 */
import { api, asProblem, type Schemas } from '../api.js';
import { h, uid } from '../dom.js';
import { problemView } from './problem.js';

type OpenAs = (token: string, hash?: string) => void;
const field = (id: string, label: string, control: HTMLElement, hint?: string) =>
  h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', { class: 'muted', id: `${id}-hint` }, hint) : null);
const thead = (...cols: string[]) => h('thead', {}, h('tr', {}, ...cols.map((t) => h('th', { scope: 'col' }, t))));
const openButton = (label: string, onclick: () => void) => h('button', { type: 'button', class: 'secondary', onclick }, label);
const tokenText = (token: string) => h('code', { class: 'token' }, token);

function scenarioResult(r: Schemas['ScenarioResult'], openAs: OpenAs): HTMLElement {
  const inst = r.institutions[0];
  const municipalityOf = new Map(r.municipalities.map((m) => [m.code, m]));
  return h(
    'div',
    { role: 'region', 'aria-label': `シナリオ ${r.scenario} の結果` },
    h('h3', {}, `自治体（${r.municipalities.length}）`),
    r.municipalities.length
      ? h(
          'table',
          {},
          thead('コード', '名称', '制度（orgSpecificCertificateTypeId）', 'トークン', ''),
          h(
            'tbody',
            {},
            ...r.municipalities.map((m) =>
              h(
                'tr',
                {},
                h('td', {}, m.code),
                h('td', {}, m.name),
                h('td', {}, m.certificateTypes.join(', ')),
                h('td', {}, tokenText(m.token)),
                h(
                  'td',
                  {},
                  openButton(`${m.name}の画面を開く`, () => openAs(m.token)),
                ),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'なし'),
    h('h3', {}, `医療機関（${r.institutions.length}）`),
    r.institutions.length
      ? h(
          'table',
          {},
          thead('医療機関コード', '名称', 'トークン', ''),
          h(
            'tbody',
            {},
            ...r.institutions.map((i) =>
              h(
                'tr',
                {},
                h('td', {}, i.code),
                h('td', {}, i.name),
                h('td', {}, tokenText(i.token)),
                h(
                  'td',
                  {},
                  openButton(`${i.name}の画面を開く`, () => openAs(i.token)),
                ),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'なし'),
    h('h3', {}, `カード（${r.cards.length}）`),
    r.cards.length
      ? h(
          'table',
          {},
          thead('シリアル番号', 'ケース', '見えるもの', '同意', '期待される応答', ''),
          h(
            'tbody',
            {},
            ...r.cards.map((c) =>
              h(
                'tr',
                {},
                h('td', {}, h('code', {}, c.certificateSerialNumber)),
                h('td', {}, c.case),
                h('td', {}, c.shows),
                h('td', {}, c.consent ? '利用する' : '利用しない'),
                h('td', {}, c.expected),
                h(
                  'td',
                  {},
                  inst
                    ? h(
                        'button',
                        {
                          type: 'button',
                          class: 'secondary',
                          'aria-label': `カードリーダーで開く: ${c.certificateSerialNumber}`,
                          onclick: () => openAs(inst.token, `card=${c.certificateSerialNumber}`),
                        },
                        'カードリーダーで開く',
                      )
                    : null,
                ),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'なし'),
    h('h3', {}, `登録タスク（${r.tasks.length}）`),
    r.tasks.length
      ? h(
          'table',
          {},
          thead('自治体', 'taskId', '状態', '受付件数', ''),
          h(
            'tbody',
            {},
            ...r.tasks.map((t) => {
              const m = municipalityOf.get(t.municipalityCode);
              return h(
                'tr',
                {},
                h('td', {}, m ? `${m.name}（${t.municipalityCode}）` : t.municipalityCode),
                h('td', {}, h('code', {}, t.taskId)),
                h('td', {}, t.status),
                h('td', {}, t.receivedCount),
                h(
                  'td',
                  {},
                  m
                    ? h(
                        'button',
                        {
                          type: 'button',
                          class: 'secondary',
                          'aria-label': `タスクを開く: ${t.taskId}（${m.name}）`,
                          onclick: () => openAs(m.token, `tasks/${t.taskId}`),
                        },
                        'タスクを開く',
                      )
                    : null,
                ),
              );
            }),
          ),
        )
      : h('p', { class: 'empty' }, 'なし'),
  );
}

/** Scenarios: choose one (load:<count> with its count), load it, and see what it made. */
export function scenariosTool(openAs: OpenAs): HTMLElement {
  const ids = { name: uid('scn-name'), count: uid('scn-count') };
  const name = h(
    'select',
    { id: ids.name },
    h('option', { value: 'pilot-municipalities' }, 'pilot-municipalities（東京都・八王子市の試行）'),
    h('option', { value: 'edge-cases' }, 'edge-cases（境界ケースのカード一式）'),
    h('option', { value: 'load' }, 'load:<件数>（難病レコードを大量生成）'),
  );
  const count = h('input', { id: ids.count, type: 'number', min: 1, max: 9999999, value: 1000, 'aria-describedby': `${ids.count}-hint` });
  const result = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'シナリオを読み込む');

  async function load() {
    const scenario = name.value === 'load' ? `load:${count.value || '1'}` : name.value;
    button.disabled = true;
    result.replaceChildren(h('p', {}, `${scenario} を読み込み中…`));
    try {
      const { data, error, response } = await api.POST('/sandbox/v1/scenarios/{name}', { params: { path: { name: scenario } } });
      result.replaceChildren(
        data
          ? h(
              'div',
              {},
              h('p', { class: 'ok' }, `シナリオ ${data.scenario} を読み込みました${response.status === 202 ? '（登録タスクは処理中）' : ''}。`),
              scenarioResult(data, openAs),
            )
          : problemView(asProblem(error, response.status)),
      );
    } catch (err) {
      result.replaceChildren(problemView(asProblem(err, undefined)));
    }
    button.disabled = false;
  }
  return h(
    'section',
    { class: 'card', 'aria-label': 'シナリオ', id: 'scenarios' },
    h('h2', {}, 'シナリオ'),
    h(
      'p',
      { class: 'muted' },
      '名前付きのテストデータを公開APIと同じ処理で登録し、作ったトークン・カード・登録タスクを表示します。トークンは一度だけ表示されます。各ボタンでその自治体・医療機関の画面を開けます（「管理者に戻る」で戻ります）。',
    ),
    h(
      'form',
      {
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          void load();
        },
      },
      h(
        'div',
        { class: 'row' },
        field(ids.name, 'シナリオ', name),
        field(ids.count, '件数（load のとき）', count, '1〜9,999,999'),
        h('div', { class: 'field' }, button),
      ),
    ),
    result,
  );
}

const KIND_BY_DIGIT: Record<string, Schemas['MedicalInstitutionKind']> = { '1': 'medical', '3': 'dental', '4': 'pharmacy', '6': 'visiting_nursing' };

/** Opens any municipality's or institution's view with a token issued for it. */
export function openViewTool(openAs: OpenAs): HTMLElement {
  const ids = { lg: uid('open-lg'), code: uid('open-inst'), name: uid('open-inst-name') };
  const lg = h('input', {
    id: ids.lg,
    type: 'text',
    inputmode: 'numeric',
    pattern: '[0-9]{6}',
    maxlength: 6,
    autocomplete: 'off',
    placeholder: '130001',
    required: true,
  });
  const code = h('input', {
    id: ids.code,
    type: 'text',
    inputmode: 'numeric',
    pattern: '[0-9]{10}',
    maxlength: 10,
    autocomplete: 'off',
    placeholder: '1319990011',
    required: true,
    'aria-describedby': `${ids.code}-hint`,
  });
  const instName = h('input', { id: ids.name, type: 'text', maxlength: 100, required: true, placeholder: 'サンドボックス内科クリニック' });
  const result = h('div', { 'aria-live': 'polite' });

  async function openMunicipality() {
    try {
      const { data, error, response } = await api.POST('/sandbox/v1/municipalities/{lgCode}/credentials', { params: { path: { lgCode: lg.value.trim() } } });
      if (data) return openAs(data.token);
      result.replaceChildren(problemView(asProblem(error, response.status)));
    } catch (err) {
      result.replaceChildren(problemView(asProblem(err, undefined)));
    }
  }
  async function openInstitution() {
    const c = code.value.trim();
    try {
      const kind = KIND_BY_DIGIT[c[2] ?? ''] ?? 'medical';
      const { data, error, response } = await api.POST('/sandbox/v1/medical-institutions', { body: { code: c, name: instName.value.trim(), kind } });
      if (data) return openAs(data.token);
      result.replaceChildren(problemView(asProblem(error, response.status)));
    } catch (err) {
      result.replaceChildren(problemView(asProblem(err, undefined)));
    }
  }
  const submit = (fn: () => Promise<void>) => (ev: Event) => {
    ev.preventDefault();
    void fn();
  };
  return h(
    'section',
    { class: 'card', 'aria-label': '自治体・医療機関の画面を開く', id: 'open-view' },
    h('h2', {}, '自治体・医療機関の画面を開く'),
    h('p', { class: 'muted' }, 'その自治体・医療機関のトークンを新しく発行して、その画面を開きます（発行済みのトークンはそのまま使えます）。'),
    h(
      'form',
      { onsubmit: submit(openMunicipality) },
      h(
        'div',
        { class: 'row' },
        field(ids.lg, '地方公共団体コード（6桁）', lg),
        h('div', { class: 'field' }, h('button', { type: 'submit' }, '自治体の画面を開く')),
      ),
    ),
    h(
      'form',
      { onsubmit: submit(openInstitution) },
      h(
        'div',
        { class: 'row' },
        field(ids.code, '医療機関コード（10桁）', code, '3桁目が点数表（1 医科・3 歯科・4 調剤・6 訪問看護）'),
        field(ids.name, '医療機関名（未登録なら作成、登録済みなら同じ名前）', instName),
        h('div', { class: 'field' }, h('button', { type: 'submit' }, '医療機関の画面を開く')),
      ),
    ),
    result,
  );
}
