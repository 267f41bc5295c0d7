// The headless inbox (design §7): composes the store, the transport, the cache and the
// connection loop, and offers the user's actions. Nothing here runs at import time, and every
// global (fetch, setTimeout, indexedDB, addEventListener) is looked up when it is used.
import { HEADER_IDEMPOTENCY_KEY } from '../protocol/index.ts';
import type { Attributes, Notification } from '../protocol/index.ts';
import type { TemplateNode } from '../template/index.ts';
import { renderTemplate } from '../template/index.ts';
import { cacheName, createInboxCache, toCached } from './cache.ts';
import type { InboxCache } from './cache.ts';
import { createConnection, toInboxError } from './connection.ts';
import { createEmitter } from './emitter.ts';
import type { InboxError } from './errors.ts';
import { createFeedFilter } from './feed-filter.ts';
import { createTransport, fail, must, tokenSubject } from './http.ts';
import { createOutbox, newIdempotencyKey } from './outbox.ts';
import type { OutboxEntry } from './outbox.ts';
import { rollbackFor } from './reducer.ts';
import type { CachedInbox, InboxAction, InboxState } from './reducer.ts';
import { createInboxStore } from './store.ts';
import { createTabCoordinator } from './tabs.ts';
import type { TabCoordinator } from './tabs.ts';
import type { Inbox, InboxEventMap, InboxOptions, RenderedNotification } from './types.ts';
import { isPreferences, parseMutationResponse, parseNotificationPage } from './validate.ts';

/** Delay between a change and its write to the cache; bursts of events share one write. */
export const PERSIST_DELAY_MS = 300;
const ITEM_PATH = '/v1/me/notifications/';
const BULK_PATH = ITEM_PATH + 'bulk';
const PREFERENCES_PATH = '/v1/me/preferences';

/**
 * Creates a headless inbox for one user: shows the cached inbox at once, then syncs with the
 * service and stays live over the event stream until `destroy()`.
 *
 * @example
 * const inbox = createInbox({ apiKey: 'pk_live_1', userId: 'ada', baseUrl: 'https://notify.example.com' });
 * effect(() => console.log(inbox.counts.value.unseen, inbox.notifications.value.length));
 * inbox.on('notification.received', (n) => showToast(inbox.render(n).title));
 * await inbox.markRead(inbox.notifications.value[0].id);
 * inbox.destroy();
 */
