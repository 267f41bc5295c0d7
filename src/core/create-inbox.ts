// The headless inbox (design §7): composes the store, the transport, the cache and the
// connection loop, and offers the user's actions. Nothing here runs at import time, and every
// global (fetch, setTimeout, indexedDB, addEventListener) is looked up when it is used.
import type { Notification } from '../protocol/index.ts';
import { renderTemplate } from '../template/index.ts';
import { cacheName, createInboxCache, toCached } from './cache.ts';
import type { InboxCache } from './cache.ts';
import { createConnection, toInboxError } from './connection.ts';
import { createEmitter } from './emitter.ts';
import { InboxError } from './errors.ts';
import { createTransport, tokenSubject } from './http.ts';
import { rollbackFor } from './reducer.ts';
import type { FieldPatch, InboxAction, InboxState } from './reducer.ts';
import { createInboxStore } from './store.ts';
import { createTabCoordinator } from './tabs.ts';
import type { TabCoordinator } from './tabs.ts';
import type { Inbox, InboxEventMap, InboxOptions, RenderedNotification } from './types.ts';
import { parseMutationResponse, parseNotificationPage } from './validate.ts';

/** Delay between a change and its write to the cache; bursts of events share one write. */
export const PERSIST_DELAY_MS = 300;

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
  const now = options.now ?? (() => Date.now());
  const pageSize = options.pageSize ?? 20;
  const store = createInboxStore();
  const emitter = createEmitter<InboxEventMap>();
  const lifetime = new AbortController();
  const transport = createTransport({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    userId: options.userId,
    userToken: options.userToken,
    getUserToken: options.getUserToken,
    fetch: () => options.fetch ?? globalThis.fetch,
    now,
    signal: lifetime.signal,
  });
  let cache: InboxCache | undefined;
  let cacheUser: string | undefined;
  let persistTimer: ReturnType<typeof setTimeout> | undefined;
  let loadingMore: Promise<void> | undefined;
  let destroyed = false;

  function persist(): void {
    persistTimer = undefined;
    const cached = toCached(store.state);
    // Only the user this cache is named for is written into it (another user's never shows).
    if (cache && cached && cached.user.identifier === cacheUser) void cache.write(cached);
  }

  function dispatch(action: InboxAction): InboxState {
    const before = store.dispatch(action);
    const after = store.state;
    if (after === before) return before;
    if (after.connection !== before.connection) emitter.emit('connection.changed', after.connection);
    if (after.error && after.error !== before.error) emitter.emit('error', after.error);
    const changed = after.items !== before.items || after.counts !== before.counts || after.seq !== before.seq || after.user !== before.user;
    // A fixed delay from the first change (not restarted by later ones), so a busy stream still saves.
    if (changed && cache && !persistTimer && action.type !== 'cache.loaded') persistTimer = setTimeout(persist, PERSIST_DELAY_MS);
    return before;
  }

  //#region tabs: one connection per browser (tabs.ts). The leader tab runs the connection loop;
  // `share` dispatches an action and posts it to the other tabs, which apply it as it is.
  let tabs: TabCoordinator | undefined;
  const share = (action: InboxAction): InboxState => {
    tabs?.post(action);
    return dispatch(action);
  };
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
  /** Starts syncing: the tabs elect who holds the stream, unless there is none to share. */
  function startSync(user: string | undefined): void {
    const shared = options.tabs !== false && options.realtime !== false;
    tabs = shared ? createTabCoordinator({ ...syncDeps, name: user && `belfry:${options.apiKey}:${user}`, lead, dispatch }) : { post() {}, stop: lead() };
  }
  //#endregion

  async function start(): Promise<void> {
    // In secure mode the token names the user; its `sub` names the cache and the tabs' channel
    // until connect confirms.
    const user = options.userId ?? tokenSubject((await transport.token().catch(() => undefined)) ?? '');
    if (options.cache !== false) {
      cacheUser = user;
      if (cacheUser !== undefined) {
        cache = createInboxCache(cacheName(options.apiKey, cacheUser), cacheUser);
        const cached = await cache.read();
        if (cached && !destroyed) dispatch({ type: 'cache.loaded', cached });
      }
    }
    if (!destroyed) startSync(user);
  }

  function assertAlive(): void {
    if (destroyed) throw new InboxError('aborted', 'The inbox was destroyed.');
  }

  /** Applies `patches` at once, sends the request, and undoes them if the service refuses. */
  async function mutate(patches: FieldPatch[], method: string, path: string, body: unknown): Promise<void> {
    assertAlive();
    const rollback = rollbackFor(store.state, patches);
    share({ type: 'optimistic.applied', patches });
    let answer: unknown;
    try {
      answer = await transport.request(method, path, body, lifetime.signal);
    } catch (error) {
      share({ type: 'optimistic.rolled-back', patches: rollback });
      throw toInboxError(error);
    }
    // A 2xx means the change happened; a malformed body only costs us its counts (the stream
    // brings them too), so the optimistic state stays.
    const response = parseMutationResponse(answer);
    if (response && !destroyed) share({ type: 'mutation.succeeded', response });
  }

  const isoNow = () => new Date(now()).toISOString();
  const renderCache = new WeakMap<Notification, { attributes: unknown; rendered: RenderedNotification }>();

  const inbox: Inbox = {
    ...store.signals,
    loadMore() {
      if (destroyed) return Promise.reject(new InboxError('aborted', 'The inbox was destroyed.'));
      const cursor = store.state.nextCursor;
      if (cursor === null) return Promise.resolve();
      loadingMore ??= (async () => {
        try {
          const path = `/v1/me/notifications?limit=${pageSize}&cursor=${encodeURIComponent(cursor)}`;
          const page = parseNotificationPage(await transport.request('GET', path, undefined, lifetime.signal));
          if (!page) throw new InboxError('protocol', 'The service answered a page in an unknown shape.');
          dispatch({ type: 'page.loaded', page, cursor });
        } catch (error) {
          throw toInboxError(error);
        } finally {
          loadingMore = undefined;
        }
      })();
      return loadingMore;
    },
    async markRead(id) {
      const item = store.state.items.find((n) => n.id === id);
      if (item && item.readAt !== null) return;
      await mutate([{ id, field: 'readAt', value: isoNow() }], 'PATCH', `/v1/me/notifications/${encodeURIComponent(id)}`, { read: true });
    },
    async markAllRead() {
      const at = isoNow();
      const patches = store.state.items.filter((n) => n.readAt === null).map((n): FieldPatch => ({ id: n.id, field: 'readAt', value: at }));
      await mutate(patches, 'POST', '/v1/me/notifications/bulk', { action: 'read' });
    },
    async markAllSeen() {
      if (store.state.counts.unseen === 0) return;
      const at = isoNow();
      const patches = store.state.items.filter((n) => n.seenAt === null).map((n): FieldPatch => ({ id: n.id, field: 'seenAt', value: at }));
      await mutate(patches, 'POST', '/v1/me/notifications/bulk', { action: 'seen' });
    },
    render(notification) {
      // Read through the signal: a component that renders with it then re-renders when the
      // user's attributes change (a `user.updated` event), so names in templates stay current.
      const attributes = store.signals.user.value?.attributes ?? {};
      const hit = renderCache.get(notification);
      if (hit && hit.attributes === attributes) return hit.rendered;
      const context = {
        recipient: attributes,
        data: notification.data,
        now,
        ...(typeof attributes.locale === 'string' ? { locale: attributes.locale } : {}),
        ...(typeof attributes.timezone === 'string' ? { timeZone: attributes.timezone } : {}),
      };
      const rendered = { title: renderTemplate(notification.title, context), message: renderTemplate(notification.message, context) };
      renderCache.set(notification, { attributes, rendered });
      return rendered;
    },
    on(event, listener) {
      return emitter.on(event, listener);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      tabs?.stop();
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
  // start() catches what it expects; this only keeps a bug from becoming an unhandled rejection.
  start().catch((error: unknown) => dispatch({ type: 'failed', error: toInboxError(error), fatal: true }));
  return inbox;
}
