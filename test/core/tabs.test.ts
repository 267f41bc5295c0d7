import { afterEach, describe, expect, it, vi } from 'vitest';
import { InboxError } from '../../src/core/errors.ts';
import type { InboxAction } from '../../src/core/reducer.ts';
import { createInboxStore } from '../../src/core/store.ts';
import type { InboxStore } from '../../src/core/store.ts';
import { createTabCoordinator, HIDDEN_RELEASE_MS } from '../../src/core/tabs.ts';
import type { TabCoordinator, TabLocks } from '../../src/core/tabs.ts';
import type { Notification } from '../../src/protocol/index.ts';
import { createInbox } from '../../src/core/index.ts';
import type { Inbox } from '../../src/core/index.ts';
import { createConnectResponse, createCounts, createCreatedEvent, createDeferred, createFakeService, createFakeStream, createNotification, createPage, json } from './fixtures.ts';

//#region fakes of one browser: its lock manager, its broadcast channels, a document per tab

interface LockRequest {
  tab: number;
  granted: () => Promise<void> | undefined;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Web Locks for one lock name, as the browser keeps them: one holder, a FIFO queue, grants in a later task. */
function createFakeLocks() {
  let holder: LockRequest | undefined;
  const queue: LockRequest[] = [];
  function grantNext(): void {
    if (holder || queue.length === 0) return;
    const request = (holder = queue.shift()!);
    queueMicrotask(async () => {
      await request.granted();
      // A tab that closed lost the lock already; its callback ending changes nothing.
      if (holder !== request) return;
      holder = undefined;
      request.resolve();
      grantNext();
    });
  }
  return {
    /** The `navigator.locks` of tab `tab`. */
    of(tab: number): TabLocks {
      return {
        request(_name, { signal }, granted) {
          return new Promise((resolve, reject) => {
            if (signal.aborted) return reject(new DOMException('aborted', 'AbortError'));
            const request = { tab, granted, resolve: () => resolve(undefined), reject };
            queue.push(request);
            signal.addEventListener('abort', () => {
              const at = queue.indexOf(request);
              if (at === -1) return; // granted already: aborting changes nothing
              queue.splice(at, 1);
              reject(new DOMException('aborted', 'AbortError'));
            });
            grantNext();
          });
        },
      };
    },
    /** The browser releases what a closing tab held and forgets what it asked for. */
    closeTab(tab: number): void {
      for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.tab === tab) queue.splice(i, 1);
      if (holder?.tab === tab) {
        holder = undefined;
        grantNext();
      }
    },
    get holder() {
      return holder?.tab;
    },
  };
}

/** BroadcastChannel within one browser: structured clones, delivered in a later task to the other open channels of the name. */
function createFakeBroadcast() {
  const open = new Set<FakeChannel>();
  const posted: unknown[] = [];
  class FakeChannel {
    onmessage: ((event: MessageEvent) => void) | null = null;
    constructor(readonly name: string) {
      open.add(this);
    }
    postMessage(message: unknown): void {
      if (!open.has(this)) throw new DOMException('closed', 'InvalidStateError');
      const data = structuredClone(message);
      posted.push(data);
      for (const channel of open) {
        if (channel !== this && channel.name === this.name) setTimeout(() => open.has(channel) && channel.onmessage?.({ data } as MessageEvent));
      }
    }
    close(): void {
      open.delete(this);
    }
  }
  return { BroadcastChannel: FakeChannel as unknown as typeof BroadcastChannel, posted, open };
}

function createFakeDocument(visibilityState: DocumentVisibilityState = 'visible') {
  const target = new EventTarget();
  return {
    visibilityState,
    addEventListener: target.addEventListener.bind(target),
    removeEventListener: target.removeEventListener.bind(target),
    /** The user switches to or away from the tab. */
    show(visible: boolean) {
      this.visibilityState = visible ? 'visible' : 'hidden';
      target.dispatchEvent(new Event('visibilitychange'));
    },
  };
}

//#endregion

interface Tab {
  id: number;
  store: InboxStore;
  coordinator: TabCoordinator;
  document: ReturnType<typeof createFakeDocument>;
  lead: ReturnType<typeof vi.fn<() => () => void>>;
  stopConnection: ReturnType<typeof vi.fn<() => void>>;
  received: Notification[];
  /** What this tab's connection loop does with an action while it leads (create-inbox's `share`). */
  share(action: InboxAction): void;
}

