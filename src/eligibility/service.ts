import type { CheckLedger, CheckSubsidy } from '../copayments/service.js';
import { serviceMonth } from '../domain/copay/index.js';
import { jstDate } from '../domain/dates.js';
import { certificateState, decideEligibility, designatedHere, parseAdditionalConditions, type EligibilityOutcome } from '../domain/eligibility.js';
import { MAX_COPAYMENT_FIELDS } from '../domain/pmh-record/index.js';
import { decodeCursor, encodeCursor } from '../http/schemas.js';
import { fieldErrorCode, problem, problemBody, problemType, type ProblemBody } from '../http/problem.js';
import { newCheckId } from './check-id.js';
import { CheckWriteError, lookupKey, type CheckWrite, type EligibilityRepository, type RegisteredRecord } from './repository.js';
import {
  eligibilityCheckRequestSchema,
  type ClinicCheckPage,
  type ConsideredRecord,
  type EligibilityCheckRequest,
  type EligibilityCheck,
  type EligibilityExplanation,
  type MedicalSubsidy,
} from './schemas.js';

/** The institution asking (from its token). */
export interface Asker {
  code: string;
}

const SUMMARIES: Record<EligibilityOutcome, string> = {
  returned: 'Subsidies valid on the service date were returned.',
  no_consent: 'The patient did not consent to share medical-subsidy data, so none was returned (whatever is registered).',
  no_records: 'No municipality has registered any record for the card holder.',
  none_valid_on_service_date: 'The card holder has registered records, but none is valid on the service date.',
  all_not_disclosed: 'Every record valid on the service date is 不開示 (isNotDisclosed), so none was returned.',
};

/** What the ledger needs of a returned record (no 個人番号: the card stands for its holder). */
function ledgerKey(cardId: string, r: RegisteredRecord, institutionCode: string, serviceDate: string): CheckSubsidy {
  return {
    cardId,
    municipalityCode: r.municipalityCode,
    certificateTypeId: r.certificateTypeId,
    certificationSubKey: r.certificationSubKey,
    institutionCode,
    yearMonth: serviceMonth(serviceDate),
    programKind: r.programKind,
    lawCode: r.lawCode,
    incomeSegment: r.record.incomeSegment ?? null,
    maxCopaymentAmount: r.record.maxCopaymentAmount ?? null,
    known: r.ledger,
  };
}

function toSubsidy(r: RegisteredRecord, institutionCode: string, ledger: CheckLedger): MedicalSubsidy {
  const rec = r.record;
  return {
    medicalSubsidyInsurerNumber: r.insurerNumber,
    medicalSubsidyRecipientNumber: r.recipientNumber,
    certificationName: rec.certificationName ?? '',
    program: {
      kind: r.programKind,
      lawCode: r.programKind === 'national' ? r.lawCode : null,
      localCategory: r.programKind === 'local' ? (r.localCategory as MedicalSubsidy['program']['localCategory']) : null,
      name: r.programName,
    },
    validFrom: r.validFrom,
    validTo: r.validTo,
    segment: rec.segment ?? null,
    incomeSegment: rec.incomeSegment ?? null,
    additionalConditions: rec.additionalConditions ?? null,
    additionalConditionPairs: parseAdditionalConditions(rec.additionalConditions),
    maxCopaymentAmount: rec.maxCopaymentAmount ? copayInSchemaOrder(rec.maxCopaymentAmount) : null,
    isAlwaysReimbursement: rec.isAlwaysReimbursement ?? '0',
    designatedHere: designatedHere(rec.designatedMedicalInstitutions, institutionCode),
    certificationDetail: rec.certificationDetail ?? [],
    registeringMunicipality: { code: r.municipalityCode, name: r.municipalityName },
    subsidyRef: ledger.subsidyRef,
    copaymentLimit: ledger.copaymentLimit,
  };
}

