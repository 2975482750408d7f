/**
 * The municipality's view: a menu of its pages — the upload (the first page), its registration tasks,
 * its registered 受給者証 rows, its 制度マスタ and its webhooks — each in a municipal-*.ts module. The page
 * shown is kept in the URL's fragment (#tasks, #tasks/<task id>, …) so that it survives a reload and can be linked.
 */
import { h } from '../dom.js';
import { recipientsView } from './municipal-recipients.js';
import { tasksView } from './municipal-tasks.js';
import { certificateTypesView } from './municipal-types.js';
import { uploadView } from './municipal-upload.js';
import { webhooksView } from './municipal-webhooks.js';

type Page = 'upload' | 'tasks' | 'recipients' | 'types' | 'webhooks';
const PAGES: [Page, string, (arg?: string) => { el: HTMLElement; stop: () => void }][] = [
  ['upload', '一括登録', uploadView],
  ['tasks', '登録タスク', tasksView],
  ['recipients', '受給者証', recipientsView],
  ['types', '制度マスタ', certificateTypesView],
  ['webhooks', 'Webhook', webhooksView],
];

export function municipalView(): { el: HTMLElement; stop: () => void } {
  const content = h('div');
  const buttons = new Map<Page, HTMLButtonElement>();
  let stopPage = () => {};

  function open(page: Page, arg?: string) {
    stopPage();
    const [, , make] = PAGES.find(([p]) => p === page)!;
    const view = make(arg);
    stopPage = view.stop;
    content.replaceChildren(view.el);
    for (const [p, b] of buttons) {
      if (p === page) b.setAttribute('aria-current', 'page');
      else b.removeAttribute('aria-current');
    }
    history.replaceState(null, '', `#${page}${arg ? `/${arg}` : ''}`);
  }

  const nav = h(
    'nav',
    { class: 'tabs', 'aria-label': '自治体のメニュー' },
    ...PAGES.map(([page, label]) => {
      const b = h('button', { type: 'button', class: 'tab', onclick: () => open(page) }, label);
      buttons.set(page, b);
      return b;
    }),
  );
  const [first, arg] = location.hash.slice(1).split('/');
  open(PAGES.some(([p]) => p === first) ? (first as Page) : 'upload', arg || undefined);
  return { el: h('div', {}, nav, content), stop: () => stopPage() };
}
