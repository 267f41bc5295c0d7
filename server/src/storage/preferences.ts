// Preference rows to the wire shape, shared by the SQLite and PostgreSQL stores.
import type { ChannelName, Preferences } from 'belfry/protocol';

/** A row of `preferences`; SQLite stores `enabled` as 0/1, PostgreSQL as a boolean. */
export interface PreferenceRow {
  category: string;
  channel: ChannelName;
  enabled: boolean | number;
}

/**
 * Groups a user's rows by category. Categories are user data: collected in a Map and turned into
 * own properties, so a category named like an Object.prototype member (`__proto__`) stays data.
 */
export function toPreferences(rows: readonly PreferenceRow[]): Preferences {
  const byCategory = new Map<string, Partial<Record<ChannelName, boolean>>>();
  for (const row of rows) {
    let channels = byCategory.get(row.category);
    if (!channels) byCategory.set(row.category, (channels = {}));
    channels[row.channel] = Boolean(row.enabled);
  }
  return Object.fromEntries(byCategory);
}
