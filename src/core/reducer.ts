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
import type { ConnectResponse, Counts, MutationResponse, Notification, NotificationPage, StreamEvent } from '../protocol/index.ts';
import type { InboxError } from './errors.ts';
import type { ConnectionState, InboxStatus, InboxUser } from './types.ts';

/** Everything the inbox knows; the signals are projections of it. */
export interface InboxState {
  readonly items: readonly Notification[];
  readonly counts: Counts;
  readonly countsSeq: number;
  readonly user: InboxUser | null;
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
  | { type: 'cache.loaded'; cached: CachedInbox }
  | { type: 'connected'; response: ConnectResponse }
  /** `cursor` is the cursor the page was fetched with; null for the first page. */
  | { type: 'page.loaded'; page: NotificationPage; cursor: string | null }
  | { type: 'event.received'; event: StreamEvent }
  | { type: 'mutation.succeeded'; response: MutationResponse }
  | ({ type: 'optimistic.applied' | 'optimistic.rolled-back' } & Optimistic)
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
  seq: 0,
  nextCursor: null,
  status: 'loading',
  connection: 'connecting',
  error: null,
};

//#region feed helpers

const time = (n: Notification): number => Date.parse(n.createdAt) || 0; // NaN (unparsable) -> 0

/** Keeps server order, drops archived items and repeated ids (first occurrence wins). */
function feedOf(list: readonly Notification[], seen = new Set<string>()): Notification[] {
  const out: Notification[] = [];
  for (const n of list) {
    if (n.archivedAt !== null || seen.has(n.id)) continue;
    seen.add(n.id);
    out.push(n);
  }
  return out;
}

/**
 * Puts `n` into the feed: replaced in place when present, removed when archived, otherwise
 * inserted by `createdAt` (before equal times: it is the newer event). An item older than the
 * last loaded one is left for `loadMore` while older pages remain, or it would appear out of order
 * and then again in that page.
 */
function upsert(items: readonly Notification[], n: Notification, hasMore: boolean): readonly Notification[] {
  const index = items.findIndex((item) => item.id === n.id);
  if (n.archivedAt !== null) return index === -1 ? items : items.filter((item) => item.id !== n.id);
  if (index !== -1) return items.map((item, i) => (i === index ? n : item));
  const t = time(n);
  const at = items.findIndex((item) => time(item) <= t);
  if (at === -1) return hasMore ? items : [...items, n];
  return [...items.slice(0, at), n, ...items.slice(at)];
}

function takeCounts(state: InboxState, counts: Counts, seq: number): Pick<InboxState, 'counts' | 'countsSeq'> {
  return seq >= state.countsSeq ? { counts, countsSeq: seq } : { counts: state.counts, countsSeq: state.countsSeq };
}

const sameItems = (a: readonly Notification[], b: readonly Notification[]) => a.length === b.length && a.every((n, i) => n === b[i]);

/** What undoes `op` on `state` (computed before applying it). */
export function rollbackFor(state: InboxState, op: Optimistic): Optimistic {
  return {
    // An item in the feed comes back as it is; one that was not there leaves again.
    items: op.items.map((n) => state.items.find((shown) => shown.id === n.id) ?? { ...n, archivedAt: n.archivedAt ?? n.createdAt }),
    expected: op.items,
  };
}

function applyOptimistic(state: InboxState, op: Optimistic): InboxState {
  let items = state.items;
  op.items.forEach((n, i) => {
    const expected = op.expected?.[i];
    // A rollback restores only what the action left there (the very object, or still no item
    // for one it took out): if the service changed the item meanwhile, that is newer than both.
    const shown = items.find((item) => item.id === n.id);
    if (!expected || shown === (expected.archivedAt === null ? expected : undefined)) items = upsert(items, n, state.nextCursor !== null);
  });
  return sameItems(items, state.items) ? state : { ...state, items };
}

//#endregion

//#region events

