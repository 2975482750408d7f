import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
 * SERVICE_NODE_ARGS / SERVICE_ENV of scripts/build.mjs) against `databaseUrl`, and resolves once GET /ready
 * answers 200. Its output goes to a file, as a deployed service's would (journald, a log file), not
 * through a pipe into this process: reading thousands of log lines a second here would take CPU from the
 * load generator and the servers measured beside it.
 */
export async function startService(databaseUrl: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<ServiceProcess> {
  const port = await freePort();
  // e.g. BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the service.
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // @ts-expect-error: a plain .mjs script without type declarations
  const build = (await import('../../scripts/build.mjs')) as {
    buildService: () => Promise<string>;
    SERVICE_NODE_ARGS: string[];
    SERVICE_ENV: Record<string, string>;
  };
  const entry = await build.buildService();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmh-bench-service-'));
  const logPath = path.join(logDir, 'service.log');
  const out = fs.openSync(logPath, 'a');
  const child = spawn(process.execPath, [...build.SERVICE_NODE_ARGS, ...nodeArgs, entry], {
    cwd: ROOT,
    env: { ...build.SERVICE_ENV, ...process.env, LOG_LEVEL: 'info', ...env, DATABASE_URL: databaseUrl, HOST: LOOPBACK, PORT: String(port) },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  // Last resort if this process exits without stop() (e.g. Ctrl-C): the service must not outlive it.
  const killOnExit = () => {
    child.kill('SIGKILL');
    fs.rmSync(logDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  /** Last lines of the output file (its last 64 kB at most). */
  const tail = () => {
    try {
      const fd = fs.openSync(logPath, 'r');
      try {
        const size = fs.fstatSync(fd).size;
        const length = Math.min(size, 64 * 1024);
        const buf = Buffer.alloc(length);
        fs.readSync(fd, buf, 0, length, size - length);
        return buf.toString('utf8').split('\n').filter(Boolean).slice(-30).join('\n');
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return '(no output)';
    }
  };

  const origin = `http://${LOOPBACK}:${port}`;
  const answersReady = () =>
    fetch(`${origin}/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status === 200,
      () => false,
    );
  const deadline = Date.now() + timeoutMs;
  while (!(await answersReady())) {
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
      try {
        if (child.exitCode !== null || child.signalCode !== null) return await exited;
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      } finally {
        process.removeListener('exit', killOnExit);
        fs.rmSync(logDir, { recursive: true, force: true });
      }
    },
  };
}
