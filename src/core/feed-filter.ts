// The filtered feed behind `inbox.setFilter()` (a tab: Unread, Archived, a category) and the tab
// counts behind `inbox.tabCounts()`. The reducer keeps only the main feed (what is cached); a
// filter holds its own list, fetched from the service with the filter and kept live by watching
// the actions the store applies:
//   - a change with a seq above the page's is applied through the filter's predicate: a new
//     matching item appears, an archived one leaves All and Unread, an unarchived one leaves
//     Archived, a deleted one leaves;
//   - an item read while shown in Unread stays (read) until the filter changes, so rows do not jump
//     from under the user's pointer;
//   - a fresh first page of the main feed (a resync, a reconnect) refetches the filter's.
// Until its first page arrives (or when the service cannot be reached), a filter that the main
// feed contains (unread, a category) shows the main feed filtered; Archived shows nothing yet.
import { computed, signal } from '@preact/signals-core';
import type { ReadonlySignal } from '@preact/signals-core';
import { isPlainObject } from '../protocol/index.ts';
import type { Notification, TabCounts } from '../protocol/index.ts';
import type { InboxError } from './errors.ts';
import { changesAfter } from './reducer.ts';
import type { InboxAction, InboxState } from './reducer.ts';
import type { FeedFilter, InboxStatus } from './types.ts';
import { isCounts, parseNotificationPage } from './validate.ts';

/** Wait after a change before the tab counts are read again; a burst of changes shares one read. */
export const TAB_COUNTS_DELAY_MS = 300;

interface Feed {
  filter: FeedFilter;
  /** null until the first page arrives. */
  items: readonly Notification[] | null;
  nextCursor: string | null;
  /** The seq the list reflects: changes above it are applied. */
  seq: number;
  error: InboxError | null;
}

/** True when `n` belongs in the feed of `filter`; `held`: it is shown already (a read item stays in Unread). */
export const matches = ({ status, category }: FeedFilter, n: Notification, held?: boolean): boolean =>
  (status === 'archived') === (n.archivedAt !== null) && (status !== 'unread' || held || n.readAt === null) && (!category || n.category === category);

/** `items` with `n` put in, replaced or taken out by the filter's predicate, in `createdAt` order. */
function put(items: readonly Notification[], n: Notification | string, filter: FeedFilter, more: boolean): readonly Notification[] {
  const id = typeof n === 'string' ? n : n.id;
  const at = items.findIndex((item) => item.id === id);
  const next = items.filter((item) => item.id !== id);
  if (typeof n === 'string' || !matches(filter, n, at >= 0)) return at < 0 ? items : next;
  let i = next.findIndex((item) => item.createdAt <= n.createdAt);
  // Older than everything loaded while older pages remain: its page brings it.
  if (i < 0 && more && at < 0) return items;
  next.splice(i < 0 ? next.length : i, 0, n);
  return next;
}

/** What the filtered feed needs of the inbox. */
export interface FeedDeps {
  get(path: string): Promise<unknown>;
  state(): InboxState;
  main: { notifications: ReadonlySignal<readonly Notification[]>; hasMore: ReadonlySignal<boolean>; status: ReadonlySignal<InboxStatus>; error: ReadonlySignal<InboxError | null> };
  pageSize: number;
  valid<T>(value: T | null | false): T;
}

