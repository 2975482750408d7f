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
    const load = batcher(
      async (items: number[]) => {
        batches.push(items);
        return items;
      },
      { maxBatch: 2 },
    );
    await Promise.all([load(1), load(2), load(3), load(4), load(5)]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('runs at most maxInFlight batches at a time; what arrives meanwhile goes together in the next one', async () => {
    const batches: number[][] = [];
    const gates: (() => void)[] = [];
    let running = 0;
    let maxRunning = 0;
    const load = batcher(
      async (items: number[]) => {
        batches.push(items);
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return items.map((i) => -i);
      },
      { maxInFlight: 1 },
    );
    const first = load(1);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    // Arrive in different turns while the first batch runs.
    const later = [load(2)];
    await new Promise((r) => setImmediate(r));
    later.push(load(3));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    gates.shift()!();
    expect(await first).toBe(-1);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1], [2, 3]]);
    gates.shift()!();
    expect(await Promise.all(later)).toEqual([-2, -3]);
    expect(maxRunning).toBe(1);
  });

  it('rejects the callers of a batch whose run returned the wrong number of results', async () => {
    const load = batcher(async (items: number[]) => items.slice(1));
    const outcomes = await Promise.allSettled([load(1), load(2)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});
