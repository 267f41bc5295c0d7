// The widget's words in its shipped languages, and the choice of language.
//
// Size: every byte here ships in the script-tag file. So the string set is small, each locale is
// one string (values in the order of `KEYS`, joined by "|"), and nothing Intl can say is
// translated: times, numbers and plural categories come from Intl.RelativeTimeFormat,
// Intl.NumberFormat and Intl.PluralRules. Where a language's plural forms would need more than
// two strings, its phrasing avoids agreeing with the number ("unread: 3").
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { TAB_KEYS, TAB_TABLES } from './tab-strings.ts';

/** The names of the widget's strings, in the order the locale tables list their values. */
const KEYS = [
  ...TAB_KEYS,
  'title',
  'bellUnread',
  'markAllRead',
  'unread',
  'newOne',
  'newOther',
  'loading',
  'empty',
  'offline',
  'error',
  'loadMore',
  'options',
  'markRead',
  'markUnread',
  'archive',
  'unarchive',
  'delete',
  'toasts',
  'dismiss',
  'preferences',
  'back',
  'general',
  'inApp',
  'email',
  'sms',
  'webhook',
  'channelFor',
  'retry',
] as const;

/**
 * Every string the widget shows; `{n}` stands for a number (in `options`, for the notification's
 * title; in `channelFor`, for a category's name, with `{c}` for a channel's).
 */
export type InboxStrings = Record<(typeof KEYS)[number], string>;

// Keyed by base language: pt is Brazilian Portuguese, so pt-PT still gets Portuguese.
const TABLES: Record<string, string> = {
  en: 'Notifications|Notifications, {n} unread|Mark all as read|Unread|{n} new notification|{n} new notifications|Loading notifications…|No notifications yet|Offline — showing saved notifications|Something went wrong|Load more|Options for {n}|Mark as read|Mark as unread|Archive|Unarchive|Delete|New notifications|Dismiss|Preferences|Back|General|In-app|Email|SMS|Webhook|{c} for {n}|Try again',
  de: 'Benachrichtigungen|Benachrichtigungen, {n} ungelesen|Alle als gelesen markieren|Ungelesen|{n} neue Benachrichtigung|{n} neue Benachrichtigungen|Benachrichtigungen werden geladen…|Noch keine Benachrichtigungen|Offline – gespeicherte Benachrichtigungen|Etwas ist schiefgelaufen|Mehr laden|Optionen für {n}|Als gelesen markieren|Als ungelesen markieren|Archivieren|Archivierung aufheben|Löschen|Neue Benachrichtigungen|Schließen|Einstellungen|Zurück|Allgemein|In der App|E-Mail|SMS|Webhook|{c} für {n}|Erneut versuchen',
  fr: 'Notifications|Notifications, non lues : {n}|Tout marquer comme lu|Non lue|{n} nouvelle notification|{n} nouvelles notifications|Chargement des notifications…|Aucune notification pour le moment|Hors ligne — notifications enregistrées|Une erreur s’est produite|Afficher plus|Options pour {n}|Marquer comme lue|Marquer comme non lue|Archiver|Désarchiver|Supprimer|Nouvelles notifications|Fermer|Préférences|Retour|Général|Dans l’app|E-mail|SMS|Webhook|{c} pour {n}|Réessayer',
  es: 'Notificaciones|Notificaciones, {n} sin leer|Marcar todas como leídas|Sin leer|{n} notificación nueva|{n} notificaciones nuevas|Cargando notificaciones…|Aún no hay notificaciones|Sin conexión: notificaciones guardadas|Algo salió mal|Cargar más|Opciones de {n}|Marcar como leída|Marcar como no leída|Archivar|Desarchivar|Eliminar|Notificaciones nuevas|Cerrar|Preferencias|Atrás|General|En la app|Correo|SMS|Webhook|{c} para {n}|Reintentar',
  pt: 'Notificações|Notificações, não lidas: {n}|Marcar todas como lidas|Não lida|{n} nova notificação|{n} novas notificações|Carregando notificações…|Nenhuma notificação ainda|Offline — notificações salvas|Algo deu errado|Carregar mais|Opções de {n}|Marcar como lida|Marcar como não lida|Arquivar|Desarquivar|Excluir|Novas notificações|Fechar|Preferências|Voltar|Geral|No app|E-mail|SMS|Webhook|{c} para {n}|Tentar novamente',
  ar: 'الإشعارات|الإشعارات، غير المقروءة: {n}|تحديد الكل كمقروء|غير مقروء|إشعار جديد واحد|إشعارات جديدة: {n}|جارٍ تحميل الإشعارات…|لا توجد إشعارات بعد|غير متصل — الإشعارات المحفوظة|حدث خطأ ما|تحميل المزيد|خيارات {n}|تحديد كمقروء|تحديد كغير مقروء|أرشفة|إلغاء الأرشفة|حذف|إشعارات جديدة|إغلاق|التفضيلات|رجوع|عام|داخل التطبيق|البريد الإلكتروني|الرسائل النصية|Webhook|{c} لـ {n}|إعادة المحاولة',
  hi: 'सूचनाएँ|सूचनाएँ, {n} अपठित|सभी को पढ़ा हुआ चिह्नित करें|अपठित|{n} नई सूचना|{n} नई सूचनाएँ|सूचनाएँ लोड हो रही हैं…|अभी कोई सूचना नहीं|ऑफ़लाइन — सहेजी गई सूचनाएँ|कुछ गलत हो गया|और लोड करें|{n} के विकल्प|पढ़ा हुआ चिह्नित करें|अपठित चिह्नित करें|संग्रहित करें|संग्रह से निकालें|हटाएँ|नई सूचनाएँ|बंद करें|प्राथमिकताएँ|वापस|सामान्य|ऐप में|ईमेल|SMS|वेबहुक|{n} के लिए {c}|फिर से कोशिश करें',
  ja: '通知|通知、未読 {n} 件|すべて既読にする|未読|新しい通知 {n} 件|新しい通知 {n} 件|通知を読み込んでいます…|通知はまだありません|オフライン — 保存済みの通知|問題が発生しました|さらに読み込む|{n} のオプション|既読にする|未読にする|アーカイブ|アーカイブを解除|削除|新しい通知|閉じる|設定|戻る|一般|アプリ内|メール|SMS|Webhook|{n}の{c}|再試行',
};

