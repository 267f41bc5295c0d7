// Attribute merging shared by the storage (inside its transaction) and the routes (to enforce
// the attribute limit on the merged result before writing).
import type { Attributes, Json } from 'belfry/protocol';

/** Merges `patch` into `current`: `null` removes an attribute, anything else sets it. */
export function mergeAttributes(current: Attributes, patch: Attributes): Attributes {
  // A Map plus Object.fromEntries defines own properties, so a `__proto__` attribute stays data.
  const merged = new Map<string, Json>(Object.entries(current));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) merged.delete(key);
    else merged.set(key, value);
  }
  return Object.fromEntries(merged);
}
