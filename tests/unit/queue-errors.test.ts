import { describe, expect, it, vi } from 'vitest';
import { queueErrorLogger } from '../../src/jobs/queue.js';

const pgError = (code: string) => Object.assign(new Error('terminating connection due to administrator command'), { code });

describe('job queue error events', () => {
  it('reports PostgreSQL shutting down under the queue once, as a warning without the stack', () => {
    const logger = { error: vi.fn(), warn: vi.fn() };
    const onError = queueErrorLogger(logger);
    for (let i = 0; i < 4; i++) onError(pgError('57P01'));
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]![0]).toEqual({ code: '57P01' });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('logs any other error in full', () => {
    const logger = { error: vi.fn(), warn: vi.fn() };
    const err = pgError('42P01');
    queueErrorLogger(logger)(err);
    expect(logger.error).toHaveBeenCalledWith({ err }, 'job queue error');
  });
});
