import { describe, expect, it } from 'vitest';
import { createId, createSortableId, hashSecret, sameDigest, secretDigest, verifySecret } from '../src/crypto.ts';

describe('crypto', () => {
  describe('createId()', () => {
    it('gives distinct ids of the requested size across refills of the random pool', () => {
      // 15 bytes each: 2,000 ids span several 4 KB pools, and one id straddles no pool boundary.
      const ids = Array.from({ length: 2000 }, () => createId('ntf'));
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^ntf_[A-Za-z0-9_-]{20}$/);
      expect(createId('bs', 32)).toMatch(/^bs_[A-Za-z0-9_-]{43}$/);
      expect(createId('big', 5000).length).toBe(4 + Math.ceil((5000 * 4) / 3));
    });
  });

  describe('createSortableId()', () => {
    it('sorts ids made in later milliseconds after earlier ones, as text', async () => {
      const first = createSortableId('ntf');
      await new Promise((resolve) => setTimeout(resolve, 2));
      const second = createSortableId('ntf');
      expect(first < second).toBe(true);
      expect(second).toMatch(/^ntf_[0-9a-z]{9}[A-Za-z0-9_-]{14}$/);
      expect(new Set(Array.from({ length: 1000 }, () => createSortableId('ntf'))).size).toBe(1000);
    });
  });

  describe('verifySecret()', () => {
    it('accepts the secret of a hash and refuses any other, or a corrupt hash', () => {
      expect(verifySecret('s3cret', hashSecret('s3cret'))).toBe(true);
      expect(verifySecret('s3cret!', hashSecret('s3cret'))).toBe(false);
      expect(verifySecret('s3cret', 'abcd')).toBe(false);
      expect(sameDigest(secretDigest('x'), Buffer.from(hashSecret('x'), 'hex'))).toBe(true);
    });
  });
});
