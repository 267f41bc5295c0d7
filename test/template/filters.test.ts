import { describe, expect, it } from 'vitest';
import { formatDate, renderText } from '../../src/template/index.ts';
import { NOW, createContext } from './fixtures.ts';

// Renders one placeholder over `value` (as data.v); ICU may use narrow no-break spaces in times.
const apply = (filters: string, value: unknown, overrides = {}) =>
  renderText(`<<data.v${filters}>>`, createContext({ data: { v: value }, ...overrides })).replace(/\s/g, ' ');

describe('filters', () => {
  describe('default', () => {
    it('fills missing, null and empty values', () => {
      expect(apply(' | default: "there"', undefined)).toBe('there');
      expect(apply(' | default: "there"', null)).toBe('there');
      expect(apply(' | default: "there"', '')).toBe('there');
      expect(apply(" | default: 'single'", { nested: true })).toBe('single');
    });

    it('keeps present values, including 0 and false', () => {
      expect(apply(' | default: "there"', 'Ada')).toBe('Ada');
      expect(apply(' | default: "x"', 0)).toBe('0');
      expect(apply(' | default: "x"', false)).toBe('false');
    });

    it('takes numbers and escaped quotes', () => {
      expect(apply(' | default: 0 | number', undefined)).toBe('0');
      expect(apply(' | default: "say \\"hi\\" >> now"', undefined)).toBe('say "hi" >> now');
    });

    it('applies in chain order', () => {
      expect(apply(' | upper | default: "there"', undefined)).toBe('there');
      expect(apply(' | default: "there" | upper', undefined)).toBe('THERE');
    });

    it('renders its argument as plain text', () => {
      expect(renderText('<<data.v | default: "**x** <<data.w>>">>', createContext({ data: { w: 'W' } }))).toBe('**x** <<data.w>>');
    });
  });

  describe('upper, lower and capitalize', () => {
    it('change case in the context locale', () => {
      expect(apply(' | upper', 'straße')).toBe('STRASSE');
      expect(apply(' | lower', 'ÀDA')).toBe('àda');
      expect(apply(' | upper', 'istanbul', { locale: 'tr' })).toBe('İSTANBUL');
    });

    it('capitalize uppercases the first character and keeps the rest', () => {
      expect(apply(' | capitalize', 'mcDonald')).toBe('McDonald');
      expect(apply(' | capitalize', 'éclair')).toBe('Éclair');
      expect(apply(' | capitalize', '𝒶bc')).toBe('𝒶bc');
      expect(apply(' | capitalize', '')).toBe('');
    });

    it('stringify numbers and booleans and keep missing values empty', () => {
      expect(apply(' | upper', true)).toBe('TRUE');
      expect(apply(' | upper', 12)).toBe('12');
      expect(apply(' | upper | lower | capitalize', undefined)).toBe('');
    });

    it('fall back to the default locale when the locale is invalid', () => {
      expect(apply(' | upper', 'ada', { locale: 'not a locale!' })).toBe('ADA');
    });
  });

  describe('truncate', () => {
    it('keeps text within the limit', () => {
      expect(apply(' | truncate: 5', 'hello')).toBe('hello');
    });

    it('cuts longer text to the limit, ellipsis included', () => {
      expect(apply(' | truncate: 5', 'hello world')).toBe('hell…');
      expect(apply(' | truncate: 7', 'hello world')).toBe('hello…');
      expect(apply(' | truncate: 1', 'hello')).toBe('…');
    });

    it('never splits a character made of two UTF-16 units', () => {
      expect(apply(' | truncate: 3', '😀😀😀😀')).toBe('😀😀…');
    });
  });

  describe('number', () => {
    it('formats numbers and numeric strings in the context locale', () => {
      expect(apply(' | number', 1234567.891)).toBe('1,234,567.891');
      expect(apply(' | number', '1234.5', { locale: 'de-DE' })).toBe('1.234,5');
    });

    it('leaves non-numbers as they are', () => {
      expect(apply(' | number', 'abc')).toBe('abc');
      expect(apply(' | number', '  ')).toBe('  ');
      expect(apply(' | number', undefined)).toBe('');
    });
  });

  describe('date', () => {
    const placedAt = '2025-01-05T15:04:00Z';

    it('formats "short" (the default) and "long" in the context locale and time zone', () => {
      expect(apply(' | date', placedAt)).toBe('Jan 5, 2025');
      expect(apply(' | date: "short"', placedAt)).toBe('Jan 5, 2025');
      expect(apply(' | date: "long"', placedAt)).toBe('January 5, 2025 at 3:04 PM');
      expect(apply(' | date: "long"', placedAt, { timeZone: 'Asia/Tokyo' })).toBe('January 6, 2025 at 12:04 AM');
      expect(apply(' | date: "long"', placedAt, { locale: 'de-DE', timeZone: 'Europe/Berlin' })).toBe('5. Januar 2025 um 16:04');
    });

    it('reads epoch milliseconds and Date objects', () => {
      expect(apply(' | date', Date.parse(placedAt))).toBe('Jan 5, 2025');
      expect(apply(' | date', new Date(placedAt))).toBe('Jan 5, 2025');
    });

    it.each([
      [0, 'now'],
      // Under a minute is "now": a relative time is read later than it is written.
      [-30e3, 'now'],
      [59e3, 'now'],
      [5 * 6e4, 'in 5 minutes'],
      // Truncated, as people say it.
      [-119e3, '1 minute ago'],
      [-3 * 36e5, '3 hours ago'],
      [-(5 * 36e5 + 59 * 6e4), '5 hours ago'],
      [-864e5, 'yesterday'],
      [2 * 864e5, 'in 2 days'],
      [-10 * 864e5, 'last week'],
      [-70 * 864e5, '2 months ago'],
      [-800 * 864e5, '2 years ago'],
    ])('formats %i ms from now as %j when "relative"', (offset, expected) => {
      expect(apply(' | date: "relative"', new Date(NOW + offset).toISOString())).toBe(expected);
    });

    it('measures "relative" against context.now', () => {
      expect(apply(' | date: "relative"', placedAt, { now: () => Date.parse(placedAt) + 2 * 36e5 })).toBe('2 hours ago');
    });

    it('formats "relative" in the context locale', () => {
      expect(apply(' | date: "relative"', new Date(NOW - 5 * 6e4).toISOString(), { locale: 'de' })).toBe('vor 5 Minuten');
    });

    it('leaves values that are not dates as they are', () => {
      expect(apply(' | date', 'tomorrow')).toBe('tomorrow');
      expect(apply(' | date', 1e20)).toBe('100000000000000000000');
      expect(apply(' | date', undefined)).toBe('');
    });

    it('falls back when the locale or time zone is invalid', () => {
      expect(apply(' | date: "long"', placedAt, { locale: '!!', timeZone: 'Not/AZone' })).toMatch(/2025/);
    });
  });

  describe('formatDate()', () => {
    const time = Date.parse('2025-01-05T15:04:00Z');

    it('formats as the date filter does, for callers outside templates (the widget)', () => {
      expect(formatDate(time, 'relative', 'en', time + 2 * 864e5)).toBe('2 days ago');
      expect(formatDate(time, 'long', 'en', undefined, 'UTC')!.replace(/\s/g, ' ')).toBe('January 5, 2025 at 3:04 PM');
      expect(formatDate(time, undefined, 'en', undefined, 'UTC')).toBe('Jan 5, 2025');
    });

    it('answers undefined for a time that is not a date', () => {
      expect(formatDate(NaN, 'relative', 'en')).toBeUndefined();
      expect(formatDate(Date.parse('yesterday-ish'), 'long')).toBeUndefined();
      expect(formatDate(1e20)).toBeUndefined();
    });
  });
});
