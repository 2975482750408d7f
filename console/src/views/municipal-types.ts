/**
 * 制度マスタ (certificate types): the municipality's list (GET /municipal/v1/certificate-types) and a form
 * that creates or replaces one (PUT …/{orgSpecificCertificateTypeId}), showing the API's field errors
 * beside the fields they name. The browser checks nothing itself: the messages are the API's.
 */
import { api, type Schemas } from '../api.js';
import { h } from '../dom.js';
import { card, failure, field, fieldErrors, jst, labelText, ok, ProblemError, select, table } from './municipal-common.js';
import { problemView } from './problem.js';

type CertificateType = Schemas['CertificateType'];
type Definition = Schemas['CertificateTypeDefinitionInput'];
type Errors = ReturnType<typeof fieldErrors>;

const LOCAL_CATEGORIES: [string, string][] = [
  ['children', 'こども（children）'],
  ['disability', '障害者（disability）'],
  ['single_parent', 'ひとり親（single_parent）'],
  ['other', 'その他（other）'],
];
const TRISTATE: [string, string][] = [
  ['', '既定'],
  ['true', 'はい（true）'],
  ['false', 'いいえ（false）'],
];

/** A value of a definition as an input shows it (a list of codes comma-separated). */
function asText(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? v.map(asText).join(',') : '';
}

interface Column {
  key: string;
  label: string;
  kind: 'text' | 'number' | 'list';
}

/**
 * An editor of a list of small objects (所得区分, 区分, 追加条件): one row of labelled inputs per item,
 * add and remove buttons; each input claims its field path (`incomeSegments.1.code`) for field errors.
 */
function listEditor(path: string, title: string, apiName: string, columns: Column[], errors: Errors) {
  let items: Record<string, unknown>[] = [];
  const rows = h('div', { class: 'list-rows' });
  const groupErrors = h('div');
  const inputs: HTMLInputElement[][] = [];

  const read = (): Record<string, unknown>[] =>
    inputs.map((row) => {
      const o: Record<string, unknown> = {};
      columns.forEach((c, i) => {
        const v = row[i]!.value.trim();
        if (v === '') return;
        o[c.key] =
          c.kind === 'number'
            ? Number(v)
            : c.kind === 'list'
              ? v
                  .split(/[,、\s]+/)
                  .map((s) => s.trim())
                  .filter(Boolean)
              : v;
      });
      return o;
    });
  const addButton = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        items = [...read(), {}];
        draw();
      },
    },
    `${title}を追加`,
  );
  const el = h('fieldset', {}, h('legend', {}, ...labelText(title, apiName)), rows, groupErrors, addButton);
  const draw = () => {
    errors.drop(path);
    // An error of the list itself or of a whole item (unknown field, duplicate) goes under the list; the
    // rows' inputs claim their own fields (the longest prefix wins).
    groupErrors.replaceChildren(errors.slot(path, el));
    inputs.length = 0;
    rows.replaceChildren(
      ...items.map((item, n) => {
        const row = columns.map((c) => {
          const v = item[c.key];
          return h('input', {
            type: c.kind === 'number' ? 'number' : 'text',
            autocomplete: 'off',
            value: asText(v),
          });
        });
        inputs.push(row);
        return h(
          'div',
          { class: 'row list-row' },
          ...columns.map((c, i) => field(labelText(`${title} ${n + 1} の${c.label}`, c.key), row[i]!, { errors, path: `${path}.${n}.${c.key}` })),
          h(
            'div',
            { class: 'field' },
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: () => {
                  items = read();
                  items.splice(n, 1);
                  draw();
                },
              },
              `${title} ${n + 1} を削除`,
            ),
          ),
        );
      }),
    );
  };
  draw();
  return {
    el,
    read,
    set(v: Record<string, unknown>[]) {
      items = v.map((x) => ({ ...x }));
      draw();
    },
  };
}

