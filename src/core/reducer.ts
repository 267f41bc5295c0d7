// The inbox's one path for change: `reduce(state, action) => state`, pure and synchronous.
// Every answer, stream event, cache read and optimistic action goes through here, and the
// signals are written from the result inside one batch (see store.ts).
//
// Invariants (each action below keeps them):
//   1. `items` is the main feed: no archived notification, ids unique, newest `createdAt` first.
//   2. `seq` is the last stream event applied. An event with `seq <= state.seq` is ignored, so
//      a replayed or duplicated event applies exactly once; the first page resets `seq` to its
//      own, because it already contains every change up to it.
//   3. `counts` are the server's, never computed here; `countsSeq` is the seq they were taken at,
//      and counts older than that are ignored (an answer and an event can arrive in either order).
//   4. `nextCursor` continues exactly where `items` ends; a later page is appended only when it
//      was fetched with the current cursor, so a refetch of page 1 cannot leave a hole.
//   5. An action that changes nothing returns the same state object.
//   6. A notification (or the user) read again with the same content keeps the object shown, so
//      views that compare by identity skip it.
// The reducer is a table of one handler per action type.
import type { ConnectResponse, Counts, InboxChangeEvent, MutationResponse, Notification, NotificationPage, StreamEvent } from '../protocol/index.ts';
import type { InboxError } from './errors.ts';
import type { ConnectionState, InboxStatus, InboxUser } from './types.ts';

/** Everything the inbox knows; the signals are projections of it. */
export interface InboxState {
  readonly items: readonly Notification[];
  readonly counts: Counts;
  readonly countsSeq: number;
  readonly user: InboxUser | null;
  /** The app's name from connect, for the `app` root of templates. */
  readonly appName: string | null;
  readonly seq: number;
  readonly nextCursor: string | null;
  readonly status: InboxStatus;
  readonly connection: ConnectionState;
  readonly error: InboxError | null;
}

/** What the cache holds for one app + user. */
export interface CachedInbox {
  items: Notification[];
  counts: Counts;
  seq: number;
  user: InboxUser;
  appName?: string | null;
}

/**
 * What an optimistic action changes: items put into the feed the way an update event would (with
 * a field changed; archived, which takes an item out; unarchived, which puts it back). On a
 * rollback `expected` holds what the action put there, so an item changed since is left alone.
 */
export interface Optimistic {
  items: readonly Notification[];
  expected?: readonly Notification[];
}

/** Everything that can change the inbox. */
export type InboxAction =
  /** `over`: the state when the cache read started; the copy applies only over that state. */
  | { type: 'cache.loaded'; cached: CachedInbox; over: InboxState }
  | { type: 'connected'; response: ConnectResponse }
  /** `cursor` is the cursor the page was fetched with; null for the first page. */
  | { type: 'page.loaded'; page: NotificationPage; cursor: string | null }
  /** The events of one stream chunk (or long-poll answer), applied in one pass. */
  | { type: 'events.received'; events: readonly StreamEvent[] }
  | { type: 'mutation.succeeded'; response: MutationResponse }
  /** An optimistic change, or (with `expected`) its undo. */
  | ({ type: 'optimistic.applied' } & Optimistic)
  | { type: 'connection.changed'; connection: ConnectionState }
  /** The user logged out: nothing of theirs stays in memory. */
  | { type: 'reset' }
  /** A background failure; `fatal` ones (bad credentials) stop the connection for good. */
  | { type: 'failed'; error: InboxError; fatal: boolean };

/** The state before anything is known. */
export const initialState: InboxState = {
  items: [],
  counts: { unseen: 0, unread: 0 },
  countsSeq: -1,
  user: null,
  appName: null,
  seq: 0,
  nextCursor: null,
  status: 'loading',
  connection: 'connecting',
  error: null,
};

//#region feed editing

const time = (n: Notification): number => Date.parse(n.createdAt) || 0; // NaN (unparsable) -> 0

