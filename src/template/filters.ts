// What a placeholder's value is and what its filters do to it. Values are reduced to scalars
// first, so an object or array never renders as "[object Object]", and every result is text.
// Formatting uses Intl in the context's locale and time zone; an invalid one falls back to the
// runtime's default instead of throwing.
import type { FilterArg, TemplateContext } from './types.ts';

/** A value a filter works on; `undefined` is "missing" (renders empty unless `default` fills it). */
type Scalar = string | number | boolean | Date | undefined;

type Filter = (text: string, value: Exclude<Scalar, undefined>, arg: never, locale: string | undefined, context: TemplateContext) => Scalar;

// Largest unit first; `relative` picks the first one the distance reaches. Under a minute none
// does: `.at(-1)` then pairs "second" with the minute's length, which truncates to 0, "now".
const UNITS = 'year,month,week,day,hour,minute,second'.split(',') as Intl.RelativeTimeFormatUnit[];
const UNIT_MS = [31536e6, 2592e6, 6048e5, 864e5, 36e5, 6e4];
const DATE_STYLES: Record<string, Intl.DateTimeFormatOptions> = { short: { dateStyle: 'medium' }, long: { dateStyle: 'long', timeStyle: 'short' } };

/**
 * Formats `time` (ms since the epoch) as the `date` filter does: `short` ("Jan 5, 2025"), `long`
 * ("January 5, 2025 at 3:04 PM") or `relative` to `now` ("5 minutes ago", "yesterday", "now"), in
 * `locale` (a valid tag, or the runtime's) and `timeZone` (the runtime's if invalid). Undefined
 * for a time that is not a date.
 */
export function formatDate(time: number, style = 'short', locale?: string, now = Date.now(), timeZone?: string): string | undefined {
  if (!(Math.abs(time) <= 864e13)) return;
  if (style == 'relative') {
    const diff = time - now;
    const unit = UNIT_MS.findIndex((ms) => Math.abs(diff) >= ms);
    // Truncated, as people say it (119 seconds ago is "1 minute ago"), and a list refreshed every
    // minute never runs ahead of the clock. `+ 0` turns -0 into 0 so "now" never reads "0 seconds ago".
    return formatter([locale, 1], () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })).format(Math.trunc(diff / UNIT_MS.at(unit)!) + 0, UNITS.at(unit)!);
  }
  const format = (zone?: string) => formatter([locale, style, zone], () => new Intl.DateTimeFormat(locale, { ...DATE_STYLES[style], timeZone: zone })).format(time);
  // Only an invalid time zone can throw here: then the runtime's is used.
  return attempt(() => format(timeZone)) ?? format();
}

/** The filters by name; `default` only ever sees present values here (see filterValue). */
export const FILTERS: Record<string, Filter> = {
  default: (_, value) => value,
  upper: (text, _, __, locale) => text.toLocaleUpperCase(locale),
  lower: (text, _, __, locale) => text.toLocaleLowerCase(locale),
  // By code point, so an astral first character is not split; the rest keeps its case ("McDonald").
  capitalize: (text, _, __, locale) => text.replace(/^[^]/u, (first) => first.toLocaleUpperCase(locale)),
  truncate: (text, _, max: number) => {
    const chars = [...text];
    return chars.length > max ? chars.slice(0, max - 1).join('').trimEnd() + '…' : text;
  },
  number: (text, value, _, locale) => {
    const n = text.trim() ? +text : NaN;
    return Number.isFinite(n) ? formatter([locale], () => new Intl.NumberFormat(locale)).format(n) : value;
  },
  // Numbers are epoch milliseconds, strings anything Date.parse reads (ISO 8601 from the service).
  date: (_, value, style: string | undefined, locale, context) =>
    formatDate(typeof value == 'string' ? Date.parse(value) : typeof value == 'boolean' ? NaN : +value, style, locale, (context.now ?? Date.now)(), context.timeZone) ?? value,
};

/** True when `arg` is what filter `name` takes: a value for `default`, a positive whole number for `truncate`, a style or nothing for `date`, nothing for the rest. */
export function acceptsArg(name: string, arg: FilterArg): boolean {
  return name == 'default'
    ? arg !== undefined
    : name == 'truncate'
      ? Number.isInteger(arg) && (arg as number) > 0
      : arg === undefined || (name == 'date' && /^(short|long|relative)$/.test(arg as string));
}

/**
 * The text a looked-up value renders as after its filters. Values are reduced to scalars first
 * (strings, numbers, booleans and dates pass), missing and invalid dates are empty, and a missing
 * value stays missing for all filters but `default`, which also fills empty text.
 */
export function filterValue(found: unknown, filters: readonly (readonly [string, FilterArg])[], context: TemplateContext): string {
  let value = (/^(string|number|boolean)$/.test(typeof found) || found instanceof Date ? found : undefined) as Scalar;
  // An invalid locale would make Intl and toLocaleUpperCase throw a RangeError: use the runtime's.
  const locale = filters.length ? attempt(() => Intl.getCanonicalLocales(context.locale)[0]) : undefined;
  for (const [name, arg] of filters)
    value = name == 'default' && (value ?? '') === '' ? arg : value === undefined ? value : FILTERS[name]!(toText(value), value, arg as never, locale, context);
  return toText(value);
}

function toText(value: Scalar): string {
  return value instanceof Date ? (isNaN(+value) ? '' : value.toISOString()) : (value ?? '') + '';
}

// Constructing an Intl formatter costs far more than formatting with one, so they are kept.
const formatters = new Map<string, { format(...args: never[]): string }>();
function formatter<T extends { format(...args: never[]): string }>(key: unknown[], make: () => T): T {
  const id = JSON.stringify(key);
  let found = formatters.get(id);
  if (!found) {
    if (formatters.size > 99) formatters.clear();
    formatters.set(id, (found = make()));
  }
  return found as T;
}

function attempt<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {}
}
