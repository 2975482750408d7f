import { describe, expect, it } from 'vitest';
import {
  certificateState,
  compareSubsidies,
  decideEligibility,
  decideRecord,
  designatedHere,
  isValidOn,
  parseAdditionalConditions,
  parseDesignatedInstitutions,
  type CandidateRecord,
} from '../../src/domain/eligibility.js';

const rec = (over: Partial<CandidateRecord> = {}): CandidateRecord => ({
  municipalityCode: '130001',
  certificateTypeId: 'NANBYO',
  certificationSubKey: '',
  historyKey: 'H1',
  programKind: 'national',
  validFrom: '2026-04-01',
  validTo: '2027-03-31',
  isNotDisclosed: false,
  insurerNumber: '54130018',
  recipientNumber: '0000018',
  ...over,
});

describe('isValidOn: validity includes both dates', () => {
  it.each([
    ['2026-03-31', false],
    ['2026-04-01', true],
    ['2026-10-15', true],
    ['2027-03-31', true],
    ['2027-04-01', false],
  ])('%s → %s', (date, expected) => {
    expect(isValidOn(rec(), date)).toBe(expected);
  });

  it('a one-day record is valid on that day only', () => {
    const oneDay = rec({ validFrom: '2026-06-01', validTo: '2026-06-01' });
    expect([isValidOn(oneDay, '2026-05-31'), isValidOn(oneDay, '2026-06-01'), isValidOn(oneDay, '2026-06-02')]).toEqual([false, true, false]);
  });
});

describe('decideRecord', () => {
  it.each([
    [rec(), '2026-06-01', 'applies'],
    [rec({ isNotDisclosed: true }), '2026-06-01', 'not_disclosed'],
    [rec(), '2028-01-01', 'not_valid_on_service_date'],
    // Validity is decided first: an expired 不開示 record is reported as not valid.
    [rec({ isNotDisclosed: true }), '2028-01-01', 'not_valid_on_service_date'],
  ] as const)('%o on %s → %s', (r, date, expected) => {
    expect(decideRecord(r, date)).toBe(expected);
  });
});

describe('compareSubsidies: national before local, then 公費負担者番号', () => {
  it.each([
    ['national before local even with a larger number', rec({ insurerNumber: '54130018' }), rec({ programKind: 'local', insurerNumber: '12130014' }), -1],
    ['local after national', rec({ programKind: 'local', insurerNumber: '81136244' }), rec({ insurerNumber: '54130018' }), 1],
    ['by 公費負担者番号 within national', rec({ insurerNumber: '21130018' }), rec({ insurerNumber: '54130018' }), -1],
    ['by 公費負担者番号 within local', rec({ programKind: 'local', insurerNumber: '89131247' }), rec({ programKind: 'local', insurerNumber: '88138243' }), 1],
    ['no 公費負担者番号 last', rec({ insurerNumber: null }), rec({ insurerNumber: '99999999' }), 1],
    ['then 受給者番号', rec({ recipientNumber: '1234566' }), rec({ recipientNumber: '0000018' }), 1],
    ['then validFrom', rec({ validFrom: '2025-04-01' }), rec(), -1],
    ['then municipality', rec({ municipalityCode: '132012' }), rec(), 1],
    ['then history key', rec({ historyKey: 'H0' }), rec(), -1],
    ['equal records', rec(), rec(), 0],
  ] as const)('%s', (_, a, b, sign) => {
    expect(Math.sign(compareSubsidies(a, b))).toBe(sign);
    expect(Math.sign(compareSubsidies(b, a))).toBe(-sign || 0);
  });
});

