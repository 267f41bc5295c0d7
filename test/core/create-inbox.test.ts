import 'fake-indexeddb/auto';
import { effect } from '@preact/signals-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SNAPSHOT_ITEMS, cacheName, createInboxCache } from '../../src/core/cache.ts';
import { createInbox, InboxError } from '../../src/core/index.ts';
import type { Inbox, InboxOptions } from '../../src/core/index.ts';
import {
  createConnectResponse,
  createCounts,
  createCreatedEvent,
  createDeferred,
  createFakeService,
  createFakeStorage,
  createFakeStream,
  createNotification,
  createPage,
  errorResponse,
  json,
} from './fixtures.ts';

let apiKeys = 0;
const inboxes: Inbox[] = [];

/** An inbox against a fake service; a fresh apiKey per test keeps cache databases apart. */
function setup(overrides: Partial<InboxOptions> = {}) {
  const service = createFakeService();
  const apiKey = `pk_test_${++apiKeys}`;
  const start = () => {
    const inbox = createInbox({ apiKey, userId: 'ada', baseUrl: 'https://svc.test/', fetch: service.fetch, random: () => 0, cache: false, ...overrides });
    inboxes.push(inbox);
    return inbox;
  };
  return { service, apiKey, start };
}

/** Scripts a healthy service: connect, page 1 and an open stream. */
function scriptHealthy(service: ReturnType<typeof createFakeService>, items = [createNotification(), createNotification()]) {
  const stream = createFakeStream();
  service.answer('POST /v1/me/connect', json(200, createConnectResponse({ counts: createCounts(2, 2), seq: 7 })));
  service.answer('GET /v1/me/notifications', json(200, createPage({ items, nextCursor: 'cur_2', counts: createCounts(2, 2), seq: 7 })));
  service.answer('GET /v1/me/events', stream.response);
  return { stream, items };
}

