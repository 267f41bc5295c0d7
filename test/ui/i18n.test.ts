import { afterEach, describe, expect, it, vi } from 'vitest';
import { createI18n, isRtl, resolveLocale, stringsFor } from '../../src/ui/i18n.ts';

const SHIPPED = ['en', 'de', 'fr', 'es', 'pt', 'ar', 'hi', 'ja'];

describe('i18n', () => {
  afterEach(() => {
    document.documentElement.removeAttribute('lang');
    vi.unstubAllGlobals();
  });

  describe('locale tables', () => {
    it('ships en, de, fr, es, pt, ar, hi and ja, each in its own words', () => {
      const titles = SHIPPED.map((language) => stringsFor(language).markAllRead);
      expect(new Set(titles).size).toBe(SHIPPED.length);
    });

    it.each(SHIPPED)('gives %s every string, non-empty, with {n} where a number goes', (language) => {
      const strings = stringsFor(language);
      expect(Object.keys(strings)).toEqual(Object.keys(stringsFor('en')));
      for (const value of Object.values(strings)) expect(value.trim()).not.toBe('');
      // A value missing or added in the middle of a table would shift these out of place.
      expect(strings.bellUnread).toContain('{n}');
      expect(strings.newOther).toContain('{n}');
      expect(strings.title).not.toContain('{n}');
      expect(strings.loadMore).not.toContain('{n}');
      expect(strings.options).toContain('{n}');
      expect(strings.dismiss).not.toContain('{n}');
      expect(strings.channelFor).toContain('{c}');
      expect(strings.channelFor).toContain('{n}');
      expect(strings.retry).not.toMatch(/\{[cn]\}/);
      if (language !== 'en') expect(strings.markAllRead).not.toBe(stringsFor('en').markAllRead);
    });

    it.each(SHIPPED)('gives %s its own names for the All, Unread and Archived tabs, before the other strings', (language) => {
      const { tabAll, tabUnread, tabArchived, title } = stringsFor(language);
      expect(new Set([tabAll, tabUnread, tabArchived, title]).size).toBe(4);
      if (language !== 'en') expect(tabArchived).not.toBe(stringsFor('en').tabArchived);
      expect(stringsFor(language, { tabAll: 'Everything' }).tabAll).toBe('Everything');
    });
  });

  describe('stringsFor()', () => {
    it('falls back by base language, then to English', () => {
      expect(stringsFor('pt-BR').title).toBe('Notificações');
      expect(stringsFor('pt-PT').title).toBe('Notificações');
      expect(stringsFor('de-CH').title).toBe('Benachrichtigungen');
      expect(stringsFor('sv').title).toBe('Notifications');
    });

    it('lays overrides over single strings', () => {
      const strings = stringsFor('fr', { title: 'Alertes' });
      expect(strings.title).toBe('Alertes');
      expect(strings.markAllRead).toBe('Tout marquer comme lu');
    });
  });

  describe('resolveLocale()', () => {
    it('prefers the option, then <html lang>, then the browser, then English', () => {
      vi.stubGlobal('navigator', { language: 'ja-JP' });
      document.documentElement.lang = 'fr-CA';
      expect(resolveLocale('de')).toBe('de');
      expect(resolveLocale()).toBe('fr-CA');
      document.documentElement.removeAttribute('lang');
      expect(resolveLocale()).toBe('ja-JP');
      vi.stubGlobal('navigator', { language: '' });
      expect(resolveLocale()).toBe('en');
    });

    it('skips a malformed tag instead of letting Intl throw', () => {
      document.documentElement.lang = 'es';
      expect(resolveLocale('not a locale!')).toBe('es');
    });

    it('canonicalises the tag', () => {
      expect(resolveLocale('pt-br')).toBe('pt-BR');
    });
  });

  describe('isRtl()', () => {
    it('is true for Arabic and other right-to-left languages only', () => {
      expect(isRtl('ar')).toBe(true);
      expect(isRtl('ar-EG')).toBe(true);
      expect(isRtl('he')).toBe(true);
      expect(isRtl('en')).toBe(false);
      expect(isRtl('ja')).toBe(false);
    });
  });

  describe('createI18n()', () => {
    it('puts numbers in the locale\'s digits', () => {
      expect(createI18n('en').count('bellUnread', 1234)).toBe('Notifications, 1,234 unread');
      expect(createI18n('de').count('bellUnread', 1234)).toBe('Benachrichtigungen, 1.234 ungelesen');
      expect(createI18n('ar').n(7)).toBe(new Intl.NumberFormat('ar').format(7));
    });

    it('picks the singular or plural announcement by Intl.PluralRules', () => {
      expect(createI18n('en').newCount(1)).toBe('1 new notification');
      expect(createI18n('en').newCount(3)).toBe('3 new notifications');
      expect(createI18n('fr').newCount(1)).toBe('1 nouvelle notification');
      expect(createI18n('fr').newCount(2)).toBe('2 nouvelles notifications');
      expect(createI18n('ja').newCount(1)).toBe('新しい通知 1 件');
    });
  });
});
