// Relative and absolute dates through Intl (no date library fits the size budget).

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
const absoluteFormats = new Map<string, Intl.DateTimeFormat>();

// The locale may come from user attributes; an invalid tag makes Intl throw a RangeError, so fall
// back to the runtime's default rather than breaking the whole list.
function cached<T>(cache: Map<string, T>, locale: string | undefined, create: (locale: string | undefined) => T): T {
  const key = locale ?? '';
  let format = cache.get(key);
  if (!format) {
    try {
      format = create(locale);
    } catch {
      format = create(undefined);
    }
    cache.set(key, format);
  }
  return format;
}

/** Formats `iso` relative to `now` ("5 minutes ago", "yesterday", "now") in `locale`. */
export function formatRelativeTime(iso: string, now: number, locale?: string): string {
  const seconds = (Date.parse(iso) - now) / 1000;
  if (!Number.isFinite(seconds)) return '';
  const format = cached(relativeFormats, locale, (l) => new Intl.RelativeTimeFormat(l, { numeric: 'auto' }));
  for (const [unit, size] of UNITS) {
    // Truncate, as people say it: 119 seconds ago is "1 minute ago", not "2 minutes ago".
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(0, 'second');
}

/** Formats `iso` as a full date and time in `locale` (for the tooltip). */
export function formatDateTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return cached(absoluteFormats, locale, (l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' })).format(date);
}
