import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeProblems, problemCodesList } from '../../src/http/problem.js';
import { PROBLEMS, type ProblemCode, type ProblemDefinition } from '../../src/http/problems.js';
import { OPENAPI_PATH } from '../../src/openapi.js';

const doc = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8'));
const operations = Object.entries(doc.paths as Record<string, Record<string, Record<string, any>>>).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
);

interface Entry {
  codes: string[];
  status: number;
}

/** The entries of a generated list (`a` / `b` (400), `c` (404, note), …), read back from a description. */
function listAfter(description: string, heading: string): Entry[] | undefined {
  const at = description.indexOf(`${heading}: `);
  if (at === -1) return undefined;
  let rest = description.slice(at + heading.length + 2);
  const entries: Entry[] = [];
  for (;;) {
    const m = /^((?:`[a-z0-9_]+`(?: \/ )?)+) \((\d{3})/.exec(rest);
    if (!m) throw new Error(`not a generated problem list at: ${rest.slice(0, 80)}`);
    entries.push({ codes: [...m[1]!.matchAll(/`([a-z0-9_]+)`/g)].map((c) => c[1]!), status: Number(m[2]) });
    // Skip the entry's note to its closing parenthesis.
    let depth = 0;
    let i = m[0].length - 4;
    for (; i < rest.length; i++) {
      if (rest[i] === '(') depth++;
      else if (rest[i] === ')' && --depth === 0) break;
    }
    rest = rest.slice(i + 1);
    if (rest.startsWith(', ')) rest = rest.slice(2);
    else if (rest.startsWith('.')) return entries;
    else throw new Error(`unexpected text after a problem list entry: ${rest.slice(0, 80)}`);
  }
}

const declared = operations.map(({ name, op }) => ({
  name,
  op,
  entries: listAfter(op.description ?? '', 'Problem codes') ?? listAfter(op.description ?? '', 'Problem codes of the whole request') ?? [],
  items: listAfter(op.description ?? '', 'Item problem codes') ?? [],
}));

describe('problem codes: registry, route declarations and openapi/openapi.json agree', () => {
  it.each(declared.filter((d) => Object.keys(d.op.responses).some((s) => Number(s) >= 400)))(
    '$name: its error responses are exactly the statuses of the problem codes it declares',
    ({ op, entries, items }) => {
      for (const e of [...entries, ...items]) {
        for (const code of e.codes) {
          expect(Object.hasOwn(PROBLEMS, code), `${code} is in src/http/problems.ts`).toBe(true);
          expect(PROBLEMS[code as ProblemCode].status, code).toBe(e.status);
        }
      }
      const errorStatuses = Object.keys(op.responses)
        .map(Number)
        .filter((s) => s >= 400);
      expect([...new Set(entries.map((e) => e.status))].sort()).toEqual(errorStatuses.sort());
    },
  );

  it('declares every code of the registry on some operation, unless any route can answer it', () => {
    const used = new Set(declared.flatMap((d) => [...d.entries, ...d.items].flatMap((e) => e.codes)));
    const undeclared = Object.entries(PROBLEMS as Record<string, ProblemDefinition>)
      .filter(([code, p]) => !p.framework && !used.has(code))
      .map(([code]) => code);
    expect(undeclared).toEqual([]);
  });

  it('generates lists grouped by status, noted entries on their own, field codes named', () => {
    expect(
      problemCodesList(['task_not_found', 'validation_failed', 'invalid_cursor', [['unauthenticated', 'invalid_token'], 'no token'], [['not_ready'], 'down']]),
    ).toBe(
      '`validation_failed` / `invalid_cursor` (400), `unauthenticated` / `invalid_token` (401, no token), `task_not_found` (404), `not_ready` (503, down)',
    );
    expect(problemCodesList(['invalid_csv_header'])).toBe(
      '`invalid_csv_header` (400, errors[].code `missing_header` / `missing_column` / `unknown_column` / `duplicate_column`)',
    );
    const { text, responses } = describeProblems(['validation_failed', 'task_not_found'], 'Problem codes of the whole request');
    expect(text).toBe('Problem codes of the whole request: `validation_failed` (400), `task_not_found` (404).');
    expect(Object.keys(responses)).toEqual(['400', '404']);
  });

  it('refuses to note codes of different statuses together', () => {
    expect(() => problemCodesList([[['validation_failed', 'task_not_found'], 'note']])).toThrow(/share a note but not a status/);
  });
});