const coordinators: TabCoordinator[] = [];

function createBrowser(env: { locks?: boolean; broadcast?: boolean } = {}) {
  const locks = createFakeLocks();
  const broadcast = createFakeBroadcast();
  let tabs = 0;
  function openTab(options: { hidden?: boolean } = {}): Tab {
    const id = ++tabs;
    const store = createInboxStore();
    const document = createFakeDocument(options.hidden ? 'hidden' : 'visible');
    const stopConnection = vi.fn<() => void>();
    const lead = vi.fn<() => () => void>(() => stopConnection);
    const received: Notification[] = [];
    const coordinator = createTabCoordinator({
      name: 'belfry:pk_test:ada',
      lead,
      dispatch: (action) => store.dispatch(action),
      getState: () => store.state,
      onReceived: (notification) => received.push(notification),
      locks: env.locks === false ? undefined : locks.of(id),
      BroadcastChannel: env.broadcast === false ? undefined : broadcast.BroadcastChannel,
      document,
    });
    coordinators.push(coordinator);
    const share = (action: InboxAction) => {
      coordinator.post(action);
      store.dispatch(action);
    };
    return { id, store, coordinator, document, lead, stopConnection, received, share };
  }
  /** The tab closes: the browser drops its lock and its channel without any code of ours running. */
  function closeTab(tab: Tab): void {
    locks.closeTab(tab.id);
    tab.coordinator.stop();
  }
  return { locks, broadcast, openTab, closeTab };
}

/** Lets the fakes' microtasks and zero-delay tasks run. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

const leaders = (tabs: Tab[]) => tabs.filter((tab) => tab.lead.mock.calls.length > tab.stopConnection.mock.calls.length);

/** The leader's connection syncs: connect, page 1, the stream opens. */
function syncLeader(tab: Tab, items = [createNotification({ title: 'One' })], seq = 3): void {
  tab.share({ type: 'connection.changed', connection: 'connecting' });
  tab.share({ type: 'connected', response: createConnectResponse({ counts: createCounts(items.length, items.length), seq }) });
  tab.share({ type: 'page.loaded', page: createPage({ items, counts: createCounts(items.length, items.length), seq, nextCursor: 'cur_2' }), cursor: null });
  tab.share({ type: 'connection.changed', connection: 'online' });
}