const baseLanguage = (locale: string) => locale.split('-')[0]!.toLowerCase();

// A tag Intl accepts, canonicalised ("pt-br" -> "pt-BR"); undefined for anything else, since the
// locale may come from an attribute or user data and Intl throws a RangeError on a bad tag.
function canonical(tag: string | null | undefined): string | undefined {
  if (!tag) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/**
 * The widget's locale: the `locale` option, else the page's `<html lang>`, else the browser's
 * language, else English. Read at render time, never at import (server-side rendering).
 */
export function resolveLocale(option?: string): string {
  const doc = globalThis.document;
  return canonical(option) ?? canonical(doc?.documentElement.lang) ?? canonical(globalThis.navigator?.language) ?? 'en';
}

/** The strings for `locale` (by its base language: pt-BR -> pt -> en) with `overrides` on top. */
export function stringsFor(locale: string, overrides?: Partial<InboxStrings>): InboxStrings {
  const table = (tables: Record<string, string>) => tables[baseLanguage(locale)] ?? tables['en']!;
  const values = (table(TAB_TABLES) + '|' + table(TABLES)).split('|');
  return { ...(Object.fromEntries(KEYS.map((key, i) => [key, values[i]])) as InboxStrings), ...overrides };
}

/** True for languages written right to left. */
export function isRtl(locale: string): boolean {
  return /^(ar|fa|he|ur)$/.test(baseLanguage(locale));
}

/** What components read from the i18n context. */
export interface I18n {
  locale: string;
  t: InboxStrings;
  /** Formats a count the way the locale writes numbers. */
  n(value: number): string;
  /** `key`'s string with `{n}` replaced by `count` formatted for the locale. */
  count(key: keyof InboxStrings, count: number): string;
  /** "N new notifications", in the locale's singular or plural. */
  newCount(count: number): string;
}

/** Builds the i18n object for a resolved locale and the host's overrides. */
export function createI18n(locale: string, overrides?: Partial<InboxStrings>): I18n {
  const t = stringsFor(locale, overrides);
  // Made on first use: loading a locale's number and plural data is a noticeable part of
  // mounting, and an inline panel with nothing unread needs neither.
  let numbers: Intl.NumberFormat | undefined;
  let plurals: Intl.PluralRules | undefined;
  const n = (value: number) => (numbers ??= new Intl.NumberFormat(locale)).format(value);
  const count = (key: keyof InboxStrings, value: number) => t[key].replace('{n}', n(value));
  return { locale, t, n, count, newCount: (value) => count((plurals ??= new Intl.PluralRules(locale)).select(value) === 'one' ? 'newOne' : 'newOther', value) };
}

/** Carries the widget's i18n to its components. */
export const I18nContext = createContext<I18n | null>(null);

// Components rendered without a provider (alone, in tests) speak the page's language.
let fallback: I18n | undefined;

/** The i18n of the widget this component is in. */
export function useI18n(): I18n {
  return useContext(I18nContext) ?? (fallback ??= createI18n(resolveLocale()));
}
