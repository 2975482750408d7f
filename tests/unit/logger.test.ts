import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { installAccessLog } from '../../src/http/access-log.js';
import { accessLogOnlyController, lazyChildLoggerFactory, loggerOptions } from '../../src/logger.js';

function capture(level = 'info') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: pino(loggerOptions(level), stream), lines };
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

describe('request loggers (lazyChildLoggerFactory)', () => {
  async function appWith(level: string) {
    const { logger, lines } = capture(level);
    const child = vi.spyOn(logger, 'child');
    const app = Fastify({ loggerInstance: logger, childLoggerFactory: lazyChildLoggerFactory, genReqId: () => 'req-1' });
    app.get('/info', async (request) => {
      request.log.info({ patient: { name: '山田太郎' } }, 'an info line');
      return { ok: true };
    });
    app.get('/error', async (request) => {
      request.log.error({ myNumber: '123456789018' }, 'an error line');
      return { ok: true };
    });
    await app.ready();
    return { app, lines, child };
  }

  it('writes request lines with the reqId binding and the redaction of the root logger', async () => {
    const { app, lines } = await appWith('info');
    await app.inject({ url: '/error' });
    await app.inject({ url: '/info' });
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const errorLine = entries.find((e) => e.msg === 'an error line');
    expect(errorLine).toMatchObject({ reqId: 'req-1', myNumber: '[redacted]', level: 50 });
    expect(entries.find((e) => e.msg === 'an info line')).toMatchObject({ reqId: 'req-1', patient: { name: '[redacted]' } });
    // Fastify's own request lines go through the same child.
    expect(entries.filter((e) => e.msg === 'request completed' && e.reqId === 'req-1')).toHaveLength(2);
    expect(lines.join('')).not.toContain('123456789018');
    await app.close();
  });

  it('makes no pino child for a request that writes nothing at an enabled level', async () => {
    const { app, lines, child } = await appWith('warn');
    child.mockClear();
    await app.inject({ url: '/info' });
    expect(child).not.toHaveBeenCalled();
    expect(lines).toHaveLength(0);
    await app.inject({ url: '/error' });
    expect(child).toHaveBeenCalledTimes(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ reqId: 'req-1', msg: 'an error line' });
    await app.close();
  });
});

describe('access log (installAccessLog)', () => {
  it('writes one line per request, its path without the query string and with 個人番号-like runs masked', async () => {
    const { logger, lines } = capture('info');
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, logController: accessLogOnlyController(), genReqId: () => 'req-7' });
    installAccessLog(app);
    app.get('/things/:id', async () => ({ ok: true }));
    await app.ready();
    await app.inject({ url: '/things/123456789018?myNumber=111111111118&name=%E5%B1%B1%E7%94%B0' });
    await app.inject({ url: '/nowhere' });
    await app.inject({ url: '/things/%E5%B1%B1%E7%94%B0%E5%A4%AA%E9%83%8E' });
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toHaveLength(3);
    expect(entries[2]).toMatchObject({ path: '/things/%…', route: '/things/:id' });
    expect(entries[0]).toMatchObject({ msg: 'request', reqId: 'req-7', method: 'GET', path: '/things/************', route: '/things/:id', status: 200 });
    expect(entries[1]).toMatchObject({ msg: 'request', path: '/nowhere', route: null, status: 404 });
    const out = lines.join('');
    for (const secret of ['123456789018', '111111111118', 'myNumber', '%E5', '山田']) expect(out).not.toContain(secret);
    await app.close();
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(warnings.map((w) => (w as Error & { code?: string }).code)).not.toContain('FSTDEP023');
  });
});

describe('log masking (last guard)', () => {
  it('masks hyphenated, 13-digit and full-width digit runs in messages and error messages/stacks', () => {
    const { logger, lines } = capture();
    logger.info('lookup of 7351-9264-0806 failed');
    logger.warn({ err: new Error('no recipient 7351926408061') }, 'no recipient ７３５１９２６４０８０６');
    logger.info('path /x/%E5%B1%B1%E7%94%B0 and task f1b2c3d4-0000-4000-8000-000000000001');
    const out = lines.join('');
    for (const s of ['7351-9264-0806', '7351926408061', '７３５１', '%E5%B1%B1']) expect(out).not.toContain(s);
    expect(out).toContain('************');
    expect(out).toContain('f1b2c3d4-0000-4000-8000-000000000001');
  });
});
