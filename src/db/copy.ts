import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const COPY_SPECIAL = /[\\\n\r\t]/;

/** A value as a PostgreSQL text-format COPY field (null as `\N`). */
export const copyField = (v: string | null) =>
  v === null
    ? '\\N'
    : COPY_SPECIAL.test(v)
      ? v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
      : v;

/** Streams COPY text lines into `sql` (… FROM STDIN) on `client`, in ~256 kB writes with backpressure. */
export async function copyIn(client: pg.ClientBase, sql: string, lines: Iterable<string>): Promise<void> {
  const stream = client.query(copyFrom(sql));
  let buffer = '';
  try {
    for (const line of lines) {
      buffer += line;
      if (buffer.length > 256 * 1024) {
        if (!stream.write(buffer)) await once(stream, 'drain');
        buffer = '';
      }
    }
    stream.end(buffer);
    await once(stream, 'finish');
  } catch (err) {
    stream.destroy(err as Error);
    await once(stream, 'close').catch(() => undefined);
    throw err;
  }
}
