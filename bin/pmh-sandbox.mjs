#!/usr/bin/env node
// Launcher of the pmh-sandbox CLI (src/cli/main.ts): registers tsx to run the TypeScript sources directly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
