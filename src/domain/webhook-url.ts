/**
 * Webhook URL policy (server-side request forgery): which URLs may be registered, and which resolved
 * addresses a delivery may connect to. Pure: no DNS here; the delivery resolves and calls addressVerdict
 * on every address it got.
 */

/** What an address (or a host name, by its name alone) is. */
export type AddressClass =
  | 'public'
  | 'private' // 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), fc00::/7 (ULA), fec0::/10, *.internal names
  | 'loopback' // 127/8, ::1, localhost, *.localhost
  | 'link_local' // 169.254/16, fe80::/10
  | 'metadata' // cloud instance-metadata addresses and names
  | 'reserved'; // 0/8, multicast, 240/4 and broadcast, ::, ff00::/8

/** Refusal rules, the `code` of the `url` field error. */
export type WebhookUrlRule =
  | 'control_characters'
  | 'not_absolute'
  | 'scheme'
  | 'credentials'
  | 'fragment'
  | 'metadata_address'
  | 'link_local_address'
  | 'reserved_address'
  | 'loopback_address'
  | 'private_address'
  | 'sandbox_admin_api';

export interface UrlPolicy {
  /** WEBHOOK_ALLOW_PRIVATE: loopback and private ranges allowed. */
  allowPrivate: boolean;
}

export type UrlVerdict = { ok: true; url: string; hostClass: AddressClass | 'name' } | { ok: false; rule: WebhookUrlRule; message: string };

const METADATA_V4 = new Set(['169.254.169.254', '169.254.170.2', '169.254.169.123', '100.100.100.200', '192.0.0.192']);
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
]);

/** Dotted-quad IPv4 → 32-bit number; null when not exactly that form (WHATWG URL has already turned 0x7f.1, 2130706433, 0177.0.0.1, 127.1 into it). */
export function parseIPv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** IPv6 text (no brackets, no zone) → 8 hextets; a trailing dotted quad is accepted. Null when not IPv6. */
export function parseIPv6(s: string): number[] | null {
  if (!s.includes(':') || !/^[0-9a-fA-F:.]+$/.test(s)) return null;
  let text = s;
  let v4: number | null = null;
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    v4 = parseIPv4(last);
    if (v4 === null) return null;
    // "…:a.b.c.d" → "…:hhhh:hhhh"
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string) => (h === '' ? [] : h.split(':').map((x) => (/^[0-9a-fA-F]{1,4}$/.test(x) ? parseInt(x, 16) : NaN)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if ([...head, ...rest].some(Number.isNaN)) return null;
  const total = head.length + rest.length;
  if (halves.length === 1) return total === 8 ? head : null;
  if (total > 7) return null;
  return [...head, ...Array<number>(8 - total).fill(0), ...rest];
}

const inV4 = (ip: number, base: string, bits: number) => {
  const b = parseIPv4(base)!;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ip & mask) >>> 0 === (b & mask) >>> 0;
};

export function classifyIPv4(ip: number): AddressClass {
  const dotted = [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');
  if (METADATA_V4.has(dotted)) return 'metadata';
  if (inV4(ip, '0.0.0.0', 8)) return 'reserved';
  if (inV4(ip, '127.0.0.0', 8)) return 'loopback';
  if (inV4(ip, '169.254.0.0', 16)) return 'link_local';
  if (inV4(ip, '224.0.0.0', 4) || inV4(ip, '240.0.0.0', 4)) return 'reserved'; // multicast; reserved and 255.255.255.255
  if (inV4(ip, '10.0.0.0', 8) || inV4(ip, '172.16.0.0', 12) || inV4(ip, '192.168.0.0', 16) || inV4(ip, '100.64.0.0', 10)) return 'private';
  if (inV4(ip, '192.0.0.0', 24) || inV4(ip, '198.18.0.0', 15)) return 'private';
  return 'public';
}

export function classifyIPv6(h: number[]): AddressClass {
  const [a, b, c, d, e, f, g, i] = h as [number, number, number, number, number, number, number, number];
  const v4 = ((g << 16) | i) >>> 0;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0) {
    if (f === 0xffff) return classifyIPv4(v4); // ::ffff:a.b.c.d, IPv4-mapped
    if (f === 0) {
      if (g === 0 && i === 0) return 'reserved'; // ::
      if (g === 0 && i === 1) return 'loopback'; // ::1
      return classifyIPv4(v4); // ::a.b.c.d, IPv4-compatible (deprecated): what it embeds
    }
  }
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return classifyIPv4(v4); // NAT64 64:ff9b::/96
  if (a === 0xfd00 && b === 0x0ec2 && c === 0 && d === 0 && e === 0 && f === 0 && g === 0 && i === 0x254) return 'metadata'; // AWS IMDS over IPv6
  if ((a & 0xffc0) === 0xfe80) return 'link_local';
  if ((a & 0xff00) === 0xff00) return 'reserved'; // multicast
  if ((a & 0xfe00) === 0xfc00 || (a & 0xffc0) === 0xfec0) return 'private';
  return 'public';
}

