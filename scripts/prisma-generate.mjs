// Runs `prisma generate` (Rust-free client into src/generated/prisma).
// `prisma generate` does not use the schema engine, but the CLI insists on locating one and
// tries to download it; pointing PRISMA_SCHEMA_ENGINE_BINARY at an existing file lets it
// work offline. A real engine path set by the user is kept.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(new URL('../package.json', import.meta.url));
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const r = spawnSync(process.execPath, [fileURLToPath(new URL('../node_modules/prisma/build/index.js', import.meta.url)), 'generate'], {
  env,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
