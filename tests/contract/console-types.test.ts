import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { OPENAPI_PATH } from '../../src/openapi.js';

const run = promisify(execFile);

describe('the console (console/src)', () => {
  it('type-checks against the client generated from the committed openapi/openapi.json', async () => {
    // As tests/sdk: openapi-typescript types for openapi-fetch, written where console/src/api.ts imports them.
    const ast = await openapiTS(new URL(`file://${OPENAPI_PATH}`), { defaultNonNullable: false });
    mkdirSync('console/src/generated', { recursive: true });
    writeFileSync('console/src/generated/openapi.ts', astToString(ast));
    const result = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'console/tsconfig.json']).catch((err: { stdout: string }) => err);
    expect('stdout' in result ? result.stdout : '').toBe('');
  }, 120_000);
});
