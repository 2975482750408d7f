/**
 * A municipality's upload: a file (JSON, NDJSON or CSV) sent as is to POST /municipal/v1/registration-tasks
 * with its content type, the task polled until it ends, then its counts and rejected records.
 */
import { api, asProblem, type Schemas } from '../api.js';
import { h, uid } from '../dom.js';
import { problemView } from './problem.js';

type UploadType = 'application/json' | 'application/x-ndjson' | 'text/csv';
const BY_EXTENSION: Record<string, UploadType> = { json: 'application/json', ndjson: 'application/x-ndjson', jsonl: 'application/x-ndjson', csv: 'text/csv' };
const STATUS_LABELS: Record<Schemas['RegistrationTask']['status'], string> = {
  queued: '待機中',
  running: '処理中',
  succeeded: '完了',
  completed_with_errors: '完了（エラーあり）',
  failed: '失敗',
};

/** The file's content type: the browser's, else from its extension (browsers know no type for .ndjson). */
function uploadType(file: File): UploadType | null {
  if (file.type === 'application/json' || file.type === 'application/x-ndjson' || file.type === 'text/csv') return file.type;
  return BY_EXTENSION[file.name.split('.').pop()?.toLowerCase() ?? ''] ?? null;
}

function taskView(task: Schemas['RegistrationTask'], rejected: Schemas['RegistrationTaskResult'][]): HTMLElement {
  const c = task.counts;
  const counts: [string, number][] = [
    ['受付', c.received],
    ['処理済み', c.processed],
    ['新規', c.created],
    ['更新', c.updated],
    ['変更なし', c.unchanged],
    ['削除', c.deleted],
    ['却下', c.rejected],
  ];
  const rows = rejected.flatMap((r) =>
    r.errors.map((e) => h('tr', {}, h('td', {}, r.index), h('td', {}, e.field), h('td', {}, e.code), h('td', {}, e.message))),
  );
  return h(
    'section',
    { class: 'card', 'aria-label': '登録タスク' },
    h('h2', {}, `登録タスク: ${STATUS_LABELS[task.status]}`),
    h('p', { class: 'muted' }, `タスクID ${task.id}`),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...counts.map(([k]) => h('th', { scope: 'col' }, k)))),
      h('tbody', {}, h('tr', {}, ...counts.map(([, v]) => h('td', {}, v)))),
    ),
    task.failureDetail ? h('p', { class: 'problem' }, task.failureDetail) : null,
    rows.length
      ? [
          h('h3', {}, '却下されたレコード'),
          h(
            'table',
            {},
            h('thead', {}, h('tr', {}, ...['番号', '項目', 'コード', 'メッセージ'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', {}, ...rows),
          ),
        ]
      : null,
  );
}

export function municipalView(): { el: HTMLElement; stop: () => void } {
  const fileId = uid('file');
  const result = h('div', { 'aria-live': 'polite' });
  const file = h('input', { id: fileId, type: 'file', accept: '.json,.ndjson,.jsonl,.csv,application/json,application/x-ndjson,text/csv' });
  let stopped = false;

  async function upload() {
    const f = file.files?.[0];
    if (!f) return void result.replaceChildren(h('p', { role: 'alert' }, 'ファイルを選んでください。'));
    const type = uploadType(f);
    if (!type) return void result.replaceChildren(h('p', { role: 'alert' }, 'JSON・NDJSON・CSV のファイルを選んでください。'));
    result.replaceChildren(h('p', {}, '送信中…'));
    try {
      const created = await api.POST('/municipal/v1/registration-tasks', {
        params: { query: { wait: 5 } },
        body: f as unknown as string,
        bodySerializer: (b: unknown) => b as Blob,
        headers: { 'content-type': type },
      });
      if (!created.data) return void result.replaceChildren(problemView(asProblem(created.error, created.response.status)));
      let task = created.data;
      while (!stopped && (task.status === 'queued' || task.status === 'running')) {
        result.replaceChildren(taskView(task, []));
        await new Promise((r) => setTimeout(r, 1000));
        const next = await api.GET('/municipal/v1/registration-tasks/{id}', { params: { path: { id: task.id } } });
        if (!next.data) return void result.replaceChildren(problemView(asProblem(next.error, next.response.status)));
        task = next.data;
      }
      const rejected = task.counts.rejected
        ? await api.GET('/municipal/v1/registration-tasks/{id}/results', { params: { path: { id: task.id }, query: { status: 'rejected', limit: 1000 } } })
        : null;
      if (!stopped) result.replaceChildren(taskView(task, rejected?.data?.items ?? []));
    } catch (err) {
      result.replaceChildren(problemView(asProblem(err, undefined)));
    }
  }

  const el = h(
    'div',
    {},
    h(
      'section',
      { class: 'card', 'aria-label': '受給者証の一括登録' },
      h('h2', {}, '受給者証の一括登録'),
      h('p', { class: 'muted' }, 'JSON（配列）・NDJSON・CSV のファイルを、そのまま登録タスクとして送ります。'),
      h(
        'div',
        { class: 'row' },
        h('div', { class: 'field' }, h('label', { for: fileId }, '登録ファイル'), file),
        h('div', { class: 'field' }, h('button', { type: 'button', onclick: () => void upload() }, 'アップロード')),
      ),
    ),
    result,
  );
  return { el, stop: () => (stopped = true) };
}