afterEach(() => {
  for (const coordinator of coordinators.splice(0)) coordinator.stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('createTabCoordinator', () => {
  describe('election', () => {
    it('lets exactly one of three tabs run the connection', async () => {
      const browser = createBrowser();
      const tabs = [browser.openTab(), browser.openTab(), browser.openTab()];
      await settle();
      expect(leaders(tabs).map((tab) => tab.id)).toEqual([1]);
      expect(tabs.map((tab) => tab.lead.mock.calls.length)).toEqual([1, 0, 0]);
    });

    it('hands the connection to a waiting tab when the leader’s tab closes', async () => {
      const browser = createBrowser();
      const tabs = [browser.openTab(), browser.openTab(), browser.openTab()];
      await settle();
      browser.closeTab(tabs[0]!);
      await settle();
      expect(leaders(tabs).map((tab) => tab.id)).toEqual([2]);
      browser.closeTab(tabs[1]!);
      await settle();
      expect(leaders(tabs).map((tab) => tab.id)).toEqual([3]);
    });

    it('stops the connection and gives up the lock on stop()', async () => {
      const browser = createBrowser();
      const [first, second] = [browser.openTab(), browser.openTab()];
      await settle();
      first.coordinator.stop();
      expect(first.stopConnection).toHaveBeenCalledTimes(1);
      await settle();
      expect(browser.locks.holder).toBe(second.id);
      expect(second.lead).toHaveBeenCalledTimes(1);
      // A late action (a rollback after destroy) is not posted on the closed channel.
      expect(() => first.coordinator.post({ type: 'connection.changed', connection: 'online' })).not.toThrow();
    });
  });

  describe('relay', () => {
    it('applies what the leader dispatches in every follower', async () => {
      const browser = createBrowser();
      const [leader, ...followers] = [browser.openTab(), browser.openTab(), browser.openTab()];
      await settle();
      syncLeader(leader!);
      const created = createNotification({ title: 'Two', createdAt: '2030-01-01T00:00:00.000Z' });
      leader!.share({ type: 'events.received', events: [createCreatedEvent(4, created, createCounts(2, 2))] });
      await settle();
      for (const follower of followers) {
        expect(follower.store.state).toMatchObject({ seq: 4, counts: createCounts(2, 2), connection: 'online', status: 'ready', nextCursor: 'cur_2' });
        expect(follower.store.state.items.map((n) => n.title)).toEqual(['Two', 'One']);
        expect(follower.store.state.user?.identifier).toBe('ada');
        expect(follower.received).toEqual([created]);
      }
    });

    it('posts the actions of a burst as one message, in order, and the rest before a tab leaves', async () => {
      const browser = createBrowser();
      const [leader, follower] = [browser.openTab(), browser.openTab()];
      await settle();
      syncLeader(leader!);
      const events = [createCreatedEvent(4), createCreatedEvent(5), createCreatedEvent(6)];
      for (const event of events) leader!.share({ type: 'events.received', events: [event] });
      await settle();
      const relays = browser.broadcast.posted.filter((m) => 'actions' in (m as object));
      expect(relays).toHaveLength(1);
      expect((relays[0] as { actions: InboxAction[] }).actions.map((a) => a.type)).toEqual([
        'connection.changed', 'connected', 'page.loaded', 'connection.changed', 'events.received', 'events.received', 'events.received',
      ]);
      expect(follower!.store.state.seq).toBe(6);
      expect(follower!.received).toHaveLength(3);

      leader!.share({ type: 'connection.changed', connection: 'connecting' });
      leader!.coordinator.stop();
      await settle();
      expect(follower!.store.state.connection).toBe('connecting');
    });

    it('announces a relayed notification once, even when the event arrives twice', async () => {
      const browser = createBrowser();
      const [leader, follower] = [browser.openTab(), browser.openTab()];
      await settle();
      syncLeader(leader!);
      const event = createCreatedEvent(4);
      leader!.coordinator.post({ type: 'events.received', events: [event] });
      leader!.coordinator.post({ type: 'events.received', events: [event] });
      await settle();
      expect(follower!.received).toHaveLength(1);
    });

    it('shares an optimistic change a follower makes with the leader and the other followers', async () => {
      const browser = createBrowser();
      const tabs = [browser.openTab(), browser.openTab(), browser.openTab()];
      await settle();
      const item = createNotification({ title: 'One' });
      syncLeader(tabs[0]!, [item]);
      await settle();
      tabs[2]!.share({ type: 'optimistic.applied', items: [{ ...item, readAt: '2030-01-01T00:00:00.000Z' }] });
      await settle();
      for (const tab of tabs) expect(tab.store.state.items[0]!.readAt).toBe('2030-01-01T00:00:00.000Z');
    });

    it('carries a background failure across as an InboxError with its code', async () => {
      const browser = createBrowser();
      const [leader, follower] = [browser.openTab(), browser.openTab()];
      await settle();
      leader!.share({ type: 'failed', error: new InboxError('unauthorized', 'Bad key.', { status: 401 }), fatal: true });
      await settle();
      const { error, connection } = follower!.store.state;
      expect(error).toBeInstanceOf(InboxError);
      expect(error).toMatchObject({ code: 'unauthorized', message: 'Bad key.', status: 401 });
      expect(connection).toBe('closed');
    });
  });

  describe('snapshot', () => {
    it('brings a tab that opens later up to date from the leader, answering that tab only', async () => {
      const browser = createBrowser();
      const [leader, follower] = [browser.openTab(), browser.openTab()];
      await settle();
      syncLeader(leader!, [createNotification({ title: 'One' }), createNotification({ title: 'Older', createdAt: '2020-01-01T00:00:00.000Z' })], 9);
      await settle();
      const dispatch = vi.spyOn(follower!.store, 'dispatch');
      const late = browser.openTab();
      await settle();
      expect(late.lead).not.toHaveBeenCalled();
      expect(late.store.state).toMatchObject({ seq: 9, counts: createCounts(2, 2), status: 'ready', connection: 'online', nextCursor: 'cur_2' });
      expect(late.store.state.items.map((n) => n.title)).toEqual(['One', 'Older']);
      expect(late.store.state.user?.identifier).toBe('ada');
      expect(dispatch).not.toHaveBeenCalled();
    });

    it('gives no snapshot before the leader has connected', async () => {
      const browser = createBrowser();
      browser.openTab();
      await settle();
      const late = browser.openTab();
      await settle();
      expect(late.store.state.status).toBe('loading');
      expect(browser.broadcast.posted).toEqual([{ hello: expect.any(Number) }, { hello: expect.any(Number) }]);
    });
  });

  describe('visibility', () => {
    it('keeps a hidden tab out of the election until it is shown, and syncs it then', async () => {
      const browser = createBrowser();
      const hidden = browser.openTab({ hidden: true });
      await settle();
      expect(hidden.lead).not.toHaveBeenCalled();
      const visible = browser.openTab();
      await settle();
      expect(visible.lead).toHaveBeenCalledTimes(1);
      syncLeader(visible);
      visible.document.show(false);
      hidden.document.show(true);
      await settle();
      // Shown, it asked the (still leading) tab for a snapshot and queued for the lock.
      expect(hidden.store.state.seq).toBe(3);
      expect(hidden.lead).not.toHaveBeenCalled();
    });

    it('lets a hidden leader keep the stream for the grace period, then hands it to a visible tab', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const browser = createBrowser();
      const [first, second] = [browser.openTab(), browser.openTab({ hidden: true })];
      await vi.advanceTimersByTimeAsync(0);
      expect(first.lead).toHaveBeenCalledTimes(1);
      first.document.show(false);
      second.document.show(true);
      await vi.advanceTimersByTimeAsync(HIDDEN_RELEASE_MS - 1);
      expect(first.stopConnection).not.toHaveBeenCalled();
      expect(second.lead).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(first.stopConnection).toHaveBeenCalledTimes(1);
      expect(second.lead).toHaveBeenCalledTimes(1);
      expect(browser.locks.holder).toBe(second.id);
    });

    it('closes the stream when every tab is hidden, and opens it again when one is shown', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const browser = createBrowser();
      const [first, second] = [browser.openTab(), browser.openTab()];
      await vi.advanceTimersByTimeAsync(0);
      first.document.show(false);
      second.document.show(false);
      await vi.advanceTimersByTimeAsync(HIDDEN_RELEASE_MS);
      expect(first.stopConnection).toHaveBeenCalledTimes(1);
      expect(browser.locks.holder).toBeUndefined();
      expect(second.lead).not.toHaveBeenCalled();
      second.document.show(true);
      await vi.advanceTimersByTimeAsync(0);
      expect(second.lead).toHaveBeenCalledTimes(1);
    });

    it('keeps the stream when the leader is shown again within the grace period', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const browser = createBrowser();
      const tab = browser.openTab();
      await vi.advanceTimersByTimeAsync(0);
      tab.document.show(false);
      await vi.advanceTimersByTimeAsync(HIDDEN_RELEASE_MS / 2);
      tab.document.show(true);
      await vi.advanceTimersByTimeAsync(HIDDEN_RELEASE_MS * 2);
      expect(tab.stopConnection).not.toHaveBeenCalled();
      expect(tab.lead).toHaveBeenCalledTimes(1);
    });
  });

  describe('fallback', () => {
    it.each([
      ['Web Locks', { locks: false }],
      ['BroadcastChannel', { broadcast: false }],
    ])('gives every tab its own connection without %s, and posts nothing', async (_missing, env) => {
      // What is not injected is looked up on the globals (Node has a BroadcastChannel, no navigator).
      vi.stubGlobal('BroadcastChannel', undefined);
      vi.stubGlobal('navigator', undefined);
      const browser = createBrowser(env);
      const tabs = [browser.openTab(), browser.openTab()];
      await settle();
      expect(tabs.map((tab) => tab.lead.mock.calls.length)).toEqual([1, 1]);
      tabs[0]!.share({ type: 'connection.changed', connection: 'online' });
      await settle();
      expect(browser.broadcast.posted).toEqual([]);
      expect(tabs[1]!.store.state.connection).toBe('connecting');
    });

    it('keeps its own connection without a name (the user is not known)', async () => {
      const broadcast = createFakeBroadcast();
      const store = createInboxStore();
      const lead = vi.fn(() => () => {});
      coordinators.push(
        createTabCoordinator({
          lead,
          dispatch: store.dispatch,
          getState: () => store.state,
          onReceived: () => {},
          locks: createFakeLocks().of(1),
          BroadcastChannel: broadcast.BroadcastChannel,
          document: createFakeDocument(),
        }),
      );
      await settle();
      expect(lead).toHaveBeenCalledTimes(1);
      expect(broadcast.open.size).toBe(0);
    });
  });
});

