import { completeMyNumber } from '../../src/domain/numbers.js';

/** The 難病 (法別 54) certificate type the eligibility and hardening benchmarks register. */
export const NANBYO_TYPE = {
  name: '特定医療費（指定難病）受給者証',
  kind: 'national',
  lawCode: '54',
  insurerNumbers: ['54130018'],
  incomeSegments: [{ code: 'IPPAN1', name: '一般所得Ⅰ', monthlyCap: 10000 }],
  additionalConditionItems: [{ itemCode: 'A1', name: '人工呼吸器', conditionCodes: ['1', '2'] }],
  requiresDesignatedInstitutions: true,
};

/** A person's record as a municipality registers it (the shape of the 1,000,000 generated rows too). */
export function nanbyoRecord(n: number, over: Record<string, unknown> = {}) {
  return {
    orgSpecificCertificateTypeId: 'NANBYO54',
    myNumber: completeMyNumber(String(n).padStart(11, '0')),
    basicFiveInfo: { name: '都庁 太郎', nameKana: 'トチョウ　タロウ', address: '東京都新宿区西新宿二丁目8番1号', dateOfBirth: '1970-01-01', sex: '1' },
    isNotDisclosed: false,
    medicalSubsidyInsurerNumber: '54130018',
    certificationName: '特定医療費（指定難病）受給者証',
    medicalSubsidyRecipientNumber: '0000018',
    incomeSegment: 'IPPAN1',
    additionalConditions: 'A1-1',
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
