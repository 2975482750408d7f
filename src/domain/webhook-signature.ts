import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe-style: the header `PMH-Sandbox-Signature: t=<unix seconds>,v1=<hex>` where
 * v1 = HMAC-SHA256(key = the endpoint secret as UTF-8, message = `${t}.${rawBody}`). Signing the timestamp
 * with the body lets a receiver refuse replays of an old, validly signed request.
 */
export const SIGNATURE_HEADER = 'pmh-sandbox-signature';
export const EVENT_ID_HEADER = 'pmh-sandbox-event-id';

/** Hex HMAC-SHA256 of `${timestamp}.${body}`. */
export function signaturePayloadHmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The header value for `body` signed at `timestamp` (unix seconds). */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${signaturePayloadHmac(secret, timestamp, body)}`;
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: 'malformed_header' | 'timestamp_outside_tolerance' | 'signature_mismatch' };

/**
 * Checks a signature header against the raw body as received (before any JSON parsing).
 * Any of several `v1=` values may match (a receiver rotating secrets sees one per secret).
 * `toleranceSeconds`: how far the signed timestamp may be from `nowSeconds`, either way.
 */
export function verifyWebhook(secret: string, body: string, header: string | undefined, opts: { nowSeconds: number; toleranceSeconds?: number }): VerifyResult {
  if (!header) return { ok: false, reason: 'malformed_header' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed_header' };
  if (Math.abs(opts.nowSeconds - timestamp) > (opts.toleranceSeconds ?? 300)) return { ok: false, reason: 'timestamp_outside_tolerance' };
  const expected = Buffer.from(signaturePayloadHmac(secret, timestamp, body), 'hex');
  const match = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'signature_mismatch' };
}
