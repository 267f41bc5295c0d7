import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheName, createInboxCache } from '../../src/core/cache.ts';
import { createInbox } from '../../src/core/index.ts';
import type { Inbox, InboxError, InboxOptions } from '../../src/core/index.ts';
import { createConnectResponse, createCounts, createDeferred, createFakeService, createFakeStream, createNotification, createPage, errorResponse, json } from './fixtures.ts';
import type { FakeStream, RecordedRequest } from './fixtures.ts';

let apiKeys = 0;
const inboxes: Inbox[] = [];
const NOW = Date.UTC(2030, 5, 1);
const AT = new Date(NOW).toISOString();

/** An inbox against a fake service; a fresh apiKey per test keeps cache databases apart. */
function setup(overrides: Partial<InboxOptions> = {}) {
  const service = createFakeService();
  const apiKey = `pk_actions_${++apiKeys}`;
  const start = (more: Partial<InboxOptions> = {}) => {
    const inbox = createInbox({ apiKey, userId: 'ada', baseUrl: 'https://svc.test', fetch: service.fetch, random: () => 0, now: () => NOW, cache: false, ...overrides, ...more });
    inboxes.push(inbox);
    return inbox;
  };
  return { service, apiKey, start };
}

/** Scripts connect, page 1 with `items` and an open stream; answers the stream. */
function scriptHealthy(service: ReturnType<typeof createFakeService>, items = [createNotification(), createNotification(), createNotification()]) {
  const stream = createFakeStream();
  service.answer('POST /v1/me/connect', json(200, createConnectResponse({ counts: createCounts(items.length, items.length), seq: 7 })));
  service.answer('GET /v1/me/notifications', json(200, createPage({ items, counts: createCounts(items.length, items.length), seq: 7 })));
  service.answer('GET /v1/me/events', stream.response);
  return { stream, items };
}

/** Lets the stream drop and come back: the inbox goes offline, then online on a new stream. */
async function reconnect(inbox: Inbox, service: ReturnType<typeof createFakeService>, stream: FakeStream) {
  const next = createFakeStream();
  // Held until the test has seen the inbox offline, so the flush happens on the way back only.
  const open = createDeferred<Response>();
  service.answer('GET /v1/me/events', () => open.promise);
  stream.fail();
  await vi.waitFor(() => expect(inbox.connection.value).not.toBe('online'));
  open.resolve(next.response);
  await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
  return next;
}

const networkDown = () => new TypeError('fetch failed');
const mutation = (notification: object, counts = createCounts(3, 2), seq = 8) => json(200, { notification, counts, seq });
const key = (r: RecordedRequest) => r.headers['idempotency-key'];
const ids = (inbox: Inbox) => inbox.notifications.value.map((n) => n.id);

async function ready(overrides: Partial<InboxOptions> = {}) {
  const env = setup(overrides);
  const { stream, items } = scriptHealthy(env.service);
  const inbox = env.start();
  await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
  return { ...env, inbox, stream, items };
}

afterEach(() => {
  for (const inbox of inboxes.splice(0)) inbox.destroy();
});

