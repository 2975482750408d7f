import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * schema.prisma and the database built by prisma/migrations must describe the same
 * tables, columns, types, nullability, primary keys, unique constraints and indexes.
 * The datamodel is read with Prisma's own schema parser (WebAssembly, no download).
 */
const require = createRequire(import.meta.url);
const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string }[];
}
interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: { name: string; dbName?: string | null }[];
}

const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', readFileSync('prisma/schema.prisma', 'utf8')]] }))).datamodel as {
  models: DmmfModel[];
  indexes: DmmfIndex[];
  enums: DmmfEnum[];
};

const enumDbName = new Map(dmmf.enums.map((e) => [e.name, e.dbName ?? e.name]));

/** The PostgreSQL type Prisma's migrations create for a scalar field. */
function expectedType(f: DmmfField): string {
  const [native, args = []] = f.nativeType ?? [];
  let t: string;
  if (f.kind === 'enum') t = enumDbName.get(f.type)!;
  else if (native) {
    const n: Record<string, string> = {
      Char: 'character',
      VarChar: 'character varying',
      Text: 'text',
      Uuid: 'uuid',
      Timestamptz: 'timestamp with time zone',
      Timestamp: 'timestamp without time zone',
      Date: 'date',
      SmallInt: 'smallint',
      Integer: 'integer',
      BigInt: 'bigint',
      JsonB: 'jsonb',
      Json: 'json',
      Boolean: 'boolean',
      DoublePrecision: 'double precision',
      Decimal: 'numeric',
      Inet: 'inet',
    };
    t = n[native] ?? native.toLowerCase();
    // PostgreSQL writes a timestamp's precision before the zone part: timestamp(3) with time zone.
    if (args.length && ['Timestamptz', 'Timestamp'].includes(native)) t = t.replace('timestamp', `timestamp(${args.join(',')})`);
    else if (args.length) t += `(${args.join(',')})`;
  } else {
    const n: Record<string, string> = {
      String: 'text',
      Int: 'integer',
      BigInt: 'bigint',
      Boolean: 'boolean',
      DateTime: 'timestamp(3) without time zone',
      Json: 'jsonb',
      Float: 'double precision',
      Decimal: 'numeric(65,30)',
      Bytes: 'bytea',
    };
    t = n[f.type]!;
  }
  return f.isList ? `${t}[]` : t;
}

let database: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await database.drop();
});

async function actualColumns() {
  const { rows } = await client.query<{ table_name: string; column_name: string; type: string; not_null: boolean }>(`
    SELECT c.relname AS table_name, a.attname AS column_name,
           format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
       AND c.relname <> '_prisma_migrations'`);
  return rows;
}

/** Column lists of every index of the public schema, as "table(col,col)" plus whether unique/primary. */
async function actualIndexes() {
  const { rows } = await client.query<{ def: string }>(`
    SELECT t.relname || '(' || string_agg(a.attname, ',' ORDER BY k.ord) || ')' ||
           CASE WHEN i.indisprimary THEN ' id' WHEN i.indisunique THEN ' unique' ELSE ' normal' END AS def
      FROM pg_index i
      JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
     WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
     GROUP BY t.relname, i.indexrelid, i.indisprimary, i.indisunique`);
  return rows.map((r) => r.def).sort();
}

describe('schema.prisma matches the migrated database', () => {
  it('has the same tables, columns, types and nullability', async () => {
    const expected = dmmf.models
      .flatMap((m) =>
        m.fields
          .filter((f) => f.kind === 'scalar' || f.kind === 'enum')
          .map((f) => `${m.dbName ?? m.name}.${f.dbName ?? f.name} ${expectedType(f)}${f.isRequired ? ' not null' : ''}`),
      )
      .sort();
    const actual = (await actualColumns()).map((c) => `${c.table_name}.${c.column_name} ${c.type}${c.not_null ? ' not null' : ''}`).sort();
    expect(actual).toEqual(expected);
  });

  it('has the same primary keys, unique constraints and indexes', async () => {
    const modelByName = new Map(dmmf.models.map((m) => [m.name, m]));
    const column = (model: DmmfModel, field: string) => {
      const f = model.fields.find((x) => x.name === field)!;
      return f.dbName ?? f.name;
    };
    const expected = dmmf.indexes
      .map((ix) => {
        const m = modelByName.get(ix.model)!;
        return `${m.dbName ?? m.name}(${ix.fields.map((f) => column(m, f.name)).join(',')}) ${ix.type}`;
      })
      .sort();
    expect(await actualIndexes()).toEqual(expected);
  });

  it('has the enum types of the schema', async () => {
    const { rows } = await client.query<{ name: string; values: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS values
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' GROUP BY t.typname`);
    const expected = dmmf.enums.map((e) => ({ name: e.dbName ?? e.name, values: e.values.map((v) => v.dbName ?? v.name) }));
    expect(rows.sort((a, b) => a.name.localeCompare(b.name))).toEqual(expected.sort((a, b) => a.name.localeCompare(b.name)));
  });
});
