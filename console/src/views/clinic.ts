/**
 * The clinic's view: the virtual card reader (a well-known test card or a typed serial, the consent prompt the
 * real reader shows, a service date defaulting to today by the sandbox clock, then POST
 * /clinic/v1/eligibility-checks and the answer laid out per 公費 as a レセコン imports it), a batch check of
 * pasted serials (POST /clinic/v1/eligibility-checks/batch) and the institution's recent checks
 * (GET /clinic/v1/eligibility-checks, each re-read by GET /clinic/v1/eligibility-checks/{checkId}).
 */
import { TEST_CARDS, UNKNOWN_TEST_SERIAL } from '../../../src/sandbox/test-cards.js';
import { api, asProblem, jstTime, type Schemas } from '../api.js';
import { h, uid } from '../dom.js';
import { problemView } from './problem.js';

const CONSENT_PROMPT = '医療費助成の各種受給者証を利用しますか';
const MAX_BATCH = 1000;

const yen = (n: number) => `${n.toLocaleString('ja-JP')}円`;
const CAP_LABELS: Record<string, string> = { monthly: '月額', daily: '日額', perVisit: '1回', inpatientOutpatientCombined: '入院外来合算' };
function capText(cap: Record<string, unknown> | null | undefined): string {
  if (!cap) return 'なし';
  const parts = Object.entries(cap).flatMap(([k, v]) => (typeof v === 'number' ? [`${CAP_LABELS[k] ?? k} ${yen(v)}`] : []));
  return parts.length ? parts.join('、') : 'なし';
}
const designatedText = (d: boolean | null) => (d === null ? '指定なし' : d ? 'はい（当院は指定医療機関）' : 'いいえ（当院は指定医療機関ではありません）');
const SEX: Record<string, string> = { '1': '男', '2': '女', '3': 'その他' };

/** Fields of MedicalSubsidy laid out below; any other field the API adds is listed after them as it came. */
const LAID_OUT = new Set([
  'medicalSubsidyInsurerNumber',
  'medicalSubsidyRecipientNumber',
  'certificationName',
  'program',
  'validFrom',
  'validTo',
  'segment',
  'incomeSegment',
  'additionalConditions',
  'additionalConditionPairs',
  'maxCopaymentAmount',
  'isAlwaysReimbursement',
  'designatedHere',
  'certificationDetail',
  'registeringMunicipality',
]);
const asText = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

function subsidyView(s: Schemas['MedicalSubsidy'], i: number): HTMLElement {
  const row = (term: string, apiName: string | null, value: string) => [
    h('dt', {}, term, apiName ? h('code', { class: 'api-name' }, apiName) : null),
    h('dd', {}, value),
  ];
  const extra = Object.entries(s as Record<string, unknown>).filter(([k]) => !LAID_OUT.has(k));
  return h(
    'section',
    { class: 'card', 'aria-label': `公費 ${i + 1}: ${s.certificationName}` },
    h('h3', {}, `公費 ${i + 1}: ${s.certificationName}`),
    h(
      'dl',
      { class: 'subsidy' },
      row('公費負担者番号', 'medicalSubsidyInsurerNumber', s.medicalSubsidyInsurerNumber ?? '—'),
      row('受給者番号', 'medicalSubsidyRecipientNumber', s.medicalSubsidyRecipientNumber ?? '—'),
      row('受給者証名', 'certificationName', s.certificationName),
      row(
        '制度',
        'program',
        `${s.program.name}（${s.program.kind === 'national' ? `法別${s.program.lawCode}` : `地単公費 ${s.program.localCategory ?? ''}`}）`,
      ),
      row('有効期間', 'validFrom / validTo', `${s.validFrom} 〜 ${s.validTo}`),
      row('区分', 'segment', s.segment ?? '—'),
      row('所得区分', 'incomeSegment', s.incomeSegment ?? '—'),
      row('上限額', 'maxCopaymentAmount', capText(s.maxCopaymentAmount)),
      row('追加条件', 'additionalConditions', s.additionalConditions ?? '—'),
      row('常に償還払い', 'isAlwaysReimbursement', s.isAlwaysReimbursement === '1' ? 'はい（窓口では適用しません）' : 'いいえ'),
      row('指定医療機関（当院）', 'designatedHere', designatedText(s.designatedHere)),
      row('登録自治体', 'registeringMunicipality', `${s.registeringMunicipality.name}（${s.registeringMunicipality.code}）`),
      extra.flatMap(([k, v]) => row(k, null, asText(v))),
    ),
    h('h4', {}, '券面項目 certificationDetail'),
    s.certificationDetail.length
      ? h(
          'dl',
          { class: 'subsidy' },
          s.certificationDetail.flatMap((d) => row(d.label, null, d.value)),
        )
      : h('p', { class: 'muted' }, 'なし'),
  );
}

