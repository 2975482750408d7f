import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort, LOOPBACK } from './net.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceProcess {
  /** Process id of the Node process running the service (not a shell or npm wrapper). */
  pid: number;
  origin: string;
  /** Last lines of its output, for error messages. */
  tail(): string;
  /** SIGINT (graceful) and wait for the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Starts the real service as `npm start` does (builds dist/server.mjs, then runs it with plain Node and
 * SERVICE_NODE_ARGS / SERVICE_ENV of scripts/build.mjs) against `databaseUrl`, and resolves once it is ready: it logged so
 * (at LOG_LEVEL info or lower) or GET /ready answers 200 (whatever the log level).
 */
export async function startService(databaseUrl: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<ServiceProcess> {
  const port = await freePort();
  // e.g. BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the service.
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // @ts-expect-error: a plain .mjs script without type declarations
  const build = (await import('../../scripts/build.mjs')) as { buildService: () => Promise<string>; SERVICE_NODE_ARGS: string[]; SERVICE_ENV: Record<string, string> };
  const entry = await build.buildService();
  const child = spawn(process.execPath, [...build.SERVICE_NODE_ARGS, ...nodeArgs, entry], {
    cwd: ROOT,
    env: { ...build.SERVICE_ENV, ...process.env, LOG_LEVEL: 'info', ...env, DATABASE_URL: databaseUrl, HOST: LOOPBACK, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let lines: string[] = [];
  let ready = false;
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      if (!ready && line.includes('"startupMs"')) ready = true;
      lines.push(line);
    }
    if (lines.length > 200) lines = lines.slice(-100);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const tail = () => lines.slice(-30).join('\n');

  const origin = `http://${LOOPBACK}:${port}`;
  const answersReady = () =>
    fetch(`${origin}/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status === 200,
      () => false,
    );
  const deadline = Date.now() + timeoutMs;
  while (!ready && !(await answersReady())) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}:\n${tail()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service not ready within ${timeoutMs} ms:\n${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid!,
    origin,
    tail,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
