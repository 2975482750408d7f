import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { problem } from '../http/problem.js';
import { TEST_MY_NUMBER_PREFIX } from '../sandbox/test-cards.js';
import type { RecipientRow, RecipientRowKey, RecipientsRepository } from './repository.js';
import type { RecipientCertificateSummary, RecipientsQuery } from './schemas.js';

/** "123456789018" → "********9018": the list never shows a full 個人番号. */
export const maskMyNumber = (myNumber: string) => `${'*'.repeat(Math.max(0, myNumber.length - 4))}${myNumber.slice(-4)}`;

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Cursors stand for a primary key that contains the 個人番号, and cursors travel in URLs (and so in
 * access logs): they are sealed with AES-256-GCM, bound to the municipality as associated data, so
 * they reveal nothing and cannot be forged or used by another municipality. [I] The key is per
 * process unless given, so cursors do not survive a restart (a stale one is `invalid_cursor`).
 */
function cursorCodec(key: Buffer) {
  return {
    seal(municipalityCode: string, rowKey: RecipientRowKey): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(municipalityCode, 'utf8'));
      const body = Buffer.concat([cipher.update(JSON.stringify(rowKey), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },

    open(municipalityCode: string, cursor: string): RecipientRowKey | undefined {
      try {
        const raw = Buffer.from(cursor, 'base64url');
        if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(municipalityCode, 'utf8'));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
        const key4: unknown = JSON.parse(text);
        const ok = Array.isArray(key4) && key4.length === 4 && key4.every((k) => typeof k === 'string');
        return ok ? (key4 as unknown as RecipientRowKey) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

function toSummary(r: RecipientRow): RecipientCertificateSummary {
  return {
    orgSpecificCertificateTypeId: r.certificateTypeId,
    myNumberMasked: maskMyNumber(r.myNumber),
    certificationSubKey: r.certificationSubKey === '' ? null : r.certificationSubKey,
    historyKey: r.historyKey,
    validFrom: r.validFrom,
    validTo: r.validTo,
    isNotDisclosed: r.isNotDisclosed,
    medicalSubsidyInsurerNumber: r.insurerNumber,
    medicalSubsidyRecipientNumber: r.recipientNumber,
    certificationName: r.certificationName ?? '',
    updatedAt: r.updatedAt.toISOString(),
    lastTaskId: r.lastTaskId,
  };
}

export function recipientsService(repo: RecipientsRepository, opts: { cursorKey?: Buffer } = {}) {
  const cursors = cursorCodec(opts.cursorKey ?? randomBytes(32));
  return {
    /** The municipality's own registered rows, in primary-key order, with the 個人番号 masked. */
    async list(municipalityCode: string, q: RecipientsQuery) {
      const after = q.cursor !== undefined ? cursors.open(municipalityCode, q.cursor) : undefined;
      if (q.cursor !== undefined && !after) {
        throw problem('invalid_cursor', {
          detail: 'Cursors are valid for the municipality that received them, until the server restarts',
          errors: [{ field: 'cursor', code: 'invalid_cursor', message: 'pass the nextCursor of the previous page unchanged, or start again without a cursor' }],
        });
      }
      // One extra row tells whether there is a next page.
      const rows = await repo.list(municipalityCode, {
        certificateTypeId: q.orgSpecificCertificateTypeId,
        recipientNumber: q.recipientNumber,
        validOn: q.validOn,
        // The well-known test cards' rows (東京都, 八王子市) are the sandbox's, not the municipality's own.
        excludeMyNumberPrefix: q.includeTestData ? undefined : TEST_MY_NUMBER_PREFIX,
        after,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      const nextCursor =
        rows.length > q.limit && last
          ? cursors.seal(municipalityCode, [last.certificateTypeId, last.myNumber, last.certificationSubKey, last.historyKey])
          : null;
      return { items: page.map(toSummary), nextCursor };
    },
  };
}

export type RecipientsService = ReturnType<typeof recipientsService>;
