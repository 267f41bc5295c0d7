// The inbox counters (`users.unseen_count`, `users.unread_count`) are adjusted by the difference
// each change makes, computed from the states of the rows it actually changed. Both storages
// share these rules, so the counters mean exactly what a scan would count.
import type { Counts, NotificationPatch } from 'belfry/protocol';

/** The state columns of a notification row that the counters depend on. */
export interface NotificationStates {
  seen_at: string | null;
  read_at: string | null;
  archived_at: string | null;
}

/** The bulk actions that set one state column, and the column each sets. */
export const BULK_COLUMNS = { read: 'read_at', seen: 'seen_at', archive: 'archived_at' } as const;

/** What one notification in these states adds to the counts: unarchived and unseen/unread. */
export function countsOfStates(states: NotificationStates): Counts {
  const open = states.archived_at === null;
  return { unseen: open && states.seen_at === null ? 1 : 0, unread: open && states.read_at === null ? 1 : 0 };
}

/** The change of the counts when one notification goes from `before` to `after` (null: absent). */
export function countsDelta(before: NotificationStates | null, after: NotificationStates | null): Counts {
  const was = before ? countsOfStates(before) : { unseen: 0, unread: 0 };
  const is = after ? countsOfStates(after) : { unseen: 0, unread: 0 };
  return { unseen: is.unseen - was.unseen, unread: is.unread - was.unread };
}

/**
 * The change of the counts made by a bulk action, from the rows it changed: deleted rows as they
 * were, updated rows as they are now. An update only touches rows whose column was NULL, so each
 * row's previous state is its current one with that column cleared.
 */
export function bulkDelta(action: keyof typeof BULK_COLUMNS | 'delete', rows: readonly NotificationStates[]): Counts {
  const total = { unseen: 0, unread: 0 };
  for (const row of rows) {
    const delta = action === 'delete' ? countsDelta(row, null) : countsDelta({ ...row, [BULK_COLUMNS[action]]: null }, row);
    total.unseen += delta.unseen;
    total.unread += delta.unread;
  }
  return total;
}

/**
 * The states a `PATCH {read?, seen?, archived?}` leads to at time `at`: a flag that is absent or
 * already true of the row keeps the stored time; true sets `at`, false clears. Null when nothing
 * changes (and so nothing is written).
 */
export function patchedStates(row: NotificationStates, patch: NotificationPatch, at: string): NotificationStates | null {
  const next = (current: string | null, wanted: boolean | undefined) =>
    wanted === undefined || wanted === (current !== null) ? current : wanted ? at : null;
  const after = { seen_at: next(row.seen_at, patch.seen), read_at: next(row.read_at, patch.read), archived_at: next(row.archived_at, patch.archived) };
  return after.seen_at === row.seen_at && after.read_at === row.read_at && after.archived_at === row.archived_at ? null : after;
}

/**
 * The `categories` of a tab count: every category asked for, with the count found for it or 0.
 * Built from entries, so a category named `__proto__` is an own property like any other.
 */
export function categoryCounts(categories: readonly string[], found: Iterable<readonly [string, number]>): Record<string, number> {
  const counts = new Map(categories.map((category) => [category, 0]));
  for (const [category, count] of found) counts.set(category, Number(count));
  return Object.fromEntries(counts);
}