/**
 * Edits the feed of `state` for one action: the list is copied once, on its first change, so a
 * batch of 1,000 events costs one copy, not 1,000 (ids are found by a scan: a map of them paid
 * only from hundreds of events on, and cost bytes). Answers:
 * - `items()`: the feed now (the very `start` while nothing changed, invariant 5);
 * - `shown(id)`: the item held under `id`;
 * - `set(id, n)`: puts `n` in place of the item with `id` (undefined: takes it out). A new item is
 *   inserted by `createdAt` (before equal times: it is the newer event); one older than the last
 *   loaded item is left for `loadMore` while older pages remain, or it would show out of order and
 *   then again in that page;
 * - `put(n)`: `set` for an item as the service sends it (an archived one leaves the feed).
 */
function editor({ items: start, nextCursor }: InboxState) {
  let items = start as Notification[];
  const shown = (id: string) => items.find((n) => n.id === id);
  const set = (id: string, n?: Notification): void => {
    const old = shown(id);
    if (old === n) return;
    const t = n && time(n);
    const at = old ? items.indexOf(old) : items.findIndex((item) => time(item) <= t!);
    if (old || at >= 0 || nextCursor === null) {
      if (items === start) items = items.slice();
      items.splice(at < 0 ? items.length : at, old ? 1 : 0, ...(n ? [n] : []));
    }
  };
  const put = (n: Notification) => set(n.id, n.archivedAt === null ? n : undefined);
  return [() => items, shown, set, put] as const;
}

/**
 * `now`, or `was` when its content is the same (invariant 6). A cache copy or a page read again
 * brings new objects for unchanged notifications and the user; without this, every item rendered
 * again once the IndexedDB copy replaced the first-screen snapshot. The keys come in the service's
 * order in every copy (JSON and IndexedDB keep it); a different order only costs a render.
 */
const same = <T,>(was: T | undefined, now: T): T => (was && (was === now || JSON.stringify(was) === JSON.stringify(now)) ? was : now);

/**
 * Keeps server order, drops archived items and repeated ids (first occurrence wins), and keeps
 * the object `state` holds for an item that did not change.
 */
const feedOf = (list: readonly Notification[], { items }: InboxState, seen = new Set<string>(), held = new Map(items.map((n) => [n.id, n]))) =>
  list.filter((n) => n.archivedAt === null && !seen.has(n.id) && !!seen.add(n.id)).map((n) => same(held.get(n.id), n));

/** The counts to keep: `counts` taken at `seq` unless newer ones are held (invariant 3). */
const counted = (state: InboxState, counts: Counts, seq: number) => (seq < state.countsSeq ? {} : { counts, countsSeq: seq });

/** What undoes `op` on `state` (computed before applying it). */
export function rollbackFor(state: InboxState, op: Optimistic): Optimistic {
  return {
    // An item in the feed comes back as it is; one that was not there leaves again.
    items: op.items.map((n) => state.items.find((shown) => shown.id === n.id) ?? { ...n, archivedAt: n.archivedAt ?? n.createdAt }),
    expected: op.items,
  };
}

function applyOptimistic(state: InboxState, op: Optimistic): InboxState {
  const [items, shown, , put] = editor(state);
  op.items.forEach((n, i) => {
    const expected = op.expected?.[i];
    // A rollback restores only what the action left there (the very object, or still no item
    // for one it took out): if the service changed the item meanwhile, that is newer than both.
    if (!expected || shown(n.id) === (expected.archivedAt === null ? expected : undefined)) put(n);
  });
  return items() === state.items ? state : { ...state, items: items() };
}

//#endregion

//#region events

/**
 * The events of a batch that change an inbox at `seq`, in order: inbox changes (not heartbeats,
 * resyncs or reauths, which carry no counts) with a seq above every one before them. The reducer
 * applies exactly these; the connection emits `notification.received` for the created ones.
 */
export const changesAfter = (seq: number, events: readonly StreamEvent[]): InboxChangeEvent[] =>
  events.filter((e): e is InboxChangeEvent => 'counts' in e && e.seq > seq && ((seq = e.seq), true));

/**
 * Applies a batch of events in one pass, with the result of applying them one at a time: each
 * change once, in seq order (invariant 2), counts and seq of the last, the feed copied once.
 */
