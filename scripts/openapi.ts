// Writes openapi/openapi.json from the app's routes and zod schemas (`npm run openapi`).
import { writeFile } from 'node:fs/promises';
import { generateOpenApiDocument, generateSeedFileSchema, OPENAPI_PATH, SEED_FILE_SCHEMA_PATH } from '../src/openapi.js';

const doc = await generateOpenApiDocument();
await writeFile(OPENAPI_PATH, doc);
console.log(`wrote ${OPENAPI_PATH}`);
await writeFile(SEED_FILE_SCHEMA_PATH, generateSeedFileSchema());
console.log(`wrote ${SEED_FILE_SCHEMA_PATH}`);
