import { describe, expect, it } from 'vitest';
import { batcher } from '../../src/db/batcher.js';

describe('batcher', () => {
  it('runs calls made in the same turn as one batch and gives each caller its own result', async () => {
    const batches: number[][] = [];
    const load = batcher(async (items: number[]) => {
      batches.push(items);
      return items.map((i) => i * 10);
    });
    const results = await Promise.all([load(1), load(2), load(3)]);
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(await load(4)).toBe(40);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('rejects every caller of a failed batch, and later batches still run', async () => {
    let fail = true;
    const load = batcher(async (items: string[]) => {
      if (fail) throw new Error('database down');
      return items;
    });
    const outcomes = await Promise.allSettled([load('a'), load('b')]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await load('c')).toBe('c');
  });

  it('starts a batch as soon as it is full', async () => {
    const batches: number[][] = [];
    const load = batcher(async (items: number[]) => {
      batches.push(items);
      return items;
    }, 2);
    await Promise.all([load(1), load(2), load(3), load(4), load(5)]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });
});
