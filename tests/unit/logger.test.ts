import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: pino(loggerOptions('info'), stream), lines };
}

describe('log redaction', () => {
  it('never writes a 個人番号, name, kana, address, date of birth or Authorization header', () => {
    const { logger, lines } = capture();
    const record = {
      myNumber: '123456789018',
      basicFiveInfo: { name: '山田太郎', nameKana: 'ヤマダタロウ', address: '東京都八王子市元本郷町三丁目24番1号', dateOfBirth: '1980-01-01', sex: '1' },
    };
    logger.info({ req: { headers: { authorization: 'Bearer secret-token-value' } } }, 'request');
    logger.info({ record }, 'record');
    logger.info({ patient: { name: '山田太郎', nameKana: 'ヤマダタロウ', dateOfBirth: '1980-01-01', address: '八王子' } }, 'patient');
    logger.info({ myNumber: '111111111118', token: 'abc.def' }, 'top-level');
    const out = lines.join('');
    for (const secret of ['123456789018', '111111111118', '山田太郎', 'ヤマダタロウ', '元本郷町', '1980-01-01', 'secret-token-value', 'abc.def', '八王子']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
  });

  it('never writes the detail of a PostgreSQL error, which quotes the row’s values', () => {
    const { logger, lines } = capture();
    const err = Object.assign(new Error('duplicate key value violates unique constraint "recipient_certificate_pkey"'), {
      code: '23505',
      detail: 'Key (municipality_code, certificate_type_id, my_number)=(130001, NANBYO54, 123456789018) already exists.',
    });
    logger.warn({ err, taskId: 't' }, 'registration task attempt failed');
    logger.warn({ err: new Error('wrapped', { cause: err }) }, 'wrapped');
    const out = lines.join('');
    expect(out).not.toContain('123456789018');
    expect(out).toContain('23505');
  });
});
