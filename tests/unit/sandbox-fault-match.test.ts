import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SandboxClock } from '../../src/clock/sandbox-clock.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import {
  defaultProblemCode,
  faultIsActive,
  faultMatches,
  globMatches,
  isFaultablePath,
  isPmhPath,
  maintenanceIsActive,
  parsePreferFault,
  retryAfterSeconds,
} from '../../src/sandbox/faults/match.js';
import { maskPath } from '../../src/domain/personal-text.js';
import { RequestJournal } from '../../src/sandbox/journal/journal.js';

describe('globMatches', () => {
  it.each([
    ['/municipal/v1/registration-tasks', '/municipal/v1/registration-tasks', true],
    ['/municipal/v1/registration-tasks', '/municipal/v1/registration-tasks/abc', false],
    ['/municipal/v1/*', '/municipal/v1/registration-tasks/abc/results', true],
    ['/municipal/v1/*', '/municipal/v1', false],
    ['/municipal/v1*', '/municipal/v1', true],
    ['*/results', '/municipal/v1/registration-tasks/abc/results', true],
    ['/municipal/*/registration-tasks/*', '/municipal/v1/registration-tasks/x', true],
    ['/municipal/*/registration-tasks/*', '/municipal/v1/certificate-types/x', false],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
    ['*', '', true],
    ['municipality:*', 'municipality:131016', true],
    ['municipality:*', 'institution:1312345678', false],
    ['/catalogue/v1/programs/5?', '/catalogue/v1/programs/54', false],
  ])('%s against %s → %s', (pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });

  it('agrees with an equivalent regular expression on any input', () => {
    const toRegex = (p: string) =>
      new RegExp(
        `^${p
          .split('*')
          .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
        's',
      );
    fc.assert(
      fc.property(fc.stringMatching(/^[ab*/]{0,8}$/), fc.stringMatching(/^[ab/]{0,10}$/), (pattern, value) => {
        expect(globMatches(pattern, value)).toBe(toRegex(pattern).test(value));
      }),
    );
  });
});

describe('faultMatches', () => {
  const req = { method: 'POST', path: '/municipal/v1/registration-tasks', actor: 'municipality:131016' };
  it.each([
    [{}, true],
    [{ method: 'POST' as const }, true],
    [{ method: 'GET' as const }, false],
    [{ path: '/municipal/v1/*' }, true],
    [{ path: '/clinic/v1/*' }, false],
    [{ actor: 'municipality:131016' }, true],
    [{ actor: 'municipality:132012' }, false],
    [{ method: 'POST' as const, path: '/municipal/v1/registration-tasks', actor: 'municipality:*' }, true],
  ])('%j → %s', (match, expected) => {
    expect(faultMatches(match, req)).toBe(expected);
  });

  it('never matches an actor it was not told', () => {
    expect(faultMatches({ actor: 'anonymous' }, { method: 'GET', path: '/' })).toBe(false);
  });
});

describe('faultIsActive', () => {
  const now = new Date('2026-11-23T09:00:00Z');
  it.each([
    [{ remaining: null, expiresAt: null }, true],
    [{ remaining: 1, expiresAt: null }, true],
    [{ remaining: 0, expiresAt: null }, false],
    [{ remaining: null, expiresAt: new Date('2026-11-23T09:00:01Z') }, true],
    [{ remaining: null, expiresAt: new Date('2026-11-23T09:00:00Z') }, false],
  ])('%j → %s', (fault, expected) => expect(faultIsActive(fault, now)).toBe(expected));
});

describe('paths', () => {
  it.each([
    ['/catalogue/v1/prefectures', true, false],
    ['/municipal/v1/registration-tasks', true, true],
    ['/clinic/v1/eligibility-checks', true, true],
    ['/municipal/v10', true, false],
    ['/sandbox/v1/faults', false, false],
    ['/sandbox/v1', false, false],
    ['/health', false, false],
    ['/ready', false, false],
    ['/docs/json', false, false],
    ['/healthz', true, false],
  ])('%s: faultable %s, PMH %s', (path, faultable, pmh) => {
    expect(isFaultablePath(path)).toBe(faultable);
    expect(isPmhPath(path)).toBe(pmh);
  });
});

describe('parsePreferFault', () => {
  it.each([
    [undefined, null],
    ['respond-async, wait=5', null],
    ['sandbox-fault=503', { effect: { status: 503 }, applied: ['sandbox-fault=503'] }],
    [
      'return=minimal, sandbox-fault=429; sandbox-problem=rate_limited',
      { effect: { status: 429, problemCode: 'rate_limited' }, applied: ['sandbox-fault=429', 'sandbox-problem=rate_limited'] },
    ],
    ['sandbox-latency=250', { effect: { latencyMs: 250 }, applied: ['sandbox-latency=250'] }],
    ['Sandbox-Fault="502"', { effect: { status: 502 }, applied: ['sandbox-fault=502'] }],
  ])('%s', (header, expected) => expect(parsePreferFault(header)).toEqual(expected));

  it.each([
    'sandbox-fault=200',
    'sandbox-fault=abc',
    'sandbox-latency=999999',
    'sandbox-problem=Bad-Code, sandbox-fault=503',
    'sandbox-problem=x',
    'sandbox-faults=503',
  ])('refuses %s', (header) => expect(parsePreferFault(header)).toHaveProperty('error'));
});

describe('maintenance window', () => {
  const w = { from: new Date('2026-11-23T12:00:00Z'), until: new Date('2026-11-23T13:00:00Z'), message: null };
  it('is open from `from` (inclusive) to `until` (exclusive)', () => {
    expect(maintenanceIsActive(w, new Date('2026-11-23T11:59:59.999Z'))).toBe(false);
    expect(maintenanceIsActive(w, new Date('2026-11-23T12:00:00Z'))).toBe(true);
    expect(maintenanceIsActive(w, new Date('2026-11-23T13:00:00Z'))).toBe(false);
    expect(maintenanceIsActive({ ...w, from: null }, new Date('2000-01-01T00:00:00Z'))).toBe(true);
  });
  it('counts Retry-After in whole seconds up to the end, at least 1', () => {
    expect(retryAfterSeconds(w, new Date('2026-11-23T12:30:00Z'))).toBe(1800);
    expect(retryAfterSeconds(w, new Date('2026-11-23T12:59:59.500Z'))).toBe(1);
  });
  it('gives injected errors a code that fits their status', () => {
    expect(defaultProblemCode(503)).toBe('service_unavailable');
    expect(defaultProblemCode(429)).toBe('too_many_requests');
    expect(defaultProblemCode(599)).toBe('injected_fault');
  });
});

describe('SandboxClock', () => {
  it('follows its base clock until frozen, then stays put until unfrozen', () => {
    let t = 1_000;
    const clock = new SandboxClock({ now: () => new Date(t) });
    expect(clock.now().getTime()).toBe(1_000);
    clock.freeze(new Date('2027-04-01T00:00:00Z'));
    t = 5_000;
    expect(clock.now().toISOString()).toBe('2027-04-01T00:00:00.000Z');
    clock.now().setFullYear(2000); // callers cannot move it through the Date they get
    expect(clock.now().toISOString()).toBe('2027-04-01T00:00:00.000Z');
    clock.unfreeze();
    expect(clock.now().getTime()).toBe(5_000);
  });
  it('wraps any clock once', () => {
    const c = new SandboxClock();
    expect(SandboxClock.over(c)).toBe(c);
    expect(SandboxClock.over(undefined)).toBeInstanceOf(SandboxClock);
  });
});

describe('RequestJournal', () => {
  const entry = (n: number, over: Partial<Parameters<RequestJournal['add']>[0]> = {}) => ({
    at: new Date(Date.UTC(2026, 10, 23, 9, 0, n)),
    method: 'GET',
    path: `/p/${n}`,
    route: null,
    status: 200,
    actor: n % 2 ? 'municipality:131016' : 'anonymous',
    durationMs: 1,
    problemCode: null,
    requestId: `r${n}`,
    ...over,
  });

  it('keeps the last `capacity` entries, newest first', () => {
    const j = new RequestJournal(3);
    for (let n = 1; n <= 5; n++) j.add(entry(n));
    expect(j.list({ limit: 10 }).items.map((e) => e.path)).toEqual(['/p/5', '/p/4', '/p/3']);
  });

  it('pages with a cursor and filters by actor, path and time', () => {
    const j = new RequestJournal(100);
    for (let n = 1; n <= 10; n++) j.add(entry(n));
    const first = j.list({ limit: 2, actor: 'municipality:*' });
    expect(first.items.map((e) => e.path)).toEqual(['/p/9', '/p/7']);
    expect(first.more).toBe(true);
    const rest = j.list({ limit: 10, actor: 'municipality:*', before: Number(first.items[1]!.id) });
    expect(rest.items.map((e) => e.path)).toEqual(['/p/5', '/p/3', '/p/1']);
    expect(rest.more).toBe(false);
    expect(j.list({ limit: 10, path: '/p/1*' }).items.map((e) => e.path)).toEqual(['/p/10', '/p/1']);
    expect(j.list({ limit: 10, since: new Date(Date.UTC(2026, 10, 23, 9, 0, 8)) }).items).toHaveLength(3);
    j.clear();
    expect(j.list({ limit: 10 }).items).toEqual([]);
  });

  it('masks digit runs of 10+ digits in any form, percent-encoded text, and drops the query string', () => {
    expect(maskPath('/x/123456789018/y?q=八王子')).toBe('/x/************/y');
    expect(maskPath('/x/1234567890123')).toBe('/x/************');
    expect(maskPath('/x/12345678901')).toBe('/x/************');
    expect(maskPath('/x/7351-9264-0806/y')).toBe('/x/************/y');
    expect(maskPath('/x/７３５１９２６４０８０６')).toBe('/x/************');
    expect(maskPath('/x/%37%33%35%31%39%32%36%34%30%38%30%36')).toBe('/x/************');
    expect(maskPath('/x/7351%2D9264%2D0806')).toBe('/x/************');
    expect(maskPath('/x/%E5%B1%B1%E7%94%B0')).toBe('/x/%…');
    // Not personal: short numbers, dates, UUIDs (task IDs).
    expect(maskPath('/x/123456789/2026-11-23')).toBe('/x/123456789/2026-11-23');
    expect(maskPath('/t/f1b2c3d4-0000-4000-8000-000000000001/results')).toBe('/t/f1b2c3d4-0000-4000-8000-000000000001/results');
  });
});

describe('sandbox configuration', () => {
  it('has no admin token by default (one is generated at first start) and a 10,000-request journal', () => {
    const c = loadConfig({});
    expect(c.SANDBOX_ADMIN_TOKEN).toBeUndefined();
    expect(c.SANDBOX_ROTATE_ADMIN_TOKEN).toBe(false);
    expect(c.SANDBOX_JOURNAL_SIZE).toBe(10_000);
  });
  it('reads the admin token and the rotation switch', () => {
    expect(loadConfig({ SANDBOX_ADMIN_TOKEN: 'a-long-enough-admin-token', SANDBOX_ROTATE_ADMIN_TOKEN: 'true' })).toMatchObject({
      SANDBOX_ADMIN_TOKEN: 'a-long-enough-admin-token',
      SANDBOX_ROTATE_ADMIN_TOKEN: true,
    });
  });
  it.each([{ SANDBOX_ADMIN_TOKEN: 'short' }, { SANDBOX_ROTATE_ADMIN_TOKEN: 'yes' }, { SANDBOX_JOURNAL_SIZE: '-1' }])('refuses %j', (env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
  });
});
