import type { App } from '../../src/app.js';
import { completeMedicalInstitutionCode } from '../../src/domain/numbers.js';
import { adminHeaders } from './app.js';

let serial = 0;
const KIND_DIGIT = { medical: '1', dental: '3', pharmacy: '4', visiting_nursing: '6' } as const;

/** A fresh valid 医療機関コード in 東京都 (13) of the given kind. */
export function institutionCode(kind: keyof typeof KIND_DIGIT = 'medical') {
  serial++;
  return completeMedicalInstitutionCode(`13${KIND_DIGIT[kind]}${String((process.pid * 1000 + serial) % 1_000_000).padStart(6, '0')}`);
}

/** A medical institution acting through the real API: created, with its token, by the sandbox endpoint. */
export async function institution(app: App, opts: { code?: string; name?: string; kind?: keyof typeof KIND_DIGIT } = {}) {
  const kind = opts.kind ?? 'medical';
  const code = opts.code ?? institutionCode(kind);
  const res = await app.inject({
    method: 'POST',
    url: '/sandbox/v1/medical-institutions',
    headers: adminHeaders,
    payload: { code, name: opts.name ?? `テスト医院 ${code}`, kind },
  });
  if (res.statusCode !== 201) throw new Error(`institution ${code}: ${res.statusCode} ${res.body}`);
  const token: string = res.json().token;
  const headers = { authorization: `Bearer ${token}` };
  return {
    code,
    token,
    headers,
    check: (body: unknown) => app.inject({ method: 'POST', url: '/clinic/v1/eligibility-checks', headers, payload: body as object }),
    batch: (items: unknown[]) => app.inject({ method: 'POST', url: '/clinic/v1/eligibility-checks/batch', headers, payload: { items } }),
    get: (checkId: string) => app.inject({ method: 'GET', url: `/clinic/v1/eligibility-checks/${checkId}`, headers }),
  };
}

/** A simulated card through POST /sandbox/v1/cards; returns its serial number and body. */
export async function card(app: App, myNumber: string, over: Record<string, unknown> = {}) {
  const res = await app.inject({ method: 'POST', url: '/sandbox/v1/cards', headers: adminHeaders, payload: { myNumber, ...over } });
  if (res.statusCode !== 201) throw new Error(`card: ${res.statusCode} ${res.body}`);
  return res.json() as { cardId: string; certificateSerialNumber: string; name: string; faceDataSource: string } & Record<string, unknown>;
}

/**
 * Records every response (status line headers and body) the app gives through `app.inject`
 * from now on, including those made by the municipal helpers, for the 個人番号 leak check.
 */
export function recordResponses(app: App): string[] {
  const seen: string[] = [];
  const inject = app.inject.bind(app) as (opts: unknown) => Promise<{ body: string; headers: Record<string, unknown> }>;
  (app as unknown as { inject: (opts: unknown) => Promise<unknown> }).inject = async (opts: unknown) => {
    const res = await inject(opts);
    seen.push(`${JSON.stringify(res.headers)}\n${res.body}`);
    return res;
  };
  return seen;
}
