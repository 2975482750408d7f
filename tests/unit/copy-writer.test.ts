import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyField, CopyWriter } from '../../src/db/copy.js';

/** A stream that keeps what it is given, and asks the writer to wait (drain) after every write when `slow`. */
function sink(slow: boolean) {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: slow ? 1 : 16 * 1024 * 1024,
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      setImmediate(done);
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks), chunks };
}

async function writeAll(lines: string[], slow: boolean) {
  const s = sink(slow);
  const w = new CopyWriter(s.stream);
  for (const line of lines) {
    const pending = w.write(line);
    if (pending) await pending;
  }
  await w.end();
  return s;
}

describe('CopyWriter', () => {
  it('sends exactly the UTF-8 of the lines, whatever their lengths and characters, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constant('受給者'.repeat(70_000))),
          { maxLength: 40 },
        ),
        fc.boolean(),
        async (lines, slow) => {
          const s = await writeAll(
            lines.map((l) => `${l}\n`),
            slow,
          );
          expect(s.bytes().equals(Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8'))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes in chunks of at most 512 kB unless a single line is longer', async () => {
    const line = `${'あ'.repeat(1000)}\n`; // 3,001 bytes
    const s = await writeAll(
      Array.from({ length: 1000 }, () => line),
      false,
    );
    expect(s.bytes().length).toBe(3_001_000);
    expect(s.chunks.length).toBeGreaterThan(5);
    for (const c of s.chunks) expect(c.length).toBeLessThanOrEqual(512 * 1024);
  });
});

describe('copyField', () => {
  it('escapes what COPY text format treats specially and writes null as \\N', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField('受給者 "x"')).toBe('受給者 "x"');
  });
});
