/**
 * pmh-sandbox command line: `pmh-sandbox <command> [options]`.
 * Launched by bin/pmh-sandbox.mjs (`npx pmh-sandbox …` or `npm run --silent cli -- …`).
 * A new command is one more entry in COMMANDS.
 */
import type { CliIo, Command } from './command.js';
import { CliError, UsageError } from './command.js';
import { generateCommand } from './generate.js';
import { cardCommand, checkCommand, tokenCommand, uploadCommand } from './admin.js';
import { quickstartCommand } from './quickstart.js';
import { seedCommand } from './seed.js';

export const COMMANDS: readonly Command[] = [generateCommand, seedCommand, quickstartCommand, tokenCommand, uploadCommand, cardCommand, checkCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return (
    'Usage: pmh-sandbox <command> [options]\n\nCommands:\n' +
    COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n') +
    '\n\nRun `pmh-sandbox <command> --help` for its options.\n'
  );
}

/** Runs the command line `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(overview());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`pmh-sandbox: unknown command ${JSON.stringify(name)}\n\n${overview()}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    // parseArgs reports unknown or malformed options with these codes.
    const code = (err as { code?: string }).code;
    if (err instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`pmh-sandbox ${command.name}: ${(err as Error).message}\nRun \`pmh-sandbox ${command.name} --help\` for usage.\n`);
      return 2;
    }
    if (err instanceof CliError) {
      io.stderr.write(`pmh-sandbox ${command.name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
