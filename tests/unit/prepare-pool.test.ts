import { afterAll, describe, expect, it } from 'vitest';
import { rulesOf } from '../../src/certificate-types/repository.js';
import { PreparePool, prepareInPool } from '../../src/registrations/prepare-pool.js';
import { lineRecord, prepareRecord, stagedLine, tooLargeRecord } from '../../src/registrations/prepare.js';
import { NANBYO_TYPE, nanbyoRecord } from '../helpers/municipal.js';

const TASK = '00000000-0000-4000-8000-00000000000a';
const MAX = 2000;
const rules = new Map([['NANBYO54', rulesOf('NANBYO54', { checkDigitValidation: 'strict', ...NANBYO_TYPE } as never)]]);

/** The same lines prepared in this thread, as the pool's workers must prepare them. */
function expected(lines: (Buffer | null)[]) {
  const prepare = (v: unknown) => prepareRecord(v, rules);
  return lines.map((l, i) => stagedLine(TASK, i, l === null ? tooLargeRecord(MAX) : lineRecord(l, MAX, prepare))).join('');
}

async function* each<T>(items: T[]) {
  for (const i of items) yield i;
}

const pool = new PreparePool(2);
afterAll(() => pool.close());

describe('prepareInPool', () => {
  it('gives, in order, exactly the staging COPY text of the lines prepared in this thread', async () => {
    const lines: (Buffer | null)[] = [];
    for (let n = 0; n < 1500; n++) {
      if (n % 97 === 5) lines.push(null);
      else if (n % 101 === 7) lines.push(Buffer.from('{not json'));
      else if (n % 103 === 9) lines.push(Buffer.from([0x7b, 0xff, 0x7d]));
      else lines.push(Buffer.from(JSON.stringify(nanbyoRecord(n, n % 10 === 0 ? { incomeSegment: 'NOPE' } : {}))));
    }
    const chunks: Uint8Array[] = [];
    for await (const c of prepareInPool(pool, each(lines), { taskId: TASK, maxRecordBytes: MAX, rules })) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(2);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected(lines));
  });

  it('fails the upload when a worker cannot prepare a batch', async () => {
    const bad = prepareInPool(pool, each([Buffer.from(JSON.stringify(nanbyoRecord(1)))]), { taskId: TASK, maxRecordBytes: MAX, rules: 'not a map' as never });
    await expect(async () => {
      for await (const _ of bad) void _;
    }).rejects.toThrow(/worker thread/);
  });
});
