import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateOpenApiDocument, generateSeedFileSchema, OPENAPI_PATH, SEED_FILE_SCHEMA_PATH } from '../../src/openapi.js';

const committed = readFileSync(OPENAPI_PATH, 'utf8');

describe('openapi/openapi.json', () => {
  it('is what the app generates (run `npm run openapi` after changing a route or schema)', async () => {
    expect(committed).toBe(await generateOpenApiDocument());
  });

  it('comes with the seed file JSON Schema the start validates with (openapi/seed-file.schema.json)', () => {
    expect(readFileSync(SEED_FILE_SCHEMA_PATH, 'utf8')).toBe(generateSeedFileSchema());
  });

  it('is OpenAPI 3.1.0 with named component schemas', () => {
    const doc = JSON.parse(committed);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Problem', 'Program', 'LocalGovernment', 'InsurerNumberDecoding']));
  });

  it('gives every operation an operationId, summary and description, and every error as problem+json', () => {
    const doc = JSON.parse(committed);
    const ids = new Set<string>();
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        expect(ids.has(op.operationId), `duplicate operationId ${op.operationId}`).toBe(false);
        ids.add(op.operationId);
        expect(op.summary, where).toBeTruthy();
        expect(op.description, where).toBeTruthy();
        for (const [status, res] of Object.entries<any>(op.responses)) {
          if (Number(status) >= 400) {
            expect(Object.keys(res.content), `${where} ${status}`).toEqual(['application/problem+json']);
            expect(res.content['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
          }
        }
      }
    }
  });

  it('passes the Redocly linter', () => {
    const r = spawnSync(process.execPath, ['node_modules/@redocly/cli/bin/cli.js', 'lint', OPENAPI_PATH, '--format=stylish'], {
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      timeout: 60_000,
    });
    expect(r.stdout + r.stderr).toContain('valid');
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
