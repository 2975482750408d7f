/**
 * A vendor's integration written against the SDK generated from the committed
 * openapi/openapi.json (openapi-typescript types + openapi-fetch). The contract
 * test generates ./generated/openapi.ts, type-checks this file with tsc, and runs
 * it against the real server. Nothing here is typed by hand: a schema change that
 * breaks a client breaks this file.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/openapi.js';

export interface ObservedResponse {
  method: string;
  /** The path template of the operation, e.g. /municipal/v1/registration-tasks/{id}. */
  path: string;
  status: number;
  contentType: string;
  body: string;
}

export interface FlowOptions {
  baseUrl: string;
  adminToken?: string;
  /** A valid 個人番号 for the patient; the flow asserts it never comes back. */
  myNumber: string;
  /** A valid 10-digit 医療機関コード. */
  institutionCode: string;
}

type Record = components['schemas']['PmhRegistrationRecord'];

function fail(what: string, detail: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(detail)}`);
}

/** Runs municipal upload → clinic eligibility check and returns every response seen. */
export async function runFlow(opts: FlowOptions) {
  const observed: ObservedResponse[] = [];
  const recorder: Middleware = {
    async onResponse({ request, response, schemaPath }) {
      observed.push({
        method: request.method,
        path: schemaPath,
        status: response.status,
        contentType: (response.headers.get('content-type') ?? '').split(';')[0]!,
        body: await response.clone().text(),
      });
    },
  };
  const client = (token?: string) => {
    const c = createClient<paths>({ baseUrl: opts.baseUrl, headers: token ? { authorization: `Bearer ${token}` } : {} });
    c.use(recorder);
    return c;
  };
  const admin = client(opts.adminToken);

  // 1. The municipality: a token, a certificate type, a batch of records.
  const cred = await admin.POST('/sandbox/v1/municipalities/{lgCode}/credentials', { params: { path: { lgCode: '130001' } } });
  if (!cred.data) fail('credentials', cred.error);
  const municipal = client(cred.data.token);

  const type = await municipal.PUT('/municipal/v1/certificate-types/{orgSpecificCertificateTypeId}', {
    params: { path: { orgSpecificCertificateTypeId: 'NANBYO54' } },
    body: {
      name: '特定医療費（指定難病）受給者証',
      kind: 'national',
      lawCode: '54',
      insurerNumbers: ['54130018'],
      incomeSegments: [{ code: 'IPPAN1', name: '一般所得Ⅰ', monthlyCap: 10000 }],
      requiresDesignatedInstitutions: true,
    },
  });
  if (!type.data) fail('certificate type', type.error);

  const record: Record = {
    orgSpecificCertificateTypeId: 'NANBYO54',
    myNumber: opts.myNumber,
    basicFiveInfo: { name: '都庁 花子', nameKana: 'トチョウ　ハナコ', address: '東京都新宿区西新宿二丁目8番1号', dateOfBirth: '1980-04-01', sex: '2' },
    isNotDisclosed: false,
    medicalSubsidyInsurerNumber: '54130018',
    certificationName: '特定医療費（指定難病）受給者証',
    medicalSubsidyRecipientNumber: '0000018',
    incomeSegment: 'IPPAN1',
    designatedMedicalInstitutions: opts.institutionCode,
    isAlwaysReimbursement: '0',
    maxCopaymentAmount: { monthly: 10000 },
    validFrom: '2026-04-01',
    validTo: '2027-03-31',
    historyKey: 'H2026',
    isDeleted: false,
    certificationDetail: [{ label: '疾病名', value: 'パーキンソン病' }],
  };
  const task = await municipal.POST('/municipal/v1/registration-tasks', {
    params: { query: { wait: 30 } },
    body: [record, { ...record, historyKey: 'H2026', myNumber: '12345678901X' }],
  });
  if (!task.data) fail('registration task', task.error);
  const taskId = task.data.id;
  const status = await municipal.GET('/municipal/v1/registration-tasks/{id}', { params: { path: { id: taskId } } });
  if (!status.data) fail('task status', status.error);
  const results = await municipal.GET('/municipal/v1/registration-tasks/{id}/results', { params: { path: { id: taskId }, query: { status: 'rejected' } } });
  if (!results.data) fail('task results', results.error);
  const recipients = await municipal.GET('/municipal/v1/recipients', { params: { query: { orgSpecificCertificateTypeId: 'NANBYO54' } } });
  if (!recipients.data) fail('recipients', recipients.error);

  // 2. The clinic: an institution, the patient's card, an eligibility check.
  const institution = await admin.POST('/sandbox/v1/medical-institutions', { body: { code: opts.institutionCode, name: 'SDKテスト内科', kind: 'medical' } });
  if (!institution.data) fail('institution', institution.error);
  const card = await admin.POST('/sandbox/v1/cards', { body: { myNumber: opts.myNumber } });
  if (!card.data) fail('card', card.error);
  const clinic = client(institution.data.token);
  const check = await clinic.POST('/clinic/v1/eligibility-checks', {
    body: { certificateSerialNumber: card.data.certificateSerialNumber, serviceDate: '2026-11-23', consent: { medicalSubsidy: true } },
  });
  if (!check.data) fail('eligibility check', check.error);
  const again = await clinic.GET('/clinic/v1/eligibility-checks/{checkId}', { params: { path: { checkId: check.data.checkId } } });
  if (!again.data) fail('stored check', again.error);
  const declined = await clinic.POST('/clinic/v1/eligibility-checks', {
    body: { certificateSerialNumber: card.data.certificateSerialNumber, serviceDate: '2026-11-23', consent: { medicalSubsidy: false } },
  });
  if (!declined.data) fail('declined check', declined.error);
  const unknownCard = await clinic.POST('/clinic/v1/eligibility-checks', {
    body: { certificateSerialNumber: 'FFFFFFFFFFFFFFFFFFFF', serviceDate: '2026-11-23', consent: { medicalSubsidy: true } },
  });

  // 3. 上限額管理 (provisional): a quote of the window charge, the record of what was charged, the month's lines.
  const subsidyRef = check.data.medicalSubsidies[0]?.subsidyRef;
  if (!subsidyRef) fail('subsidyRef', check.data.medicalSubsidies);
  const visit = { serviceDate: '2026-11-23', setting: 'outpatient', totalMedicalCost: 20000 } as const;
  const quote = await clinic.POST('/clinic/v1/copayment-quotes', { body: { checkId: check.data.checkId, insuranceShare: 0.3, ...visit } });
  if (!quote.data) fail('quote', quote.error);
  const line = await clinic.POST('/clinic/v1/copayment-records', {
    body: { subsidyRef, visitId: 'SDK-1', copaymentCharged: quote.data.patientPays, ...visit },
  });
  if (!line.data) fail('copayment record', line.error);
  const lines = await clinic.GET('/clinic/v1/copayment-records', { params: { query: { subsidyRef, yearMonth: '2026-11' } } });
  if (!lines.data) fail('copayment records', lines.error);

  return {
    observed,
    quote: { patientPays: quote.data.patientPays, insurancePays: quote.data.insurancePays, steps: quote.data.trace.map((s) => s.step) },
    line: { accumulatedAfter: line.data.accumulatedAfter, capReached: line.data.capReached },
    lineCount: lines.data.items.length,
    task: status.data,
    rejected: results.data.items,
    recipients: recipients.data.items,
    subsidies: check.data.medicalSubsidies,
    storedSubsidies: again.data.medicalSubsidies,
    declinedSubsidies: declined.data.medicalSubsidies,
    patient: check.data.patient,
    unknownCard: { status: unknownCard.response.status, code: unknownCard.error?.code },
  };
}