describe('createInbox actions', () => {
  describe('.markUnread()', () => {
    it('clears readAt at once and PATCHes read: false with an idempotency key', async () => {
      const items = [createNotification({ readAt: '2030-01-01T00:00:00.000Z' })];
      const env = setup();
      scriptHealthy(env.service, items);
      const inbox = env.start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      const id = items[0]!.id;
      env.service.answer(`PATCH /v1/me/notifications/${id}`, mutation({ ...items[0]!, readAt: null }, createCounts(1, 1)));
      const done = inbox.markUnread(id);
      expect(inbox.notifications.value[0]!.readAt).toBeNull();
      await done;
      const [request] = env.service.requestsTo(`PATCH /v1/me/notifications/${id}`);
      expect(request!.body).toEqual({ read: false });
      expect(key(request!)).toMatch(/^[\x20-\x7e]{8,255}$/);
      expect(inbox.counts.value).toEqual(createCounts(1, 1));
    });

    it('sends nothing for an item that is already unread', async () => {
      const { inbox, service, items } = await ready();
      await inbox.markUnread(items[0]!.id);
      expect(service.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    });
  });

  describe('.archive() / .unarchive()', () => {
    it('takes the item out of the feed at once, and puts it back in its place on unarchive', async () => {
      const { inbox, service, items } = await ready();
      const [, b] = items;
      const path = `PATCH /v1/me/notifications/${b!.id}`;
      const archived = createDeferred<Response>();
      service.answer(path, () => archived.promise);
      const archiving = inbox.archive(b!.id);
      expect(ids(inbox)).toEqual([items[0]!.id, items[2]!.id]);
      archived.resolve(mutation({ ...b!, archivedAt: AT }, createCounts(2, 2)));
      await archiving;
      expect(ids(inbox)).toEqual([items[0]!.id, items[2]!.id]);

      const unarchived = createDeferred<Response>();
      service.answer(path, () => unarchived.promise);
      const unarchiving = inbox.unarchive(b!.id);
      expect(ids(inbox)).toEqual(items.map((n) => n.id));
      unarchived.resolve(mutation({ ...b!, archivedAt: null }, createCounts(3, 3), 9));
      await unarchiving;
      expect(ids(inbox)).toEqual(items.map((n) => n.id));
      expect(service.requestsTo(path).map((r) => r.body)).toEqual([{ archived: true }, { archived: false }]);
      expect(inbox.counts.value).toEqual(createCounts(3, 3));
    });

    it('puts an archived item the inbox never held into the feed from the answer', async () => {
      const { inbox, service, items } = await ready();
      const old = createNotification({ createdAt: '2029-01-01T00:00:00.000Z', archivedAt: '2029-02-01T00:00:00.000Z' });
      service.answer(`PATCH /v1/me/notifications/${old.id}`, mutation({ ...old, archivedAt: null }, createCounts(4, 4), 8));
      await inbox.unarchive(old.id);
      expect(ids(inbox)).toEqual([...items.map((n) => n.id), old.id]);
    });

    it('rolls back and rejects when the service refuses', async () => {
      const { inbox, service, items } = await ready();
      service.answer(`PATCH /v1/me/notifications/${items[0]!.id}`, errorResponse(404, 'notification_not_found'));
      await expect(inbox.archive(items[0]!.id)).rejects.toMatchObject({ code: 'http', status: 404 });
      expect(inbox.notifications.value).toEqual(items);
    });
  });

  describe('.remove()', () => {
    it('takes the item out at once and DELETEs it', async () => {
      const { inbox, service, items } = await ready();
      service.answer(`DELETE /v1/me/notifications/${items[1]!.id}`, json(200, { counts: createCounts(2, 2), seq: 8 }));
      const done = inbox.remove(items[1]!.id);
      expect(ids(inbox)).toEqual([items[0]!.id, items[2]!.id]);
      await done;
      expect(inbox.counts.value).toEqual(createCounts(2, 2));
    });

    it('counts a 404 as done: what was to be deleted is gone', async () => {
      const { inbox, service, items } = await ready();
      service.answer(`DELETE /v1/me/notifications/${items[1]!.id}`, errorResponse(404, 'notification_not_found'));
      await inbox.remove(items[1]!.id);
      expect(ids(inbox)).toEqual([items[0]!.id, items[2]!.id]);
    });
  });

  describe('.preferences', () => {
    it('gets the preferences and PUTs a patch with an idempotency key', async () => {
      const { inbox, service } = await ready();
      const answer = { preferences: { billing: { email: false } }, categories: [{ identifier: 'billing', name: 'Billing' }] };
      service.answer('GET /v1/me/preferences', json(200, answer));
      expect(await inbox.preferences.get()).toEqual(answer);
      service.answer('PUT /v1/me/preferences', json(200, answer));
      await inbox.preferences.set({ billing: { email: false } });
      const [put] = service.requestsTo('PUT /v1/me/preferences');
      expect(put!.body).toEqual({ preferences: { billing: { email: false } } });
      expect(key(put!)).toBeTruthy();
      expect(inbox.notifications.value).toHaveLength(3);
    });

    it('rejects an answer in an unknown shape with a protocol error', async () => {
      const { inbox, service } = await ready();
      service.answer('GET /v1/me/preferences', json(200, { preferences: 'all' }));
      await expect(inbox.preferences.get()).rejects.toMatchObject({ name: 'InboxError', code: 'protocol' });
    });
  });

  describe('outbox', () => {
    it('keeps an action taken while the service is unreachable and sends it once, with the same key, when online again', async () => {
      const { inbox, service, stream, items } = await ready();
      const id = items[0]!.id;
      const path = `PATCH /v1/me/notifications/${id}`;
      service.answer(path, networkDown());
      await inbox.markRead(id); // resolves: the action is kept, not lost
      expect(inbox.notifications.value[0]!.readAt).toBe(AT);
      service.answer(path, mutation({ ...items[0]!, readAt: AT }));
      const next = await reconnect(inbox, service, stream);
      await vi.waitFor(() => expect(service.requestsTo(path)).toHaveLength(2));
      const [first, replay] = service.requestsTo(path);
      expect(key(replay!)).toBe(key(first!));
      expect(replay!.body).toEqual({ read: true });
      await vi.waitFor(() => expect(inbox.counts.value).toEqual(createCounts(3, 2)));
      expect(inbox.notifications.value[0]!.readAt).toBe(AT);
      // Sent and answered: a later reconnect sends nothing again.
      await reconnect(inbox, service, next);
      expect(service.requestsTo(path)).toHaveLength(2);
    });

    it('sends a waiting action with the next change when only its own request failed', async () => {
      const { inbox, service, stream, items } = await ready();
      const path = `PATCH /v1/me/notifications/${items[0]!.id}`;
      service.answer(path, networkDown());
      await inbox.markRead(items[0]!.id);
      service.answer(path, mutation({ ...items[0]!, readAt: AT }));
      expect(inbox.connection.value).toBe('online');
      stream.send({ type: 'notification.created', seq: 8, notification: createNotification({ createdAt: '2031-01-01T00:00:00.000Z' }), counts: createCounts(4, 4) });
      await vi.waitFor(() => expect(service.requestsTo(path)).toHaveLength(2));
      const [first, replay] = service.requestsTo(path);
      expect(key(replay!)).toBe(key(first!));
    });

    it('replays in order, and a refusal rolls that action back and emits error', async () => {
      const { inbox, service, stream, items } = await ready();
      const [a, b] = items;
      service.answer(`PATCH /v1/me/notifications/${a!.id}`, networkDown());
      await inbox.markRead(a!.id);
      // Behind a waiting action this one waits too: the outbox tries the first one again instead.
      await inbox.archive(b!.id);
      expect(inbox.notifications.value.map((n) => [n.id, n.readAt])).toEqual([
        [a!.id, AT],
        [items[2]!.id, null],
      ]);
      const errors: InboxError[] = [];
      inbox.on('error', (error) => errors.push(error));
      service.answer(`PATCH /v1/me/notifications/${a!.id}`, errorResponse(404, 'notification_not_found'));
      service.answer(`PATCH /v1/me/notifications/${b!.id}`, mutation({ ...b!, archivedAt: AT }, createCounts(2, 2)));
      await reconnect(inbox, service, stream);
      await vi.waitFor(() => expect(inbox.counts.value).toEqual(createCounts(2, 2)));
      const sent = service.requests.filter((r) => r.method === 'PATCH').map((r) => new URL(r.url).pathname.split('/').pop());
      expect(sent).toEqual([a!.id, a!.id, a!.id, b!.id]);
      // The dropped stream reports its own (network) errors on the same event.
      expect(errors.filter((e) => e.code !== 'network')).toMatchObject([{ code: 'http', status: 404 }]);
      expect(inbox.notifications.value).toEqual([a, items[2]]);
    });

    it('keeps waiting actions across a reload and sends them from the new page', async () => {
      const first = await ready({ cache: true });
      const id = first.items[0]!.id;
      const path = `PATCH /v1/me/notifications/${id}`;
      first.service.answer(path, networkDown());
      await first.inbox.markRead(id);
      first.inbox.destroy();

      // The reloaded page: the service is still down at first; the action shows over the page.
      const page = createDeferred<Response>();
      const stream = createFakeStream();
      first.service.answer('POST /v1/me/connect', json(200, createConnectResponse({ counts: createCounts(3, 3), seq: 7 })));
      first.service.answer('GET /v1/me/notifications', () => page.promise);
      first.service.answer('GET /v1/me/events', stream.response);
      const answer = createDeferred<Response>();
      first.service.answer(path, () => answer.promise);
      const reloaded = first.start({ now: () => NOW + 1000 });
      await vi.waitFor(() => expect(first.service.requestsTo('GET /v1/me/notifications')).toHaveLength(2));
      // The fresh page (where the item is still unread) shows with the waiting action applied.
      page.resolve(json(200, createPage({ items: first.items, counts: createCounts(3, 3), seq: 7 })));
      await vi.waitFor(() => expect(first.service.requestsTo(path)).toHaveLength(2));
      expect(reloaded.notifications.value[0]!.readAt).toBe(new Date(NOW + 1000).toISOString());
      const [lost, replay] = first.service.requestsTo(path);
      expect(key(replay!)).toBe(key(lost!));
      answer.resolve(mutation({ ...first.items[0]!, readAt: AT }));
      await vi.waitFor(() => expect(reloaded.counts.value).toEqual(createCounts(3, 2)));
      expect(reloaded.notifications.value[0]!.readAt).toBe(AT);
    });

    it('drops malformed stored entries instead of sending them', async () => {
      const { service, apiKey, start } = setup({ cache: true });
      const cache = createInboxCache(cacheName(apiKey, 'ada'), 'ada');
      await cache.updateOutbox(() => [{ key: 'k', method: 'PATCH', path: 'https://evil.test/' }, 'junk', { key: 'k2', method: 'DELETE' }]);
      scriptHealthy(service);
      const inbox = start();
      await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(service.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'GET']);
    });
  });

  describe('.logout()', () => {
    it("deletes the user's cached inbox and outbox and clears the signals", async () => {
      const { inbox, service, apiKey, items } = await ready({ cache: true });
      service.answer(`PATCH /v1/me/notifications/${items[0]!.id}`, networkDown());
      await inbox.markRead(items[0]!.id);
      const cache = createInboxCache(cacheName(apiKey, 'ada'), 'ada');
      await vi.waitFor(async () => expect(await cache.read()).not.toBeNull());
      expect(await cache.readOutbox()).toHaveLength(1);
      await inbox.logout();
      expect(inbox.notifications.value).toEqual([]);
      expect(inbox.user.value).toBeNull();
      expect(inbox.connection.value).toBe('closed');
      // Read in a fresh module: no copy in this page's memory either.
      vi.resetModules();
      const fresh = await import('../../src/core/cache.ts');
      const reread = fresh.createInboxCache(cacheName(apiKey, 'ada'), 'ada');
      expect(await reread.read()).toBeNull();
      expect(await reread.readOutbox()).toBeUndefined();
      expect(await cache.read()).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 400)); // past the persist delay: nothing written back
      expect(await reread.read()).toBeNull();
    });
  });
});
