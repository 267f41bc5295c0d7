// Test doubles for the UI: notifications and a fake Inbox made of real signals and vi.fn actions.
import { signal } from '@preact/signals-core';
import { vi } from 'vitest';
import type { ConnectionState, FeedFilter, Inbox, InboxError, InboxEventMap, InboxStatus, InboxUser, RenderedNotification } from '../../src/core/index.ts';
import type { Counts, Notification, Preferences, PreferencesResponse, TabCounts } from '../../src/protocol/index.ts';

let nextId = 1;

/** A notification created `minutesAgo` minutes before now (5 by default), unread and unseen. */
export function createNotification(overrides: Partial<Notification> & { minutesAgo?: number } = {}): Notification {
  const { minutesAgo = 5, ...rest } = overrides;
  const id = `n${nextId++}`;
  return {
    id,
    createdAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    seenAt: null,
    readAt: null,
    archivedAt: null,
    category: null,
    workflow: null,
    title: `Title of ${id}`,
    message: `Message of ${id}`,
    url: null,
    icon: null,
    actions: [],
    data: {},
    ...rest,
  };
}

/** What a fake inbox starts with. */
export interface FakeInboxState {
  notifications?: Notification[];
  counts?: Counts;
  status?: InboxStatus;
  connection?: ConnectionState;
  error?: InboxError | null;
  hasMore?: boolean;
  /** What `inbox.tabCounts()` answers. */
  tabCounts?: TabCounts | null;
  /** The AST `inbox.render()` returns per notification id; plain text of title/message otherwise. */
  rendered?: Record<string, RenderedNotification>;
}

/** A fake Inbox whose signals tests write to and whose actions are spies. */
export function createFakeInbox(state: FakeInboxState = {}) {
  const notifications = signal<readonly Notification[]>(state.notifications ?? []);
  const counts = signal<Counts>(state.counts ?? { unseen: 0, unread: 0 });
  const user = signal<InboxUser | null>(null);
  const status = signal<InboxStatus>(state.status ?? 'ready');
  const connection = signal<ConnectionState>(state.connection ?? 'online');
  const error = signal<InboxError | null>(state.error ?? null);
  const hasMore = signal(state.hasMore ?? false);
  const filter = signal<FeedFilter>({});
  const tabCounts = signal<TabCounts | null>(state.tabCounts ?? null);
  const rendered = state.rendered ?? {};
  const received = new Set<(notification: Notification) => void>();
  const inbox = {
    notifications,
    counts,
    user,
    status,
    connection,
    error,
    hasMore,
    filter,
    /** Sets the filter signal as the core does (the feed itself is the test's to write). */
    setFilter: vi.fn<(f: FeedFilter) => Promise<void>>(async (f) => void (filter.value = f)),
    tabCounts: vi.fn<(categories: readonly string[]) => typeof tabCounts>(() => tabCounts),
    loadMore: vi.fn<() => Promise<void>>(async () => {}),
    markRead: vi.fn<(id: string) => Promise<void>>(async () => {}),
    markAllRead: vi.fn<() => Promise<void>>(async () => {}),
    markAllSeen: vi.fn<() => Promise<void>>(async () => {}),
    markUnread: vi.fn<(id: string) => Promise<void>>(async () => {}),
    archive: vi.fn<(id: string) => Promise<void>>(async () => {}),
    unarchive: vi.fn<(id: string) => Promise<void>>(async () => {}),
    remove: vi.fn<(id: string) => Promise<void>>(async () => {}),
    preferences: {
      get: vi.fn<() => Promise<PreferencesResponse>>(async () => ({ preferences: {}, categories: [] })),
      set: vi.fn<(patch: Preferences) => Promise<void>>(async () => {}),
    },
    logout: vi.fn<() => Promise<void>>(async () => {}),
    render: vi.fn<(n: Notification) => RenderedNotification>(
      (n) => rendered[n.id] ?? { title: [{ type: 'text', value: n.title }], message: [{ type: 'text', value: n.message }] },
    ),
    on: vi.fn(<K extends keyof InboxEventMap>(event: K, listener: (payload: InboxEventMap[K]) => void) => {
      if (event !== 'notification.received') return () => {};
      const add = listener as (notification: Notification) => void;
      received.add(add);
      return () => void received.delete(add);
    }),
    destroy: vi.fn<() => void>(),
  };
  // Compile-time check that the fake still has the shape of the real thing.
  const typed: Inbox = inbox;
  void typed;
  /** Emits `notification.received` as the core does for a live arrival; `listeners` counts subscribers. */
  const live = { receive: (notification: Notification) => received.forEach((listener) => listener(notification)), listeners: () => received.size };
  return Object.assign(inbox, { live });
}

/** The fake inbox type. */
export type FakeInbox = ReturnType<typeof createFakeInbox>;
