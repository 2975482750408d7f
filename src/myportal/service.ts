import type { CardsService } from '../cards/service.js';
import type { CopaymentsService } from '../copayments/service.js';
import { copaymentLimitOf, EMPTY_MONTH, ledgerMonthlyCap, serviceMonth } from '../domain/copay/index.js';
import { jstDate } from '../domain/dates.js';
import { parseAdditionalConditions } from '../domain/eligibility.js';
import { MAX_COPAYMENT_FIELDS } from '../domain/pmh-record/index.js';
import type { HolderRecord, MyPortalRepository } from './repository.js';
import type { MyPortalResponse, MyPortalSubsidy } from './schemas.js';

/** 法別 for which a 上限額管理票 is issued (copay.md §2; 肝炎 has its own form). */
const MANAGE_FORM_LAW_CODES = new Set(['54', '52', '15', '16', '21', '24', '51']);

/** What the holder's view needs of the ledger. */
export type PortalLedger = Pick<CopaymentsService, 'refsOfCard' | 'monthToDate' | 'monthLines'>;

export interface MyPortalDeps {
  cards: Pick<CardsService, 'signIn'>;
  ledger: PortalLedger;
  now: () => Date;
}

function copayInFieldOrder(m: HolderRecord['record']['maxCopaymentAmount']): MyPortalSubsidy['maxCopaymentAmount'] {
  if (!m) return null;
  const out: NonNullable<MyPortalSubsidy['maxCopaymentAmount']> = {};
  for (const name of MAX_COPAYMENT_FIELDS) if (m[name] !== undefined) out[name] = m[name];
  return out;
}

/**
 * マイナポータル, simulated: the card holder signs in with card and PIN and sees every registered history row of
 * their own 受給者証 (不開示 ones too, marked: the flag withholds a record from clinics, not from its holder), and for
 * the row valid today of a capped certificate, this month's 上限額管理 totals and lines across every institution.
 */
export function myPortalService(repo: MyPortalRepository, deps: MyPortalDeps) {
  return {
    async medicalSubsidies(req: { certificateSerialNumber: string; pin: string }): Promise<MyPortalResponse> {
      const { cardId } = await deps.cards.signIn(req.certificateSerialNumber, req.pin);
      const today = jstDate(deps.now());
      const yearMonth = serviceMonth(today);
      const [records, refs] = await Promise.all([repo.recordsOfCard(cardId), deps.ledger.refsOfCard(cardId)]);
      const refOf = (r: HolderRecord) =>
        refs.find(
          (x) => x.municipalityCode === r.municipalityCode && x.certificateTypeId === r.certificateTypeId && x.certificationSubKey === r.certificationSubKey,
        )?.subsidyRef ?? null;

      const subsidies = await Promise.all(
        records.map(async (r) => {
          const t = r.type;
          const kind = t?.kind ?? 'local';
          const lawCode = t?.kind === 'national' ? t.lawCode : null;
          // The cap the ledger and the check answers use, so the holder sees what the clinics see.
          const cap = ledgerMonthlyCap({
            programKind: kind,
            lawCode,
            incomeSegment: r.record.incomeSegment ?? null,
            incomeSegments: t?.incomeSegments ?? [],
            maxCopaymentAmount: r.record.maxCopaymentAmount ?? null,
            copaymentRules: t?.copaymentRules ?? null,
          });
          const subsidyRef = refOf(r);
          const validToday = r.validFrom <= today && today <= r.validTo;
          let copaymentLimit: MyPortalSubsidy['copaymentLimit'] = null;
          let lines: Awaited<ReturnType<PortalLedger['monthLines']>> = [];
          if (cap !== null && validToday) {
            const [month, monthLines] = subsidyRef
              ? await Promise.all([deps.ledger.monthToDate(subsidyRef, yearMonth), deps.ledger.monthLines(subsidyRef, yearMonth)])
              : [null, []];
            copaymentLimit = copaymentLimitOf(cap, yearMonth, month ?? EMPTY_MONTH);
            lines = monthLines.filter((l) => !l.cancelled);
          }
          const subsidy: Omit<MyPortalSubsidy, 'lines'> & { lines: typeof lines } = {
            registeringMunicipality: { code: r.municipalityCode, name: r.municipalityName ?? r.municipalityCode },
            orgSpecificCertificateTypeId: r.certificateTypeId,
            certificationName: r.record.certificationName ?? '',
            program: {
              kind,
              lawCode,
              localCategory: t?.kind === 'local' ? t.localCategory : null,
              name: (lawCode !== null ? r.programName : null) ?? t?.name ?? '',
            },
            medicalSubsidyInsurerNumber: r.insurerNumber,
            medicalSubsidyRecipientNumber: r.recipientNumber,
            validFrom: r.validFrom,
            validTo: r.validTo,
            validToday,
            segment: r.record.segment ?? null,
            incomeSegment: r.record.incomeSegment ?? null,
            additionalConditions: r.record.additionalConditions ?? null,
            additionalConditionPairs: parseAdditionalConditions(r.record.additionalConditions),
            maxCopaymentAmount: copayInFieldOrder(r.record.maxCopaymentAmount),
            isAlwaysReimbursement: r.record.isAlwaysReimbursement ?? '0',
            designatedMedicalInstitutions: r.record.designatedMedicalInstitutions ?? null,
            certificationDetail: r.record.certificationDetail ?? [],
            isNotDisclosed: r.isNotDisclosed,
            copaymentLimitManageFormCode: lawCode !== null && MANAGE_FORM_LAW_CODES.has(lawCode) && cap !== null ? lawCode : '00',
            subsidyRef,
            copaymentLimit,
            lines,
          };
          return subsidy;
        }),
      );
      const names = await repo.institutionNames([...new Set(subsidies.flatMap((s) => s.lines.map((l) => l.institutionCode)))]);
      return {
        today,
        yearMonth,
        medicalSubsidies: subsidies.map((s) => ({
          ...s,
          lines: s.lines.map(({ subsidyRef: _ref, visitId: _visit, version: _version, ...l }) => ({
            ...l,
            institutionName: names.get(l.institutionCode) ?? null,
          })),
        })),
      };
    },
  };
}

export type MyPortalService = ReturnType<typeof myPortalService>;
