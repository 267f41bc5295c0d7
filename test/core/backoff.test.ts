import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, createBackoff, parseRetryAfter } from '../../src/core/backoff.ts';

describe('createBackoff', () => {
  describe('.next()', () => {
    it('draws each delay from a window that doubles from 1 s', () => {
      const backoff = createBackoff({ random: () => 0.5 });
      expect([1, 2, 3, 4].map(() => backoff.next())).toEqual([500, 1000, 2000, 4000]);
    });

    it('caps the window at 30 s', () => {
      const backoff = createBackoff({ random: () => 0.999 });
      const delays = Array.from({ length: 40 }, () => backoff.next());
      expect(delays.slice(5)).toEqual(Array(35).fill(29_970));
      expect(Math.max(...delays)).toBeLessThan(30_000);
    });

    it('uses the full window (full jitter), down to zero', () => {
      const backoff = createBackoff({ random: () => 0 });
      expect([backoff.next(), backoff.next()]).toEqual([0, 0]);
    });

    it('honours Retry-After instead of the jitter, bounded', () => {
      const backoff = createBackoff({ random: () => 0.5 });
      expect(backoff.next(7000)).toBe(7000);
      expect(backoff.next(86_400_000)).toBe(MAX_RETRY_AFTER_MS);
      expect(backoff.next()).toBe(2000); // the Retry-After attempts still counted
    });
  });

  describe('.reset()', () => {
    it('starts over from the 1 s window', () => {
      const backoff = createBackoff({ random: () => 0.5 });
      backoff.next();
      backoff.next();
      backoff.reset();
      expect([backoff.next(), backoff.next()]).toEqual([500, 1000]);
    });
  });
});

describe('parseRetryAfter()', () => {
  it('reads delta seconds', () => {
    expect(parseRetryAfter(' 12 ', 0)).toBe(12_000);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.UTC(2030, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0);
  });

  it('answers undefined for a missing or unreadable header', () => {
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('later', 0)).toBeUndefined();
  });
});
