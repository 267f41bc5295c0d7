// The filtered feed behind `inbox.setFilter()` (a tab: Unread, Archived, a category) and the tab
// counts behind `inbox.tabCounts()`. The reducer keeps only the main feed (what is cached); a
// filter holds its own list, fetched from the service with the filter and kept live by watching
// the actions the store applies:
//   - a change with a seq above the page's is applied through the filter's predicate: a new
//     matching item appears, an archived one leaves All and Unread, an unarchived one leaves
//     Archived, a deleted one leaves;
//   - an item read while shown in Unread stays (read) until the filter changes, so rows do not jump
//     from under the user's pointer, also when it is read before the first page arrives (the
//     main feed filtered is then taken as the list) and over a first page that leaves it out;
//   - a fresh first page of the main feed (a resync, a reconnect) refetches the filter's.
// Until its first page arrives (or when the service cannot be reached), a filter that the main
// feed contains (unread, a category) shows the main feed filtered; Archived shows nothing yet.
import { computed, signal } from '@preact/signals-core';
import type { ReadonlySignal } from '@preact/signals-core';
import { isPlainObject } from '../protocol/index.ts';
import type { Notification, TabCounts } from '../protocol/index.ts';
import { InboxError } from './errors.ts';
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
  failed?: boolean;
}

/** True when `n` belongs in the feed of `filter`; `held`: it is shown already (a read item stays in Unread). */
export const matches = ({ status, category }: FeedFilter, n: Notification, held?: boolean): boolean =>
  (status === 'archived') === !!n.archivedAt && (status !== 'unread' || held || !n.readAt) && (!category || n.category === category);

/** What the filtered feed needs of the inbox. */
export interface FeedDeps {
  get(path: string): Promise<unknown>;
  state(): InboxState;
  main: { notifications: ReadonlySignal<readonly Notification[]>; hasMore: ReadonlySignal<boolean>; status: ReadonlySignal<InboxStatus> };
  pageSize: number;
}

