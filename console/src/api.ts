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

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
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

/** A read-only call of the public API that only a token of this kind may make (the others get 401/403). */
const PROBES: Record<Role, () => Promise<boolean>> = {
  admin: async () => (await api.GET('/sandbox/v1/clock')).response.ok,
  municipal: async () => (await api.GET('/municipal/v1/certificate-types', { params: { query: { limit: 1 } } })).response.ok,
  // A check that does not exist: 404 for an institution, 401 for anyone else.
  institution: async () =>
    (await api.GET('/clinic/v1/eligibility-checks/{checkId}', { params: { path: { checkId: '00000000-0000-4000-8000-000000000000' } } })).response.status ===
    404,
};

/**
 * Which kind of token this is, by the probes above, the likeliest first from the token's prefix
 * (pmh_ins_…, pmh_mun_…; an admin token may be any string), so that a sign-in usually costs one request.
 */
export async function detectRole(token: string): Promise<Role | null> {
  const first: Role = token.startsWith('pmh_ins_') ? 'institution' : token.startsWith('pmh_mun_') ? 'municipal' : 'admin';
  const order: Role[] = [first, ...(['admin', 'municipal', 'institution'] as const).filter((r) => r !== first)];
  for (const role of order) if (await PROBES[role]()) return role;
  return null;
}