/** The stored record is jsonb, which keeps no key order of its own; answers list the keys in the documented order. */
function copayInSchemaOrder(m: NonNullable<RegisteredRecord['record']['maxCopaymentAmount']>): MedicalSubsidy['maxCopaymentAmount'] {
  const out: NonNullable<MedicalSubsidy['maxCopaymentAmount']> = {};
  for (const name of MAX_COPAYMENT_FIELDS) {
    const yen = m[name];
    if (yen !== undefined) out[name] = yen;
  }
  return out;
}

function toConsidered(r: RegisteredRecord, decision: ConsideredRecord['decision']): ConsideredRecord {
  return {
    registeringMunicipality: { code: r.municipalityCode, name: r.municipalityName },
    orgSpecificCertificateTypeId: r.certificateTypeId,
    certificationSubKey: r.certificationSubKey === '' ? null : r.certificationSubKey,
    historyKey: r.historyKey,
    certificationName: r.record.certificationName ?? '',
    medicalSubsidyInsurerNumber: r.insurerNumber,
    medicalSubsidyRecipientNumber: r.recipientNumber,
    validFrom: r.validFrom,
    validTo: r.validTo,
    isNotDisclosed: r.isNotDisclosed,
    decision,
  };
}

/** The problem code of each card state that cannot be checked. */
const CARD_PROBLEMS = { unknown: 'unknown_certificate_serial', expired: 'certificate_expired', revoked: 'certificate_revoked' } as const;

/**
 * An answered check carries its JSON text: the exact bytes stored and sent, so reading the check
 * again (GET, batch item) gives the same bytes, and the hot path serialises once.
 */
export type ItemOutcome = { ok: true; check: EligibilityCheck; json: string } | { ok: false; problem: ProblemBody };

interface StoredExplanation {
  consent: boolean;
  outcome: EligibilityOutcome;
  records: ConsideredRecord[];
}

export interface EligibilityServiceDeps {
  now: () => Date;
  /** Called when storing answered checks failed after they were sent (see checkMany). */
  onWriteError: (err: unknown, checkIds: string[]) => void;
  /** 上限額管理 (src/copayments/): subsidyRefs and month totals of returned subsidies. */
  ledger: { forCheck(subsidies: CheckSubsidy[], checkedAt: Date): Promise<CheckLedger[]> };
}

