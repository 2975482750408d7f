/**
 * The municipality's registered 受給者証 rows (GET /municipal/v1/recipients): filters by type, recipient
 * number and a date the row is valid on; the 個人番号 as the API masks it (its last 4 digits); and the
 * history rows of one certificate side by side.
 */
import { api, type Schemas } from '../api.js';
import type { paths } from '../generated/openapi.js';
import { h } from '../dom.js';
import { card, failure, field, jst, labelText, ok, select, wideTable } from './municipal-common.js';

type Row = Schemas['RecipientCertificateSummary'];
type RecipientsQuery = NonNullable<paths['/municipal/v1/recipients']['get']['parameters']['query']>;

/**
 * The rows of one certificate: same type, same masked 個人番号, same sub-key. The API masks the 個人番号,
 * so two people whose numbers end alike could meet here; the comparison asks the API for the rows of the
 * type and recipient number, which narrows that to the same 受給者番号 as well.
 */
const sameCertificate = (a: Row, b: Row) =>
  a.orgSpecificCertificateTypeId === b.orgSpecificCertificateTypeId && a.myNumberMasked === b.myNumberMasked && a.certificationSubKey === b.certificationSubKey;

const HISTORY_FIELDS: [string, string, (r: Row) => string][] = [
  ['履歴キー', 'historyKey', (r) => r.historyKey],
  ['有効期間開始日', 'validFrom', (r) => r.validFrom],
  ['有効期間終了日', 'validTo', (r) => r.validTo],
  ['受給者証名', 'certificationName', (r) => r.certificationName],
  ['公費負担者番号', 'medicalSubsidyInsurerNumber', (r) => r.medicalSubsidyInsurerNumber ?? '—'],
  ['公費受給者番号', 'medicalSubsidyRecipientNumber', (r) => r.medicalSubsidyRecipientNumber ?? '—'],
  ['不開示', 'isNotDisclosed', (r) => (r.isNotDisclosed ? 'はい' : 'いいえ')],
  ['更新日時', 'updatedAt', (r) => jst(r.updatedAt)],
  ['最終タスク', 'lastTaskId', (r) => r.lastTaskId],
];

