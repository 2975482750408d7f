/**
 * PMH sandbox console: sign in with a sandbox token, and the token's kind decides the view — the clinic's
 * virtual card reader (institution), the upload (municipality) or the request journal (admin).
 */
import { detectRole, session, type Role } from './api.js';
import { h, uid } from './dom.js';
import { adminView, clockBanner } from './views/admin.js';
import { clinicView } from './views/clinic.js';
import { municipalView } from './views/municipal.js';

const ROLE_LABELS: Record<Role, string> = { admin: 'サンドボックス管理者', municipal: '自治体', institution: '医療機関' };
const app = document.getElementById('app')!;
let stopView = () => {};

function layout(role: Role | null, ...content: (Node | null)[]) {
  stopView();
  stopView = () => {};
  app.replaceChildren(
    h(
      'header',
      { class: 'top' },
      h('h1', {}, 'PMHサンドボックス コンソール'),
      role ? h('span', { class: 'role' }, `ロール: ${ROLE_LABELS[role]}`) : null,
      role ? h('button', { type: 'button', class: 'secondary', onclick: signOut }, 'サインアウト') : null,
    ),
    ...content.filter((c): c is Node => c !== null),
  );
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
  let role: Role | null;
  try {
    role = await detectRole(token);
  } catch {
    return signInView('サーバーに接続できませんでした。');
  }
  if (!role) {
    session.signOut();
    return signInView('このトークンは使えません（管理者・自治体・医療機関のどれでもありません）。');
  }
  if (role === 'institution') return layout(role, h('main', {}, clinicView()));
  if (role === 'municipal') {
    const view = municipalView();
    layout(role, h('main', {}, view.el));
    stopView = view.stop;
    return;
  }
  const banner = clockBanner();
  await banner.refresh().catch(() => {});
  const view = adminView(banner.refresh);
  layout(role, banner.el, h('main', {}, view.el));
  stopView = view.stop;
}

void start();
