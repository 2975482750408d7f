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

/**
 * Which kind of token this is, found with read-only calls of the public API that only that kind may make
 * (401/403 for the others). An institution is told by a check that does not exist: 404, not 401.
 */
export async function detectRole(): Promise<Role | null> {
  const [admin, municipal, institution] = await Promise.all([
    api.GET('/sandbox/v1/clock'),
    api.GET('/municipal/v1/certificate-types', { params: { query: { limit: 1 } } }),
    api.GET('/clinic/v1/eligibility-checks/{checkId}', { params: { path: { checkId: '00000000-0000-4000-8000-000000000000' } } }),
  ]);
  if (admin.response.ok) return 'admin';
  if (municipal.response.ok) return 'municipal';
  if (institution.response.status === 404) return 'institution';
  return null;
}
