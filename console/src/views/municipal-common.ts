/**
 * Pieces every municipal page uses: labels with the PMH API's field name beside them, field errors shown
 * beside their controls from a problem's `errors`, the task status words, dates in Japan time.
 */
import { asProblem, type Problem, type Schemas } from '../api.js';
import { h, uid } from '../dom.js';
import { problemView } from './problem.js';

export type Task = Schemas['RegistrationTask'];

export const STATUS_LABELS: Record<Task['status'], string> = {
  queued: '待機中',
  running: '処理中',
  succeeded: '完了',
  completed_with_errors: '完了（エラーあり）',
  failed: '失敗',
};

export const isFinished = (t: Task) => t.status !== 'queued' && t.status !== 'running';

/** A label's text with the API's field name beside it, for the developer who maps the page onto requests. */
export const labelText = (ja: string, apiName?: string) => [ja, apiName ? h('code', { class: 'api' }, apiName) : null];

/** An instant as people in Japan read it (the sandbox's users are there, whatever the browser's zone). */
export function jst(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' });
}

/** How long a task took (or has taken so far): from creation to its end. */
export function duration(t: Task, now = Date.now()): string {
  const end = t.finishedAt ? Date.parse(t.finishedAt) : now;
  const ms = Math.max(0, end - Date.parse(t.createdAt));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} 秒`;
  return `${Math.floor(ms / 60_000)} 分 ${Math.round((ms % 60_000) / 1000)} 秒`;
}

/** An answer of openapi-fetch as its data, or throws the problem it carries (a network failure made one). */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.title);
  }
}
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let r: { data?: T; error?: unknown; response: Response };
  try {
    r = await call;
  } catch (err) {
    throw new ProblemError(asProblem(err, undefined));
  }
  if (r.response.ok) return r.data as T;
  throw new ProblemError(asProblem(r.error, r.response.status));
}

/** What to show for a failure of a call: the API's problem, or a made-up one for anything else. */
export const failure = (err: unknown) => problemView(err instanceof ProblemError ? err.problem : asProblem(err, undefined));

/**
 * Field errors of a form: each control registers the field path it edits; a problem's errors are shown
 * beside the control whose path is the longest prefix of theirs (`insurerNumbers.1` beside insurerNumbers),
 * with aria-invalid and aria-describedby on it. Errors no control claims stay in the problem's own list.
 */
export function fieldErrors() {
  const slots = new Map<string, { control: HTMLElement; box: HTMLElement }>();
  return {
    /** The error box of `field`, to put beside `control`. */
    slot(field: string, control: HTMLElement): HTMLElement {
      const box = h('div', { class: 'field-error', id: uid('err') });
      control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), box.id].filter(Boolean).join(' '));
      slots.set(field, { control, box });
      return box;
    },
    /** Forgets the controls of `prefix` and below (rows of a list that are drawn again). */
    drop(prefix: string) {
      for (const k of [...slots.keys()]) if (k === prefix || k.startsWith(`${prefix}.`)) slots.delete(k);
    },
    clear() {
      for (const { control, box } of slots.values()) {
        box.replaceChildren();
        control.removeAttribute('aria-invalid');
      }
    },
    show(problem: Problem) {
      this.clear();
      for (const e of problem.errors ?? []) this.add(e.field, `${e.message}（${e.code}）`);
    },
    add(field: string, message: string) {
      let best: string | undefined;
      for (const k of slots.keys()) if ((field === k || field.startsWith(`${k}.`)) && (!best || k.length > best.length)) best = k;
      if (best === undefined) return false;
      const { control, box } = slots.get(best)!;
      control.setAttribute('aria-invalid', 'true');
      box.append(h('p', {}, field === best ? message : `${field}: ${message}`));
      return true;
    },
  };
}

/** A labelled control in a `.field` block, with its error box when `errors` is given. */
export function field(
  label: (Node | string | null)[] | string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  opts: { errors?: ReturnType<typeof fieldErrors>; path?: string; hint?: string } = {},
): HTMLElement {
  control.id ||= uid('f');
  const hint = opts.hint ? h('p', { class: 'hint', id: uid('hint') }, opts.hint) : null;
  if (hint) control.setAttribute('aria-describedby', hint.id);
  const box = opts.errors && opts.path ? opts.errors.slot(opts.path, control) : null;
  return h('div', { class: 'field' }, h('label', { for: control.id }, ...(typeof label === 'string' ? [label] : label)), control, hint, box);
}

/** A select of [value, text] options; the first is selected unless `value` names another. */
export function select(options: [string, string][], value?: string): HTMLSelectElement {
  const s = h('select', {}, ...options.map(([v, text]) => h('option', { value: v }, text)));
  if (value !== undefined) s.value = value;
  return s;
}

/** A region of the page: a card with a heading that names it. */
export function card(title: string, ...children: (Node | string | null | false | (Node | null)[])[]): HTMLElement {
  return h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), ...children);
}

/** A table with a header row; `rows` are arrays of cells. */
export function table(headers: (string | Node)[], rows: HTMLTableRowElement[], attrs: Record<string, string> = {}): HTMLElement {
  return wideTable(attrs, h('thead', {}, h('tr', {}, ...headers.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...rows));
}

/** A table in a box that scrolls sideways by itself when the table is wider than the page, not the page. */
export const wideTable = (attrs: Record<string, string>, ...children: Node[]) => h('div', { class: 'table-wrap' }, h('table', attrs, ...children));

/** Saves text as a file the browser downloads (built here, from data the API gave). */
export function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One CSV cell, quoted when it needs to be (RFC 4180). */
export const csvCell = (v: string | number | null | undefined) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
