// The public shape of the headless client (design §7). The UI and any framework code against this.
import type { ReadonlySignal } from '@preact/signals-core';
import type { Attributes, Counts, Notification, Preferences, PreferencesResponse, TabCounts } from '../protocol/index.ts';
import type { TemplateNode } from '../template/index.ts';
import type { InboxError } from './errors.ts';

/** Options of `createInbox`. Environment pieces default to the globals, resolved at call time. */
export interface InboxOptions {
  /** The app's public API key. */
  apiKey: string;
  /** The signed-in user's identifier (non-secure mode; in secure mode the token names the user). */
  userId?: string;
  /** A user token signed by the app's server (secure mode). */
  userToken?: string;
  /** Called for a (fresh) user token; takes precedence over `userToken`. */
  getUserToken?: () => string | Promise<string>;
  /** The service's base URL, e.g. `https://notify.example.com` (no trailing `/v1`). */
  baseUrl: string;
  /**
   * Keep the inbox in IndexedDB (and its newest items in localStorage, so the first render has
   * them) and render it before any network call. Default true.
   */
  cache?: boolean;
  /** Keep the inbox live over the event stream. Default true. */
  realtime?: boolean;
  /**
   * Share one event stream among the tabs of this app + user (a leader tab holds it; hidden tabs
   * do not); without Web Locks or BroadcastChannel each tab keeps its own. Default true.
   */
  tabs?: boolean;
  /** Page size for the feed. Default 20. */
  pageSize?: number;
  fetch?: typeof fetch;
  now?: () => number;
  /** Random source in [0, 1) for backoff jitter. */
  random?: () => number;
}

/** Which notifications the feed shows: no field, the main feed (All); `category` combines with a status. */
export interface FeedFilter {
  status?: 'unread' | 'archived' | undefined;
  category?: string | undefined;
}

/** Where the inbox's data stands. */
export type InboxStatus = 'loading' | 'ready' | 'error';

/** Where the event stream stands. `offline`: the service is unreachable (showing saved data). */
export type ConnectionState = 'connecting' | 'online' | 'offline' | 'closed';

/** The signed-in user as the service knows them. */
export interface InboxUser {
  identifier: string;
  attributes: Attributes;
}

/** A notification's title and message rendered to safe AST with the user's attributes. */
export interface RenderedNotification {
  title: TemplateNode[];
  message: TemplateNode[];
}

/** Events `inbox.on()` emits. */
export interface InboxEventMap {
  /** A notification arrived over the stream (not from a page fetch or the cache). */
  'notification.received': Notification;
  'connection.changed': ConnectionState;
  error: InboxError;
}

/**
 * The headless inbox returned by `createInbox`.
 *
 * Actions apply at once and undo themselves (rejecting with an InboxError) when the service
 * refuses. When the service cannot be reached they resolve and wait in a durable outbox, which is
 * sent in order, each request exactly once (idempotency keys), when the inbox is online again; a
 * refusal then undoes the action and emits `error`.
 */
export interface Inbox {
  /**
   * The feed, newest first: the main feed (not archived), or with `setFilter` the service's list
   * for the filter, kept live. `unarchive(id)` puts an archived item back into the main feed.
   */
  readonly notifications: ReadonlySignal<readonly Notification[]>;
  /** The filter the feed shows (`{}`: the main feed). */
  readonly filter: ReadonlySignal<FeedFilter>;
  /**
   * Shows the feed of `filter` (`{}`: the main feed): fetched from the service, then kept live;
   * until then (and offline) Unread and categories show the main feed filtered. Rejects with an
   * InboxError when the first page cannot be fetched. Only the main feed is kept offline.
   */
  setFilter(filter: FeedFilter): Promise<void>;
  /**
   * The counts of a feed's tabs (archived total, unread per category, the counters), read from the
   * service while the signal is watched and again shortly after each change; null until read.
   */
  tabCounts(categories: readonly string[]): ReadonlySignal<TabCounts | null>;
  readonly counts: ReadonlySignal<Counts>;
  readonly user: ReadonlySignal<InboxUser | null>;
  readonly status: ReadonlySignal<InboxStatus>;
  readonly connection: ReadonlySignal<ConnectionState>;
  readonly error: ReadonlySignal<InboxError | null>;
  /** True while older pages remain on the service. */
  readonly hasMore: ReadonlySignal<boolean>;
  /** Fetches the next older page. */
  loadMore(): Promise<void>;
  markRead(id: string): Promise<void>;
  markUnread(id: string): Promise<void>;
  markAllRead(): Promise<void>;
  markAllSeen(): Promise<void>;
  /** Moves a notification out of the main feed. */
  archive(id: string): Promise<void>;
  /** Moves a notification back into the main feed (at once when this inbox archived it). */
  unarchive(id: string): Promise<void>;
  /** Deletes a notification for good. */
  remove(id: string): Promise<void>;
  /** The user's per category × channel settings. */
  readonly preferences: {
    get(): Promise<PreferencesResponse>;
    /** Merges `patch` into the user's preferences (per category and channel); `get()` reads the result. */
    set(patch: Preferences): Promise<void>;
  };
  /** Destroys the inbox and deletes this user's cached inbox and outbox (actions still waiting are dropped) from this browser. */
  logout(): Promise<void>;
  /** Renders a notification's title and message with the user's current attributes. */
  render(notification: Notification): RenderedNotification;
  /** Subscribes to an inbox event; returns the unsubscribe function. */
  on<K extends keyof InboxEventMap>(event: K, listener: (payload: InboxEventMap[K]) => void): () => void;
  /** Closes the stream and timers; the signals keep their last values. */
  destroy(): void;
}
