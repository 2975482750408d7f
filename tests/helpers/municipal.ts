import { completeMyNumber } from '../../src/domain/numbers.js';
import type { App } from '../../src/app.js';
import { adminHeaders } from './app.js';

/** A municipality acting through the real API: a token from the sandbox endpoint. */
export async function municipality(app: App, code: string) {
  const res = await app.inject({ method: 'POST', url: `/sandbox/v1/municipalities/${code}/credentials`, headers: adminHeaders });
  if (res.statusCode !== 201) throw new Error(`credentials for ${code}: ${res.statusCode} ${res.body}`);
  const token: string = res.json().token;
  const headers = { authorization: `Bearer ${token}` };
  return {
    code,
    token,
    headers,
    putType: (id: string, body: unknown) => app.inject({ method: 'PUT', url: `/municipal/v1/certificate-types/${id}`, headers, payload: body as object }),
    upload: (payload: string | Buffer | unknown[], opts: { contentType?: string; query?: string; idempotencyKey?: string } = {}) =>
      app.inject({
        method: 'POST',
        url: `/municipal/v1/registration-tasks${opts.query ? `?${opts.query}` : ''}`,
        headers: {
          ...headers,
          'content-type': opts.contentType ?? 'application/json',
          ...(opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {}),
        },
        payload: Array.isArray(payload) ? JSON.stringify(payload) : payload,
      }),
    get: (url: string, extra: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { ...headers, ...extra } }),
    /** The task once it is no longer queued or running (polled for up to `ms`), or as it is then. */
    async finished(taskId: string, ms = 20_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const task = (await app.inject({ method: 'GET', url: `/municipal/v1/registration-tasks/${taskId}`, headers })).json();
        if ((task.status !== 'queued' && task.status !== 'running') || Date.now() > deadline) return task;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** 東京都's 難病 (54) type, with the real-format 公費負担者番号 54130018. */
export const NANBYO_TYPE = {
  name: '特定医療費（指定難病）受給者証',
  kind: 'national',
  lawCode: '54',
  insurerNumbers: ['54130018'],
  incomeSegments: [
    { code: 'IPPAN1', name: '一般所得Ⅰ', monthlyCap: 10000 },
    { code: 'JOUI', name: '上位所得', monthlyCap: 30000 },
  ],
  segments: [{ code: 'KOUGAKU', name: '高額かつ長期' }],
  additionalConditionItems: [{ itemCode: 'A1', name: '人工呼吸器', conditionCodes: ['1', '2'] }],
  copay: { rate: 0.2 },
  requiresDesignatedInstitutions: true,
};

/** A valid 12-digit 個人番号 built from a serial. */
export const myNumber = (n: number) => completeMyNumber(String(n).padStart(11, '0'));

/** A valid record of NANBYO_TYPE for person `n`. */
export function nanbyoRecord(n: number, over: Record<string, unknown> = {}) {
  return {
    orgSpecificCertificateTypeId: 'NANBYO54',
    myNumber: myNumber(n),
    basicFiveInfo: { name: '都庁 太郎', nameKana: 'トチョウ　タロウ', address: '東京都新宿区西新宿二丁目8番1号', dateOfBirth: '1970-01-01', sex: '1' },
    isNotDisclosed: false,
    medicalSubsidyInsurerNumber: '54130018',
    certificationName: '特定医療費（指定難病）受給者証',
    medicalSubsidyRecipientNumber: '0000018',
    incomeSegment: 'IPPAN1',
    isAlwaysReimbursement: '0',
    maxCopaymentAmount: { monthly: 10000 },
    validFrom: '2026-04-01',
    validTo: '2027-03-31',
    historyKey: 'H1',
    isDeleted: false,
    certificationDetail: [{ label: '疾病名', value: 'パーキンソン病' }],
    ...over,
  };
}
