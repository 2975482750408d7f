import { randomBytes } from 'node:crypto';
import {
  changeLine,
  copaymentLimitOf,
  isHighCostLongTermCandidate,
  isMildHighCostCandidate,
  ledgerMonthlyCap,
  serviceMonth,
  type CopaymentLimit,
  type LineAmounts,
  type MonthTotals,
} from '../domain/copay/index.js';
import { designatedHere } from '../domain/eligibility.js';
import type { MaxCopaymentAmount } from '../domain/pmh-record/index.js';
import { decodeCursor, encodeCursor } from '../http/schemas.js';
import { problem } from '../http/problem.js';
import type { CheckLedgerRow, CheckSubsidyKey, CopaymentsRepository, LineRow, MonthWrite, SubsidyOnDate, VisitKey } from './repository.js';
import type { CopaymentLedgerMonth, CopaymentLine, CopaymentLineInput, CopaymentRecord, CopaymentRecordVersion } from './schemas.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A fresh subsidyRef: 'sr_' + 20 base32 characters (100 random bits), never derived from any number of the person. */
export function newSubsidyRef(): string {
  const bytes = randomBytes(20);
  let out = 'sr_';
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

/** A subsidy of a consented check answer, with what its cap depends on (the record as registered, no 個人番号). */
export interface CheckSubsidy extends CheckSubsidyKey {
  programKind: 'national' | 'local';
  lawCode: string | null;
  incomeSegment: string | null;
  maxCopaymentAmount: MaxCopaymentAmount | null;
  /** What the check's lookup already read (CHECK_LOOKUP_LEDGER), when ref and receipt exist: nothing more is asked. */
  known: CheckLedgerRow | null;
}

/** What the eligibility answer gains per subsidy. */
export interface CheckLedger {
  subsidyRef: string;
  copaymentLimit: CopaymentLimit | null;
}

export interface CopaymentsServiceDeps {
  now: () => Date;
}

const capOf = (s: SubsidyOnDate): number | null =>
  s.record === null
    ? null
    : ledgerMonthlyCap({
        programKind: s.programKind,
        lawCode: s.lawCode,
        incomeSegment: s.record.incomeSegment,
        incomeSegments: s.incomeSegments,
        maxCopaymentAmount: s.record.maxCopaymentAmount,
        copaymentRules: s.copaymentRules,
      });

const amounts = (l: { copaymentCharged: number; totalMedicalCost: number; cancelled: boolean }): LineAmounts => ({
  copaymentCharged: l.copaymentCharged,
  totalMedicalCost: l.totalMedicalCost,
  cancelled: l.cancelled,
});

const sameBody = (l: LineRow, b: CopaymentLineInput) =>
  l.serviceDate === b.serviceDate &&
  l.setting === b.setting &&
  l.totalMedicalCost === b.totalMedicalCost &&
  l.copaymentCharged === b.copaymentCharged &&
  l.foodCost === (b.foodCost ?? null);

const toVersion = (l: LineRow): CopaymentRecordVersion => ({
  version: l.version,
  serviceDate: l.serviceDate,
  yearMonth: l.yearMonth,
  setting: l.setting as CopaymentRecordVersion['setting'],
  totalMedicalCost: l.totalMedicalCost,
  copaymentCharged: l.copaymentCharged,
  foodCost: l.foodCost,
  cancelled: l.cancelled,
  accumulatedAfter: l.accumulatedAfter,
  capReached: l.capReached,
  recordedAt: l.createdAt.toISOString(),
});

const toLine = (l: LineRow): CopaymentLine => ({ subsidyRef: l.subsidyRef, visitId: l.visitId, institutionCode: l.institutionCode, ...toVersion(l) });

/** The month before `ym` (YYYY-MM) by `back` months. */
function monthsBack(ym: string, back: number): string {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) - back;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** The 12 months ending with `ym`, oldest first. */
const last12 = (ym: string) => Array.from({ length: 12 }, (_, i) => monthsBack(ym, 11 - i));

/** Attempts of one change that may lose to concurrent changes of the same month before it gives up (never seen). */
const MAX_ATTEMPTS = 100;

/** A change to one visit's line: a new line, a correction, or a cancellation. */
type Change = { kind: 'create' | 'correct'; body: CopaymentLineInput } | { kind: 'cancel' };

/**
 * 上限額管理 (provisional, our design: PMH has not published it): subsidyRefs for eligibility answers, the
 * institutions' visit lines, and the municipal view of the months.
 */
export function copaymentsService(repo: CopaymentsRepository, deps: CopaymentsServiceDeps) {
  /** Checks that `s` exists and was received by the institution (404 alike, so a ref's existence is not leaked). */
  function received(s: SubsidyOnDate | null): asserts s is SubsidyOnDate {
    if (!s?.received) throw problem('subsidy_ref_not_found', { detail: 'No consented eligibility check of this institution returned this subsidyRef' });
  }

  /**
   * One change to a visit's line, optimistically: read the line, the certificate and the month without locks, decide
   * with the domain rules, and write only if the month is still as read (readVisit / writeVisit); when another change
   * got in first, read again and decide again, so two institutions never both take the last of a cap.
   */
  async function change(institutionCode: string, key: VisitKey, ch: Change): Promise<{ created: boolean; record: CopaymentRecord }> {
    for (let attempt = 1; ; attempt++) {
      const result = await tryChange(institutionCode, key, ch);
      if (result) {
        // A new line's only version is the one just written: no need to read the versions back.
        const versions = result.created ? [result.line] : undefined;
        return { created: result.created, record: await present(key, result.line, result.limit, versions) };
      }
      if (attempt >= MAX_ATTEMPTS) throw new Error(`copayment line: ${MAX_ATTEMPTS} attempts lost to concurrent changes of the same month`);
    }
  }

  /** One attempt of `change`; null when another change of the same month or visit got in first. */
  async function tryChange(
    institutionCode: string,
    key: VisitKey,
    ch: Change,
  ): Promise<{ created: boolean; line: LineRow; limit?: CopaymentLimit | null } | null> {
    const state = await repo.readVisit(key, ch.kind === 'cancel' ? null : ch.body.serviceDate);
    const { current, subsidy } = state;
    if (ch.kind !== 'create' && !current)
      throw problem('copayment_record_not_found', { detail: 'This institution recorded no line with this visitId and subsidyRef' });
    received(subsidy);
    if (ch.kind !== 'cancel') {
      if (current && !current.cancelled && sameBody(current, ch.body)) return { created: false, line: current };
      if (ch.kind === 'create' && current) {
        throw problem('copayment_record_conflict', {
          detail: current.cancelled
            ? 'This visitId was recorded and cancelled: record it again with PUT'
            : 'This visitId was already recorded with a different body: correct it with PUT',
        });
      }
      if (subsidy.record === null) {
        throw problem('subsidy_not_valid_on_service_date', { detail: 'The certificate has no disclosed record valid on serviceDate' });
      }
      if (designatedHere(subsidy.record.designatedMedicalInstitutions, institutionCode) === false) {
        throw problem('institution_not_designated', { detail: 'The record lists 指定医療機関 and this institution is not one of them' });
      }
    } else if (current!.cancelled) return { created: false, line: current! };

    const now = deps.now();
    const after =
      ch.kind === 'cancel'
        ? { ...current!, cancelled: true }
        : { ...ch.body, foodCost: ch.body.foodCost ?? null, yearMonth: serviceMonth(ch.body.serviceDate), cancelled: false };
    const stamp = { serviceDate: after.serviceDate, institutionCode, now: now.toISOString() };
    const cap = capOf(subsidy);
    let writes: MonthWrite[];
    let into: Extract<ReturnType<typeof changeLine>, { ok: true }>;
    if (current && current.yearMonth !== after.yearMonth) {
      // Moved to another month: out of the old one (always allowed), into the new one (within its cap).
      const old = await repo.readVisit(key, current.serviceDate);
      if (old.current?.version !== current.version) return null;
      const out = changeLine(old.month, old.subsidy ? capOf(old.subsidy) : null, { ...stamp, before: amounts(current) });
      if (!out.ok) throw new Error('lowering a month was refused');
      const c = changeLine(state.month, cap, { ...stamp, after: amounts(after) });
      if (!c.ok) throw capExceeded(c.remaining);
      into = c;
      writes = [
        { yearMonth: current.yearMonth, expected: old.month, next: out.month },
        { yearMonth: after.yearMonth, expected: state.month, next: c.month },
      ];
    } else {
      const c = changeLine(state.month, cap, { ...stamp, before: current ? amounts(current) : undefined, after: amounts(after) });
      if (!c.ok) throw capExceeded(c.remaining);
      into = c;
      writes = [{ yearMonth: after.yearMonth, expected: state.month, next: c.month }];
    }
    const line = await repo.writeVisit(
      key,
      writes,
      {
        institutionCode,
        subsidyRef: key.subsidyRef,
        visitId: key.visitId,
        version: (current?.version ?? 0) + 1,
        serviceDate: after.serviceDate,
        yearMonth: after.yearMonth,
        setting: after.setting,
        totalMedicalCost: after.totalMedicalCost,
        copaymentCharged: after.copaymentCharged,
        foodCost: after.foodCost,
        cancelled: after.cancelled,
        accumulatedAfter: into.month.accumulated,
        capReached: into.capReached,
      },
      now,
    );
    if (!line) return null;
    return { created: current === null, line, limit: copaymentLimitOf(cap, after.yearMonth, into.month) };
  }

  const capExceeded = (left: number) =>
    problem('copayment_cap_exceeded', {
      detail: `Only ${left} yen of the month's 自己負担上限額 is left for this line: another line took the rest. Check again and charge what is left`,
    });

  /** A line with its versions and its month's copaymentLimit (read now unless given). */
  async function present(key: VisitKey, line: LineRow, limit?: CopaymentLimit | null, known?: LineRow[]): Promise<CopaymentRecord> {
    const versions = known ?? (await repo.versions(key));
    let copaymentLimit = limit;
    if (copaymentLimit === undefined) {
      const subsidy = await repo.subsidyOn(key.subsidyRef, key.institutionCode, line.serviceDate);
      copaymentLimit = subsidy ? copaymentLimitOf(capOf(subsidy), line.yearMonth, await repo.month(key.subsidyRef, line.yearMonth)) : null;
    }
    return { ...toLine(line), copaymentLimit, versions: versions.map(toVersion) };
  }

  /** The subsidyRef a visitId of this institution means: the one given, or its only one. */
  async function visitKey(institutionCode: string, visitId: string, subsidyRef: string | undefined): Promise<VisitKey> {
    if (subsidyRef !== undefined) return { institutionCode, visitId, subsidyRef };
    const refs = await repo.refsOfVisit(institutionCode, visitId);
    if (refs.length === 0) throw problem('copayment_record_not_found', { detail: 'This institution recorded no line with this visitId' });
    if (refs.length > 1) {
      throw problem('copayment_record_ambiguous', { detail: `This visitId has lines under ${refs.length} subsidyRefs: pass subsidyRef` });
    }
    return { institutionCode, visitId, subsidyRef: refs[0]! };
  }

  return {
    /**
     * For the eligibility answer: each subsidy's subsidyRef (assigned the first time) and its month's
     * copaymentLimit; records the asking institution's receipt of each. One statement for concurrent checks.
     */
    async forCheck(subsidies: CheckSubsidy[], checkedAt: Date): Promise<CheckLedger[]> {
      if (subsidies.length === 0) return [];
      const unknown = subsidies.filter((s) => s.known === null);
      const asked = unknown.length > 0 ? await repo.forCheck(unknown, newSubsidyRef, checkedAt) : [];
      let next = 0;
      const rows = subsidies.map((s) => s.known ?? asked[next++]!);
      return rows.map((r, i) => {
        const s = subsidies[i]!;
        const cap = ledgerMonthlyCap({
          programKind: s.programKind,
          lawCode: s.lawCode,
          incomeSegment: s.incomeSegment,
          incomeSegments: r.incomeSegments,
          maxCopaymentAmount: s.maxCopaymentAmount,
          copaymentRules: r.copaymentRules,
        });
        return { subsidyRef: r.subsidyRef, copaymentLimit: copaymentLimitOf(cap, s.yearMonth, r.month) };
      });
    },

    /** The month-to-date totals of a subsidyRef across every institution (zeros when nothing was recorded). */
    monthToDate: (subsidyRef: string, yearMonth: string): Promise<MonthTotals> => repo.month(subsidyRef, yearMonth),

    /**
     * The subsidy behind a ref on a service date as the institution may use it: its cap and month-to-date
     * (copaymentLimit, null without a cap), whether it is designated there. Throws the ledger's problems
     * (subsidy_ref_not_found, subsidy_not_valid_on_service_date) like POST /copayment-records.
     */
    async limitFor(institutionCode: string, subsidyRef: string, serviceDate: string) {
      const subsidy = await repo.subsidyOn(subsidyRef, institutionCode, serviceDate);
      received(subsidy);
      if (subsidy.record === null)
        throw problem('subsidy_not_valid_on_service_date', { detail: 'The certificate has no disclosed record valid on serviceDate' });
      const yearMonth = serviceMonth(serviceDate);
      const month = await repo.month(subsidyRef, yearMonth);
      const monthlyCap = capOf(subsidy);
      return {
        monthlyCap,
        month,
        copaymentLimit: copaymentLimitOf(monthlyCap, yearMonth, month),
        designatedHere: designatedHere(subsidy.record.designatedMedicalInstitutions, institutionCode),
      };
    },

    /** Whether the institution received the subsidyRef in a consented check. */
    wasReceivedBy: (subsidyRef: string, institutionCode: string): Promise<boolean> => repo.received(subsidyRef, institutionCode),

    /** The subsidyRefs assigned so far to the card holder's certificates (for the holder's own view). */
    refsOfCard: (cardId: string) => repo.refsOfCard(cardId),

    /** Every institution's current lines of a subsidyRef in a month (for the holder's own view). */
    monthLines: async (subsidyRef: string, yearMonth: string): Promise<CopaymentLine[]> =>
      (await repo.lines({ subsidyRefs: [subsidyRef], yearMonth, limit: 10_000 })).map(toLine),

    /** For quotes: each subsidyRef's certificate type, the month's accumulated amount and (local programs) its lines. */
    forQuote: (refs: string[], yearMonth: string) => repo.forQuote(refs, yearMonth),

    record: (institutionCode: string, body: CopaymentLineInput & { subsidyRef: string; visitId: string }) =>
      change(institutionCode, { institutionCode, subsidyRef: body.subsidyRef, visitId: body.visitId }, { kind: 'create', body }),

    correct: (institutionCode: string, visitId: string, body: CopaymentLineInput & { subsidyRef: string }) =>
      change(institutionCode, { institutionCode, subsidyRef: body.subsidyRef, visitId }, { kind: 'correct', body }),

    async cancel(institutionCode: string, visitId: string, subsidyRef: string | undefined) {
      return (await change(institutionCode, await visitKey(institutionCode, visitId, subsidyRef), { kind: 'cancel' })).record;
    },

    async find(institutionCode: string, visitId: string, subsidyRef: string | undefined): Promise<CopaymentRecord> {
      const key = await visitKey(institutionCode, visitId, subsidyRef);
      const versions = await repo.versions(key);
      const line = versions.at(-1);
      if (!line) throw problem('copayment_record_not_found', { detail: 'This institution recorded no line with this visitId and subsidyRef' });
      return present(key, line);
    },

    /** The institution's own current lines, by service date. */
    async list(institutionCode: string, q: { subsidyRef?: string; yearMonth?: string; limit: number; cursor?: string }) {
      let after: [string, string, string] | undefined;
      if (q.cursor !== undefined) {
        const parts = decodeCursor(q.cursor).split('|');
        if (parts.length !== 3 || !/^\d{4}-\d{2}-\d{2}$/.test(parts[0]!)) {
          throw problem('invalid_cursor', {
            errors: [{ field: 'cursor', code: 'invalid_cursor', message: 'pass the nextCursor of the previous page unchanged' }],
          });
        }
        after = parts as [string, string, string];
      }
      const rows = await repo.lines({
        institutionCode,
        subsidyRefs: q.subsidyRef ? [q.subsidyRef] : undefined,
        yearMonth: q.yearMonth,
        limit: q.limit + 1,
        after,
      });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map(toLine),
        nextCursor: rows.length > q.limit && last ? encodeCursor(`${last.serviceDate}|${last.visitId}|${last.subsidyRef}`) : null,
      };
    },

    /** The municipality's recipients' months: totals, lines, and 高額かつ長期 / 軽症高額 candidates. */
    async ledger(municipalityCode: string, q: { yearMonth: string; recipientNumber?: string; subsidyRef?: string; limit: number; cursor?: string }) {
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      if (after !== undefined && !/^sr_[A-Z2-7]{20}$/.test(after)) {
        throw problem('invalid_cursor', {
          errors: [{ field: 'cursor', code: 'invalid_cursor', message: 'pass the nextCursor of the previous page unchanged' }],
        });
      }
      const rows = await repo.ledgerMonths({ municipalityCode, ...q, limit: q.limit + 1, after });
      const page = rows.slice(0, q.limit);
      const refs = page.map((r) => r.subsidyRef);
      const months = last12(q.yearMonth);
      const [lines, history] = await Promise.all([
        refs.length > 0 ? repo.lines({ subsidyRefs: refs, yearMonth: q.yearMonth, limit: 100_000 }) : Promise.resolve([]),
        repo.medicalCostHistory(refs, months[0]!, q.yearMonth),
      ]);
      const items = page.map((r): CopaymentLedgerMonth => {
        const totals = months.map((m) => history.find((h) => h.subsidyRef === r.subsidyRef && h.yearMonth === m)?.totalMedicalCost ?? 0);
        const segmentName = r.incomeSegments.find((s) => s.code === r.incomeSegment)?.name ?? '';
        const nanbyo = r.programKind === 'national' && r.lawCode === '54';
        const cap = ledgerMonthlyCap({ ...r, maxCopaymentAmount: r.maxCopaymentAmount });
        return {
          subsidyRef: r.subsidyRef,
          orgSpecificCertificateTypeId: r.certificateTypeId,
          medicalSubsidyInsurerNumber: r.insurerNumber,
          medicalSubsidyRecipientNumber: r.recipientNumber,
          incomeSegment: r.incomeSegment,
          yearMonth: q.yearMonth,
          monthlyCap: cap,
          accumulated: r.month.accumulated,
          totalMedicalCost: r.month.totalMedicalCost,
          lineCount: r.month.lineCount,
          capReached: cap !== null && r.month.accumulated >= cap,
          capReachedOn: r.month.capReachedOn,
          capReachedAt: r.month.capReachedAt,
          capReachedBy: r.month.capReachedBy,
          lines: lines
            .filter((l) => l.subsidyRef === r.subsidyRef)
            .sort((a, b) =>
              a.institutionCode < b.institutionCode
                ? -1
                : a.institutionCode > b.institutionCode
                  ? 1
                  : a.serviceDate < b.serviceDate
                    ? -1
                    : a.serviceDate > b.serviceDate
                      ? 1
                      : 0,
            )
            .map(toLine),
          candidates: {
            months: months.map((m, i) => ({ yearMonth: m, totalMedicalCost: totals[i]! })),
            highCostLongTerm: nanbyo ? isHighCostLongTermCandidate(totals, segmentName) : null,
            mildHighCost: nanbyo ? isMildHighCostCandidate(totals) : null,
          },
        };
      });
      const last = page.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last.subsidyRef) : null };
    },

    /** After a one-tenant reset: months whose totals went with another tenant's lines are summed again. */
    rebuildMissingMonths: () => repo.rebuildMissingMonths(),

    close: () => repo.close(),
  };
}

export type CopaymentsService = ReturnType<typeof copaymentsService>;
