// What a placeholder's value is and what its filters do to it. Values are reduced to scalars
// first, so an object or array never renders as "[object Object]", and every result is text.
import type { FilterName, TemplateFilter } from './types.ts';

/** A value a filter works on; `undefined` is "missing" (renders empty unless `default` fills it). */
export type Scalar = string | number | boolean | Date | undefined;

/** What formatting filters need from the render call. */
export interface FilterEnv {
  locale: string | undefined;
  timeZone: string | undefined;
  now: () => number;
}

const NAMES: readonly FilterName[] = ['default', 'upper', 'lower', 'capitalize', 'truncate', 'number', 'date'];
const DATE_STYLES: Record<string, Intl.DateTimeFormatOptions | undefined> = {
  short: { dateStyle: 'medium' },
  long: { dateStyle: 'long', timeStyle: 'short' },
  relative: undefined,
};
// Largest unit first; `relative` picks the first one the distance reaches.
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536e6], ['month', 2_592e6], ['week', 6_048e5], ['day', 864e5], ['hour', 36e5], ['minute', 6e4], ['second', 1e3],
];

/** True when `name` is a filter this engine knows. */
export function isFilterName(name: string): name is FilterName {
  return (NAMES as readonly string[]).includes(name);
}

/** Checks a filter's argument; answers what is wrong with it, or null. */
export function checkFilterArgument(name: FilterName, arg: string | number | undefined): string | null {
  switch (name) {
    case 'default':
      return arg === undefined ? 'default needs a value, such as default: "there"' : null;
    case 'truncate':
      return typeof arg === 'number' && Number.isInteger(arg) && arg > 0 ? null : 'truncate needs a whole number of characters, such as truncate: 40';
    case 'date':
      return arg === undefined || (typeof arg === 'string' && Object.hasOwn(DATE_STYLES, arg)) ? null : 'date takes "short", "long" or "relative"';
    default:
      return arg === undefined ? null : `${name} takes no argument`;
  }
}

/** Reduces a looked-up value to a scalar: strings, finite-or-not numbers, booleans and dates pass. */
export function toScalar(value: unknown): Scalar {
  const kind = typeof value;
  if (kind === 'string' || kind === 'number' || kind === 'boolean' || value instanceof Date) return value as Scalar;
  return undefined;
}

/** The text a scalar renders as: missing and invalid dates are empty. */
export function toText(value: Scalar): string {
  if (value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return String(value);
}

/** Applies one filter; a missing value stays missing for all but `default`. */
export function applyFilter(filter: TemplateFilter, value: Scalar, env: FilterEnv): Scalar {
  if (filter.name === 'default') return value === undefined || value === '' ? filter.arg : value;
  if (value === undefined) return undefined;
  const text = toText(value);
  const locale = resolveLocale(env.locale);
  switch (filter.name) {
    case 'upper':
      return text.toLocaleUpperCase(locale);
    case 'lower':
      return text.toLocaleLowerCase(locale);
    case 'capitalize': {
      // By code point, so an astral first character is not split; the rest keeps its case ("McDonald").
      const first = String.fromCodePoint(text.codePointAt(0) ?? 32);
      return text ? first.toLocaleUpperCase(locale) + text.slice(first.length) : text;
    }
    case 'truncate': {
      const chars = Array.from(text);
      const max = filter.arg as number;
      return chars.length <= max ? text : chars.slice(0, max - 1).join('').trimEnd() + '…';
    }
    case 'number': {
      const n = typeof value === 'number' ? value : text.trim() ? Number(text) : NaN;
      return Number.isFinite(n) ? formatter('n', env, (l) => new Intl.NumberFormat(l)).format(n) : value;
    }
    case 'date':
      return formatDate(value, (filter.arg as string | undefined) ?? 'short', env);
  }
}

function formatDate(value: Exclude<Scalar, undefined>, style: string, env: FilterEnv): Scalar {
  // Numbers are epoch milliseconds, strings anything Date.parse reads (ISO 8601 from the service).
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(time) || Math.abs(time) > 864e13) return value;
  if (style === 'relative') {
    const diff = time - env.now();
    const [unit, size] = UNITS.find(([, ms]) => Math.abs(diff) >= ms) ?? UNITS[UNITS.length - 1]!;
    // `+ 0` turns -0 into 0 so "now" never reads "0 seconds ago".
    return formatter('r', env, (l) => new Intl.RelativeTimeFormat(l, { numeric: 'auto' })).format(Math.round(diff / size) + 0, unit);
  }
  return formatter(`d${style}`, env, (l, timeZone) => new Intl.DateTimeFormat(l, { ...DATE_STYLES[style], timeZone })).format(time);
}

//#region Intl caches: constructing a formatter costs far more than formatting with one.
const locales = new Map<string, string | undefined>();
const formatters = new Map<string, { format(...args: never[]): string }>();

// An invalid locale or time zone makes Intl throw a RangeError; rendering falls back instead.
function resolveLocale(locale: string | undefined): string | undefined {
  if (!locale) return undefined;
  if (!locales.has(locale)) {
    if (locales.size >= 64) locales.clear();
    let valid: string | undefined;
    try {
      valid = Intl.getCanonicalLocales(locale)[0];
    } catch {
      valid = undefined;
    }
    locales.set(locale, valid);
  }
  return locales.get(locale);
}

function resolveTimeZone(timeZone: string | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function formatter<F extends { format(...args: never[]): string }>(
  kind: string,
  env: FilterEnv,
  make: (locale: string | undefined, timeZone: string | undefined) => F,
): F {
  const key = `${kind}|${env.locale ?? ''}|${env.timeZone ?? ''}`;
  let found = formatters.get(key);
  if (!found) {
    if (formatters.size >= 64) formatters.clear();
    found = make(resolveLocale(env.locale), resolveTimeZone(env.timeZone));
    formatters.set(key, found);
  }
  return found as F;
}
//#endregion
