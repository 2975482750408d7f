/**
 * Registration tasks: the list (GET /municipal/v1/registration-tasks, newest first) with status, counts and
 * duration, and one task's detail: its counts and its rejected records (…/results?status=rejected) as a
 * table of index, field, code and message, filterable and downloadable as CSV built here from those results.
 */
import { api, type Schemas } from '../api.js';
import { h, uid } from '../dom.js';
import {
  card,
  csvCell,
  download,
  duration,
  failure,
  field,
  isFinished,
  jst,
  labelText,
  ok,
  select,
  STATUS_LABELS,
  table,
  type Task,
  wideTable,
} from './municipal-common.js';

type Result = Schemas['RegistrationTaskResult'];
/** One error of one rejected record: a row of the table and of the CSV. */
interface RejectedRow {
  index: number;
  historyKey: string | null;
  field: string;
  code: string;
  message: string;
}

const FORMAT_LABELS: Record<Task['format'], string> = { json: 'JSON', ndjson: 'NDJSON', csv: 'CSV' };
/** Rows drawn at most; the filter and the CSV cover them all. */
const SHOWN_ROWS = 1000;

/** Every rejected result of the task, page by page. */
async function rejectedResults(taskId: string): Promise<Result[]> {
  const all: Result[] = [];
  let cursor: string | undefined;
  do {
    const page = await ok(
      api.GET('/municipal/v1/registration-tasks/{id}/results', { params: { path: { id: taskId }, query: { status: 'rejected', limit: 1000, cursor } } }),
    );
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

export function countsTable(task: Task): HTMLElement {
  const c = task.counts;
  const counts: [string, string, number][] = [
    ['受付', 'received', c.received],
    ['処理済み', 'processed', c.processed],
    ['新規', 'created', c.created],
    ['更新', 'updated', c.updated],
    ['変更なし', 'unchanged', c.unchanged],
    ['削除', 'deleted', c.deleted],
    ['却下', 'rejected', c.rejected],
  ];
  if (task.mode === 'replace') counts.push(['置換で削除', 'removed', c.removed]);
  return table(
    counts.map(([ja, en]) => h('span', {}, ja, h('br'), h('code', { class: 'api' }, en))),
    [h('tr', {}, ...counts.map(([, , v]) => h('td', {}, v.toLocaleString('ja-JP'))))],
    { class: 'counts' },
  );
}

/** The processing progress of a task: processed of received, as a progress bar with its numbers. */
export function processingProgress(task: Task): HTMLElement {
  const id = uid('proc');
  const { processed, received } = task.counts;
  return h(
    'div',
    { class: 'progress' },
    h('label', { for: id }, '処理の進み具合'),
    h('progress', { id, max: Math.max(received, 1), value: processed }),
    h('span', { class: 'muted' }, ` ${processed.toLocaleString('ja-JP')} / ${received.toLocaleString('ja-JP')} 件（${STATUS_LABELS[task.status]}）`),
  );
}

/** The rejected records of a finished task: filter, table, CSV download. */
function rejectedView(task: Task, results: Result[]): HTMLElement {
  const rows: RejectedRow[] = results.flatMap((r) => r.errors.map((e) => ({ index: r.index, historyKey: r.historyKey, ...e })));
  const fields = [...new Set(rows.map((r) => r.field))].sort();
  const fieldSelect = select([['', 'すべての項目'], ...fields.map((f): [string, string] => [f, f])]);
  const text = h('input', { type: 'search', autocomplete: 'off' });
  const tbody = h('tbody');
  const summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  const matching = () => {
    const f = fieldSelect.value;
    const q = text.value.trim().toLowerCase();
    return rows.filter((r) => (!f || r.field === f) && (!q || `${r.index} ${r.field} ${r.code} ${r.message}`.toLowerCase().includes(q)));
  };
  const draw = () => {
    const m = matching();
    tbody.replaceChildren(
      ...m.slice(0, SHOWN_ROWS).map((r) => h('tr', {}, h('td', {}, r.index), h('td', {}, r.field), h('td', {}, r.code), h('td', {}, r.message))),
    );
    summary.textContent =
      `${results.length.toLocaleString('ja-JP')} 件のレコードの ${rows.length.toLocaleString('ja-JP')} 件のエラーのうち ${m.length.toLocaleString('ja-JP')} 件を表示` +
      (m.length > SHOWN_ROWS ? `（先頭 ${SHOWN_ROWS} 件。CSV にはすべて含まれます）` : '');
  };
  fieldSelect.addEventListener('change', draw);
  text.addEventListener('input', draw);
  const csv = () => {
    const lines = ['index,historyKey,field,code,message', ...matching().map((r) => [r.index, r.historyKey, r.field, r.code, r.message].map(csvCell).join(','))];
    // A BOM so that Excel reads the UTF-8 as such.
    download(`rejected-${task.id}.csv`, 'text/csv;charset=utf-8', `\uFEFF${lines.join('\r\n')}\r\n`);
  };
  draw();
  return h(
    'div',
    { class: 'rejected' },
    h('h3', {}, '却下されたレコード'),
    h(
      'div',
      { class: 'row' },
      field(labelText('項目', 'field'), fieldSelect),
      field('絞り込み（番号・項目・コード・メッセージ）', text),
      h('div', { class: 'field' }, h('button', { type: 'button', class: 'secondary', onclick: csv }, 'CSVでダウンロード')),
    ),
    summary,
    wideTable(
      { class: 'rejected-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...[
            ['番号', 'index'],
            ['項目', 'field'],
            ['コード', 'code'],
            ['メッセージ', 'message'],
          ].map(([ja, en]) => h('th', { scope: 'col' }, ja, ' ', h('code', { class: 'api' }, en))),
        ),
      ),
      tbody,
    ),
  );
}

