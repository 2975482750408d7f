/** The shape every pmh-sandbox subcommand has, so new ones (e.g. `seed`) slot into main.ts's list. */

/** Where a command reads and writes; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Directory relative paths are resolved against. */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full --help text. */
  usage: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Bad invocation: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}
/** A failure the user can act on (unreachable sandbox, refused request): printed without a stack, exit code 1. */
export class CliError extends Error {}
