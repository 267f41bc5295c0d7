import { describe, expect, it } from 'vitest';
import { formatDateTime, formatRelativeTime } from '../../src/ui/relative-time.ts';

const NOW = Date.parse('2024-05-10T12:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

describe('relative-time', () => {
  describe('formatRelativeTime()', () => {
    it('says "now" under a minute', () => {
      expect(formatRelativeTime(ago(30), NOW, 'en')).toBe('now');
    });

    it('truncates to whole units', () => {
      expect(formatRelativeTime(ago(119), NOW, 'en')).toBe('1 minute ago');
      expect(formatRelativeTime(ago(5 * 3600 + 59 * 60), NOW, 'en')).toBe('5 hours ago');
    });

    it('uses natural words for one day', () => {
      expect(formatRelativeTime(ago(86_400), NOW, 'en')).toBe('yesterday');
    });

    it('picks weeks, months and years for older items', () => {
      expect(formatRelativeTime(ago(14 * 86_400), NOW, 'en')).toBe('2 weeks ago');
      expect(formatRelativeTime(ago(65 * 86_400), NOW, 'en')).toBe('2 months ago');
      expect(formatRelativeTime(ago(800 * 86_400), NOW, 'en')).toBe('2 years ago');
    });

    it('formats in the given locale', () => {
      expect(formatRelativeTime(ago(5 * 60), NOW, 'de')).toBe('vor 5 Minuten');
    });

    it('falls back to the default locale for an invalid tag instead of throwing', () => {
      expect(() => formatRelativeTime(ago(5 * 60), NOW, 'not a locale!')).not.toThrow();
      expect(formatRelativeTime(ago(5 * 60), NOW, 'not a locale!')).toMatch(/5/);
    });

    it('returns an empty string for an unparseable date', () => {
      expect(formatRelativeTime('yesterday-ish', NOW, 'en')).toBe('');
    });
  });

  describe('formatDateTime()', () => {
    it('formats a full date in the locale', () => {
      expect(formatDateTime('2024-05-10T12:00:00Z', 'en')).toContain('2024');
      expect(formatDateTime('nope', 'en')).toBe('');
    });
  });
});
