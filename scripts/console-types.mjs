// Writes console/src/generated/openapi.ts: the openapi-typescript types of the committed openapi/openapi.json that
// the console's client (console/src/api.ts) is typed by. Run before linting or type-checking the console.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const root = new URL('../', import.meta.url);
const ast = await openapiTS(new URL('openapi/openapi.json', root), { defaultNonNullable: false });
mkdirSync(fileURLToPath(new URL('console/src/generated/', root)), { recursive: true });
writeFileSync(fileURLToPath(new URL('console/src/generated/openapi.ts', root)), astToString(ast));
