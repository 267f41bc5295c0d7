import { afterEach, describe, expect, it, vi } from 'vitest';
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

    describe('with a fixed clock', () => {
      afterEach(() => vi.useRealTimers());

      it('starts with the current millisecond, and follows the clock when it moves', () => {
        vi.useFakeTimers({ toFake: ['Date'], now: 1_764_000_000_000 });
        const a = createSortableId('ntf');
        vi.setSystemTime(1_764_000_000_001);
        const b = createSortableId('ntf');
        vi.setSystemTime(1_764_000_360_000);
        const c = createSortableId('ntf');
        expect([a, b, c].map((id) => parseInt(id.slice(4, 13), 36))).toEqual([1_764_000_000_000, 1_764_000_000_001, 1_764_000_360_000]);
        expect(a < b && b < c).toBe(true);
      });

      it('gives ids of one millisecond distinct random parts across many refills of the random pool', () => {
        vi.useFakeTimers({ toFake: ['Date'], now: 1_764_000_000_000 });
        const ids = Array.from({ length: 5000 }, () => createSortableId('ntf'));
        for (const id of ids) expect(id).toMatch(/^ntf_0midc1z40[A-Za-z0-9_-]{14}$/);
        expect(new Set(ids.map((id) => id.slice(13))).size).toBe(ids.length);
        // 84 random bits: every character of the random part, the last included, uses the whole alphabet.
        const lastChars = new Set(ids.map((id) => id.at(-1)));
        expect(lastChars.size).toBeGreaterThan(60);
      });
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