export function certificateTypesView(): { el: HTMLElement; stop: () => void } {
  const errors = fieldErrors();
  const listBody = h('div', { 'aria-live': 'polite' });
  const includeTest = h('input', { type: 'checkbox' });
  const formResult = h('div', { 'aria-live': 'polite' });

  const id = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: 50, required: true });
  const kind = select(
    [
      ['national', '国の公費（national）'],
      ['local', '地単公費（local）'],
    ],
    'national',
  );
  const lawCode = h('input', { type: 'text', autocomplete: 'off', list: 'law-codes', inputmode: 'numeric' });
  const lawCodes = h('datalist', { id: 'law-codes' });
  const localCategory = select(LOCAL_CATEGORIES, 'children');
  const name = h('input', { type: 'text', autocomplete: 'off', class: 'wide' });
  const insurerNumbers = h('textarea', { rows: 2, autocomplete: 'off', spellcheck: 'false' });
  const incomeSegments = listEditor(
    'incomeSegments',
    '所得区分',
    'incomeSegments',
    [
      { key: 'code', label: 'コード', kind: 'text' },
      { key: 'name', label: '名称', kind: 'text' },
      { key: 'monthlyCap', label: '月額上限（円）', kind: 'number' },
    ],
    errors,
  );
  const segments = listEditor(
    'segments',
    '区分',
    'segments',
    [
      { key: 'code', label: 'コード', kind: 'text' },
      { key: 'name', label: '名称', kind: 'text' },
    ],
    errors,
  );
  const conditions = listEditor(
    'additionalConditionItems',
    '追加条件',
    'additionalConditionItems',
    [
      { key: 'itemCode', label: '項目コード', kind: 'text' },
      { key: 'name', label: '名称', kind: 'text' },
      { key: 'conditionCodes', label: '条件コード（カンマ区切り）', kind: 'list' },
    ],
    errors,
  );
  const copay = {
    rate: h('input', { type: 'number', step: '0.01', min: '0', max: '1' }),
    fixedAmountPerVisit: h('input', { type: 'number', min: '0' }),
    monthlyCap: h('input', { type: 'number', min: '0' }),
    dailyCap: h('input', { type: 'number', min: '0' }),
    perVisitCap: h('input', { type: 'number', min: '0' }),
    inpatientOutpatientCombined: select(TRISTATE),
  };
  const designated = select(TRISTATE);
  const checkDigit = select(
    [
      ['strict', '厳格（strict）'],
      ['lenient', '緩和（lenient）：検証番号を確かめない'],
    ],
    'strict',
  );
  const nationalOnly = field(labelText('法別番号', 'lawCode'), lawCode, { errors, path: 'lawCode', hint: '国の公費の法別番号（2桁）' });
  const localOnly = field(labelText('地単の分類', 'localCategory'), localCategory, { errors, path: 'localCategory' });
  const showKind = () => {
    nationalOnly.hidden = kind.value !== 'national';
    localOnly.hidden = kind.value !== 'local';
  };
  kind.addEventListener('change', showKind);

  function definition(): Definition {
    const lines = insurerNumbers.value
      .split(/[\s,、]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const c: Record<string, unknown> = {};
    for (const [k, input] of Object.entries(copay)) {
      const v = input.value.trim();
      if (v !== '') c[k] = k === 'inpatientOutpatientCombined' ? v === 'true' : Number(v);
    }
    const body: Record<string, unknown> = {
      kind: kind.value,
      ...(kind.value === 'national' ? { lawCode: lawCode.value.trim() } : { localCategory: localCategory.value }),
      name: name.value,
      insurerNumbers: lines,
      incomeSegments: incomeSegments.read(),
      segments: segments.read(),
      additionalConditionItems: conditions.read(),
      copay: c,
      checkDigitValidation: checkDigit.value,
    };
    if (designated.value) body.requiresDesignatedInstitutions = designated.value === 'true';
    return body as unknown as Definition;
  }

  function edit(t: CertificateType) {
    id.value = t.orgSpecificCertificateTypeId;
    kind.value = t.kind;
    if (t.kind === 'national') lawCode.value = t.lawCode;
    else localCategory.value = t.localCategory;
    name.value = t.name;
    insurerNumbers.value = (t.insurerNumbers ?? []).join('\n');
    incomeSegments.set(t.incomeSegments ?? []);
    segments.set(t.segments ?? []);
    conditions.set(t.additionalConditionItems ?? []);
    const cp = (t.copay ?? {}) as Record<string, unknown>;
    for (const [k, input] of Object.entries(copay)) input.value = asText(cp[k]);
    designated.value = String(t.requiresDesignatedInstitutions);
    checkDigit.value = t.checkDigitValidation ?? 'strict';
    showKind();
    errors.clear();
    formResult.replaceChildren(h('p', { class: 'muted' }, `${t.orgSpecificCertificateTypeId} を編集中です。保存すると定義全体を置き換えます。`));
    id.focus();
  }

  async function save(ev: Event) {
    ev.preventDefault();
    errors.clear();
    formResult.replaceChildren(h('p', {}, '保存中…'));
    const call = api.PUT('/municipal/v1/certificate-types/{orgSpecificCertificateTypeId}', {
      params: { path: { orgSpecificCertificateTypeId: id.value.trim() } },
      body: definition(),
    });
    try {
      const saved = await ok(call);
      const created = (await call).response.status === 201;
      formResult.replaceChildren(
        h('p', { class: 'ok', role: 'status' }, `${saved.orgSpecificCertificateTypeId} を${created ? '作成' : '更新'}しました（${jst(saved.updatedAt)}）。`),
      );
      void load();
    } catch (err) {
      if (err instanceof ProblemError) {
        errors.show(err.problem);
        formResult.replaceChildren(problemView(err.problem));
      } else formResult.replaceChildren(failure(err));
    }
  }

  async function remove(t: CertificateType) {
    try {
      await ok(
        api.DELETE('/municipal/v1/certificate-types/{orgSpecificCertificateTypeId}', {
          params: { path: { orgSpecificCertificateTypeId: t.orgSpecificCertificateTypeId } },
        }),
      );
      formResult.replaceChildren(h('p', { class: 'ok', role: 'status' }, `${t.orgSpecificCertificateTypeId} を削除しました。`));
      void load();
    } catch (err) {
      formResult.replaceChildren(failure(err));
    }
  }

  async function load() {
    try {
      const items: CertificateType[] = [];
      let cursor: string | undefined;
      do {
        const page = await ok(
          api.GET('/municipal/v1/certificate-types', { params: { query: { limit: 1000, cursor, includeTestData: includeTest.checked ? 'true' : 'false' } } }),
        );
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      if (!items.length) return void listBody.replaceChildren(h('p', { class: 'empty' }, '制度マスタはまだありません。下のフォームで作成してください。'));
      listBody.replaceChildren(
        table(
          [
            h('span', {}, '制度ID ', h('code', { class: 'api' }, 'orgSpecificCertificateTypeId')),
            '受給者証名',
            '種類',
            '公費負担者番号',
            '所得区分',
            '指定医療機関のみ',
            '更新日時',
            h('span', { class: 'visually-hidden' }, '操作'),
          ],
          items.map((t) =>
            h(
              'tr',
              {},
              h('td', {}, h('code', {}, t.orgSpecificCertificateTypeId)),
              h('td', {}, t.name),
              h('td', {}, t.kind === 'national' ? `国 ${t.lawCode}` : `地単 ${t.localCategory}`),
              h('td', {}, (t.insurerNumbers ?? []).join(', ') || '—'),
              h('td', {}, (t.incomeSegments ?? []).map((s) => `${s.code} ${s.name}`).join('、') || '—'),
              h('td', {}, t.requiresDesignatedInstitutions ? 'はい' : 'いいえ'),
              h('td', {}, jst(t.updatedAt)),
              h(
                'td',
                { class: 'actions' },
                h('button', { type: 'button', class: 'secondary', 'aria-label': `${t.orgSpecificCertificateTypeId} を編集`, onclick: () => edit(t) }, '編集'),
                h(
                  'button',
                  { type: 'button', class: 'secondary', 'aria-label': `${t.orgSpecificCertificateTypeId} を削除`, onclick: () => void remove(t) },
                  '削除',
                ),
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      listBody.replaceChildren(failure(err));
    }
  }
  includeTest.addEventListener('change', () => void load());

  void ok(api.GET('/catalogue/v1/programs')).then(
    (p) => lawCodes.replaceChildren(...p.items.map((x) => h('option', { value: x.lawCode }, `${x.lawCode} ${x.name}`))),
    () => {},
  );

  const copayFields = h(
    'fieldset',
    {},
    h('legend', {}, ...labelText('自己負担', 'copay')),
    h(
      'div',
      { class: 'row' },
      field(labelText('負担割合（0〜1）', 'rate'), copay.rate, { errors, path: 'copay.rate' }),
      field(labelText('1回の定額（円）', 'fixedAmountPerVisit'), copay.fixedAmountPerVisit, { errors, path: 'copay.fixedAmountPerVisit' }),
      field(labelText('月額上限（円）', 'monthlyCap'), copay.monthlyCap, { errors, path: 'copay.monthlyCap' }),
      field(labelText('日額上限（円）', 'dailyCap'), copay.dailyCap, { errors, path: 'copay.dailyCap' }),
      field(labelText('1回の上限（円）', 'perVisitCap'), copay.perVisitCap, { errors, path: 'copay.perVisitCap' }),
      field(labelText('入外合算', 'inpatientOutpatientCombined'), copay.inpatientOutpatientCombined, { errors, path: 'copay.inpatientOutpatientCombined' }),
    ),
  );
  const form = h(
    'form',
    { onsubmit: (ev: Event) => void save(ev), novalidate: true },
    h(
      'div',
      { class: 'row' },
      field(labelText('制度ID', 'orgSpecificCertificateTypeId'), id, { errors, path: 'orgSpecificCertificateTypeId', hint: '半角英数 1〜50 文字' }),
      field(labelText('種類', 'kind'), kind, { errors, path: 'kind' }),
      nationalOnly,
      localOnly,
    ),
    field(labelText('受給者証名', 'name'), name, { errors, path: 'name' }),
    field(labelText('公費負担者番号（1行に1つ）', 'insurerNumbers'), insurerNumbers, {
      errors,
      path: 'insurerNumbers',
      hint: '8桁：法別2＋都道府県2＋実施機関3＋検証1',
    }),
    incomeSegments.el,
    segments.el,
    conditions.el,
    copayFields,
    h(
      'div',
      { class: 'row' },
      field(labelText('指定医療機関のみ', 'requiresDesignatedInstitutions'), designated, { errors, path: 'requiresDesignatedInstitutions' }),
      field(labelText('検証番号の確認', 'checkDigitValidation'), checkDigit, { errors, path: 'checkDigitValidation' }),
    ),
    lawCodes,
    h('button', { type: 'submit' }, '制度マスタを保存'),
    formResult,
  );
  showKind();

  const el = h(
    'div',
    {},
    card(
      '制度マスタの一覧',
      h('div', { class: 'field' }, h('label', { class: 'inline' }, includeTest, ' テスト用カードの制度も表示（includeTestData）')),
      listBody,
    ),
    card(
      '制度マスタの作成・編集',
      h('p', { class: 'muted' }, 'PUT /municipal/v1/certificate-types/{orgSpecificCertificateTypeId}：同じ制度IDなら定義全体を置き換えます。'),
      form,
    ),
  );
  void load();
  return { el, stop: () => {} };
}