/**
 * One task: status, counts and, once it has finished with rejected records, their table. Named
 * 「登録タスク」 (the region a person looks for after an upload).
 */
export function taskDetail(task: Task): HTMLElement {
  const body = h('div', { 'aria-live': 'polite' });
  const el = h(
    'section',
    { class: 'card', 'aria-label': '登録タスク', 'data-task': task.id },
    h('h2', {}, `登録タスク: ${STATUS_LABELS[task.status]}`),
    h(
      'p',
      { class: 'muted' },
      `タスクID ${task.id} ・ ${FORMAT_LABELS[task.format]} ・ ${task.mode === 'replace' ? `置換（${task.orgSpecificCertificateTypeId}）` : '差分登録'} ・ 受付 ${jst(task.createdAt)} ・ 所要時間 ${duration(task)}`,
    ),
    isFinished(task) ? null : processingProgress(task),
    countsTable(task),
    task.failureDetail ? h('p', { class: 'problem' }, task.failureDetail) : null,
    body,
  );
  if (isFinished(task) && task.counts.rejected > 0) {
    body.append(h('p', {}, '結果を読み込み中…'));
    rejectedResults(task.id).then(
      (results) => body.replaceChildren(rejectedView(task, results)),
      (err) => body.replaceChildren(failure(err)),
    );
  }
  return el;
}

/** The task list; a task's 詳細 button shows its detail below the list. */
export function tasksView(initialTaskId?: string): { el: HTMLElement; stop: () => void } {
  const statusSelect = select([['', 'すべて'], ...Object.entries(STATUS_LABELS)]);
  const tbody = h('tbody');
  const more = h('div');
  const message = h('div', { 'aria-live': 'polite' });
  const detail = h('div');
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function showTask(id: string) {
    clearTimeout(timer);
    try {
      const task = await ok(api.GET('/municipal/v1/registration-tasks/{id}', { params: { path: { id } } }));
      if (stopped) return;
      const fresh = !detail.querySelector(`[data-task="${id}"]`);
      detail.replaceChildren(taskDetail(task));
      if (fresh) detail.scrollIntoView({ block: 'start' });
      // A running task is followed until it finishes.
      if (!isFinished(task)) timer = setTimeout(() => void showTask(id), 1000);
    } catch (err) {
      detail.replaceChildren(failure(err));
    }
  }

  const row = (t: Task) =>
    h(
      'tr',
      {},
      h('td', {}, jst(t.createdAt)),
      h('td', {}, STATUS_LABELS[t.status]),
      h('td', {}, FORMAT_LABELS[t.format]),
      h('td', { class: 'num' }, t.counts.received.toLocaleString('ja-JP')),
      h('td', { class: 'num' }, t.counts.processed.toLocaleString('ja-JP')),
      h('td', { class: 'num' }, t.counts.accepted.toLocaleString('ja-JP')),
      h('td', { class: 'num' }, t.counts.rejected.toLocaleString('ja-JP')),
      h('td', {}, duration(t)),
      h('td', {}, h('button', { type: 'button', class: 'secondary', 'aria-label': `タスク ${t.id} の詳細`, onclick: () => void showTask(t.id) }, '詳細')),
    );

  async function load(cursor?: string) {
    if (!cursor) tbody.replaceChildren();
    message.replaceChildren();
    try {
      const page = await ok(
        api.GET('/municipal/v1/registration-tasks', {
          params: { query: { limit: 50, cursor, status: (statusSelect.value || undefined) as Task['status'] | undefined } },
        }),
      );
      tbody.append(...page.items.map(row));
      if (!cursor && page.items.length === 0) message.replaceChildren(h('p', { class: 'empty' }, '登録タスクはありません。'));
      more.replaceChildren(
        page.nextCursor ? h('button', { type: 'button', class: 'secondary', onclick: () => void load(page.nextCursor!) }, 'さらに読み込む') : '',
      );
    } catch (err) {
      message.replaceChildren(failure(err));
    }
  }
  statusSelect.addEventListener('change', () => void load());

  const headers: [string, string][] = [
    ['受付日時', 'createdAt'],
    ['状態', 'status'],
    ['形式', 'format'],
    ['受付', 'received'],
    ['処理済み', 'processed'],
    ['受理', 'accepted'],
    ['却下', 'rejected'],
    ['所要時間', ''],
    ['', ''],
  ];
  const el = h(
    'div',
    {},
    card(
      '登録タスクの一覧',
      h(
        'div',
        { class: 'row' },
        field(labelText('状態', 'status'), statusSelect),
        h('div', { class: 'field' }, h('button', { type: 'button', class: 'secondary', onclick: () => void load() }, '一覧を更新')),
      ),
      message,
      wideTable(
        { class: 'tasks' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...headers.map(([ja, en]) =>
              h('th', { scope: 'col' }, ja || h('span', { class: 'visually-hidden' }, '操作'), en ? [' ', h('code', { class: 'api' }, en)] : null),
            ),
          ),
        ),
        tbody,
      ),
      more,
    ),
    detail,
  );
  void load();
  if (initialTaskId) void showTask(initialTaskId);
  return {
    el,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