function applyEvents(state: InboxState, events: readonly StreamEvent[]): InboxState {
  const [items, , set, put] = editor(state);
  let { seq, counts, countsSeq, user } = state;
  for (const e of changesAfter(seq, events)) {
    seq = e.seq;
    if (seq >= countsSeq) [counts, countsSeq] = [e.counts, seq];
    if (e.type === 'notification.deleted') set(e.id);
    // Templates render with the user's current attributes; a new user object re-renders them.
    else if (e.type === 'user.updated') user = e.user;
    else if (e.type !== 'notifications.bulk') put(e.notification);
    else {
      const { ids, category, action, at } = e;
      const only = ids && new Set(ids);
      const field = action === 'read' ? 'readAt' : 'seenAt';
      // ids null: every notification (of the category, when given) that existed at this seq —
      // which, events being applied in order, is every item we hold now.
      for (const n of items().slice()) {
        if (only ? only.has(n.id) : category === null || n.category === category) {
          set(n.id, action === 'archive' || action === 'delete' ? undefined : n[field] !== null ? n : { ...n, [field]: at });
        }
      }
    }
  }
  return seq === state.seq ? state : { ...state, items: items(), seq, counts, countsSeq, user };
}

//#endregion

//#region reducer

type Handlers = { [T in InboxAction['type']]: (state: InboxState, action: Extract<InboxAction, { type: T }>) => InboxState };

const handlers: Handlers = {
  'cache.loaded': (state, { cached, over }) =>
    // Anything that changed the inbox while the cache was read (the network answering, an action)
    // is newer than the cached copy. The state the first-screen snapshot made is what the full
    // copy replaces.
    state !== over
      ? state
      : { ...state, ...cached, user: same(state.user, cached.user), items: feedOf(cached.items, state), countsSeq: cached.seq, status: 'ready' },
  'connected': (state, { response: { user, app, counts, seq } }) => ({
    ...state,
    user: same(state.user, user),
    appName: app.name,
    // The service's log is behind our cursor: it was reset or restored, so our seq means nothing
    // there. Start over from its seq; the first page then replaces the items.
    ...(seq < state.seq ? { counts, countsSeq: seq, seq } : counted(state, counts, seq)),
  }),
  'page.loaded': (state, { page, cursor }) =>
    cursor === null
      ? { ...state, ...counted(state, page.counts, page.seq), items: feedOf(page.items, state), nextCursor: page.nextCursor, seq: page.seq, status: 'ready', error: null }
      : cursor !== state.nextCursor
        ? state // fetched before page 1 was replaced (invariant 4)
        : {
            ...state,
            ...counted(state, page.counts, page.seq),
            // The items held come first and win over the page's copies (none of them is archived).
            items: feedOf([...state.items, ...page.items], state),
            nextCursor: page.nextCursor,
          },
  'events.received': (state, { events }) => applyEvents(state, events),
  'mutation.succeeded': (state, { response: { notification, counts, seq } }) => {
    const [items, , , put] = editor(state);
    // An answer older than the events already applied would undo them; its counts are guarded
    // by countsSeq, its notification by seq.
    if (notification && seq >= state.seq) put(notification);
    const fresh = counted(state, counts, seq);
    return items() === state.items && !fresh.counts ? state : { ...state, ...fresh, items: items() };
  },
  'optimistic.applied': applyOptimistic,
  'reset': () => ({ ...initialState, connection: 'closed' }),
  'connection.changed': (state, { connection }) =>
    // An open stream proves the service is reachable: a past network error no longer holds.
    connection === state.connection ? state : { ...state, connection, error: connection === 'online' ? null : state.error },
  'failed': (state, { error, fatal }) =>
    // With nothing to show, a failure is the inbox's status; with data, it stays shown.
    fatal
      ? { ...state, error, status: 'error', connection: 'closed' }
      : { ...state, error, status: state.status === 'loading' ? 'error' : state.status, connection: 'offline' },
};

/** Applies one action to the inbox state; pure. */
export const reduce = (state: InboxState, action: InboxAction): InboxState =>
  (handlers[action.type] as (state: InboxState, action: InboxAction) => InboxState)(state, action);

//#endregion
