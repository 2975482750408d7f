import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../src/domain/webhook-signature.js';

const SECRET = 'whsec_test';
const BODY = '{"id":"evt_1"}';
const T = 1_700_000_000;
// Computed independently: printf '%s' '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test
const OPENSSL_HEX = 'c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925';

describe('webhook signatures', () => {
  it('signs t.body with HMAC-SHA256, as openssl does', () => {
    expect(signWebhook(SECRET, BODY, T)).toBe(`t=${T},v1=${OPENSSL_HEX}`);
  });

  it.each([
    { name: 'valid, same second', header: `t=${T},v1=${OPENSSL_HEX}`, now: T, expected: { ok: true, timestamp: T } },
    { name: 'valid, within tolerance', header: `t=${T},v1=${OPENSSL_HEX}`, now: T + 300, expected: { ok: true, timestamp: T } },
    { name: 'valid among several v1 (secret rotation)', header: `t=${T},v1=${'0'.repeat(64)},v1=${OPENSSL_HEX}`, now: T, expected: { ok: true, timestamp: T } },
    { name: 'spaces after commas', header: `t=${T}, v1=${OPENSSL_HEX}`, now: T, expected: { ok: true, timestamp: T } },
    { name: 'too old', header: `t=${T},v1=${OPENSSL_HEX}`, now: T + 301, expected: { ok: false, reason: 'timestamp_outside_tolerance' } },
    { name: 'from the future', header: `t=${T},v1=${OPENSSL_HEX}`, now: T - 301, expected: { ok: false, reason: 'timestamp_outside_tolerance' } },
    { name: 'wrong signature', header: `t=${T},v1=${'a'.repeat(64)}`, now: T, expected: { ok: false, reason: 'signature_mismatch' } },
    { name: 'timestamp changed', header: `t=${T + 1},v1=${OPENSSL_HEX}`, now: T, expected: { ok: false, reason: 'signature_mismatch' } },
    { name: 'no timestamp', header: `v1=${OPENSSL_HEX}`, now: T, expected: { ok: false, reason: 'malformed_header' } },
    { name: 'no signature', header: `t=${T}`, now: T, expected: { ok: false, reason: 'malformed_header' } },
    { name: 'short signature', header: `t=${T},v1=abc`, now: T, expected: { ok: false, reason: 'malformed_header' } },
    { name: 'garbage', header: 'nonsense', now: T, expected: { ok: false, reason: 'malformed_header' } },
    { name: 'missing header', header: undefined, now: T, expected: { ok: false, reason: 'malformed_header' } },
  ])('$name', ({ header, now, expected }) => {
    expect(verifyWebhook(SECRET, BODY, header, { nowSeconds: now })).toEqual(expected);
  });

  it('rejects a changed body or another secret', () => {
    const header = signWebhook(SECRET, BODY, T);
    expect(verifyWebhook(SECRET, `${BODY} `, header, { nowSeconds: T }).ok).toBe(false);
    expect(verifyWebhook('whsec_other', BODY, header, { nowSeconds: T }).ok).toBe(false);
  });

  it('honours a custom tolerance', () => {
    const header = signWebhook(SECRET, BODY, T);
    expect(verifyWebhook(SECRET, BODY, header, { nowSeconds: T + 10, toleranceSeconds: 5 })).toEqual({ ok: false, reason: 'timestamp_outside_tolerance' });
  });
});