export function recipientsView(): { el: HTMLElement; stop: () => void } {
  const typeSelect = select([['', 'すべて']]);
  const recipientNumber = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: 30, inputmode: 'numeric' });
  const validOn = h('input', { type: 'date' });
  const includeTest = h('input', { type: 'checkbox' });
  const tbody = h('tbody');
  const status = h('div', { 'aria-live': 'polite' });
  const more = h('div');
  const history = h('div');
  let rows: Row[] = [];

  async function loadTypes() {
    try {
      const page = await ok(
        api.GET('/municipal/v1/certificate-types', { params: { query: { limit: 1000, includeTestData: includeTest.checked ? 'true' : 'false' } } }),
      );
      const value = typeSelect.value;
      typeSelect.replaceChildren(
        h('option', { value: '' }, 'すべて'),
        ...page.items.map((t) => h('option', { value: t.orgSpecificCertificateTypeId }, `${t.orgSpecificCertificateTypeId} ${t.name}`)),
      );
      typeSelect.value = value;
    } catch {
      // The list of types only helps to choose; the rows below show any problem of the API.
    }
  }

  const query = (cursor?: string): RecipientsQuery => ({
    limit: 100,
    cursor,
    orgSpecificCertificateTypeId: typeSelect.value || undefined,
    recipientNumber: recipientNumber.value.trim() || undefined,
    validOn: validOn.value || undefined,
    includeTestData: includeTest.checked ? 'true' : 'false',
  });

  async function showHistory(r: Row) {
    history.replaceChildren(h('p', {}, '読み込み中…'));
    try {
      const same: Row[] = [];
      let cursor: string | undefined;
      do {
        const page = await ok(
          api.GET('/municipal/v1/recipients', {
            params: {
              query: {
                limit: 1000,
                cursor,
                orgSpecificCertificateTypeId: r.orgSpecificCertificateTypeId,
                recipientNumber: r.medicalSubsidyRecipientNumber ?? undefined,
                includeTestData: 'true',
              },
            },
          }),
        );
        same.push(...page.items.filter((x) => sameCertificate(x, r)));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const title = `受給者証の履歴: ${r.orgSpecificCertificateTypeId} ・ ${r.myNumberMasked}${r.certificationSubKey ? ` ・ サブキー ${r.certificationSubKey}` : ''}`;
      history.replaceChildren(
        card(
          title,
          h('p', { class: 'muted' }, `履歴 ${same.length} 行を左から履歴キー順に並べています（差のある項目は強調）。`),
          wideTable(
            { class: 'history' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '項目'), ...same.map((x) => h('th', { scope: 'col' }, `履歴 ${x.historyKey}`)))),
            h(
              'tbody',
              {},
              ...HISTORY_FIELDS.map(([ja, en, get]) => {
                const values = same.map(get);
                const differs = new Set(values).size > 1;
                return h(
                  'tr',
                  differs ? { class: 'differs' } : {},
                  h('th', { scope: 'row' }, ja, ' ', h('code', { class: 'api' }, en)),
                  ...values.map((v) => h('td', {}, v)),
                );
              }),
            ),
          ),
        ),
      );
      history.scrollIntoView({ block: 'start' });
    } catch (err) {
      history.replaceChildren(failure(err));
    }
  }

  const row = (r: Row) =>
    h(
      'tr',
      {},
      h('td', {}, h('code', {}, r.orgSpecificCertificateTypeId)),
      h('td', {}, h('code', {}, r.myNumberMasked)),
      h('td', {}, r.certificationSubKey ?? '—'),
      h('td', {}, r.historyKey),
      h('td', { class: 'dates' }, `${r.validFrom} 〜`, h('br'), r.validTo),
      h('td', {}, r.medicalSubsidyInsurerNumber ?? '—'),
      h('td', {}, r.medicalSubsidyRecipientNumber ?? '—'),
      h('td', {}, r.certificationName, r.isNotDisclosed ? h('span', { class: 'badge' }, '不開示') : null),
      h(
        'td',
        {},
        h(
          'button',
          { type: 'button', class: 'secondary', 'aria-label': `${r.myNumberMasked} 履歴 ${r.historyKey} の履歴を比較`, onclick: () => void showHistory(r) },
          '履歴を比較',
        ),
      ),
    );

  async function load(cursor?: string) {
    if (!cursor) {
      rows = [];
      tbody.replaceChildren();
      history.replaceChildren();
    }
    status.replaceChildren();
    try {
      const page = await ok(api.GET('/municipal/v1/recipients', { params: { query: query(cursor) } }));
      rows.push(...page.items);
      tbody.append(...page.items.map(row));
      status.replaceChildren(
        h(
          'p',
          { class: rows.length ? 'muted' : 'empty' },
          rows.length ? `${rows.length} 行${page.nextCursor ? '（続きがあります）' : ''}` : '条件に合う受給者証はありません。',
        ),
      );
      more.replaceChildren(
        page.nextCursor ? h('button', { type: 'button', class: 'secondary', onclick: () => void load(page.nextCursor!) }, 'さらに読み込む') : '',
      );
    } catch (err) {
      status.replaceChildren(failure(err));
      more.replaceChildren();
    }
  }
  includeTest.addEventListener('change', () => {
    void loadTypes();
    void load();
  });

  const headers: [string, string][] = [
    ['制度ID', 'orgSpecificCertificateTypeId'],
    ['個人番号', 'myNumberMasked'],
    ['サブキー', 'certificationSubKey'],
    ['履歴キー', 'historyKey'],
    ['有効期間', 'validFrom〜validTo'],
    ['公費負担者番号', 'medicalSubsidyInsurerNumber'],
    ['受給者番号', 'medicalSubsidyRecipientNumber'],
    ['受給者証名（不開示）', 'certificationName'],
  ];
  const el = h(
    'div',
    {},
    card(
      '登録済みの受給者証',
      h('p', { class: 'muted' }, '個人番号は API と同じく下4桁以外を伏せています。基本5情報は表示しません。'),
      h(
        'form',
        {
          class: 'row',
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            void load();
          },
        },
        field(labelText('制度', 'orgSpecificCertificateTypeId'), typeSelect),
        field(labelText('受給者番号', 'recipientNumber'), recipientNumber),
        field(labelText('有効な日', 'validOn'), validOn),
        h('div', { class: 'field' }, h('label', { class: 'inline' }, includeTest, ' テスト用カードも表示（includeTestData）')),
        h('div', { class: 'field' }, h('button', { type: 'submit' }, '検索')),
      ),
      status,
      wideTable(
        { class: 'recipients' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...headers.map(([ja, en]) => h('th', { scope: 'col' }, ja, h('br'), h('code', { class: 'api' }, en))),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, '操作')),
          ),
        ),
        tbody,
      ),
      more,
    ),
    history,
  );
  void loadTypes();
  void load();
  return { el, stop: () => {} };
}
