import type { FoodRule, NationalRules, Rounding } from './types.js';

/** Law codes with default rules (copay.md §3). */
export const NATIONAL_LAW_CODES = ['54', '52', '15', '16', '21'] as const;
export type NationalLawCode = (typeof NATIONAL_LAW_CODES)[number];

interface LawDefaults {
  share: number;
  food: FoodRule;
  source: string;
}

/**
 * copay.md §3 [V]: 54 難病 2割 (1割 stays 1割), food 全額自己負担; 52 小慢 2割, food 1/2;
 * 15/16/21 自立支援 1割, food (標準負担額) in principle the patient's. All need 指定医療機関.
 */
const LAW_DEFAULTS: Record<NationalLawCode, LawDefaults> = {
  '54': { share: 0.2, food: 'full', source: '難病法 (copay.md §3): 2割, food 全額自己負担' },
  '52': { share: 0.2, food: 'half', source: '児童福祉法 小慢 (copay.md §3): 2割, food 1/2' },
  '15': { share: 0.1, food: 'full', source: '障害者総合支援法 更生医療 (copay.md §3): 1割' },
  '16': { share: 0.1, food: 'full', source: '障害者総合支援法 育成医療 (copay.md §3): 1割' },
  '21': { share: 0.1, food: 'full', source: '障害者総合支援法 精神通院医療 (copay.md §3): 1割' },
};

export function isNationalLawCode(code: string): code is NationalLawCode {
  return (NATIONAL_LAW_CODES as readonly string[]).includes(code);
}

/** What the certificate type (制度マスタ) and the registered record say about the cap. */
export interface NationalRuleInputs {
  lawCode: string;
  /** The type's 所得区分 with their monthly caps. */
  incomeSegments?: readonly { code: string; monthlyCap?: number }[];
  /** The record's incomeSegment (所得区分 code). */
  incomeSegment?: string | null;
  /** The record's maxCopaymentAmount (sandbox shape); `monthly` wins over the 所得区分 cap. */
  maxCopaymentAmount?: { monthly?: number } | null;
  /** The type's copaymentRules overrides. */
  overrides?: Partial<Pick<NationalRules, 'share' | 'monthlyCap' | 'food' | 'rounding' | 'requiresDesignatedInstitution'>>;
}

/** Default 端数 of national shares: see docs/copay.md (copay.md: unsourced). */
export const DEFAULT_ROUNDING: Rounding = 'round10';

/**
 * The rules of a national program: law defaults, then the type's overrides; the monthly cap from the record's
 * maxCopaymentAmount.monthly, else the type's 所得区分 cap, else the override, else none.
 * A law code without defaults gets rules only when the overrides give `share` (food then defaults to full); else null.
 */
export function nationalRules(inputs: NationalRuleInputs): NationalRules | null {
  const law: LawDefaults | undefined = isNationalLawCode(inputs.lawCode) ? LAW_DEFAULTS[inputs.lawCode] : undefined;
  const o = inputs.overrides ?? {};
  const share = o.share ?? law?.share;
  if (share === undefined) return null;
  const recordCap = inputs.maxCopaymentAmount?.monthly;
  const segment = inputs.incomeSegment == null ? undefined : inputs.incomeSegments?.find((s) => s.code === inputs.incomeSegment);
  let monthlyCap: number | null = null;
  let monthlyCapSource = 'no cap given';
  if (recordCap !== undefined) {
    monthlyCap = recordCap;
    monthlyCapSource = 'record maxCopaymentAmount.monthly';
  } else if (segment?.monthlyCap !== undefined) {
    monthlyCap = segment.monthlyCap;
    monthlyCapSource = `certificate type incomeSegments[${segment.code}].monthlyCap`;
  } else if (o.monthlyCap !== undefined) {
    monthlyCap = o.monthlyCap;
    monthlyCapSource = 'certificate type copaymentRules.monthlyCap';
  }
  return {
    kind: 'national',
    lawCode: inputs.lawCode,
    share,
    monthlyCap,
    monthlyCapSource,
    food: o.food ?? law?.food ?? 'full',
    rounding: o.rounding ?? DEFAULT_ROUNDING,
    requiresDesignatedInstitution: o.requiresDesignatedInstitution ?? true,
  };
}

/** Where the law's defaults come from, for the trace. */
export function lawSource(lawCode: string): string {
  return isNationalLawCode(lawCode) ? LAW_DEFAULTS[lawCode].source : `法別 ${lawCode}: rules given by the certificate type`;
}