function answerView(check: Schemas['EligibilityCheck'], heading = '確認結果'): HTMLElement {
  const p = check.patient;
  return h(
    'section',
    { 'aria-label': heading },
    h('h2', {}, heading),
    h('p', {}, `患者: ${p.name}（${p.nameKana}）・生年月日 ${p.dateOfBirth} ・性別 ${SEX[p.sex] ?? p.sex} ・診療日 ${check.serviceDate}`),
    check.medicalSubsidies.length === 0
      ? h('p', { class: 'empty' }, '利用できる医療費助成の受給者証はありません（同意なし・登録なし・有効期間外・不開示のいずれか）。')
      : check.medicalSubsidies.map(subsidyView),
    h('p', { class: 'muted' }, `checkId: ${check.checkId} ・確認日時 ${jstTime(check.checkedAt)}`),
  );
}

async function call<T>(request: () => Promise<{ data?: T; error?: unknown; response: Response }>, onData: (data: T) => Node, into: HTMLElement) {
  try {
    const { data, error, response } = await request();
    into.replaceChildren(data ? onData(data) : problemView(asProblem(error, response.status)));
  } catch (err) {
    into.replaceChildren(problemView(asProblem(err, undefined)));
  }
}

/** The institution's own checks, newest first, 20 at a time; show() re-reads one whole answer. */
function recentChecks(show: (checkId: string) => void): { el: HTMLElement; refresh: () => Promise<void> } {
  const list = h('div', {});
  let rows: Schemas['EligibilityCheckSummary'][] = [];
  let next: string | null = null;
  function draw() {
    if (rows.length === 0) return void list.replaceChildren(h('p', { class: 'empty' }, 'まだ資格確認をしていません。'));
    list.replaceChildren(
      h(
        'table',
        {},
        h('caption', { class: 'muted' }, `新しい順に ${rows.length} 件`),
        h('thead', {}, h('tr', {}, ...['確認日時', '診療日', '患者', '同意', '公費', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, jstTime(r.checkedAt)),
              h('td', {}, r.serviceDate),
              h('td', {}, `${r.patient.name}（${r.patient.nameKana}）`),
              h('td', {}, r.consent ? '利用する' : '利用しない'),
              h('td', {}, `${r.subsidyCount} 件`),
              h(
                'td',
                {},
                h(
                  'button',
                  { type: 'button', class: 'secondary', 'aria-label': `結果を表示: ${jstTime(r.checkedAt)} ${r.patient.name}`, onclick: () => show(r.checkId) },
                  '結果を表示',
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
    const query = { limit: 20, ...(more && next ? { cursor: next } : {}) };
    try {
      const { data, error, response } = await api.GET('/clinic/v1/eligibility-checks', { params: { query } });
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
    { class: 'card', 'aria-label': '最近の資格確認', id: 'recent' },
    h('h2', {}, '最近の資格確認'),
    h('p', { class: 'muted' }, 'この医療機関が行った資格確認（GET /clinic/v1/eligibility-checks）。個人番号は含まれません。'),
    h('button', { type: 'button', class: 'secondary', onclick: () => void load() }, '一覧を更新'),
    list,
  );
  return { el, refresh: () => load() };
}

function batchResults(res: Schemas['EligibilityBatchResponse'], serials: string[]): HTMLElement {
  const ok = res.items.filter((i) => i.status === 200).length;
  return h(
    'section',
    { 'aria-label': '一括確認の結果' },
    h('h3', {}, `一括確認の結果: ${res.items.length} 件中 ${ok} 件成功`),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...['#', 'シリアル番号', 'ステータス', '患者', '結果'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...res.items.map((i) =>
          h(
            'tr',
            {},
            h('td', {}, i.index + 1),
            h('td', {}, h('code', {}, serials[i.index] ?? '')),
            h('td', {}, i.status),
            h('td', {}, i.result ? i.result.patient.name : '—'),
            h(
              'td',
              {},
              i.result
                ? i.result.medicalSubsidies.length
                  ? i.result.medicalSubsidies.map((s) => s.certificationName).join('、')
                  : '受給者証なし'
                : i.problem
                  ? `${i.problem.title}（${i.problem.code}）`
                  : '',
            ),
          ),
        ),
      ),
    ),
  );
}

export function clinicView(opts: { today: () => string }): HTMLElement {
  const ids = { card: uid('card'), serial: uid('serial'), date: uid('date'), batch: uid('batch') };
  const result = h('div', { 'aria-live': 'polite', id: 'answer' });
  const linked = /^#card=([0-9A-Fa-f]+)$/.exec(location.hash)?.[1]?.toUpperCase();
  const serial = h('input', {
    id: ids.serial,
    type: 'text',
    value: linked ?? TEST_CARDS[0]!.certificateSerialNumber,
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: 64,
  });
  const shows = h('p', { class: 'muted', id: `${ids.card}-shows` });
  const cards = h(
    'select',
    { id: ids.card, 'aria-describedby': `${ids.card}-shows` },
    ...TEST_CARDS.map((c) => h('option', { value: c.certificateSerialNumber }, `${c.certificateSerialNumber.slice(-4)} — ${c.case}`)),
    h('option', { value: UNKNOWN_TEST_SERIAL }, `${UNKNOWN_TEST_SERIAL.slice(-4)} — unknown card`),
    h('option', { value: '' }, 'シリアル番号を入力'),
  );
  const describe = () => {
    const c = TEST_CARDS.find((t) => t.certificateSerialNumber === cards.value);
    shows.textContent = c
      ? `このカード: ${c.shows}（想定: ${c.consent ? '利用する' : '利用しない'}）`
      : cards.value
        ? 'どのカードにも当たらないシリアル番号です。'
        : '';
  };
  const follow = () => {
    const typed = serial.value.trim().toUpperCase();
    cards.value = [...cards.options].some((o) => o.value === typed) ? typed : '';
    describe();
  };
  cards.addEventListener('change', () => {
    serial.value = cards.value || serial.value;
    describe();
  });
  // A typed serial selects its test card, or 「シリアル番号を入力」 when it is none of them.
  serial.addEventListener('input', follow);
  follow();
  const date = h('input', { id: ids.date, type: 'date', value: opts.today(), required: true, 'aria-describedby': `${ids.date}-hint` });
  const serviceDate = () => date.value || undefined;

  const recent = recentChecks(
    (checkId) =>
      void call(
        () => api.GET('/clinic/v1/eligibility-checks/{checkId}', { params: { path: { checkId } } }),
        (data) => answerView(data, '過去の確認結果'),
        result,
      ).then(() => result.scrollIntoView({ block: 'start' })),
  );

  async function check(consent: boolean) {
    result.replaceChildren(h('p', {}, '確認中…'));
    const body = { certificateSerialNumber: serial.value.trim(), serviceDate: serviceDate(), consent: { medicalSubsidy: consent } };
    await call(
      () => api.POST('/clinic/v1/eligibility-checks', { body }),
      (data) => answerView(data),
      result,
    );
    await recent.refresh();
  }

  const pasted = h('textarea', { id: ids.batch, rows: 5, cols: 40, spellcheck: 'false', 'aria-describedby': `${ids.batch}-hint` });
  const consentName = uid('batch-consent');
  const yes = h('input', { type: 'radio', name: consentName, id: `${consentName}-yes`, value: 'yes', checked: true });
  const no = h('input', { type: 'radio', name: consentName, id: `${consentName}-no`, value: 'no' });
  const batchOut = h('div', { 'aria-live': 'polite' });
  async function batch() {
    const serials = pasted.value
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (serials.length === 0) return void batchOut.replaceChildren(h('p', { role: 'alert' }, 'シリアル番号を1つ以上入力してください。'));
    if (serials.length > MAX_BATCH) return void batchOut.replaceChildren(h('p', { role: 'alert' }, `一度に確認できるのは ${MAX_BATCH} 件までです。`));
    batchOut.replaceChildren(h('p', {}, `${serials.length} 件を確認中…`));
    const items = serials.map((s) => ({ certificateSerialNumber: s, serviceDate: serviceDate(), consent: { medicalSubsidy: yes.checked } }));
    await call(
      () => api.POST('/clinic/v1/eligibility-checks/batch', { body: { items } }),
      (data) => batchResults(data, serials),
      batchOut,
    );
    await recent.refresh();
  }

  return h(
    'div',
    {},
    h(
      'section',
      { class: 'card', 'aria-label': '仮想カードリーダー' },
      h('h2', {}, '仮想カードリーダー'),
      h('p', { class: 'muted' }, 'マイナンバーカードの代わりに、電子証明書のシリアル番号でオンライン資格確認（医療費助成）を行います。'),
      h(
        'div',
        { class: 'row' },
        h('div', { class: 'field' }, h('label', { for: ids.card }, 'テストカード'), cards),
        h('div', { class: 'field' }, h('label', { for: ids.serial }, '電子証明書シリアル番号'), serial),
        h(
          'div',
          { class: 'field' },
          h('label', { for: ids.date }, '診療日'),
          date,
          h('small', { class: 'muted', id: `${ids.date}-hint` }, '既定: サンドボックスの時計で今日'),
        ),
      ),
      shows,
      h(
        'div',
        { class: 'consent', role: 'group', 'aria-labelledby': `${ids.card}-prompt` },
        h('p', { id: `${ids.card}-prompt` }, CONSENT_PROMPT),
        h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', onclick: () => void check(true) }, '利用する'),
          h('button', { type: 'button', class: 'secondary', onclick: () => void check(false) }, '利用しない'),
        ),
      ),
    ),
    result,
    h(
      'section',
      { class: 'card', 'aria-label': '一括確認' },
      h('h2', {}, '一括確認'),
      h(
        'form',
        {
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            void batch();
          },
        },
        h(
          'div',
          { class: 'field' },
          h('label', { for: ids.batch }, 'シリアル番号（1行に1つ、最大1,000件）'),
          pasted,
          h('small', { class: 'muted', id: `${ids.batch}-hint` }, '診療日は上の「診療日」を使います。'),
        ),
        h(
          'fieldset',
          {},
          h('legend', {}, CONSENT_PROMPT),
          h('div', {}, yes, ' ', h('label', { for: yes.id, class: 'inline' }, '全員 利用する')),
          h('div', {}, no, ' ', h('label', { for: no.id, class: 'inline' }, '全員 利用しない')),
        ),
        h('button', { type: 'submit' }, 'まとめて確認'),
      ),
      batchOut,
    ),
    recent.el,
  );
}
