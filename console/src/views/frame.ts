/**
 * What every signed-in page shows at its top: which sandbox (host) and role you are, the tenant, the sandbox
 * clock, a link to the API docs, and banners while the clock is frozen or a maintenance window is set — all from
 * GET /sandbox/v1/session, which any valid token may read.
 */
import { jstTime, loadSession, type Role, type SandboxSession } from '../api.js';
import { h } from '../dom.js';

export const ROLE_LABELS: Record<Role, string> = { admin: 'サンドボックス管理者', municipal: '自治体', institution: '医療機関' };
const POLL_MS = 30_000;

export interface Frame {
  header: HTMLElement;
  banners: HTMLElement;
  /** The session as last read. */
  current: () => SandboxSession;
  /** Reads the session again and redraws the clock and the banners (after the admin changed them). */
  refresh: () => Promise<void>;
  stop: () => void;
}

function bannersOf(s: SandboxSession): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (!s.clock.real)
    out.push(
      h(
        'div',
        { class: 'banner', role: 'status' },
        `サンドボックスの時計は ${jstTime(s.clock.now)}（日本時間）で止まっています。実時間: ${jstTime(s.clock.realNow)}`,
      ),
    );
  const w = s.maintenance.window;
  if (w) {
    const span = `${w.from ? jstTime(w.from) : '今'} 〜 ${jstTime(w.until)}`;
    const text = s.maintenance.active
      ? `メンテナンス中（${span}）: /municipal/v1・/clinic/v1 は 503 pmh_maintenance で応答します。`
      : `メンテナンス予定（${span}）: この間 /municipal/v1・/clinic/v1 は 503 pmh_maintenance で応答します。`;
    out.push(h('div', { class: 'banner maintenance', role: 'status' }, text, w.message ? ` 案内: ${w.message}` : ''));
  }
  return out;
}

export function frame(role: Role, first: SandboxSession, actions: HTMLElement[]): Frame {
  let current = first;
  const clock = h('span', { class: 'clock' });
  const banners = h('div', {});
  const drawClock = () => {
    const now = current.clock.real ? new Date().toISOString() : current.clock.now;
    clock.textContent = `時計: ${jstTime(now)}${current.clock.real ? '' : '（停止中）'}`;
  };
  const draw = () => {
    drawClock();
    banners.replaceChildren(...bannersOf(current));
  };
  async function refresh() {
    const next = await loadSession().catch(() => null);
    if (next) current = next.session;
    draw();
  }
  draw();
  const tick = setInterval(drawClock, 1000);
  const poll = setInterval(() => void refresh(), POLL_MS);
  const tenant = current.tenant;
  const header = h(
    'header',
    { class: 'top' },
    h('h1', {}, 'PMHサンドボックス コンソール'),
    h(
      'div',
      { class: 'who' },
      h('span', { class: 'sandbox' }, `サンドボックス: ${location.host}`),
      h('span', { class: 'role' }, `ロール: ${ROLE_LABELS[role]}`),
      tenant ? h('span', { class: 'tenant' }, `${tenant.name}（${tenant.code}）`) : null,
      clock,
    ),
    h('a', { href: '/docs', class: 'docs' }, 'APIドキュメント (/docs)'),
    ...actions,
  );
  return {
    header,
    banners,
    current: () => current,
    refresh,
    stop: () => {
      clearInterval(tick);
      clearInterval(poll);
    },
  };
}
