import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
// @ts-expect-error: a plain .mjs script without type declarations
import { SERVICE_ENV, SERVICE_NODE_ARGS } from '../../scripts/build.mjs';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs a command to its end and gives its exit code and output (CLI and shell tests). */
export function runProcess(
  command: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Parsed JSON log lines so far. */
  logs: Record<string, unknown>[];
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the service and waits until it logs that it is ready: from the sources through tsx, or, given
 * `bundle` (a file built by scripts/build.mjs), as `npm start` runs it (SERVICE_NODE_ARGS, SERVICE_ENV).
 */
export async function startServer(env: Record<string, string | undefined>, timeoutMs = 60_000, bundle?: string): Promise<ServerProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const childEnv: NodeJS.ProcessEnv = { ...(bundle ? SERVICE_ENV : {}), ...process.env, LOG_LEVEL: 'info', ...env, PORT: String(port), HOST: '127.0.0.1' };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  const args = bundle ? [...SERVICE_NODE_ARGS, bundle] : ['--import', 'tsx', 'src/server.ts'];
  const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const logs: Record<string, unknown>[] = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const line of chunk.toString().split('\n')) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        /* not a log line */
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: ServerProcess = {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    logs,
    output: () => out,
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (!logs.some((l) => typeof l.startupMs === 'number')) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return proc;
}
