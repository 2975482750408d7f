import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/http/identity.js';

describe('hashToken', () => {
  it('is the hex SHA-256 of the token, also when asked again and after many other tokens', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (let i = 0; i < 2500; i++) {
      const token = `pmh_ins_${i}`;
      expect(hashToken(token)).toBe(createHash('sha256').update(token, 'utf8').digest('hex'));
    }
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken('トークン')).toBe(createHash('sha256').update('トークン', 'utf8').digest('hex'));
  });
});