export function createInbox(options: InboxOptions): Inbox {
  const { apiKey, userId, pageSize = 20 } = options;
  const now = options.now ?? (() => Date.now());
  const store = createInboxStore();
  const emitter = createEmitter<InboxEventMap>();
  const lifetime = new AbortController();
  const { signal } = lifetime;
  const transport = createTransport({ ...options, fetch: () => options.fetch ?? globalThis.fetch, now, signal });
  // A read the service refused for its rate limit is tried again after its Retry-After (three more
  // times, at most 10 s apart): scrolling fast through a long feed must not end in an error.
  const get = (path: string, tries = 3): Promise<unknown> =>
    transport.request('GET', path, undefined, signal).catch((error: InboxError) =>
      error.status == 429 && tries
        ? new Promise((resolve) => setTimeout(resolve, Math.min(error.retryAfterMs ?? 1e3, 1e4))).then(() => get(path, tries - 1))
        : Promise.reject(error),
    );
  let persistTimer: ReturnType<typeof setTimeout> | undefined;
  let loadingMore: Promise<void> | undefined;
  let destroyed = false;

  //#region cache and outbox

  let cache: InboxCache | undefined;
  let cacheUser: string | undefined;
  // In secure mode the token names the user: its `sub` names the cache and the tabs' channel
  // until connect confirms.
  const named = userId ?? transport.token().then((token) => tokenSubject(token ?? ''), () => undefined);
  // The user's cache, once its name is known: with a userId at once (no await before it), so
  // its IndexedDB read starts before anything else.
  const opened = (async () => {
    if (options.cache === false) return;
    cacheUser = userId ?? (await named);
    if (cacheUser !== undefined) cache = createInboxCache(cacheName(apiKey, cacheUser), cacheUser);
    return cache;
  })();

  function persist(): void {
    persistTimer = undefined;
    const cached = toCached(store.state);
    // Only the user this cache is named for is written into it (another user's never shows).
    if (cache && cached && cached.user.identifier === cacheUser) void cache.write(cached);
  }

  // Replays what the service could not be reached for. Still unreachable (or busy): keep it and
  // stop until the next time we are online. Refused: undo it and say so.
  const outbox = createOutbox(
    {
      read: async () => (await opened)?.readOutbox(),
      update: async (change) => void (destroyed || (await opened)?.updateOutbox(change)),
    },
    async (entry) => {
      try {
        await send(entry);
      } catch (error) {
        const e = toInboxError(error);
        // No status: the service was not reached (or we aborted). 409: the first attempt is still running.
        if (!(e.status! < 500) || e.status === 409 || e.status === 429) return 'retry';
        undo(entry);
        emitter.emit('error', e);
      }
      return 'done';
    },
  );

  // Items this inbox archived, so `unarchive` can put them back before the service answers.
  const archived = new Map<string, Notification>();

  /**
   * What the request of `entry` changes in the feed, applied at once (and again over fresh pages):
   * read/unread, seen, archived (which takes an item out of the feed, as an event would), restored,
   * deleted. Matched by path, so nothing read back from storage is decoded. `to` is `share` when
   * the action is new, so the other tabs show it too.
   */
  function apply(entry: OutboxEntry, to = dispatch): void {
    const { method, path, body } = entry;
    const { archived: archiving, action, read } = (body ?? {}) as Record<string, unknown>;
    const { items } = store.state;
    const field = method === 'DELETE' || archiving !== undefined ? 'archivedAt' : action === 'seen' ? 'seenAt' : 'readAt';
    const value = archiving === false || read === false ? null : new Date(now()).toISOString();
    const held = (n: Notification) => itemPath(n.id) === path;
  const item = (archiving === false ? archived.get(path) : items.find(held)) ?? feed.find(held);
    if (item && archiving) archived.set(path, item);
    // Bulk: every item it applies to; one item: it, if we hold it (preferences: nothing).
    const op = { items: (action ? items.filter((n) => n[field] === null) : item ? [item] : []).map((n) => ({ ...n, [field]: value })) };
    // The undo is taken just before each (re)application, so it restores what was shown then.
    entry.undo = rollbackFor(store.state, op);
    to({ type: 'optimistic.applied', ...op });
  }

  // apply() ran before every send, so the undo is there.
  const undo = (entry: OutboxEntry) => share({ type: 'optimistic.applied', ...entry.undo! });

  //#endregion

  //#region state and sync

  function dispatch(action: InboxAction): InboxState {
    const before = store.dispatch(action);
    const after = store.state;
    feed.observe(action, before);
    if (after === before) return before;
    if (after.connection !== before.connection) emitter.emit('connection.changed', after.connection);
    if (after.error && after.error !== before.error) emitter.emit('error', after.error);
    // A fixed delay from the first change (not restarted by later ones), so a busy stream still saves.
    if (cache && !persistTimer && !destroyed && action.type !== 'cache.loaded') persistTimer = setTimeout(persist, PERSIST_DELAY_MS);
    // What is still waiting in the outbox stays shown over a fresh page or an older cache copy.
    if (action.type === 'cache.loaded' || (action.type === 'page.loaded' && !action.cursor)) {
      outbox.entries.forEach((entry) => apply(entry));
    }
    // Online again, or online and something changed while actions wait (one failed on its own
    // while the stream stayed up): send them. A running flush is reused, not doubled.
    if (after.connection === 'online' && outbox.entries.length) void outbox.flush();
    return before;
  }

  //#region tabs: one connection per browser (tabs.ts). The leader tab runs the connection loop;
  // `share` dispatches an action and posts it to the other tabs, which apply it as it is.
  let tabs: TabCoordinator | undefined;
  function share(action: InboxAction): InboxState {
    tabs?.post(action);
    return dispatch(action);
  }
  const syncDeps = {
    getState: () => store.state,
    onReceived: (notification: Notification) => emitter.emit('notification.received', notification),
  };
  function lead(): () => void {
    const connection = createConnection({
      ...syncDeps,
      transport,
      dispatch: share,
      pageSize,
      realtime: options.realtime !== false,
      random: options.random ?? Math.random,
      now,
    });
    connection.start();
    return connection.stop;
  }
  //#endregion

  async function start(): Promise<void> {
    // With a userId the cache is open already: its reads start now, before any other work.
    if (cache ?? (await opened)) {
      // Each copy applies over the state its read started from (reducer), so IndexedDB's full
      // copy replaces the snapshot, and neither replaces what the network brought meanwhile.
      const show = (cached: CachedInbox | null | void, over = store.state) => cached && !destroyed && dispatch({ type: 'cache.loaded', cached, over });
      // The snapshot at once: with a userId, before createInbox returns, so the first render (and
      // frame) has it, and syncing need not wait for a frame to show the cache first.
      show(cache!.snapshot());
      const over = store.state;
      // The outbox first: the cached copy is shown with what is still waiting applied over it.
      const [cached] = await Promise.all([cache!.read(), outbox.load()]);
      show(cached, over);
    }
    const user = await named;
    if (destroyed) return;
    // Syncing starts: the tabs elect who holds the stream, unless there is none to share.
    tabs =
      options.tabs !== false && options.realtime !== false
        ? createTabCoordinator({ ...syncDeps, name: user && `belfry:${apiKey}:${user}`, lead, dispatch })
        : { post() {}, stop: lead() };
  }

  //#endregion

  // The feed of a tab (feed-filter.ts): its own list, kept live from what the store applies.
  const feed = createFeedFilter({ get, state: () => store.state, main: store.signals, pageSize });

  //#region actions

  function assertAlive(): void {
    if (destroyed) throw fail('aborted');
  }

  /** Sends an action with its idempotency key and applies the answer; rejects with an InboxError. */
  async function send({ method, path, body, key }: OutboxEntry): Promise<void> {
    let answer: unknown;
    try {
      answer = await transport.request(method, path, body, signal, { [HEADER_IDEMPOTENCY_KEY]: key });
    } catch (error) {
      // Deleting what is already gone did what was asked.
      if (method !== 'DELETE' || (error as InboxError).status !== 404) throw toInboxError(error);
    }
    // A 2xx means the change happened; a malformed body only costs us its counts (the stream
    // brings them too), so the optimistic state stays.
    const response = parseMutationResponse(answer);
    if (response && !destroyed) share({ type: 'mutation.succeeded', response });
  }

  /**
   * Applies the action at once and sends it. Refused: undone, and the call rejects. Service
   * unreachable: kept in the outbox and the call resolves; it is sent when the inbox is online
   * again. Behind waiting actions it waits too, so the service sees them in order.
   */
  async function mutate(method: string, path: string, body?: unknown): Promise<void> {
    assertAlive();
    const entry: OutboxEntry = { key: newIdempotencyKey(), method, path, body };
    apply(entry, share);
    if (outbox.entries.length) return void (await outbox.add(entry), outbox.flush());
    try {
      await send(entry);
    } catch (error) {
      const e = toInboxError(error);
      if (e.code === 'network') return outbox.add(entry);
      undo(entry);
      throw e;
    }
  }

  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const find = (id: string) => store.state.items.find((n) => n.id === id);
  const itemPath = (id: string) => ITEM_PATH + encodeURIComponent(id);
  const patchItem = (id: string, body?: object, method = 'PATCH') => mutate(method, itemPath(id), body);

  //#endregion

  //#region the inbox object

  // Per notification: the attributes it was rendered with and the result.
  const rendered = new WeakMap<Notification, [Attributes, RenderedNotification, string | null]>();

  const inbox: Inbox = {
    ...store.signals,
    ...feed.signals,
    filter: feed.filter,
    setFilter: (filter) => (assertAlive(), feed.set(filter)),
    tabCounts: feed.tabCounts,
    async loadMore() {
      assertAlive();
      if (feed.active()) return feed.loadMore();
      const cursor = store.state.nextCursor;
      // The transport rejects with InboxErrors only; one request serves concurrent calls.
      if (cursor !== null) {
        await (loadingMore ??= get(`${ITEM_PATH.slice(0, -1)}?limit=${pageSize}&cursor=${encodeURIComponent(cursor)}`)
          .then((answer) => void dispatch({ type: 'page.loaded', page: must(parseNotificationPage(answer)), cursor }))
          .finally(() => (loadingMore = undefined)));
      }
    },
    async markRead(id) {
      if (!find(id)?.readAt) await patchItem(id, { read: true });
    },
    async markUnread(id) {
      if (find(id)?.readAt !== null) await patchItem(id, { read: false });
    },
    markAllRead: () => mutate('POST', BULK_PATH, { action: 'read' }),
    async markAllSeen() {
      if (store.state.counts.unseen) await mutate('POST', BULK_PATH, { action: 'seen' });
    },
    archive: (id) => patchItem(id, { archived: true }),
    unarchive: (id) => patchItem(id, { archived: false }),
    remove: (id) => patchItem(id, undefined, 'DELETE'),
    preferences: {
      async get() {
        assertAlive();
        const answer = await get(PREFERENCES_PATH);
        return must(isPreferences(answer) && answer);
      },
      set: (preferences) => mutate('PUT', PREFERENCES_PATH, { preferences }),
    },
    render(notification) {
      // Read through the signal: a component that renders with it then re-renders when the
      // user's attributes change (a `user.updated` event), so names in templates stay current.
      const attributes = store.signals.user.value?.attributes ?? {};
      const name = store.state.appName;
      const [seen, hit, seenName] = rendered.get(notification) ?? [];
      if (seen === attributes && seenName === name) return hit!;
      const context = { recipient: attributes, data: notification.data, app: { name }, now, locale: text(attributes.locale), timeZone: text(attributes.timezone) };
      const render = (template: string): TemplateNode[] => renderTemplate(template, context);
      const result = { title: render(notification.title), message: render(notification.message) };
      rendered.set(notification, [attributes, result, name]);
      return result;
    },
    on: emitter.on,
    async logout() {
      // Reset first: the final write of destroy() then has no user to write, and what was written goes.
      store.dispatch({ type: 'reset' });
      inbox.destroy();
      await (await opened)?.clear();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      tabs?.stop();
      feed.stop();
      lifetime.abort();
      // The last changes are written now rather than lost with the timer.
      if (persistTimer !== undefined) {
        clearTimeout(persistTimer);
        persist();
      }
      dispatch({ type: 'connection.changed', connection: 'closed' });
      emitter.clear();
    },
  };

  //#endregion

  // start() catches what it expects; this only keeps a bug from becoming an unhandled rejection.
  start().catch((error: unknown) => dispatch({ type: 'failed', error: toInboxError(error), fatal: true }));
  return inbox;
}