/** Class of an IP address text (IPv4 dotted quad or IPv6, brackets allowed); null when it is not an IP address. */
export function classifyAddress(address: string): AddressClass | null {
  const s = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = parseIPv4(s);
  if (v4 !== null) return classifyIPv4(v4);
  const v6 = parseIPv6(s);
  return v6 ? classifyIPv6(v6) : null;
}

/** Class of a URL's hostname (already WHATWG-normalised: lower case, ASCII); 'name' for an ordinary DNS name. */
export function classifyHost(hostname: string): AddressClass | 'name' {
  const ip = classifyAddress(hostname);
  if (ip) return ip;
  const name = hostname.replace(/\.+$/, '').toLowerCase();
  if (METADATA_NAMES.has(name)) return 'metadata';
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback';
  if (name.endsWith('.internal')) return 'private';
  return 'name';
}

/** Whether an address (or host) of this class may be contacted; the rule refusing it otherwise. */
export function addressVerdict(cls: AddressClass | 'name', policy: UrlPolicy): { ok: true } | { ok: false; rule: WebhookUrlRule; message: string } {
  switch (cls) {
    case 'public':
    case 'name':
      return { ok: true };
    case 'metadata':
      return { ok: false, rule: 'metadata_address', message: 'must not be a cloud instance-metadata address' };
    case 'link_local':
      return { ok: false, rule: 'link_local_address', message: 'must not be a link-local address (169.254.0.0/16, fe80::/10)' };
    case 'reserved':
      return { ok: false, rule: 'reserved_address', message: 'must not be an unspecified, multicast, broadcast or reserved address' };
    case 'loopback':
      return policy.allowPrivate
        ? { ok: true }
        : { ok: false, rule: 'loopback_address', message: 'must not be a loopback address (WEBHOOK_ALLOW_PRIVATE is false)' };
    case 'private':
      return policy.allowPrivate
        ? { ok: true }
        : { ok: false, rule: 'private_address', message: 'must not be a private-range address (WEBHOOK_ALLOW_PRIVATE is false)' };
  }
}

/** Any C0/C1 control character, space, or other Unicode whitespace (WHATWG URL would silently drop tab, CR and LF). */

export const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** The whole policy for a URL as registered: raw-text checks, WHATWG parse, then the host's class. */
export function checkWebhookUrl(raw: string, policy: UrlPolicy): UrlVerdict {
  if (CONTROL_OR_SPACE.test(raw)) return { ok: false, rule: 'control_characters', message: 'must not contain whitespace or control characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, rule: 'not_absolute', message: 'must be an absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, rule: 'scheme', message: 'must be http or https' };
  if (url.username || url.password) return { ok: false, rule: 'credentials', message: 'must not contain credentials; verify the signature instead' };
  if (url.hash || raw.includes('#')) return { ok: false, rule: 'fragment', message: 'must not contain a #fragment' };
  const hostClass = classifyHost(url.hostname);
  const v = addressVerdict(hostClass, policy);
  if (!v.ok) return v;
  // The sandbox's own admin API (reset, clock, faults) on this machine: a webhook carries no admin token, but the
  // sandbox must not be made to call itself there at all.
  if (hostClass === 'loopback' && /^\/sandbox(\/|$)/i.test(decodeURIComponent(url.pathname).replace(/\/{2,}/g, '/'))) {
    return { ok: false, rule: 'sandbox_admin_api', message: 'must not point at the sandbox admin API (/sandbox/…) on a loopback host' };
  }
  return { ok: true, url: url.href, hostClass };
}