describe('decideEligibility', () => {
  const nanbyo = rec();
  const seishin = rec({ certificateTypeId: 'SEISHIN', insurerNumber: '21130018' });
  const kodomo = rec({ programKind: 'local', certificateTypeId: 'KODOMO', municipalityCode: '132012', insurerNumber: '88138243', recipientNumber: '12345' });
  const hidden = rec({ certificateTypeId: 'HIDDEN', insurerNumber: '52130010', isNotDisclosed: true });
  const old = rec({ historyKey: 'H0', validFrom: '2025-04-01', validTo: '2026-03-31' });

  it.each([
    ['several apply: all, in order', { consent: true, date: '2026-06-01', records: [kodomo, nanbyo, seishin] }, 'returned', [seishin, nanbyo, kodomo]],
    ['no consent: nothing, whatever is registered', { consent: false, date: '2026-06-01', records: [nanbyo] }, 'no_consent', []],
    ['no consent wins over no records', { consent: false, date: '2026-06-01', records: [] }, 'no_consent', []],
    ['nothing registered', { consent: true, date: '2026-06-01', records: [] }, 'no_records', []],
    ['nothing valid on the date', { consent: true, date: '2030-01-01', records: [nanbyo, old] }, 'none_valid_on_service_date', []],
    ['every valid record 不開示', { consent: true, date: '2026-06-01', records: [hidden, old] }, 'all_not_disclosed', []],
    ['不開示 records are left out, others returned', { consent: true, date: '2026-06-01', records: [hidden, nanbyo] }, 'returned', [nanbyo]],
    ['a past date picks the history row valid then', { consent: true, date: '2025-06-01', records: [nanbyo, old] }, 'returned', [old]],
  ] as const)('%s', (_, input, outcome, returned) => {
    const d = decideEligibility({ serviceDate: input.date, consent: input.consent, records: input.records });
    expect(d.outcome).toBe(outcome);
    expect(d.returned).toEqual(returned);
    expect(d.considered.map((c) => c.record)).toEqual([...input.records].sort(compareSubsidies));
  });

  it('records every record’s decision, also without consent', () => {
    const d = decideEligibility({ serviceDate: '2026-06-01', consent: false, records: [old, hidden, nanbyo] });
    expect(d.considered.map((c) => [c.record.historyKey, c.record.certificateTypeId, c.decision])).toEqual([
      ['H1', 'HIDDEN', 'not_disclosed'],
      ['H0', 'NANBYO', 'not_valid_on_service_date'],
      ['H1', 'NANBYO', 'applies'],
    ]);
  });
});

describe('parseAdditionalConditions', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['A1-1', [{ itemCode: 'A1', conditionCode: '1' }]],
    [
      'A1-1;B2-20',
      [
        { itemCode: 'A1', conditionCode: '1' },
        { itemCode: 'B2', conditionCode: '20' },
      ],
    ],
    [
      'A1-1;;B2-2',
      [
        { itemCode: 'A1', conditionCode: '1' },
        { itemCode: 'B2', conditionCode: '2' },
      ],
    ],
    ['A1;-1;B2-', []],
  ] as const)('%s', (input, expected) => {
    expect(parseAdditionalConditions(input)).toEqual(expected);
  });
});

describe('designatedHere and parseDesignatedInstitutions', () => {
  const here = '1311234567';
  it.each([
    [undefined, null],
    ['', null],
    [';', null],
    [here, true],
    [`1341111116;${here}`, true],
    ['1341111116', false],
    // Not a prefix match: the whole code must be listed.
    [here.slice(0, 9), false],
  ] as const)('%s → %s', (list, expected) => {
    expect(designatedHere(list, here)).toBe(expected);
  });

  it('splits on ; and drops empty entries', () => {
    expect(parseDesignatedInstitutions('1311234567;;1341111116;')).toEqual(['1311234567', '1341111116']);
  });
});

describe('certificateState: the card reader checks the certificate today', () => {
  it.each([
    [{ status: 'active', certificateExpiresOn: '2030-01-01' }, 'valid'],
    [{ status: 'active', certificateExpiresOn: '2026-11-23' }, 'valid'],
    [{ status: 'active', certificateExpiresOn: '2026-11-22' }, 'expired'],
    [{ status: 'expired', certificateExpiresOn: '2030-01-01' }, 'expired'],
    [{ status: 'revoked', certificateExpiresOn: '2020-01-01' }, 'revoked'],
  ] as const)('%o → %s', (card, expected) => {
    expect(certificateState(card, '2026-11-23')).toBe(expected);
  });
});
