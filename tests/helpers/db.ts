import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { ensureDatabase } from '../../src/db/database.js';
import { databaseUrl } from '../../src/db/embedded.js';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function onServer<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('pgServerUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh copy of the migrated, seeded template: tests are isolated by database. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `pmh_test_${randomBytes(6).toString('hex')}`;
  const template = inject('templateDatabase');
  // CREATE DATABASE … TEMPLATE needs the template to have no other session; retry briefly if another copy is in flight.
  for (let attempt = 0; ; attempt++) {
    try {
      await onServer((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      break;
    } catch (err) {
      if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    name,
    url: databaseUrl(inject('pgServerUrl'), name),
    drop: () => onServer((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** A name for an empty database of its own (nothing migrated: the server process under test migrates it itself). */
export function emptyDatabase(prefix: string): TestDatabase & { create(): Promise<void> } {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  return {
    name,
    url: databaseUrl(inject('pgServerUrl'), name),
    create: () => ensureDatabase(inject('pgServerUrl'), name),
    drop: () => onServer((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * A fresh test database on a connection whose plans are generic, as the hot paths' connections are
 * (plan_cache_mode = force_generic_plan), and the plan PostgreSQL keeps for a statement there.
 */
export async function genericPlans() {
  const database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url, options: '-c plan_cache_mode=force_generic_plan' });
  await client.connect();
  return {
    client,
    /** EXPLAIN of `sql` prepared with parameter `types` and executed with `args` (SQL literals). */
    async plan(types: string, sql: string, args: string): Promise<string> {
      await client.query('DEALLOCATE ALL');
      await client.query(`PREPARE q(${types}) AS ${sql}`);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE q(${args})`);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    },
    async close(): Promise<void> {
      await client.end();
      await database.drop();
    },
  };
}