/** Creates the filtered feed of one inbox. */
export function createFeedFilter({ get, state, main, pageSize, valid }: FeedDeps) {
  const feed = signal<Feed | null>(null);
  const filter = computed(() => feed.value?.filter ?? {});
  // Tab count signals that someone watches, and the timer of their next read.
  const watched = new Set<() => void>();
  let countsTimer: ReturnType<typeof setTimeout> | undefined;
  let loading: Promise<void> | undefined;

  const query = (f: FeedFilter, cursor?: string) =>
    `/v1/me/notifications?limit=${pageSize}${f.status ? '&status=' + f.status : ''}${f.category ? '&category=' + encodeURIComponent(f.category) : ''}${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`;
  const edit = (current: Feed, change: Partial<Feed>) => feed.value === current && (feed.value = { ...current, ...change });

  /** Fetches the first page of the current filter; a page older than the main feed is fetched again (a change fell between them). */
  async function refetch(again = true): Promise<void> {
    const current = feed.value;
    if (!current) return;
    try {
      const page = valid(parseNotificationPage(await get(query(current.filter))));
      if (again && page.seq < state().seq && feed.value === current) return refetch(false);
      edit(current, { items: page.items.filter((n) => matches(current.filter, n)), nextCursor: page.nextCursor, seq: page.seq, error: null });
    } catch (error) {
      // A filter changed meanwhile has nothing to report.
      if (edit(current, { error: error as InboxError })) throw error;
    }
  }

  /** Applies an action the store just applied (`before`: the state before it) to the filtered list. */
  function observe(action: InboxAction, before: InboxState): void {
    if (action.type === 'events.received' || action.type === 'mutation.succeeded' || action.type === 'connected') {
      if (watched.size && !countsTimer) countsTimer = setTimeout(() => ((countsTimer = undefined), watched.forEach((read) => read())), TAB_COUNTS_DELAY_MS);
    }
    const current = feed.value;
    if (action.type === 'reset') feed.value = null;
    if (!current) return;
    if (action.type === 'page.loaded' && !action.cursor) return void refetch().catch(() => {});
    if (action.type === 'connection.changed' && action.connection === 'online' && current.error) return void refetch().catch(() => {});
    let { items, seq, nextCursor, filter: f } = current;
    if (!items) return;
    const more = nextCursor !== null;
    if (action.type === 'optimistic.applied') action.items.forEach((n) => (items = put(items!, n, f, more)));
    if (action.type === 'mutation.succeeded' && action.response.notification && action.response.seq >= seq) items = put(items, action.response.notification, f, more);
    if (action.type === 'events.received') {
      for (const e of changesAfter(Math.max(seq, before.seq), action.events)) {
        seq = e.seq;
        if (e.type === 'notification.deleted') items = put(items, e.id, f, more);
        else if (e.type === 'notification.created' || e.type === 'notification.updated') items = put(items, e.notification, f, more);
        else if (e.type === 'notifications.bulk') {
          const { ids, category, action: bulk, at } = e;
          // Archiving all moves items Archived does not hold yet: its first page says which.
          if (bulk === 'archive' && !ids && f.status === 'archived') return void refetch().catch(() => {});
          const field = bulk === 'read' ? 'readAt' : bulk === 'seen' ? 'seenAt' : 'archivedAt';
          for (const n of items) {
            if (ids ? ids.includes(n.id) : category === null || n.category === category) items = put(items, bulk === 'delete' ? n.id : { ...n, [field]: n[field] ?? at }, f, more);
          }
        }
      }
    }
    edit(current, { items, seq });
  }

  /** Reads the counts of the given category tabs while the signal is watched. */
  function tabCounts(categories: readonly string[]): ReadonlySignal<TabCounts | null> {
    const read = () =>
      get('/v1/me/counts' + categories.map((c, i) => (i ? '&' : '?') + 'category=' + encodeURIComponent(c)).join('')).then((v) => {
        // An answer older than the one shown (reads can overtake each other) is dropped.
        if (isPlainObject(v) && isCounts(v.counts) && isPlainObject(v.categories) && typeof v.archived === 'number' && (v.seq as number) >= (counts.peek()?.seq ?? 0)) counts.value = v as unknown as TabCounts;
      }, () => {}); // unreachable: the last counts stay, and the next change reads again
    const counts = signal<TabCounts | null>(null, {
      watched: () => void (watched.add(read), read()),
      unwatched: () => void watched.delete(read),
    });
    return counts;
  }

  const pick = <T>(filtered: (f: Feed) => T, unfiltered: ReadonlySignal<T>) => computed(() => (feed.value ? filtered(feed.value) : unfiltered.value));
  const derived = (f: Feed) => (f.filter.status === 'archived' ? [] : main.notifications.value.filter((n) => matches(f.filter, n)));

  return {
    filter,
    signals: {
      notifications: pick((f) => f.items ?? derived(f), main.notifications),
      hasMore: pick((f) => f.items !== null && f.nextCursor !== null, main.hasMore),
      // Archived has nothing to show before its page: loading, or the failure (offline) that stops it.
      status: pick((f) => (f.items || f.filter.status !== 'archived' ? main.status.value : f.error ? 'error' : 'loading'), main.status),
      error: pick((f) => f.error ?? main.error.value, main.error),
    },
    /** Held items, so actions taken in a tab apply at once there and in the main feed. */
    find: (test: (n: Notification) => boolean) => feed.peek()?.items?.find(test),
    set(next: FeedFilter): Promise<void> {
      const f: FeedFilter = {};
      if (next.status) f.status = next.status;
      if (next.category) f.category = next.category;
      if (JSON.stringify(f) === JSON.stringify(filter.peek())) return Promise.resolve();
      feed.value = f.status || f.category ? { filter: f, items: null, nextCursor: null, seq: 0, error: null } : null;
      return refetch();
    },
    async loadMore(): Promise<void> {
      const current = feed.peek();
      const cursor = current?.nextCursor;
      if (!cursor) return;
      await (loading ??= get(query(current.filter, cursor))
        .then((answer) => {
          const page = valid(parseNotificationPage(answer));
          const known = new Set(current.items!.map((n) => n.id));
          edit(current, { items: [...current.items!, ...page.items.filter((n) => !known.has(n.id) && matches(current.filter, n))], nextCursor: page.nextCursor });
        })
        .finally(() => (loading = undefined)));
    },
    observe,
    tabCounts,
    stop: () => clearTimeout(countsTimer),
  };
}

/** The filtered feed of an inbox. */
export type FeedFilterController = ReturnType<typeof createFeedFilter>;