describe('createInbox in two tabs', () => {
  const inboxes: Inbox[] = [];
  afterEach(() => {
    for (const inbox of inboxes.splice(0)) inbox.destroy();
  });

  it('holds one stream for both, relays its events, shares a read, and hands the stream over on destroy', async () => {
    // Node's own BroadcastChannel connects the two inboxes; the Web Locks come from the fake.
    vi.stubGlobal('navigator', { locks: createFakeLocks().of(1) });
    const service = createFakeService();
    const items = [createNotification({ title: 'One' })];
    const stream = createFakeStream();
    service.answer('POST /v1/me/connect', json(200, createConnectResponse({ counts: createCounts(1, 1), seq: 7 })));
    service.answer('GET /v1/me/notifications', json(200, createPage({ items, counts: createCounts(1, 1), seq: 7 })));
    service.answer('GET /v1/me/events', stream.response);
    const open = () => {
      const inbox = createInbox({ apiKey: 'pk_tabs', userId: 'ada', baseUrl: service.baseUrl, fetch: service.fetch, random: () => 0, cache: false });
      inboxes.push(inbox);
      return inbox;
    };
    const [leader, follower] = [open(), open()];
    const received: Notification[] = [];
    follower.on('notification.received', (n) => received.push(n));
    await vi.waitFor(() => expect(follower.connection.value).toBe('online'));
    expect(follower.notifications.value).toEqual(items);
    expect(leader.connection.value).toBe('online');
    expect(service.requestsTo('GET /v1/me/events')).toHaveLength(1);
    expect(service.requestsTo('POST /v1/me/connect')).toHaveLength(1);

    const created = createNotification({ title: 'Two', createdAt: '2030-01-01T00:00:00.000Z' });
    stream.send(createCreatedEvent(8, created, createCounts(2, 2)));
    await vi.waitFor(() => expect(follower.notifications.value.map((n) => n.title)).toEqual(['Two', 'One']));
    expect(follower.counts.value).toEqual(createCounts(2, 2));
    expect(received).toEqual([created]);

    // A read in the follower shows in the leader at once, and its answer's counts follow.
    const answer = createDeferred<Response>();
    service.answer(`PATCH /v1/me/notifications/${created.id}`, () => answer.promise);
    const done = follower.markRead(created.id);
    await vi.waitFor(() => expect(leader.notifications.value[0]!.readAt).not.toBeNull());
    answer.resolve(json(200, { notification: { ...created, readAt: '2030-01-01T00:00:05.000Z' }, counts: createCounts(2, 1), seq: 9 }));
    await done;
    await vi.waitFor(() => expect(leader.counts.value).toEqual(createCounts(2, 1)));

    // The leader goes away: the follower syncs and opens the stream itself.
    const next = createFakeStream();
    service.answer('POST /v1/me/connect', json(200, createConnectResponse({ counts: createCounts(2, 1), seq: 9 })));
    service.answer('GET /v1/me/notifications', json(200, createPage({ items: [{ ...created, readAt: '2030-01-01T00:00:05.000Z' }, ...items], counts: createCounts(2, 1), seq: 9 })));
    service.answer('GET /v1/me/events', next.response);
    leader.destroy();
    await vi.waitFor(() => expect(service.requestsTo('GET /v1/me/events')).toHaveLength(2));
    expect(service.requestsTo('GET /v1/me/events')[1]!.headers['last-event-id']).toBe('9');
    expect(stream.cancelled).toBe(true);
    await vi.waitFor(() => expect(follower.connection.value).toBe('online'));
  });
});