function applyEvent(state: InboxState, event: StreamEvent): InboxState {
  // Heartbeat, resync and reauth carry no change; the connection acts on them (a heartbeat seq is
  // the server's latest, not one we applied, so it must not move our cursor).
  if (event.type === 'heartbeat' || event.type === 'resync' || event.type === 'reauth') return state;
  if (event.seq <= state.seq) return state;
  const hasMore = state.nextCursor !== null;
  const base = { ...state, ...takeCounts(state, event.counts, event.seq), seq: event.seq };
  switch (event.type) {
    case 'notification.created':
    case 'notification.updated':
      return { ...base, items: upsert(state.items, event.notification, hasMore) };
    case 'notification.deleted':
      return { ...base, items: state.items.filter((n) => n.id !== event.id) };
    case 'user.updated':
      // Templates render with the user's current attributes; a new user object re-renders them.
      return { ...base, user: event.user };
    case 'notifications.bulk': {
      const ids = event.ids === null ? null : new Set(event.ids);
      // ids null: every notification (of the category, when given) that existed at this seq —
      // which, events being applied in order, is every item we hold now.
      const matches = (n: Notification) => (ids ? ids.has(n.id) : event.category === null || n.category === event.category);
      if (event.action === 'archive' || event.action === 'delete') {
        return { ...base, items: state.items.filter((n) => !matches(n)) };
      }
      const field = event.action === 'read' ? 'readAt' : 'seenAt';
      const items = state.items.map((n) => (matches(n) && n[field] === null ? { ...n, [field]: event.at } : n));
      return { ...base, items: sameItems(items, state.items) ? state.items : items };
    }
  }
}

//#endregion

//#region reducer

/** Applies one action to the inbox state; pure. */
export function reduce(state: InboxState, action: InboxAction): InboxState {
  switch (action.type) {
    case 'cache.loaded': {
      // The network is the fresher source: once it has answered, a late cache read is stale.
      if (state.status !== 'loading' || state.user !== null) return state;
      const { cached } = action;
      return {
        ...state,
        items: feedOf(cached.items),
        counts: cached.counts,
        countsSeq: cached.seq,
        seq: cached.seq,
        user: cached.user,
        status: 'ready',
      };
    }
    case 'connected': {
      const { response } = action;
      // The service's log is behind our cursor: it was reset or restored, so our seq means
      // nothing there. Start over from its seq; the first page then replaces the items.
      if (response.seq < state.seq) {
        return { ...state, user: response.user, counts: response.counts, countsSeq: response.seq, seq: response.seq };
      }
      return { ...state, user: response.user, ...takeCounts(state, response.counts, response.seq) };
    }
    case 'page.loaded': {
      const { page, cursor } = action;
      if (cursor === null) {
        return {
          ...state,
          ...takeCounts(state, page.counts, page.seq),
          items: feedOf(page.items),
          nextCursor: page.nextCursor,
          seq: page.seq,
          status: 'ready',
          error: null,
        };
      }
      if (cursor !== state.nextCursor) return state; // fetched before page 1 was replaced (invariant 4)
      const seen = new Set(state.items.map((n) => n.id));
      return {
        ...state,
        ...takeCounts(state, page.counts, page.seq),
        items: [...state.items, ...feedOf(page.items, seen)],
        nextCursor: page.nextCursor,
      };
    }
    case 'event.received':
      return applyEvent(state, action.event);
    case 'mutation.succeeded': {
      const { response } = action;
      const counts = takeCounts(state, response.counts, response.seq);
      // An answer older than the events already applied would undo them; its counts are guarded
      // by countsSeq, its notification by seq.
      const items =
        response.notification && response.seq >= state.seq
          ? upsert(state.items, response.notification, state.nextCursor !== null)
          : state.items;
      if (items === state.items && counts.counts === state.counts) return state;
      return { ...state, ...counts, items };
    }
    case 'optimistic.applied':
    case 'optimistic.rolled-back':
      return applyOptimistic(state, action);
    case 'reset':
      return { ...initialState, connection: 'closed' };
    case 'connection.changed': {
      if (action.connection === state.connection) return state;
      // An open stream proves the service is reachable: a past network error no longer holds.
      const error = action.connection === 'online' ? null : state.error;
      return { ...state, connection: action.connection, error };
    }
    case 'failed': {
      if (action.fatal) return { ...state, error: action.error, status: 'error', connection: 'closed' };
      // With nothing to show, the failure is the inbox's status; with data, it stays shown.
      const status = state.status === 'loading' ? 'error' : state.status;
      return { ...state, error: action.error, status, connection: 'offline' };
    }
  }
}

//#endregion
