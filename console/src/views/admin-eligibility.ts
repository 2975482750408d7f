/**
 * The eligibility access log (GET /sandbox/v1/eligibility-checks), filterable by institution and paged, and
 * for any check its explanation (GET /sandbox/v1/eligibility-checks/{checkId}/explanation): "why was this
 * empty" — the outcome and every registered record the check considered, with the decision on each.
 */
import { api, asProblem, jstTime, type Schemas } from '../api.js';
import { h, uid } from '../dom.js';
import { problemView } from './problem.js';

type Explanation = Schemas['EligibilityExplanation'];
export const OUTCOME_LABELS: Record<Explanation['outcome'], string> = {
  returned: '返却あり（有効な公費を返しました）',
  no_consent: '同意なし（患者が「利用しない」を選んだため何も返していません）',
  no_records: '登録なし（どの自治体もこのカードの持ち主の受給者証を登録していません）',
  none_valid_on_service_date: '有効期間外（登録はあるが、診療日に有効なものがありません）',
  all_not_disclosed: '不開示（診療日に有効な受給者証はすべて不開示です）',
};
const DECISION_LABELS: Record<Explanation['records'][number]['decision'], string> = {
  applies: '該当（診療日に有効・開示可）',
  not_valid_on_service_date: '有効期間外',
  not_disclosed: '不開示',
};
const thead = (...cols: string[]) => h('thead', {}, h('tr', {}, ...cols.map((t) => h('th', { scope: 'col' }, t))));

function explanationView(e: Explanation): HTMLElement {
  const row = (term: string, value: string) => [h('dt', {}, term), h('dd', {}, value)];
  return h(
    'div',
    { role: 'region', 'aria-label': '資格確認の説明' },
    h('h3', {}, `資格確認の説明（checkId ${e.checkId}）`),
    h(
      'dl',
      { class: 'subsidy' },
      row('結果 outcome', `${OUTCOME_LABELS[e.outcome]} — ${e.outcome}`),
      row('要約 summary', e.summary),
      row('医療機関', `${e.institution.name}（${e.institution.code}）`),
      row('確認日時', jstTime(e.checkedAt)),
      row('診療日', e.serviceDate),
      row('同意', e.consent ? '利用する' : '利用しない'),
      row('返した公費の数', String(e.subsidyCount)),
    ),
    h('h3', {}, `検討したレコード（${e.records.length} 件）`),
    e.records.length === 0
      ? h('p', { class: 'empty' }, 'このカードの持ち主について登録されたレコードはありません。')
      : h(
          'table',
          { class: 'considered' },
          thead('登録自治体', '制度ID', '履歴キー', '受給者証名', '公費負担者番号', '受給者番号', '有効期間', '不開示', '判定'),
          h(
            'tbody',
            {},
            ...e.records.map((r) =>
              h(
                'tr',
                {},
                h('td', {}, `${r.registeringMunicipality.name}（${r.registeringMunicipality.code}）`),
                h('td', {}, r.orgSpecificCertificateTypeId + (r.certificationSubKey ? ` / ${r.certificationSubKey}` : '')),
                h('td', {}, r.historyKey),
                h('td', {}, r.certificationName),
                h('td', {}, r.medicalSubsidyInsurerNumber ?? '—'),
                h('td', {}, r.medicalSubsidyRecipientNumber ?? '—'),
                h('td', {}, `${r.validFrom} 〜 ${r.validTo}`),
                h('td', {}, r.isNotDisclosed ? 'はい' : 'いいえ'),
                h('td', {}, DECISION_LABELS[r.decision]),
              ),
            ),
          ),
        ),
  );
}

export function accessLogTool(): { el: HTMLElement; refresh: () => Promise<void> } {
  const instId = uid('log-inst');
  const inst = h('input', { id: instId, type: 'text', inputmode: 'numeric', pattern: '[0-9]{10}', maxlength: 10, autocomplete: 'off', placeholder: 'すべて' });
  const list = h('div', {});
  const detail = h('div', { 'aria-live': 'polite' });
  let rows: Schemas['EligibilityAccessLogEntry'][] = [];
  let next: string | null = null;

  async function explain(checkId: string) {
    detail.replaceChildren(h('p', {}, '読み込み中…'));
    try {
      const { data, error, response } = await api.GET('/sandbox/v1/eligibility-checks/{checkId}/explanation', { params: { path: { checkId } } });
      detail.replaceChildren(data ? explanationView(data) : problemView(asProblem(error, response.status)));
    } catch (err) {
      detail.replaceChildren(problemView(asProblem(err, undefined)));
    }
  }
  function draw() {
    if (rows.length === 0) return void list.replaceChildren(h('p', { class: 'empty' }, '資格確認の記録はありません。'));
    list.replaceChildren(
      h(
        'table',
        { class: 'access-log' },
        h('caption', { class: 'muted' }, `新しい順に ${rows.length} 件`),
        thead('確認日時', '医療機関', '診療日', '返した公費', '説明'),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, jstTime(r.checkedAt)),
              h('td', {}, `${r.institution.name}（${r.institution.code}）`),
              h('td', {}, r.serviceDate),
              h('td', {}, r.subsidyCount),
              h(
                'td',
                {},
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    'aria-label': `説明を見る: ${jstTime(r.checkedAt)} ${r.institution.name}`,
                    onclick: () => void explain(r.checkId),
                  },
                  '説明を見る',
                ),
              ),
            ),
          ),
        ),
      ),
      next ? h('button', { type: 'button', class: 'secondary', onclick: () => void load(true) }, 'さらに読み込む') : '',
    );
  }
  async function load(more = false) {
    const code = inst.value.trim();
    const query = { limit: 20, ...(code ? { institutionCode: code } : {}), ...(more && next ? { cursor: next } : {}) };
    try {
      const { data, error, response } = await api.GET('/sandbox/v1/eligibility-checks', { params: { query } });
      if (!data) return void list.replaceChildren(problemView(asProblem(error, response.status)));
      rows = more ? [...rows, ...data.items] : data.items;
      next = data.nextCursor;
      draw();
    } catch (err) {
      list.replaceChildren(problemView(asProblem(err, undefined)));
    }
  }
  void load();
  const el = h(
    'section',
    { class: 'card', 'aria-label': '資格確認のアクセスログ', id: 'access-log' },
    h('h2', {}, '資格確認のアクセスログ'),
    h(
      'p',
      { class: 'muted' },
      '医療機関が行った資格確認の記録です。医療機関には空の応答の理由は分かりませんが、ここでは「説明を見る」で結果の理由と検討したすべてのレコードを確認できます。',
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
        h('div', { class: 'field' }, h('label', { for: instId }, '医療機関コードで絞り込み（institutionCode）'), inst),
        h('div', { class: 'field' }, h('button', { type: 'submit', class: 'secondary' }, 'アクセスログを更新')),
      ),
    ),
    list,
    detail,
  );
  return { el, refresh: () => load() };
}