/** Creates the filtered feed of one inbox. */
export function createFeedFilter({ get, state, main, pageSize }: FeedDeps) {
  const feed = signal<Feed | null>(null);
  const filter = computed(() => feed.value?.filter ?? {});
  // Tab count signals that someone watches, and the timer of their next read.
  const watched = new Set<() => void>();
  let countsTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Changes the feed if it still shows filter `f` (a list applied meanwhile is the one changed, so an
   * answer does not undo the changes that arrived while it was on its way).
   */
  const edit = (f: FeedFilter, change: Partial<Feed>) => {
    const latest = feed.peek();
    return latest?.filter === f && !!(feed.value = { ...latest, ...change });
  };

  /**
   * Fetches a page of the current filter: the first (`cursor` absent) replaces the list, a later
   * one is appended. A first page older than the main feed is fetched again (a change fell between).
   */
  async function load(cursor?: string | null, again?: boolean): Promise<void> {
    const current = feed.peek();
    if (!current || cursor === null) return;
    const { filter: f } = current;
    try {
      const page = parseNotificationPage(await get('/v1/me/notifications?' + new URLSearchParams({ limit: '' + pageSize, ...f, ...(cursor && { cursor }) })));
      if (!page) throw new InboxError('protocol', 'bad answer');
      if (!cursor && !again && page.seq < state().seq) return load(cursor, true);
      // The list now shown, with the changes applied while the page was on its way.
      // (Another filter's list, if the filter changed meanwhile: then nothing is edited.)
      const items = feed.peek()?.items;
      const { nextCursor } = page;
      let fresh: readonly Notification[] = page.items.filter((n) => matches(f, n) && !(cursor && items!.some((shown) => shown.id === n.id)));
      // A first page lists no read item: those read while shown (held) are put back in, in order.
      if (!cursor) for (const n of items ?? []) if (!matches(f, n)) fresh = put(current, [...fresh, n], n);
      edit(f, cursor ? { items: [...items!, ...fresh], nextCursor } : { items: fresh, nextCursor, seq: page.seq, failed: false });
    } catch (error) {
      // A filter changed meanwhile has nothing to report.
      if (edit(f, { failed: !cursor })) throw error;
    }
  }
  const reload = () => void load().catch(() => {});

  /** `items` with `n` (or the id) put in, replaced or taken out by the filter's predicate, in `createdAt` order. */
  function put({ filter: f, nextCursor }: Feed, items: readonly Notification[], n: Notification | string): readonly Notification[] {
    const id = (n as Notification).id ?? n;
    const held = items.some((item) => item.id === id);
    const next = items.filter((item) => item.id !== id);
    if (typeof n === 'string' || !matches(f, n, held)) return next;
    const at = next.findIndex((item) => item.createdAt <= n.createdAt);
    // Older than everything loaded while older pages remain: its page brings it.
    if (at < 0 && nextCursor && !held) return items;
    next.splice(at < 0 ? next.length : at, 0, n);
    return next;
  }

  /** Applies an action the store just applied (`before`: the state before it) to the filtered list. */
  function observe(action: InboxAction, before: InboxState): void {
    const { type } = action;
    if (watched.size && !countsTimer && (type === 'events.received' || type === 'mutation.succeeded' || type === 'connected')) {
      countsTimer = setTimeout(() => ((countsTimer = undefined), watched.forEach((read) => read())), TAB_COUNTS_DELAY_MS);
    }
    const current = feed.peek();
    if (type === 'reset') feed.value = null;
    if (!current) return;
    if ((type === 'page.loaded' && !action.cursor) || (type === 'connection.changed' && action.connection === 'online' && current.failed)) return reload();
    const { filter: f } = current;
    let { items, seq } = current;
    // Before its first page the list shown is the main feed filtered (Archived shows nothing): a
    // change to it makes that the list, so an item read there stays.
    if (!items && f.status !== 'archived') items = before.items.filter((n) => matches(f, n));
    const base = items;
    if (!items) return;
    const change = (n: Notification | string) => (items = put(current, items!, n));
    if (type === 'optimistic.applied') action.items.forEach(change);
    if (type === 'mutation.succeeded' && action.response.notification && action.response.seq >= seq) change(action.response.notification);
    if (type === 'events.received') {
      for (const e of changesAfter(Math.max(seq, before.seq), action.events)) {
        seq = e.seq;
        if (e.type === 'notification.deleted') change(e.id);
        else if (e.type === 'notifications.bulk') {
          const { ids, category, action: bulk, at } = e;
          // Archiving all moves items Archived does not hold yet: its first page says which.
          if (bulk === 'archive' && !ids && f.status === 'archived') return reload();
          const field = bulk === 'read' ? 'readAt' : bulk === 'seen' ? 'seenAt' : 'archivedAt';
          for (const n of items) if (ids ? ids.includes(n.id) : !category || n.category === category) change(bulk === 'delete' ? n.id : { ...n, [field]: n[field] ?? at });
        } else if (e.type !== 'user.updated') change(e.notification);
      }
    }
    if (current.items || items !== base) edit(f, { items, seq });
  }

  /** Reads the counts of the given category tabs while the signal is watched. */
  function tabCounts(categories: readonly string[]): ReadonlySignal<TabCounts | null> {
    const read = () =>
      get('/v1/me/counts?' + new URLSearchParams(categories.map((c) => ['category', c]))).then((v) => {
        // An answer older than the one shown (reads can overtake each other) is dropped.
        if (isPlainObject(v) && isCounts(v.counts) && isPlainObject(v.categories) && (v.seq as number) >= (counts.peek()?.seq ?? 0)) counts.value = v as unknown as TabCounts;
      }, () => {}); // unreachable: the last counts stay, and the next change reads again
    const counts = signal<TabCounts | null>(null, {
      watched: () => void (watched.add(read), read()),
      unwatched: () => void watched.delete(read),
    });
    return counts;
  }

  const pick = <T>(filtered: (f: Feed) => T, unfiltered: ReadonlySignal<T>) => computed(() => (feed.value ? filtered(feed.value) : unfiltered.value));

  return {
    filter,
    signals: {
      // Before its first page (and offline) a filter the main feed contains shows the main feed filtered.
      notifications: pick((f) => f.items ?? (f.filter.status === 'archived' ? [] : main.notifications.value.filter((n) => matches(f.filter, n))), main.notifications),
      hasMore: pick((f) => !!f.items && !!f.nextCursor, main.hasMore),
      // Archived has nothing to show before its page: loading, or the failure (offline) that stops it.
      status: pick((f) => (f.items || f.filter.status !== 'archived' ? main.status.value : f.failed ? 'error' : 'loading'), main.status),
    },
    /** A held item, so actions taken in a tab apply at once there and in the main feed. */
    find: (test: (n: Notification) => boolean) => feed.peek()?.items?.find(test),
    set({ status, category }: FeedFilter): Promise<void> {
      const f = filter.peek();
      if (status == f.status && category == f.category) return Promise.resolve();
      feed.value = status || category ? { filter: { ...(status && { status }), ...(category && { category }) }, items: null, nextCursor: null, seq: 0 } : null;
      return load();
    },
    active: () => !!feed.peek(),
    loadMore: () => load(feed.peek()?.nextCursor),
    observe,
    tabCounts,
    stop: () => clearTimeout(countsTimer),
  };
}