export function eligibilityService(repo: EligibilityRepository, deps: EligibilityServiceDeps) {
  const { now } = deps;
  /** Answers sent but not yet stored, by checkId: findCheck reads them without waiting for their write. */
  const unstored = new Map<string, { institutionCode: string; result: string }>();
  /** Checks several requests (already validated) for one institution; one write for all that succeed. */
  async function checkMany(asker: Asker, requests: (EligibilityCheckRequest | ItemOutcome)[]) {
    const checkedAt = now();
    const today = jstDate(checkedAt);
    // One ISO text for the answers and their stored rows (toISOString is a measurable share of a check).
    const checkedAtIso = checkedAt.toISOString();
    const keys: string[] = [];
    const keyOf = (r: EligibilityCheckRequest) => lookupKey(r.certificateSerialNumber, asker.code, serviceMonth(r.serviceDate ?? today));
    for (const r of requests) {
      if (!('certificateSerialNumber' in r)) continue;
      const key = keyOf(r);
      if (!keys.includes(key)) keys.push(key);
    }
    type Cards = Awaited<ReturnType<EligibilityRepository['loadCards']>>;
    const cards: Cards = keys.length > 0 ? await repo.loadCards(keys) : (new Map() as Cards);
    const writes: CheckWrite[] = [];
    type Decided = {
      req: EligibilityCheckRequest;
      found: NonNullable<ReturnType<Cards['get']>>;
      serviceDate: string;
      decision: ReturnType<typeof decideEligibility<RegisteredRecord>>;
    };
    const decided = requests.map((req): ItemOutcome | Decided => {
      if (!('certificateSerialNumber' in req)) return req;
      const found = cards.get(keyOf(req));
      if (!found) return { ok: false, problem: problemBody(CARD_PROBLEMS.unknown, { detail: 'Check the serial number the card reader returned' }) };
      const state = certificateState(found.card, today);
      if (state !== 'valid') return { ok: false, problem: problemBody(CARD_PROBLEMS[state], { detail: 'Ask the patient to renew the card’s 電子証明書' }) };
      const serviceDate = req.serviceDate ?? today;
      return { req, found, serviceDate, decision: decideEligibility({ serviceDate, consent: req.consent.medicalSubsidy, records: found.records }) };
    });
    // The 上限額管理 of every returned subsidy (consented checks only: nothing is returned otherwise), in one call.
    const returned = decided.flatMap((d) => ('decision' in d ? d.decision.returned.map((r) => ({ d, r })) : []));
    const ledger =
      returned.length > 0
        ? await deps.ledger.forCheck(
            returned.map(({ d, r }) => ledgerKey(d.found.card.cardId, r, asker.code, d.serviceDate)),
            checkedAt,
          )
        : [];
    const ledgerOf = new Map<Decided, CheckLedger[]>();
    returned.forEach(({ d }, i) => ledgerOf.set(d, [...(ledgerOf.get(d) ?? []), ledger[i]!]));
    const outcomes = decided.map((d): ItemOutcome => {
      if (!('decision' in d)) return d;
      const { req, found, serviceDate, decision } = d;
      const { card } = found;
      const check: EligibilityCheck = {
        checkId: newCheckId(),
        checkedAt: checkedAtIso,
        serviceDate,
        patient: { name: card.name, nameKana: card.nameKana, dateOfBirth: card.dateOfBirth, sex: card.sex as EligibilityCheck['patient']['sex'] },
        medicalSubsidies: decision.returned.map((r, i) => toSubsidy(r, asker.code, ledgerOf.get(d)![i]!)),
      };
      const explanation: StoredExplanation = {
        consent: req.consent.medicalSubsidy,
        outcome: decision.outcome,
        records: decision.considered.map((c) => toConsidered(c.record, c.decision)),
      };
      const json = JSON.stringify(check);
      writes.push({
        id: check.checkId,
        institutionCode: asker.code,
        cardId: card.cardId,
        checkedAt: checkedAtIso,
        serviceDate,
        consent: req.consent.medicalSubsidy,
        subsidyCount: check.medicalSubsidies.length,
        outcome: decision.outcome,
        result: json,
        explanation: JSON.stringify(explanation),
      });
      return { ok: true, check, json };
    });
    // The answer does not wait for the access-log write: this service's own reads of stored checks
    // wait for it (read-your-writes), so a check is readable as soon as its answer is out. Measured
    // in bench/eligibility.ts: one database round trip per check instead of two. A process or
    // database crash in the few milliseconds before the commit loses the stored copy (logged).
    for (const w of writes) unstored.set(w.id, { institutionCode: w.institutionCode, result: w.result });
    repo
      .insertChecks(writes)
      .catch((err: unknown) => deps.onWriteError(err, err instanceof CheckWriteError ? err.failures.map((f) => f.id) : writes.map((w) => w.id)))
      .finally(() => {
        for (const w of writes) unstored.delete(w.id);
      });
    return outcomes;
  }

  return {
    /** One check, as the JSON text of the answer; card problems are thrown as 422 problems. */
    async check(asker: Asker, req: EligibilityCheckRequest): Promise<string> {
      const [outcome] = await checkMany(asker, [req]);
      if (!outcome) throw new Error('no outcome');
      if (!outcome.ok) throw problem(outcome.problem.code, { detail: outcome.problem.detail });
      return outcome.json;
    },

    /** Up to MAX_BATCH_ITEMS checks; every item is validated and answered on its own, in order. JSON text of the answer. */
    async checkBatch(asker: Asker, items: unknown[], instance: string): Promise<string> {
      const parsed = items.map((item, index): Parameters<typeof checkMany>[1][number] => {
        const r = eligibilityCheckRequestSchema.safeParse(item);
        if (r.success) return r.data;
        return {
          ok: false,
          problem: problemBody('validation_failed', {
            detail: `Invalid item ${index}: see errors for each failing field`,
            errors: r.error.issues.map((i) => ({ index, field: i.path.join('.') || 'item', code: fieldErrorCode(i), message: i.message })),
          }),
        };
      });
      const outcomes = await checkMany(asker, parsed);
      // Assembled as text so each result is the stored answer byte for byte (EligibilityBatchResponse).
      const parts = outcomes.map((o, index) =>
        o.ok
          ? `{"index":${index},"status":200,"result":${o.json},"problem":null}`
          : `{"index":${index},"status":${o.problem.status},"result":null,"problem":${JSON.stringify({ type: problemType(o.problem.code), instance, ...o.problem })}}`,
      );
      return `{"items":[${parts.join(',')}]}`;
    },

    /** Resolves when every answered check has been stored (or failed to be): for shutdown. */
    settled: () => repo.settled(),

    /** Stops the check path: waits for the checks not yet stored, then closes its connections. */
    async close(): Promise<void> {
      await repo.settled();
      await repo.close();
    },

    /** An earlier check's stored answer (its JSON text as sent), for the institution that asked. */
    async findCheck(asker: Asker, checkId: string): Promise<string> {
      // A quote right after its check must not wait for the check's batched write (copayment-quotes).
      const sent = unstored.get(checkId);
      if (sent?.institutionCode === asker.code) return sent.result;
      const result = await repo.findResult(asker.code, checkId);
      if (result === null) throw problem('eligibility_check_not_found', { detail: 'No eligibility check of this institution has this checkId' });
      return result;
    },

    async explain(checkId: string): Promise<EligibilityExplanation> {
      const row = await repo.findExplanation(checkId);
      if (!row) throw problem('eligibility_check_not_found');
      const e = JSON.parse(row.explanation) as StoredExplanation;
      return {
        checkId: row.id,
        institution: { code: row.institutionCode, name: row.institutionName },
        checkedAt: row.checkedAt.toISOString(),
        serviceDate: row.serviceDate.toISOString().slice(0, 10),
        consent: e.consent,
        subsidyCount: row.subsidyCount,
        outcome: e.outcome,
        summary: SUMMARIES[e.outcome],
        records: e.records,
      };
    },

    async accessLog(q: { institutionCode?: string; limit: number; cursor?: string }) {
      const before = checkCursor(q.cursor);
      const rows = await repo.listChecks({ institutionCode: q.institutionCode, before, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => ({
          checkId: r.id,
          institution: { code: r.institutionCode, name: r.institutionName },
          checkedAt: r.checkedAt.toISOString(),
          serviceDate: r.serviceDate.toISOString().slice(0, 10),
          subsidyCount: r.subsidyCount,
        })),
        nextCursor: rows.length > q.limit && last ? encodeCursor(`${last.checkedAt.toISOString()}|${last.id}`) : null,
      };
    },

    /** The institution's own checks, newest first: what it asked and how many subsidies came back (never the 個人番号). */
    async recentChecks(asker: Asker, q: { limit: number; cursor?: string }): Promise<ClinicCheckPage> {
      const rows = await repo.listOwnChecks({ institutionCode: asker.code, before: checkCursor(q.cursor), limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => ({
          checkId: r.id,
          checkedAt: r.checkedAt.toISOString(),
          serviceDate: r.serviceDate.toISOString().slice(0, 10),
          consent: r.consent,
          patient: (JSON.parse(r.result) as EligibilityCheck).patient,
          subsidyCount: r.subsidyCount,
        })),
        nextCursor: rows.length > q.limit && last ? encodeCursor(`${last.checkedAt.toISOString()}|${last.id}`) : null,
      };
    },
  };
}

/** The position a check list's cursor names ((checkedAt, id) of the previous page's last check); none without one. */
function checkCursor(cursor: string | undefined): { checkedAt: Date; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const [at, id] = decodeCursor(cursor).split('|');
  const checkedAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(checkedAt.getTime())) {
    throw problem('invalid_cursor', {
      errors: [{ field: 'cursor', code: 'invalid_cursor', message: 'pass the nextCursor of the previous page unchanged' }],
    });
  }
  return { checkedAt, id };
}

export type EligibilityService = ReturnType<typeof eligibilityService>;
