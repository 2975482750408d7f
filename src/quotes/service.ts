import type { QuoteInputs } from '../copayments/repository.js';
import {
  ageOn,
  calculateCopay,
  effectiveCopaymentRules,
  ledgerEntry,
  monthToDate,
  selectLocalRow,
  serviceMonth,
  type ApplicableSubsidy,
  type LedgerVisit,
  type TraceStep,
} from '../domain/copay/index.js';
import type { EligibilityCheck, MedicalSubsidy } from '../eligibility/schemas.js';
import type { CopaymentQuote, CopaymentQuoteRequest } from './schemas.js';

/** What the quote needs of the ledger (app.copayments): each subsidyRef's certificate type and the month's lines. */
export interface QuoteLedger {
  forQuote(refs: string[], yearMonth: string): Promise<Map<string, QuoteInputs>>;
}

/** Stored checks of the asking institution (app.eligibility); throws eligibility_check_not_found. */
export interface StoredChecks {
  findCheck(asker: { code: string }, checkId: string): Promise<string>;
}

/** A subsidy the calculator leaves out, and why (in the trace). */
interface Left {
  index: number;
  step: 'national' | 'local';
  rule: string;
  source: string;
}

const PROVISIONAL_SOURCE = 'docs/copay.md (our design; PMH has published no charging rules)';

/**
 * 窓口負担 quotes (provisional, our design): one visit priced over the subsidies of a stored check, each with its
 * effective rules (certificate type + record) and its month-to-date from the ledger. Records nothing.
 */
export function quotesService(deps: { checks: StoredChecks; ledger: QuoteLedger }) {
  return {
    async quote(asker: { code: string }, req: CopaymentQuoteRequest): Promise<CopaymentQuote> {
      const check = JSON.parse(await deps.checks.findCheck(asker, req.checkId)) as EligibilityCheck;
      const subsidies: MedicalSubsidy[] = check.medicalSubsidies;
      const yearMonth = serviceMonth(req.serviceDate);
      const refs = subsidies.flatMap((s) => (s.subsidyRef ? [s.subsidyRef] : []));
      const inputs = await deps.ledger.forQuote(refs, yearMonth);
      const visit: LedgerVisit = { institutionCode: asker.code, serviceDate: req.serviceDate, setting: req.setting, visitId: `quote:${req.checkId}` };
      const age = ageOn(check.patient.dateOfBirth, req.serviceDate);

      const left: Left[] = [];
      const applicable: (ApplicableSubsidy & { index: number; monthToDate: number })[] = [];
      subsidies.forEach((s, index) => {
        const step = s.program.kind === 'national' ? 'national' : 'local';
        const name = s.program.lawCode ?? s.certificationName;
        const leave = (rule: string, source: string) => left.push({ index, step, rule: `${name}: ${rule}`, source });
        const type = s.subsidyRef ? inputs.get(s.subsidyRef)?.type : undefined;
        if (!s.subsidyRef || !type)
          return leave('not applied: no subsidyRef or certificate type behind it', 'the check was stored before the ledger, or the type was deleted');
        if (req.serviceDate < s.validFrom || req.serviceDate > s.validTo) {
          return leave(`not applied: valid ${s.validFrom}–${s.validTo}, not on ${req.serviceDate}`, 'the check’s record (validFrom/validTo)');
        }
        const effective = effectiveCopaymentRules(
          { ...type, lawCode: type.kind === 'national' ? type.lawCode : null },
          { incomeSegment: s.incomeSegment, maxCopaymentAmount: s.maxCopaymentAmount },
        );
        if (effective.kind === 'none') return leave(`not applied: ${effective.reason}`, PROVISIONAL_SOURCE);
        const rules =
          effective.kind === 'national' ? effective.rules : selectLocalRow(effective.rows, { age, setting: req.setting, incomeSegment: s.incomeSegment });
        if (!rules) return leave(`not applied: no rule row for age ${age}, ${req.setting}`, 'certificate type copaymentRules rows');
        const ledger = inputs.get(s.subsidyRef)!;
        // A national cap counts the month's sum alone (copay.md §3); a local row's caps count by institution, day and visit.
        const accumulated =
          rules.kind === 'national' || ledger.lines === null
            ? { month: ledger.monthAccumulated }
            : monthToDate(
                ledger.lines.map((l) =>
                  ledgerEntry(
                    s.subsidyRef!,
                    rules,
                    { institutionCode: l.institutionCode, serviceDate: l.serviceDate, setting: l.setting, visitId: l.visitId },
                    l.copaymentCharged,
                  ),
                ),
                s.subsidyRef,
                rules,
                visit,
              );
        applicable.push({
          index,
          ref: s.subsidyRef,
          rules,
          // null: the record lists no 指定医療機関, so none is required of this one.
          designatedHere: s.designatedHere ?? true,
          appliesAtWindow: s.isAlwaysReimbursement !== '1',
          accumulated,
          monthToDate: accumulated.month ?? 0,
        });
      });

      const result = calculateCopay(
        { setting: req.setting, totalMedicalCost: req.totalMedicalCost, insuranceShare: req.insuranceShare, foodCost: req.foodCost },
        applicable,
      );
      const trace: TraceStep[] = [
        ...result.trace,
        ...left.map((l) => ({ step: l.step, rule: l.rule, before: result.patientPaysMedical, after: result.patientPaysMedical, source: l.source })),
      ];
      return {
        checkId: req.checkId,
        serviceDate: req.serviceDate,
        yearMonth,
        patientPays: result.patientPays,
        patientPaysMedical: result.patientPaysMedical,
        patientPaysFood: result.patientPaysFood,
        insurancePays: result.insurancePays,
        subsidies: subsidies.map((s, index) => {
          const a = applicable.find((x) => x.index === index);
          const o = a ? result.subsidies.find((x) => x.ref === a.ref) : undefined;
          return {
            subsidyRef: s.subsidyRef ?? null,
            pays: o?.pays ?? 0,
            applied: o?.applied ?? false,
            copaymentCharged: o?.applied ? o.countsTowardCap : 0,
            capReached: o?.capReached ?? false,
            monthToDate: a?.monthToDate ?? 0,
          };
        }),
        trace: trace as CopaymentQuote['trace'],
      };
    },
  };
}

export type QuotesService = ReturnType<typeof quotesService>;
