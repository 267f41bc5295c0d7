// Splitting one options object into what createInbox takes and what the UI takes.
import type { Inbox, InboxOptions } from '../core/index.ts';
import type { InboxStrings, InboxUIOptions } from '../ui/index.ts';

/** Options of `render()` and the element's `options` property: the inbox's and the UI's. */
export type RenderOptions = InboxOptions & InboxUIOptions;

/**
 * The element's `options` property: anything `render()` takes, all optional (attributes may
 * supply the rest), or an existing `inbox` to show instead of creating one.
 */
export type InboxElementOptions = Partial<InboxOptions> & InboxUIOptions & { inbox?: Inbox };

/** Separates UI options from inbox options (and an injected inbox). */
export function splitOptions(options: InboxElementOptions): {
  ui: InboxUIOptions;
  inboxOptions: Partial<InboxOptions>;
  inbox: Inbox | undefined;
} {
  const { mode, theme, placement, preferences, locale, translations, onNotificationClick, onAction, renderItemBody, toasts, titleCount, feedTabs, categories, inbox, ...inboxOptions } = options;
  return { ui: { mode, theme, placement, preferences, locale, translations, onNotificationClick, onAction, renderItemBody, toasts, titleCount, feedTabs, categories }, inboxOptions, inbox };
}

/** Names what createInbox still needs, or returns an empty list when the options are complete. */
export function missingOptions(options: Partial<InboxOptions>): string[] {
  const missing: string[] = [];
  if (!options.apiKey) missing.push('api-key');
  if (!options.baseUrl) missing.push('base-url');
  if (!options.userId && !options.userToken && !options.getUserToken) missing.push('user-id (or user-token)');
  return missing;
}

/** True when two option objects hold the same values (by identity, key by key). */
export function sameOptions(a: object, b: object): boolean {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (left[key] !== right[key]) return false;
  return true;
}

/**
 * Reads the `translations` attribute: a JSON object of strings, e.g. `{"title":"Alerts"}`.
 * Throws a TypeError naming the problem otherwise (the element shows it).
 */
export function parseTranslations(json: string): Partial<InboxStrings> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((s) => typeof s !== 'string')) {
    throw new TypeError('the translations attribute must be a JSON object of strings');
  }
  return value as Partial<InboxStrings>;
}

/**
 * Reads the `categories` attribute: a JSON array of `{"id", "label"}` strings, e.g.
 * `[{"id":"billing","label":"Billing"}]`. Throws a TypeError naming the problem otherwise.
 */
export function parseCategories(json: string): InboxUIOptions['categories'] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {}
  if (!Array.isArray(value) || !value.every((c) => typeof c?.id === 'string' && typeof c.label === 'string')) {
    throw new TypeError('the categories attribute must be a JSON array of {"id", "label"} strings');
  }
  return value;
}
