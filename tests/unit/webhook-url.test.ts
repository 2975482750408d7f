import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, classifyAddress, classifyHost } from '../../src/domain/webhook-url.js';
import { categorise, resolveChecked } from '../../src/webhooks/deliver.js';

const open = { allowPrivate: true };
const closed = { allowPrivate: false };

describe('checkWebhookUrl', () => {
  it.each([
    // [input, allowPrivate=true result, allowPrivate=false result]; a string result is the normalised URL stored
    ['https://hooks.example.com/pmh', 'https://hooks.example.com/pmh', 'https://hooks.example.com/pmh'],
    ['http://127.0.0.1:8080/hooks', 'http://127.0.0.1:8080/hooks', 'loopback_address'],
    ['http://0x7f.1/hooks', 'http://127.0.0.1/hooks', 'loopback_address'],
    ['http://2130706433/hooks', 'http://127.0.0.1/hooks', 'loopback_address'],
    ['http://0177.0.0.1/hooks', 'http://127.0.0.1/hooks', 'loopback_address'],
    ['http://127.1/hooks', 'http://127.0.0.1/hooks', 'loopback_address'],
    ['http://１２７.０.０.１/hooks', 'http://127.0.0.1/hooks', 'loopback_address'],
    ['http://[::1]/hooks', 'http://[::1]/hooks', 'loopback_address'],
    ['http://localhost/hooks', 'http://localhost/hooks', 'loopback_address'],
    ['http://LOCALHOST./hooks', 'http://localhost./hooks', 'loopback_address'],
    ['http://api.localhost/hooks', 'http://api.localhost/hooks', 'loopback_address'],
    ['http://10.1.2.3/', 'http://10.1.2.3/', 'private_address'],
    ['http://172.16.0.1/', 'http://172.16.0.1/', 'private_address'],
    ['http://172.31.255.255/', 'http://172.31.255.255/', 'private_address'],
    ['http://172.32.0.1/', 'http://172.32.0.1/', 'http://172.32.0.1/'],
    ['http://192.168.1.1/', 'http://192.168.1.1/', 'private_address'],
    ['http://100.64.0.1/', 'http://100.64.0.1/', 'private_address'],
    ['http://[fd12:3456::1]/', 'http://[fd12:3456::1]/', 'private_address'],
    ['http://[::ffff:10.0.0.1]/', 'http://[::ffff:a00:1]/', 'private_address'],
    ['http://db.internal/', 'http://db.internal/', 'private_address'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata_address', 'metadata_address'],
    ['http://[::ffff:169.254.169.254]/', 'metadata_address', 'metadata_address'],
    ['http://[::ffff:a9fe:a9fe]/', 'metadata_address', 'metadata_address'],
    ['http://[fd00:ec2::254]/', 'metadata_address', 'metadata_address'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata_address', 'metadata_address'],
    ['http://METADATA.GOOGLE.INTERNAL./', 'metadata_address', 'metadata_address'],
    ['http://metadata/', 'metadata_address', 'metadata_address'],
    ['http://instance-data/', 'metadata_address', 'metadata_address'],
    ['http://100.100.100.200/', 'metadata_address', 'metadata_address'],
    ['http://169.254.1.1/', 'link_local_address', 'link_local_address'],
    ['http://[fe80::1]/', 'link_local_address', 'link_local_address'],
    ['http://0.0.0.0/', 'reserved_address', 'reserved_address'],
    ['http://0/', 'reserved_address', 'reserved_address'],
    ['http://[::]/', 'reserved_address', 'reserved_address'],
    ['http://224.0.0.1/', 'reserved_address', 'reserved_address'],
    ['http://255.255.255.255/', 'reserved_address', 'reserved_address'],
    ['http://[ff02::1]/', 'reserved_address', 'reserved_address'],
    ['http://127.0.0.1:3000/sandbox/v1/reset', 'sandbox_admin_api', 'loopback_address'],
    ['http://localhost:3000/%73andbox/v1/reset', 'sandbox_admin_api', 'loopback_address'],
    ['http://127.0.0.1:3000//sandbox/v1/reset', 'sandbox_admin_api', 'loopback_address'],
    ['http://127.0.0.1/hooks\r\nX-Injected: 1', 'control_characters', 'control_characters'],
    ['http://127.0.0.1/ho\toks', 'control_characters', 'control_characters'],
    [' http://127.0.0.1/hooks', 'control_characters', 'control_characters'],
    ['http://127.0.0.1/hooks\u0000', 'control_characters', 'control_characters'],
    ['ftp://127.0.0.1/', 'scheme', 'scheme'],
    ['file:///etc/passwd', 'scheme', 'scheme'],
    ['/relative', 'not_absolute', 'not_absolute'],
    ['http://user:pw@example.com/', 'credentials', 'credentials'],
    ['http://example.com/#x', 'fragment', 'fragment'],
  ])('%s → %s (private allowed) / %s (not)', (input, withPrivate, without) => {
    for (const [policy, expected] of [
      [open, withPrivate],
      [closed, without],
    ] as const) {
      const v = checkWebhookUrl(input, policy);
      if (expected.includes('/')) expect(v).toMatchObject({ ok: true, url: expected });
      else expect(v).toMatchObject({ ok: false, rule: expected });
    }
  });
});

describe('classifyAddress / classifyHost', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['127.255.255.255', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2001:4860:4860::8888', 'public'],
    ['fc00::1', 'private'],
    ['febf::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['[::1]', 'loopback'],
    ['example.com', null],
  ])('%s → %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it('names', () => {
    expect(classifyHost('example.com')).toBe('name');
    expect(classifyHost('localhost')).toBe('loopback');
    expect(classifyHost('metadata.google.internal')).toBe('metadata');
  });
});

describe('resolveChecked (delivery-time check)', () => {
  const resolver = (map: Record<string, string[]>) => async (h: string) => {
    const a = map[h];
    if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const dns = resolver({
    'public.example': ['93.184.215.14'],
    'rebind.example': ['93.184.215.14', '127.0.0.1'],
    'meta.example': ['169.254.169.254'],
    'mapped.example': ['::ffff:169.254.169.254'],
  });

  it('connects to the checked address of a public name', async () => {
    expect(await resolveChecked('public.example', closed, dns)).toEqual({ address: '93.184.215.14', family: 4 });
  });
  it.each(['rebind.example', 'meta.example', 'mapped.example', '127.0.0.1', '[::1]', 'localhost'])('refuses %s when private is off', async (host) => {
    await expect(resolveChecked(host, closed, dns).catch((e) => categorise(e))).resolves.toBe('refused_address');
  });
  it('refuses a metadata address even when private is on', async () => {
    await expect(resolveChecked('meta.example', open, dns).catch((e) => categorise(e))).resolves.toBe('refused_address');
    await expect(resolveChecked('rebind.example', open, dns)).resolves.toMatchObject({ address: '93.184.215.14' });
  });
  it('reports a name that does not resolve as dns_failure', async () => {
    await expect(resolveChecked('nowhere.example', open, dns).catch((e) => categorise(e))).resolves.toBe('dns_failure');
  });
  it.each([
    [{ code: 'ECONNREFUSED' }, 'connection_refused'],
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [{ code: 'EAI_AGAIN' }, 'dns_failure'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'tls_error'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'tls_error'],
    [{ code: 'ECONNRESET' }, 'network_error'],
    [new Error('socket hang up'), 'network_error'],
  ])('categorises %o as %s', (err, cat) => {
    expect(categorise(err)).toBe(cat);
  });
});
