/**
 * The clinic's virtual card reader: a card (a well-known test card or a typed serial), the consent prompt the
 * real reader shows, a service date, then POST /clinic/v1/eligibility-checks and the answer per 公費.
 */
import { TEST_CARDS, UNKNOWN_TEST_SERIAL } from '../../../src/sandbox/test-cards.js';
import { api, asProblem, type Schemas } from '../api.js';
import { h, uid } from '../dom.js';
import { problemView } from './problem.js';

const CONSENT_PROMPT = '医療費助成の各種受給者証を利用しますか';

/** Today in Japan (the sandbox's default service date is today in JST too). */
const todayJst = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);

const yen = (n: number) => `${n.toLocaleString('ja-JP')}円`;
function capText(cap: Schemas['MaxCopaymentAmount'] | null): string {
  if (!cap) return 'なし';
  const parts = [
    cap.monthly !== undefined && `月額 ${yen(cap.monthly)}`,
    cap.daily !== undefined && `日額 ${yen(cap.daily)}`,
    cap.perVisit !== undefined && `1回 ${yen(cap.perVisit)}`,
    cap.inpatientOutpatientCombined !== undefined && `入院外来合算 ${yen(cap.inpatientOutpatientCombined)}`,
  ].filter(Boolean);
  return parts.length ? parts.join('、') : 'なし';
}
const designatedText = (d: boolean | null) => (d === null ? '指定なし' : d ? 'はい（当院は指定医療機関）' : 'いいえ（当院は指定医療機関ではありません）');

function subsidyView(s: Schemas['MedicalSubsidy'], i: number): HTMLElement {
  const row = (term: string, value: string) => [h('dt', {}, term), h('dd', {}, value)];
  return h(
    'section',
    { class: 'card', 'aria-label': `公費 ${i + 1}: ${s.certificationName}` },
    h('h3', {}, `公費 ${i + 1}: ${s.certificationName}`),
    h(
      'dl',
      { class: 'subsidy' },
      row('公費負担者番号', s.medicalSubsidyInsurerNumber ?? '—'),
      row('受給者番号', s.medicalSubsidyRecipientNumber ?? '—'),
      row('受給者証名', s.certificationName),
      row('制度', `${s.program.name}（${s.program.kind === 'national' ? `法別${s.program.lawCode}` : '地単公費'}）`),
      row('所得区分', s.incomeSegment ?? '—'),
      row('上限額', capText(s.maxCopaymentAmount)),
      row('有効期間', `${s.validFrom} 〜 ${s.validTo}`),
      row('常に償還払い', s.isAlwaysReimbursement === '1' ? 'はい（窓口では適用しません）' : 'いいえ'),
      row('指定医療機関（当院）', designatedText(s.designatedHere)),
      row('登録自治体', `${s.registeringMunicipality.name}（${s.registeringMunicipality.code}）`),
      s.certificationDetail.flatMap((d) => row(d.label, d.value)),
    ),
  );
}

function answerView(check: Schemas['EligibilityCheck']): HTMLElement {
  const p = check.patient;
  return h(
    'section',
    { 'aria-label': '確認結果' },
    h('h2', {}, '確認結果'),
    h('p', {}, `患者: ${p.name}（${p.nameKana}）・生年月日 ${p.dateOfBirth} ・診療日 ${check.serviceDate}`),
    check.medicalSubsidies.length === 0
      ? h('p', { class: 'empty' }, '利用できる医療費助成の受給者証はありません（同意なし・登録なし・有効期間外・不開示のいずれか）。')
      : check.medicalSubsidies.map(subsidyView),
    h('p', { class: 'muted' }, `checkId: ${check.checkId}`),
  );
}

export function clinicView(): HTMLElement {
  const cardId = uid('card');
  const serialId = uid('serial');
  const dateId = uid('date');
  const result = h('div', { 'aria-live': 'polite' });
  const serial = h('input', {
    id: serialId,
    type: 'text',
    value: TEST_CARDS[0]!.certificateSerialNumber,
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: 64,
  });
  const cards = h(
    'select',
    { id: cardId, onchange: () => (serial.value = cards.value || serial.value) },
    ...TEST_CARDS.map((c) => h('option', { value: c.certificateSerialNumber }, `${c.certificateSerialNumber.slice(-4)} — ${c.case}`)),
    h('option', { value: UNKNOWN_TEST_SERIAL }, `${UNKNOWN_TEST_SERIAL.slice(-4)} — unknown card`),
    h('option', { value: '' }, 'シリアル番号を入力'),
  );
  // A typed serial selects its test card, or 「シリアル番号を入力」 when it is none of them.
  serial.addEventListener('input', () => {
    const typed = serial.value.trim().toUpperCase();
    cards.value = [...cards.options].some((o) => o.value === typed) ? typed : '';
  });
  const date = h('input', { id: dateId, type: 'date', value: todayJst(), required: true });

  async function check(consent: boolean) {
    result.replaceChildren(h('p', {}, '確認中…'));
    const body = { certificateSerialNumber: serial.value.trim(), serviceDate: date.value || undefined, consent: { medicalSubsidy: consent } };
    try {
      const { data, error, response } = await api.POST('/clinic/v1/eligibility-checks', { body });
      result.replaceChildren(data ? answerView(data) : problemView(asProblem(error, response.status)));
    } catch (err) {
      result.replaceChildren(problemView(asProblem(err, undefined)));
    }
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
        h('div', { class: 'field' }, h('label', { for: cardId }, 'テストカード'), cards),
        h('div', { class: 'field' }, h('label', { for: serialId }, '電子証明書シリアル番号'), serial),
        h('div', { class: 'field' }, h('label', { for: dateId }, '診療日'), date),
      ),
      h(
        'div',
        { class: 'consent', role: 'group', 'aria-labelledby': `${cardId}-prompt` },
        h('p', { id: `${cardId}-prompt` }, CONSENT_PROMPT),
        h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', onclick: () => void check(true) }, '利用する'),
          h('button', { type: 'button', class: 'secondary', onclick: () => void check(false) }, '利用しない'),
        ),
      ),
    ),
    result,
  );
}