afterEach(() => {
  for (const inbox of inboxes.splice(0)) inbox.destroy();
  vi.restoreAllMocks();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('createInbox', () => {
  describe('start', () => {
    it('connects, fetches page 1 and opens the stream after its seq, with the exact requests', async () => {
      const { service, start } = setup();
      const { items } = scriptHealthy(service);
      const inbox = start();
      expect(inbox.status.value).toBe('loading');
      expect(inbox.connection.value).toBe('connecting');
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      expect(service.requests.map(({ method, url, headers, body }) => ({ method, url, headers, body }))).toEqual([
        {
          method: 'POST',
          url: 'https://svc.test/v1/me/connect',
          headers: { 'x-api-key': service.requests[0]!.headers['x-api-key'], 'x-user-id': 'ada', 'content-type': 'application/json' },
          body: {},
        },
        { method: 'GET', url: 'https://svc.test/v1/me/notifications?limit=20', headers: { 'x-api-key': expect.any(String), 'x-user-id': 'ada' }, body: undefined },
        {
          method: 'GET',
          url: 'https://svc.test/v1/me/events',
          headers: { 'x-api-key': expect.any(String), 'x-user-id': 'ada', accept: 'text/event-stream', 'last-event-id': '7' },
          body: undefined,
        },
      ]);
      expect(inbox.notifications.value).toEqual(items);
      expect(inbox.counts.value).toEqual(createCounts(2, 2));
      expect(inbox.user.value).toEqual({ identifier: 'ada', attributes: { firstName: 'Ada' } });
      expect(inbox.status.value).toBe('ready');
      expect(inbox.hasMore.value).toBe(true);
    });

    it('percent-encodes the user id and sends a bearer token instead when given one', async () => {
      const plain = setup({ userId: 'a/b c@é' });
      scriptHealthy(plain.service);
      plain.start();
      await vi.waitFor(() => expect(plain.service.requests).toHaveLength(3));
      expect(plain.service.requests[0]!.headers['x-user-id']).toBe('a%2Fb%20c%40%C3%A9');

      const secure = setup({ userId: undefined, userToken: 'tok.en.sig' });
      scriptHealthy(secure.service);
      secure.start();
      await vi.waitFor(() => expect(secure.service.requests).toHaveLength(3));
      for (const request of secure.service.requests) {
        expect(request.headers.authorization).toBe('Bearer tok.en.sig');
        expect(request.headers['x-user-id']).toBeUndefined();
      }
    });

    it('shows the cached inbox before the first request is answered', async () => {
      const { service, apiKey, start } = setup({ cache: true });
      const cached = [createNotification({ title: 'from cache' })];
      await createInboxCache(cacheName(apiKey, 'ada'), 'ada').write({ items: cached, counts: createCounts(1, 1), seq: 3, user: { identifier: 'ada', attributes: {} } });
      const connect = createDeferred<Response>();
      service.answer('POST /v1/me/connect', () => connect.promise);
      const inbox = start();
      await vi.waitFor(() => expect(service.requests).toHaveLength(1));
      expect(inbox.status.value).toBe('ready');
      expect(inbox.notifications.value).toEqual(cached);
      expect(inbox.counts.value).toEqual(createCounts(1, 1));
    });

    it('opens the cache at once, before createInbox returns', async () => {
      const { service, apiKey, start } = setup({ cache: true });
      await createInboxCache(cacheName(apiKey, 'ada'), 'ada').write({ items: [createNotification()], counts: createCounts(1, 1), seq: 3, user: { identifier: 'ada', attributes: {} } });
      const open = vi.spyOn(indexedDB, 'open');
      service.answer('POST /v1/me/connect', () => createDeferred<Response>().promise);
      start();
      // Synchronously: the read does not wait behind other work.
      expect(open).toHaveBeenCalledWith(cacheName(apiKey, 'ada'));
    });

    it("shows the first-screen snapshot before createInbox returns, then IndexedDB's full copy, then syncs", async () => {
      vi.stubGlobal('localStorage', createFakeStorage());
      const { service, apiKey, start } = setup({ cache: true });
      const items = Array.from({ length: SNAPSHOT_ITEMS + 5 }, () => createNotification());
      await createInboxCache(cacheName(apiKey, 'ada'), 'ada').write({ items, counts: createCounts(9, 9), seq: 3, user: { identifier: 'ada', attributes: { firstName: 'Ada' } } });
      const connect = createDeferred<Response>();
      service.answer('POST /v1/me/connect', () => connect.promise);
      const inbox = start();
      expect(inbox.status.value).toBe('ready');
      expect(inbox.notifications.value).toEqual(items.slice(0, SNAPSHOT_ITEMS));
      expect(inbox.counts.value).toEqual(createCounts(9, 9));
      expect(inbox.user.value).toEqual({ identifier: 'ada', attributes: { firstName: 'Ada' } });
      await vi.waitFor(() => expect(inbox.notifications.value).toEqual(items));
      await vi.waitFor(() => expect(service.requests.map((r) => r.url)).toEqual(['https://svc.test/v1/me/connect']));
    });

    it("keeps the snapshot's objects through IndexedDB's copy and page 1 where nothing changed, so views can skip them", async () => {
      vi.stubGlobal('localStorage', createFakeStorage());
      const { service, apiKey, start } = setup({ cache: true });
      const items = [createNotification({ data: { n: 1 } }), createNotification(), createNotification()];
      await createInboxCache(cacheName(apiKey, 'ada'), 'ada').write({ items, counts: createCounts(2, 2), seq: 3, user: { identifier: 'ada', attributes: { firstName: 'Ada' } } });
      const read = { ...items[1]!, readAt: '2030-01-02T00:00:00.000Z' };
      scriptHealthy(service, [items[0]!, read, items[2]!]);
      const inbox = start();
      const [first, user] = [inbox.notifications.value, inbox.user.value];
      expect(first).toEqual(items);
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      const shown = inbox.notifications.value;
      expect(shown).toEqual([items[0], read, items[2]]);
      expect(shown[0]).toBe(first[0]);
      expect(shown[1]).not.toBe(first[1]);
      expect(shown[2]).toBe(first[2]);
      expect(inbox.user.value).toBe(user);
    });

    it("never shows another user's snapshot, and removes it", () => {
      const storage = createFakeStorage();
      vi.stubGlobal('localStorage', storage);
      const { service, apiKey, start } = setup({ cache: true });
      // Eve's inbox under Ada's name (as a script on the page could write it).
      storage.setItem(cacheName(apiKey, 'ada'), JSON.stringify({ version: 1, items: [createNotification()], counts: createCounts(1, 1), seq: 3, user: { identifier: 'eve', attributes: {} } }));
      service.answer('POST /v1/me/connect', () => createDeferred<Response>().promise);
      const inbox = start();
      expect(inbox.notifications.value).toEqual([]);
      expect(inbox.status.value).toBe('loading');
      expect(storage.entries.size).toBe(0);
    });

    it('forgets the snapshot on logout()', async () => {
      const storage = createFakeStorage();
      vi.stubGlobal('localStorage', storage);
      const { service, apiKey, start } = setup({ cache: true });
      await createInboxCache(cacheName(apiKey, 'ada'), 'ada').write({ items: [createNotification()], counts: createCounts(1, 1), seq: 3, user: { identifier: 'ada', attributes: {} } });
      service.answer('POST /v1/me/connect', () => createDeferred<Response>().promise);
      const inbox = start();
      expect(inbox.notifications.value).toHaveLength(1);
      await inbox.logout();
      expect(storage.entries.size).toBe(0);
      expect(createInboxCache(cacheName(apiKey, 'ada'), 'ada').snapshot()).toBeFalsy();
    });

    it('connects without a frame where none comes (a hidden tab)', async () => {
      const { service, apiKey, start } = setup({ cache: true });
      await createInboxCache(cacheName(apiKey, 'ada'), 'ada').write({ items: [createNotification()], counts: createCounts(1, 1), seq: 3, user: { identifier: 'ada', attributes: {} } });
      vi.stubGlobal('requestAnimationFrame', () => {});
      service.answer('POST /v1/me/connect', () => createDeferred<Response>().promise);
      start();
      await vi.waitFor(() => expect(service.requests).toHaveLength(1));
    });

    it('drops a malformed cache entry instead of showing it', async () => {
      const { service, apiKey, start } = setup({ cache: true });
      const { set, createStore } = await import('idb-keyval');
      await set('inbox', { version: 1, items: 'nope', counts: createCounts(), seq: 1, user: { identifier: 'ada', attributes: {} } }, createStore(cacheName(apiKey, 'ada'), 'inbox'));
      const connect = createDeferred<Response>();
      service.answer('POST /v1/me/connect', () => connect.promise);
      const inbox = start();
      await vi.waitFor(() => expect(service.requests).toHaveLength(1));
      expect(inbox.status.value).toBe('loading');
      expect(inbox.notifications.value).toEqual([]);
    });

    it('saves the inbox to the cache after changes', async () => {
      const { service, apiKey, start } = setup({ cache: true });
      const { stream, items } = scriptHealthy(service);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      const fresh = createNotification({ createdAt: '2031-01-01T00:00:00.000Z' });
      stream.send(createCreatedEvent(8, fresh, createCounts(3, 3)));
      const cache = createInboxCache(cacheName(apiKey, 'ada'), 'ada');
      await vi.waitFor(async () =>
        expect(await cache.read()).toEqual({ items: [fresh, ...items], counts: createCounts(3, 3), seq: 8, user: { identifier: 'ada', attributes: { firstName: 'Ada' } }, appName: null }),
      );
    });

    it('keeps the cached inbox and says offline when the service is unreachable', async () => {
      const { service, apiKey, start } = setup({ cache: true });
      const cached = [createNotification()];
      await createInboxCache(cacheName(apiKey, 'ada'), 'ada').write({ items: cached, counts: createCounts(1, 1), seq: 3, user: { identifier: 'ada', attributes: {} } });
      service.answer('POST /v1/me/connect', new TypeError('fetch failed'));
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('offline'));
      expect(inbox.status.value).toBe('ready');
      expect(inbox.notifications.value).toEqual(cached);
      expect(inbox.error.value).toMatchObject({ code: 'network' });
    });
  });

  describe('event stream', () => {
    it('applies a live event once and emits notification.received', async () => {
      const { service, start } = setup();
      const { stream, items } = scriptHealthy(service);
      const inbox = start();
      const received: unknown[] = [];
      inbox.on('notification.received', (n) => received.push(n));
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      const fresh = createNotification({ createdAt: '2031-01-01T00:00:00.000Z' });
      stream.send(createCreatedEvent(8, fresh, createCounts(3, 3)));
      stream.send(createCreatedEvent(8, fresh, createCounts(3, 3)));
      stream.send(createCreatedEvent(5, createNotification(), createCounts(9, 9)));
      await vi.waitFor(() => expect(inbox.notifications.value).toEqual([fresh, ...items]));
      stream.send({ type: 'notification.deleted', seq: 9, id: items[0]!.id, counts: createCounts(2, 2) });
      await vi.waitFor(() => expect(inbox.notifications.value).toEqual([fresh, items[1]]));
      expect(inbox.counts.value).toEqual(createCounts(2, 2));
      expect(received).toEqual([fresh]);
    });

    it('refetches page 1 when a heartbeat is ahead, queueing events meanwhile', async () => {
      const { service, start } = setup();
      const { stream } = scriptHealthy(service);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      const missed = createNotification({ createdAt: '2031-01-01T00:00:00.000Z' });
      const later = createNotification({ createdAt: '2032-01-01T00:00:00.000Z' });
      const page = createDeferred<Response>();
      service.answer('GET /v1/me/notifications', () => page.promise);
      stream.send({ type: 'heartbeat', seq: 9 });
      stream.send(createCreatedEvent(9, missed, createCounts(5, 5)));
      stream.send(createCreatedEvent(10, later, createCounts(6, 6)));
      await vi.waitFor(() => expect(service.requestsTo('GET /v1/me/notifications')).toHaveLength(2));
      expect(service.requestsTo('GET /v1/me/notifications')[1]!.url).toBe('https://svc.test/v1/me/notifications?limit=20');
      expect(inbox.notifications.value).not.toContain(later); // queued until the page lands
      page.resolve(json(200, createPage({ items: [missed], counts: createCounts(5, 5), seq: 9 })));
      await vi.waitFor(() => expect(inbox.notifications.value).toEqual([later, missed]));
      expect(inbox.counts.value).toEqual(createCounts(6, 6));
    });

    it('refetches page 1 on resync', async () => {
      const { service, start } = setup();
      const { stream } = scriptHealthy(service);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      const fresh = [createNotification({ title: 'after the gap' })];
      service.answer('GET /v1/me/notifications', json(200, createPage({ items: fresh, counts: createCounts(1, 1), seq: 900 })));
      stream.send({ type: 'resync', seq: 900 });
      await vi.waitFor(() => expect(inbox.notifications.value).toEqual(fresh));
      expect(inbox.counts.value).toEqual(createCounts(1, 1));
      expect(inbox.hasMore.value).toBe(false);
    });

    it('reconnects at once with a fresh token on reauth', async () => {
      const getUserToken = vi.fn().mockResolvedValueOnce('t1').mockResolvedValueOnce('t2');
      const { service, start } = setup({ userId: undefined, getUserToken, random: () => 0.99 });
      const { stream } = scriptHealthy(service);
      service.answer('GET /v1/me/events', createFakeStream().response);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      stream.send({ type: 'reauth', seq: 7 });
      await vi.waitFor(() => expect(service.requestsTo('GET /v1/me/events')).toHaveLength(2));
      expect(stream.cancelled).toBe(true);
      const reopened = service.requestsTo('GET /v1/me/events')[1]!;
      expect([reopened.headers.authorization, reopened.headers['last-event-id']]).toEqual(['Bearer t2', '7']);
      expect(service.requestsTo('POST /v1/me/connect')).toHaveLength(1);
    });

    it('reconnects after the stream breaks, resuming after the last applied seq', async () => {
      const { service, start } = setup();
      const { stream } = scriptHealthy(service);
      const second = createFakeStream();
      service.answer('GET /v1/me/events', second.response);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      stream.send(createCreatedEvent(8, createNotification({ createdAt: '2031-01-01T00:00:00.000Z' })));
      await vi.waitFor(() => expect(inbox.notifications.value).toHaveLength(3));
      const states: string[] = [];
      inbox.on('connection.changed', (c) => states.push(c));
      stream.fail();
      await vi.waitFor(() => expect(service.requestsTo('GET /v1/me/events')).toHaveLength(2));
      expect(service.requestsTo('GET /v1/me/events')[1]!.headers['last-event-id']).toBe('8');
      expect(service.requestsTo('POST /v1/me/connect')).toHaveLength(1);
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      expect(states).toEqual(['offline', 'online']);
    });

    it('waits full-jitter backoff delays between attempts and honours Retry-After', async () => {
      vi.useFakeTimers();
      const { service, start } = setup({ random: () => 0.5 });
      service.answer('POST /v1/me/connect', new TypeError('down'), new TypeError('down'), errorResponse(503, 'internal', { 'Retry-After': '7' }));
      start();
      await vi.advanceTimersByTimeAsync(0);
      const attempts = () => service.requestsTo('POST /v1/me/connect').length;
      expect(attempts()).toBe(1);
      await vi.advanceTimersByTimeAsync(499);
      expect(attempts()).toBe(1);
      await vi.advanceTimersByTimeAsync(1); // 0.5 * 1 s
      expect(attempts()).toBe(2);
      await vi.advanceTimersByTimeAsync(1000); // 0.5 * 2 s
      expect(attempts()).toBe(3);
      await vi.advanceTimersByTimeAsync(6999);
      expect(attempts()).toBe(3);
      await vi.advanceTimersByTimeAsync(1); // Retry-After: 7 s
      expect(attempts()).toBe(4);
    });

    it('retries at once when the browser comes back online', async () => {
      vi.useFakeTimers();
      const target = new EventTarget();
      vi.stubGlobal('addEventListener', target.addEventListener.bind(target));
      vi.stubGlobal('removeEventListener', target.removeEventListener.bind(target));
      const { service, start } = setup({ random: () => 0.9 });
      service.answer('POST /v1/me/connect', new TypeError('down'));
      const inbox = start();
      await vi.advanceTimersByTimeAsync(0);
      expect(service.requests).toHaveLength(1);
      target.dispatchEvent(new Event('online'));
      await vi.advanceTimersByTimeAsync(0);
      expect(service.requests).toHaveLength(2);
      inbox.destroy();
      target.dispatchEvent(new Event('online'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(service.requests).toHaveLength(2);
    });

    it('stops with a developer-facing error on user_token_required, without retrying', async () => {
      vi.useFakeTimers();
      const { service, start } = setup();
      service.answer('POST /v1/me/connect', errorResponse(401, 'user_token_required'), errorResponse(401, 'user_token_required'));
      const inbox = start();
      const errors: InboxError[] = [];
      inbox.on('error', (e) => errors.push(e));
      await vi.advanceTimersByTimeAsync(120_000);
      expect(service.requests).toHaveLength(1);
      expect(inbox.status.value).toBe('error');
      expect(inbox.connection.value).toBe('closed');
      expect(inbox.error.value).toBeInstanceOf(InboxError);
      expect(inbox.error.value).toMatchObject({ code: 'user_token_required', status: 401 });
      expect(inbox.error.value!.message).toMatch(/userToken.*getUserToken/);
      expect(errors).toEqual([inbox.error.value]);
    });

    it('asks getUserToken again once after a 401, then stops as unauthorized', async () => {
      const { service, start } = setup({ userId: undefined, getUserToken: vi.fn().mockResolvedValueOnce('t1').mockResolvedValueOnce('t2') });
      service.answer('POST /v1/me/connect', errorResponse(401, 'unauthorized'), errorResponse(401, 'unauthorized'));
      const inbox = start();
      await vi.waitFor(() => expect(inbox.status.value).toBe('error'));
      expect(service.requests.map((r) => r.headers.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
      expect(inbox.error.value).toMatchObject({ code: 'unauthorized' });
    });
  });

  describe('.markRead()', () => {
    it('marks the item read at once and PATCHes it', async () => {
      const { service, start } = setup({ now: () => Date.UTC(2030, 5, 1) });
      const { items } = scriptHealthy(service);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      const answer = createDeferred<Response>();
      const id = items[0]!.id;
      service.answer(`PATCH /v1/me/notifications/${id}`, () => answer.promise);
      const done = inbox.markRead(id);
      expect(inbox.notifications.value[0]!.readAt).toBe('2030-06-01T00:00:00.000Z');
      await vi.waitFor(() => expect(service.requests).toHaveLength(4));
      const request = service.requests[3]!;
      expect({ method: request.method, url: request.url, body: request.body, type: request.headers['content-type'] }).toEqual({
        method: 'PATCH',
        url: `https://svc.test/v1/me/notifications/${id}`,
        body: { read: true },
        type: 'application/json',
      });
      answer.resolve(json(200, { notification: { ...items[0]!, readAt: '2030-06-01T00:00:01.000Z' }, counts: createCounts(2, 1), seq: 8 }));
      await done;
      expect(inbox.notifications.value[0]!.readAt).toBe('2030-06-01T00:00:01.000Z');
      expect(inbox.counts.value).toEqual(createCounts(2, 1));
    });

    it('rolls back and rejects with an InboxError when the service fails', async () => {
      const { service, start } = setup();
      const { items } = scriptHealthy(service);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      service.answer(`PATCH /v1/me/notifications/${items[0]!.id}`, errorResponse(500, 'internal'));
      const failure = inbox.markRead(items[0]!.id);
      expect(inbox.notifications.value[0]!.readAt).not.toBeNull();
      await expect(failure).rejects.toMatchObject({ name: 'InboxError', code: 'http', status: 500 });
      expect(inbox.notifications.value).toEqual(items);
      expect(inbox.error.value).toBeNull(); // a user call rejects; it is not background state
    });
  });

  describe('.markAllRead() / .markAllSeen()', () => {
    it('POSTs the bulk actions, and skips seen when nothing is unseen', async () => {
      const { service, start } = setup();
      scriptHealthy(service);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      service.answer('POST /v1/me/notifications/bulk', json(200, { counts: createCounts(2, 0), seq: 8 }), json(200, { counts: createCounts(0, 0), seq: 9 }));
      await inbox.markAllRead();
      expect(inbox.notifications.value.every((n) => n.readAt !== null)).toBe(true);
      await inbox.markAllSeen();
      await inbox.markAllSeen();
      expect(service.requestsTo('POST /v1/me/notifications/bulk').map((r) => r.body)).toEqual([{ action: 'read' }, { action: 'seen' }]);
      expect(inbox.counts.value).toEqual(createCounts(0, 0));
    });
  });

  describe('.loadMore()', () => {
    it('fetches the next page by cursor and appends it', async () => {
      const { service, start } = setup({ pageSize: 2 });
      const { items } = scriptHealthy(service);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      const older = createNotification();
      service.answer('GET /v1/me/notifications', json(200, createPage({ items: [older], nextCursor: null, counts: createCounts(2, 2), seq: 7 })));
      await Promise.all([inbox.loadMore(), inbox.loadMore()]);
      expect(service.requestsTo('GET /v1/me/notifications').map((r) => r.url)).toEqual([
        'https://svc.test/v1/me/notifications?limit=2',
        'https://svc.test/v1/me/notifications?limit=2&cursor=cur_2',
      ]);
      expect(inbox.notifications.value).toEqual([...items, older]);
      expect(inbox.hasMore.value).toBe(false);
      await inbox.loadMore();
      expect(service.requestsTo('GET /v1/me/notifications')).toHaveLength(2);
    });
    it('tries a page the rate limit refused again after its Retry-After, and gives up after three more refusals', async () => {
      const { service, start } = setup({ pageSize: 2 });
      const { items } = scriptHealthy(service);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      const limited = () => errorResponse(429, 'rate_limited', { 'Retry-After': '0' });
      const older = createNotification();
      service.answer('GET /v1/me/notifications', limited(), limited(), json(200, createPage({ items: [older], nextCursor: 'cur_3', counts: createCounts(3, 3), seq: 7 })));
      await inbox.loadMore();
      expect(inbox.notifications.value).toEqual([...items, older]);
      expect(service.requestsTo('GET /v1/me/notifications')).toHaveLength(4);
      service.answer('GET /v1/me/notifications', limited(), limited(), limited(), limited());
      await expect(inbox.loadMore()).rejects.toMatchObject({ status: 429 });
      expect(service.requestsTo('GET /v1/me/notifications')).toHaveLength(8);
      expect(inbox.notifications.value).toEqual([...items, older]);
    });
  });

  describe('.render()', () => {
    it('renders title and message with the user attributes and the notification data', async () => {
      const { service, start } = setup();
      scriptHealthy(service);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.status.value).toBe('ready'));
      const rendered = inbox.render(createNotification({ title: 'Hi <<recipient.firstName>>', message: '**<<data.count>>** new', data: { count: 3 } }));
      expect(rendered).toEqual({
        title: [{ type: 'text', value: 'Hi Ada' }],
        message: [{ type: 'strong', children: [{ type: 'text', value: '3' }] }, { type: 'text', value: ' new' }],
      });
    });
    it("fills the app root with the app's name from connect", async () => {
      const { service, start } = setup();
      const stream = createFakeStream();
      service.answer('POST /v1/me/connect', json(200, createConnectResponse({ app: { secureMode: false, name: 'Acme' }, seq: 7 })));
      service.answer('GET /v1/me/notifications', json(200, createPage({ items: [], seq: 7 })));
      service.answer('GET /v1/me/events', stream.response);
      const inbox = start();
      const notification = createNotification({ title: 'Welcome to <<app.name | default: "us">>' });
      expect(inbox.render(notification).title).toEqual([{ type: 'text', value: 'Welcome to us' }]);
      await vi.waitFor(() => expect(inbox.status.value).toBe('ready'));
      expect(inbox.render(notification).title).toEqual([{ type: 'text', value: 'Welcome to Acme' }]);
    });

    it("renders the cached app's name while the service is unreachable", async () => {
      const { service, apiKey, start } = setup({ cache: true });
      const notification = createNotification({ title: 'Welcome to <<app.name>>' });
      await createInboxCache(cacheName(apiKey, 'ada'), 'ada').write({ items: [notification], counts: createCounts(1, 1), seq: 3, user: { identifier: 'ada', attributes: {} }, appName: 'Acme' });
      service.answer('POST /v1/me/connect', new TypeError('fetch failed'));
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('offline'));
      expect(inbox.render(inbox.notifications.value[0]!).title).toEqual([{ type: 'text', value: 'Welcome to Acme' }]);
    });

    it('re-renders with the new attributes after a user.updated event, and reads them through the user signal', async () => {
      const { service, start } = setup();
      const { stream } = scriptHealthy(service);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      const notification = createNotification({ title: 'Hi <<recipient.firstName>>' });
      expect(inbox.render(notification).title).toEqual([{ type: 'text', value: 'Hi Ada' }]);
      const seen: string[] = [];
      // A component reading render() subscribes to the user signal, so it re-renders on the change.
      const stop = effect(() => {
        seen.push(String((inbox.render(notification).title[0] as { value: string }).value));
      });
      stream.send({ type: 'user.updated', seq: 8, user: { identifier: 'ada', attributes: { firstName: 'Augusta' } }, counts: createCounts(2, 2) });
      await vi.waitFor(() => expect(inbox.user.value?.attributes).toEqual({ firstName: 'Augusta' }));
      expect(inbox.render(notification).title).toEqual([{ type: 'text', value: 'Hi Augusta' }]);
      expect(seen).toEqual(['Hi Ada', 'Hi Augusta']);
      stop();
    });
  });

  describe('.on()', () => {
    it('calls every listener even when one throws, and rethrows the first error later', async () => {
      vi.useFakeTimers();
      const { service, start } = setup();
      service.answer('POST /v1/me/connect', new TypeError('down'));
      const inbox = start();
      const calls: string[] = [];
      inbox.on('connection.changed', () => {
        throw new Error('first');
      });
      const off = inbox.on('connection.changed', (c) => calls.push(c));
      await expect(vi.advanceTimersByTimeAsync(0)).rejects.toThrow('first');
      expect(calls).toEqual(['offline']);
      off();
      inbox.destroy();
      expect(calls).toEqual(['offline']);
    });
  });

  describe('.destroy()', () => {
    it('aborts the stream, closes the connection and sends nothing more', async () => {
      const { service, start } = setup();
      const { stream } = scriptHealthy(service);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      const states: string[] = [];
      inbox.on('connection.changed', (c) => states.push(c));
      inbox.destroy();
      expect(inbox.connection.value).toBe('closed');
      expect(states).toEqual(['closed']);
      expect(service.requestsTo('GET /v1/me/events')[0]!.signal!.aborted).toBe(true);
      await vi.waitFor(() => expect(stream.cancelled).toBe(true));
      await new Promise((r) => setTimeout(r, 50));
      expect(service.requests).toHaveLength(3);
      await expect(inbox.markRead('x')).rejects.toMatchObject({ code: 'aborted' });
    });
  });
});
