import { randomFillSync } from 'node:crypto';

const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let next = POOL_IDS;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A checkId: a UUID version 7 (RFC 9562), its first 48 bits the milliseconds of the real clock, the other 74 random.
 * Stored checks then arrive in the order of their primary key, so each insert lands on the index's last page
 * instead of a random one (fewer pages touched and fewer full-page images in the WAL after a checkpoint). The
 * real clock, not the sandbox clock: the id says nothing a client should read, and order only matters for storage.
 */
export function newCheckId(nowMs = Date.now()): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const o = 16 * next++;
  const b = pool;
  b.writeUIntBE(nowMs, o, 6);
  b[o + 6] = (b[o + 6]! & 0x0f) | 0x70;
  b[o + 8] = (b[o + 8]! & 0x3f) | 0x80;
  const h = (i: number) => HEX[b[o + i]!]!;
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}
