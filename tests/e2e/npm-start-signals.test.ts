import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { freePort } from '../helpers/server-process.js';

const databases: TestDatabase[] = [];
afterAll(() => Promise.all(databases.map((d) => d.drop())));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// `npm start` as a supervisor stops it (a signal to the npm process) and as a terminal's Ctrl-C does (SIGINT to the whole
// process group: the service gets it from the terminal and again from npm).
describe('npm start', () => {
  it.each([
    ['SIGINT to npm', 'SIGINT', false],
    ['SIGTERM to npm', 'SIGTERM', false],
    ['Ctrl-C: SIGINT to the process group', 'SIGINT', true],
  ] as const)('stops cleanly on %s: exit 0 within seconds, no error lines', async (_name, signal, group) => {
    const database = await createTestDatabase();
    databases.push(database);
    const env = {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SANDBOX_ADMIN_TOKEN: 'npm-start-signals-admin-token',
    };
    const npm = spawn('npm', ['start'], { cwd: PACKAGE_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: group });
    let out = '';
    npm.stdout.on('data', (c: Buffer) => (out += c.toString()));
    npm.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!out.includes('"startupMs"')) {
      if (npm.exitCode !== null || Date.now() > deadline) throw new Error(`not ready:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const logs = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; pid: number; msg: string });
    const servicePid = logs[0]!.pid;
    expect(servicePid).not.toBe(npm.pid);

    const sent = Date.now();
    if (group) process.kill(-npm.pid!, signal);
    else npm.kill(signal);
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 8_000))]);
    const outlived = alive(servicePid);
    if (outlived) process.kill(servicePid, 'SIGKILL');
    if (code === 'timeout') npm.kill('SIGKILL');
    expect(code, out).toBe(0);
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(outlived, 'the node process outlived npm').toBe(false);
    const lines = out.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.map((l) => JSON.parse(l) as { msg: string }).map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
    expect(lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 40)).toEqual([]);
    expect(out).not.toMatch(/Warning|FSTDEP/);
  });
});
