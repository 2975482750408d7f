import { describe, expect, it } from 'vitest';
import { jsonSyntaxMessage, maskPersonalText } from '../../src/domain/personal-text.js';
import { validateRecord } from '../../src/domain/pmh-record/index.js';
import { csvRowToRecord } from '../../src/domain/registration-csv.js';
import { lineRecord } from '../../src/registrations/prepare.js';

describe('maskPersonalText', () => {
  it('hides digit runs of 10+ digits in any width, with separators or percent-encoded, and percent-encoded text', () => {
    for (const s of [
      '735192640806',
      '7351-9264-0806',
      '7351 9264 0806',
      '7351‐9264‐0806',
      '7351ー9264ー0806',
      '7351－9264－0806',
      '7351926408061',
      '０９０１２３４５６７８',
      '%37%33%35%31%39%32%36%34%30%38%30%36',
    ]) {
      expect(maskPersonalText(`a ${s} b`)).toBe('a ************ b');
    }
    expect(maskPersonalText('/x/%E5%B1%B1%E7%94%B0/y')).toBe('/x/%…/y');
    expect(maskPersonalText('番号%E3%81%AF735192640806')).not.toMatch(/7351|%E3/);
  });
  it('keeps what is not personal: short numbers, dates, UUIDs, ASCII escapes', () => {
    for (const s of ['123456789', '2026-11-23', 'f1b2c3d4-0000-4000-8000-000000000001', 'a%2Fb', 'at position 12 (line 1 column 13)'])
      expect(maskPersonalText(s)).toBe(s);
  });
});

describe('JSON syntax errors', () => {
  it('give the kind and position, never the text around the error', () => {
    for (const text of ['{"name": 山田太郎}', '{"myNumber": 73519264 0806}', '{"n":"山田" "m":"735192640806"}']) {
      let err: unknown;
      try {
        JSON.parse(text);
      } catch (e) {
        err = e;
      }
      const m = jsonSyntaxMessage(err, text);
      expect(m).not.toMatch(/山田|7351|9264|0806|"/);
    }
  });
  it('an NDJSON line: the stored error lacks the name and digits', () => {
    const r = lineRecord(Buffer.from('{"myNumber":"735192640806" "name":"都庁花子"}'), 1 << 20, () => {
      throw new Error('not reached');
    });
    const text = JSON.stringify(r.errors);
    expect(r.errors![0]!.code).toBe('malformed_json');
    expect(text).toMatch(/line 1 column 28 \(offset 27\)/);
    expect(text).not.toMatch(/7351926408|都庁/);
  });
  it('a CSV JSON cell: the error lacks its content', () => {
    const { errors } = csvRowToRecord(['certificationDetail'], ['[{"label":"氏名","value":都庁花子}]']);
    expect(errors[0]!.code).toBe('malformed_json');
    expect(JSON.stringify(errors)).not.toContain('都庁');
  });
});

describe('field errors never quote a personal or free-text value', () => {
  const errorsOf = (rec: Record<string, unknown>) => {
    const v = validateRecord(rec, new Map());
    return v.ok ? [] : v.errors;
  };
  it('date of birth, kana, sex, historyKey, certificationSubKey, unknown keys', () => {
    const errs = errorsOf({
      myNumber: '7351-9264-0806',
      basicFiveInfo: { name: '都庁花子', nameKana: 'トチョウhanako', address: 'x', dateOfBirth: '1985/05/05', sex: 'female' },
      historyKey: '都庁花子',
      certificationSubKey: 'ヤマダ',
      都庁花子の住所: 'x',
    });
    const text = JSON.stringify(errs);
    for (const v of ['1985/05/05', '1985', 'hanako', '"h"', 'female', '都庁花子', 'ヤマダ', '7351']) expect(text).not.toContain(v);
    const dob = errs.find((e) => e.field === 'basicFiveInfo.dateOfBirth')!;
    expect(dob).toMatchObject({ code: 'invalid_date' });
    expect(dob.message).toMatch(/YYYY-MM-DD/);
    expect(errs.find((e) => e.field === 'basicFiveInfo.nameKana')!.message).toMatch(/character 5/);
    expect(errs.find((e) => e.field === 'historyKey')!.message).toMatch(/character 1/);
    expect(errs.find((e) => e.code === 'unknown_field')).toMatchObject({ field: '' });
  });
});
