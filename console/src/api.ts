/**
 * The console's only way to the server: the public API, through openapi-fetch typed by openapi-typescript
 * from the committed openapi/openapi.json (console/src/generated/openapi.ts, written by the contract test).
 * The token lives in sessionStorage (gone when the tab closes), is sent as a bearer token and never put
 * in a URL or logged.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/openapi.js';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type Role = 'admin' | 'municipal' | 'institution';

const TOKEN_KEY = 'pmh-console-token';
/** The admin's own token while the admin acts as a municipality or an institution (actAs). */
const ADMIN_KEY = 'pmh-console-admin-token';

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ADMIN_KEY);
  },
  /** Whether the admin is acting as a tenant (and can go back). */
  acting: (): boolean => sessionStorage.getItem(ADMIN_KEY) !== null,
  /** The admin opens a tenant's view with that tenant's token, keeping the admin token to come back to. */
  actAs: (token: string) => {
    if (!sessionStorage.getItem(ADMIN_KEY)) sessionStorage.setItem(ADMIN_KEY, session.token() ?? '');
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  backToAdmin: () => {
    const admin = sessionStorage.getItem(ADMIN_KEY);
    sessionStorage.removeItem(ADMIN_KEY);
    if (admin) sessionStorage.setItem(TOKEN_KEY, admin);
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use({
  onRequest({ request }) {
    const token = session.token();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
});

/** A problem from an error answer, or one made up for a network failure. */
export function asProblem(error: unknown, status: number | undefined): Problem {
  if (error && typeof error === 'object' && 'title' in error) return error as Problem;
  return {
    type: 'about:blank',
    title: '通信エラー',
    status: status && status >= 400 ? status : 599,
    code: 'network_error',
    detail: error instanceof Error ? error.message : 'サーバーから応答がありません',
  };
}

export type SandboxSession = Schemas['SandboxSession'];
const ROLE_OF: Record<SandboxSession['role'], Role> = { admin: 'admin', municipality: 'municipal', institution: 'institution' };

/**
 * Who the signed-in token is (GET /sandbox/v1/session, open to any valid token): its role, tenant, the
 * sandbox clock and maintenance window; null when the token is not one of this sandbox.
 */
export async function loadSession(): Promise<{ role: Role; session: SandboxSession } | null> {
  const { data, response } = await api.GET('/sandbox/v1/session');
  if (data) return { role: ROLE_OF[data.role], session: data };
  if (response.status === 401) return null;
  throw new Error(`HTTP ${response.status}`);
}

/** Today (YYYY-MM-DD) in Japan at this instant: the sandbox's default service date when the instant is the sandbox clock's now. */
export const jstDate = (iso: string) => new Date(Date.parse(iso) + 9 * 3600_000).toISOString().slice(0, 10);
/** An instant as a person in Japan reads it. */
export const jstTime = (iso: string) => new Date(iso).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' });
