/**
 * A municipality's upload: a file (JSON, NDJSON or CSV, dropped or picked) sent as is to
 * POST /municipal/v1/registration-tasks with its content type — a CSV in Shift_JIS labelled
 * `charset=shift_jis` — with a progress bar of the bytes sent, then the task polled, its processing
 * progress shown live, until it finishes. XMLHttpRequest, because fetch reports no upload progress and
 * Chromium streams a request body (`duplex: 'half'`) only over HTTP/2, which the sandbox does not speak.
 */
import { api, asProblem, session, type Problem } from '../api.js';
import { h, uid } from '../dom.js';
import { card, failure, field, isFinished, labelText, ok, select, type Task } from './municipal-common.js';
import { taskDetail } from './municipal-tasks.js';
import { problemView } from './problem.js';

type Format = 'application/json' | 'application/x-ndjson' | 'text/csv';
const BY_EXTENSION: Record<string, Format> = { json: 'application/json', ndjson: 'application/x-ndjson', jsonl: 'application/x-ndjson', csv: 'text/csv' };
const FORMATS: Format[] = ['application/json', 'application/x-ndjson', 'text/csv'];

/** The file's content type: the one chosen, else the browser's, else from its extension (browsers know no type for .ndjson). */
function formatOf(file: File, chosen: string): Format | null {
  if ((FORMATS as string[]).includes(chosen)) return chosen as Format;
  if ((FORMATS as string[]).includes(file.type)) return file.type as Format;
  return BY_EXTENSION[file.name.split('.').pop()?.toLowerCase() ?? ''] ?? null;
}

/** POST with XMLHttpRequest for its upload progress events; the created task, or the API's problem. */
function send(url: string, body: Blob, contentType: string, onProgress: (sent: number, total: number) => void): Promise<{ task?: Task; problem?: Problem }> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', contentType);
    const token = session.token();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (ev) => onProgress(ev.loaded, ev.lengthComputable ? ev.total : body.size);
    xhr.onload = () => {
      let json: unknown;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        json = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve({ task: json as Task });
      else resolve({ problem: asProblem(json, xhr.status) });
    };
    xhr.onerror = () => resolve({ problem: asProblem(new Error('サーバーに送れませんでした（接続が切れました）'), undefined) });
    xhr.send(body);
  });
}

const kb = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

export function uploadView(): { el: HTMLElement; stop: () => void } {
  const result = h('div', { 'aria-live': 'polite' });
  const file = h('input', { type: 'file', accept: '.json,.ndjson,.jsonl,.csv,application/json,application/x-ndjson,text/csv' });
  const format = select([
    ['', 'ファイル名から判定'],
    ['application/json', 'JSON（配列）'],
    ['application/x-ndjson', 'NDJSON（1行1レコード）'],
    ['text/csv', 'CSV'],
  ]);
  const encoding = select([
    ['utf-8', 'UTF-8'],
    ['shift_jis', 'Shift_JIS（Windows の CSV）'],
  ]);
  const mode = select([
    ['upsert', '差分登録（upsert）'],
    ['replace', '置換（replace）：含まれない行を削除'],
  ]);
  const replaceType = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: 50 });
  const sending = h('div', { 'aria-live': 'polite' });
  const chosen = h('p', { class: 'muted', 'aria-live': 'polite' }, 'ファイルが選ばれていません。');
  const uploadButton = h('button', { type: 'button', onclick: () => void upload() }, 'アップロード');
  let dropped: File | null = null;
  let stopped = false;

  const current = () => dropped ?? file.files?.[0] ?? null;
  const showChosen = () => {
    const f = current();
    chosen.textContent = f ? `選択中: ${f.name}（${kb(f.size)}）` : 'ファイルが選ばれていません。';
  };
  file.addEventListener('change', () => {
    dropped = null;
    showChosen();
  });

  const zone = h('div', { class: 'dropzone' }, 'ここにファイルをドロップするか、下の「登録ファイル」で選んでください。');
  zone.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('over');
    const f = ev.dataTransfer?.files[0];
    if (f) {
      dropped = f;
      showChosen();
    }
  });

  async function upload() {
    const f = current();
    if (!f) return void result.replaceChildren(h('p', { role: 'alert', class: 'problem' }, 'ファイルを選んでください。'));
    const type = formatOf(f, format.value);
    if (!type)
      return void result.replaceChildren(h('p', { role: 'alert', class: 'problem' }, 'JSON・NDJSON・CSV のファイルを選ぶか、形式を指定してください。'));
    const contentType = type === 'text/csv' && encoding.value === 'shift_jis' ? 'text/csv; charset=shift_jis' : type;
    const query = new URLSearchParams({ mode: mode.value });
    if (mode.value === 'replace' && replaceType.value.trim()) query.set('orgSpecificCertificateTypeId', replaceType.value.trim());

    const barId = uid('sent');
    const bar = h('progress', { id: barId, max: Math.max(f.size, 1), value: 0 });
    const sentText = h('span', { class: 'muted' }, ` 0 / ${kb(f.size)}`);
    sending.replaceChildren(h('div', { class: 'progress' }, h('label', { for: barId }, '送信の進み具合'), bar, sentText));
    result.replaceChildren();
    uploadButton.disabled = true;
    try {
      const sent = await send(`/municipal/v1/registration-tasks?${query}`, f, contentType, (loaded, total) => {
        bar.max = Math.max(total, 1);
        bar.value = loaded;
        sentText.textContent = ` ${kb(loaded)} / ${kb(total)}`;
      });
      if (!sent.task) return void result.replaceChildren(problemView(sent.problem!));
      bar.value = bar.max;
      sentText.textContent = ` 送信完了（${kb(f.size)}）`;
      let task = sent.task;
      result.replaceChildren(taskDetail(task));
      while (!stopped && !isFinished(task)) {
        await new Promise((r) => setTimeout(r, 500));
        task = await ok(api.GET('/municipal/v1/registration-tasks/{id}', { params: { path: { id: task.id } } }));
        if (!stopped) result.replaceChildren(taskDetail(task));
      }
    } catch (err) {
      result.replaceChildren(failure(err));
    } finally {
      uploadButton.disabled = false;
    }
  }

  const el = h(
    'div',
    {},
    card(
      '受給者証の一括登録',
      h('p', { class: 'muted' }, 'JSON（配列）・NDJSON・CSV のファイルを、そのまま登録タスク（POST /municipal/v1/registration-tasks）として送ります。'),
      zone,
      h(
        'div',
        { class: 'row' },
        field('登録ファイル', file),
        field(labelText('形式', 'Content-Type'), format),
        field(labelText('CSV の文字コード', 'charset'), encoding),
      ),
      h('div', { class: 'row' }, field(labelText('登録方法', 'mode'), mode), field(labelText('置換する制度ID', 'orgSpecificCertificateTypeId'), replaceType)),
      chosen,
      uploadButton,
      sending,
    ),
    result,
  );
  return { el, stop: () => (stopped = true) };
}
