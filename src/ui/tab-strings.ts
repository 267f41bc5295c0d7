// The names of the feed's tabs in the shipped languages, kept beside i18n.ts's table in the same
// shape (values in the order of `TAB_KEYS`, joined by "|"); i18n.ts puts them in front of its own.

/** The names of the tab strings. */
export const TAB_KEYS = ['tabAll', 'tabUnread', 'tabArchived'] as const;

/** The tab strings per base language. */
export const TAB_TABLES: Record<string, string> = {
  en: 'All|Unread|Archived',
  de: 'Alle|Ungelesen|Archiviert',
  fr: 'Toutes|Non lues|Archivées',
  es: 'Todas|Sin leer|Archivadas',
  pt: 'Todas|Não lidas|Arquivadas',
  ar: 'الكل|غير المقروءة|المؤرشفة',
  hi: 'सभी|अपठित|संग्रहित',
  ja: 'すべて|未読|アーカイブ済み',
};
