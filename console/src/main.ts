/**
 * PMH sandbox console: sign in with a sandbox token, and the token's kind decides the view — the clinic's
 * virtual card reader (institution), the upload (municipality) or the admin tools and journal (admin). An
 * admin may open a tenant's view with its token (actAs) and come back.
 */
import { jstDate, loadSession, session } from './api.js';
import { h, uid } from './dom.js';
import { adminView } from './views/admin.js';
import { clinicView } from './views/clinic.js';
import { frame } from './views/frame.js';
import { municipalView } from './views/municipal.js';

const app = document.getElementById('app')!;
let stopView = () => {};

function layout(header: HTMLElement | null, ...content: (Node | null)[]) {
  stopView();
  stopView = () => {};
  const signedOut = h(
    'header',
    { class: 'top' },
    h('h1', {}, 'PMHサンドボックス コンソール'),
    h('div', { class: 'who' }, h('span', {}, `サンドボックス: ${location.host}`)),
    h('a', { href: '/docs', class: 'docs' }, 'APIドキュメント (/docs)'),
  );
  app.replaceChildren(header ?? signedOut, ...content.filter((c): c is Node => c !== null));
}

/** The admin opens a tenant's view with that tenant's token (see session.actAs); `hash` deep-links into it (e.g. `card=<serial>`). */
function openAs(token: string, hash?: string) {
  session.actAs(token);
  history.replaceState(null, '', hash ? `#${hash}` : location.pathname);
  void start();
}

function signOut() {
  session.signOut();
  signInView();
}

function signInView(message?: string) {
  const tokenId = uid('token');
  const token = h('input', { id: tokenId, type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, maxlength: 200 });
  const form = h(
    'form',
    {
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const value = token.value.trim();
        if (!value) return;
        session.signIn(value);
        void start();
      },
    },
    h('div', { class: 'field' }, h('label', { for: tokenId }, 'トークン'), token),
    h('button', { type: 'submit' }, 'サインイン'),
  );
  layout(
    null,
    h(
      'main',
      {},
      h(
        'section',
        { class: 'card', 'aria-label': 'サインイン' },
        h('h2', {}, 'サインイン'),
        h(
          'p',
          {},
          '管理者・自治体・医療機関のいずれかのサンドボックス用トークンを入力してください。トークンはこのタブの中だけに保存され、サインアウトかタブを閉じると消えます。',
        ),
        message ? h('p', { class: 'problem', role: 'alert' }, message) : null,
        form,
      ),
    ),
  );
  token.focus();
}

async function start() {
  const token = session.token();
  if (!token) return signInView();
  let found: Awaited<ReturnType<typeof loadSession>>;
  try {
    found = await loadSession();
  } catch {
    return signInView('サーバーに接続できませんでした。');
  }
  if (!found) {
    session.signOut();
    return signInView('このトークンは使えません（管理者・自治体・医療機関のどれでもありません）。');
  }
  const { role } = found;
  const back = session.acting()
    ? h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            session.backToAdmin();
            void start();
          },
        },
        '管理者に戻る',
      )
    : null;
  const signOutButton = h('button', { type: 'button', class: 'secondary', onclick: signOut }, 'サインアウト');
  const top = frame(
    role,
    found.session,
    [back, signOutButton].filter((b): b is HTMLButtonElement => b !== null),
  );
  const view =
    role === 'institution'
      ? { el: clinicView({ today: () => jstDate(top.current().clock.now) }), stop: () => {} }
      : role === 'municipal'
        ? municipalView()
        : adminView(top.refresh, openAs);
  layout(top.header, top.banners, h('main', {}, view.el));
  stopView = () => {
    top.stop();
    view.stop();
  };
}

void start();
