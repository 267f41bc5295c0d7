// The body of `PUT /v1/me/preferences`: `{preferences: {[category]: {[channel]: boolean}}}`.
import { CHANNEL_NAMES, isPlainObject } from 'belfry/protocol';
import type { ChannelName, Preferences } from 'belfry/protocol';
import { invalidField } from '../errors.ts';
import { objectField } from '../http/index.ts';

/** Longest category name (the same bound a trigger's `notification.category` has). */
export const MAX_CATEGORY_LENGTH = 100;
/** Most categories one user may hold preferences for (rows are per category × channel). */
export const MAX_PREFERENCE_CATEGORIES = 100;

/** Parses and checks a preferences patch; 400 naming the category or channel that is wrong. */
export function validPreferencesPatch(body: unknown): Preferences {
  const preferences = objectField(objectField(body, 'body')['preferences'], 'preferences');
  const categories = Object.keys(preferences);
  if (categories.length > MAX_PREFERENCE_CATEGORIES) throw invalidField('preferences', `must name at most ${MAX_PREFERENCE_CATEGORIES} categories`);
  // A Map, then Object.fromEntries: own data properties even for a category named `__proto__`.
  const patch = new Map<string, Partial<Record<ChannelName, boolean>>>();
  for (const category of categories) {
    const field = `preferences.${category}`;
    if (category.length === 0 || category.length > MAX_CATEGORY_LENGTH) throw invalidField(field, `category names must be 1–${MAX_CATEGORY_LENGTH} characters`);
    // Names like `constructor` or `__proto__` resolve to Object.prototype members when a
    // preferences object is indexed by category, which would turn a lookup into a write there.
    if (category in Object.prototype) throw invalidField(field, 'is a reserved name');
    const channels = preferences[category];
    if (!isPlainObject(channels)) throw invalidField(field, 'must be an object of channel: boolean');
    const entry: Partial<Record<ChannelName, boolean>> = {};
    for (const [channel, enabled] of Object.entries(channels)) {
      if (!(CHANNEL_NAMES as readonly string[]).includes(channel)) throw invalidField(`${field}.${channel}`, `is not a channel: use one of ${CHANNEL_NAMES.join(', ')}`);
      if (typeof enabled !== 'boolean') throw invalidField(`${field}.${channel}`, 'must be a boolean');
      entry[channel as ChannelName] = enabled;
    }
    patch.set(category, entry);
  }
  return Object.fromEntries(patch);
}
