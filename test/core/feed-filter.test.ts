import { effect } from '@preact/signals-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TAB_COUNTS_DELAY_MS } from '../../src/core/feed-filter.ts';
import { createInbox } from '../../src/core/index.ts';
import type { Inbox } from '../../src/core/index.ts';
import type { Notification, StreamEvent } from '../../src/protocol/index.ts';
import { createConnectResponse, createCounts, createCreatedEvent, createFakeService, createFakeStream, createNotification, createPage, json } from './fixtures.ts';
import type { RecordedRequest } from './fixtures.ts';

const inboxes: Inbox[] = [];
afterEach(() => {
  for (const inbox of inboxes.splice(0)) inbox.destroy();
  vi.useRealTimers();
});

const updated = (seq: number, notification: Notification): StreamEvent => ({ type: 'notification.updated', seq, notification, counts: createCounts() });
const query = (request: RecordedRequest) => new URL(request.url).search;

/**
 * An online inbox whose main feed is `main` at seq 7, whose service answers filtered lists from
 * `filtered` (by query string) and whose stream the test writes to.
 */
async function setup(main: Notification[], filtered: Record<string, Notification[] | (() => Response)> = {}) {
  const service = createFakeService();
  // The seq filtered pages are read at; a test moves it on as it writes events.
  const at = { seq: 7 };
  const stream = createFakeStream();
  service.answer('POST /v1/me/connect', json(200, createConnectResponse({ seq: 7 })));
  service.answer('GET /v1/me/notifications', json(200, createPage({ items: main, seq: 7 })));
  service.answer('GET /v1/me/events', stream.response);
  service.handle('GET /v1/me/notifications', (request) => {
    const answer = filtered[query(request)];
    if (typeof answer === 'function') return answer();
    if (!answer) throw new TypeError(`no list for ${query(request)}`);
    return json(200, createPage({ items: answer, nextCursor: query(request).includes('cursor') ? null : 'cur_2', seq: at.seq }));
  });
  const inbox = createInbox({ apiKey: 'pk_filter', userId: 'ada', baseUrl: 'https://svc.test', fetch: service.fetch, cache: false, tabs: false, random: () => 0 });
  inboxes.push(inbox);
  await vi.waitFor(() => expect(inbox.connection.value).toBe('online'));
  return { service, stream, inbox, at };
}

const ids = (inbox: Inbox) => inbox.notifications.value.map((n) => n.id);

describe('createInbox (feed filter)', () => {
  describe('.setFilter()', () => {
    it('shows the first page the service lists for the filter, and the main feed again for {}', async () => {
      const [a, b] = [createNotification(), createNotification({ readAt: '2030-01-01T00:00:00.000Z' })];
      const unread = createNotification({ category: 'billing' });
      const { service, inbox } = await setup([a, b], { '?limit=20&status=unread&category=billing': [unread] });
      await inbox.setFilter({ status: 'unread', category: 'billing' });
      expect(service.requestsTo('GET /v1/me/notifications').map(query).at(-1)).toBe('?limit=20&status=unread&category=billing');
      expect(inbox.filter.value).toEqual({ status: 'unread', category: 'billing' });
      expect(ids(inbox)).toEqual([unread.id]);
      expect(inbox.hasMore.value).toBe(true);
      await inbox.setFilter({});
      expect(ids(inbox)).toEqual([a.id, b.id]);
    });

    it('pages the filtered feed with its filter and cursor', async () => {
      const [first, second] = [createNotification({ archivedAt: '2030-01-01T00:00:00.000Z' }), createNotification({ archivedAt: '2030-01-01T00:00:00.000Z' })];
      const { service, inbox } = await setup([], { '?limit=20&status=archived': [first], '?limit=20&status=archived&cursor=cur_2': [second] });
      await inbox.setFilter({ status: 'archived' });
      await inbox.loadMore();
      expect(service.requestsTo('GET /v1/me/notifications').map(query).at(-1)).toBe('?limit=20&status=archived&cursor=cur_2');
      expect(ids(inbox)).toEqual([first.id, second.id]);
      expect(inbox.hasMore.value).toBe(false);
    });

    it('shows the main feed filtered while an Unread page loads, and nothing (loading) for Archived', async () => {
      const [unread, read] = [createNotification(), createNotification({ readAt: '2030-01-01T00:00:00.000Z' })];
      const never = () => new Promise<Response>(() => {}) as unknown as Response;
      const { inbox } = await setup([unread, read], { '?limit=20&status=unread': never, '?limit=20&status=archived': never });
      void inbox.setFilter({ status: 'unread' });
      expect(ids(inbox)).toEqual([unread.id]);
      inbox.setFilter({ status: 'archived' }).catch(() => {}); // aborted by destroy()
      expect(ids(inbox)).toEqual([]);
      expect(inbox.status.value).toBe('loading');
    });

    it('rejects when the service cannot be reached: Unread keeps the main feed filtered, Archived is in error', async () => {
      const [unread, read] = [createNotification(), createNotification({ readAt: '2030-01-01T00:00:00.000Z' })];
      const { inbox } = await setup([unread, read]);
      await expect(inbox.setFilter({ status: 'unread' })).rejects.toMatchObject({ code: 'network' });
      expect(ids(inbox)).toEqual([unread.id]);
      await expect(inbox.setFilter({ status: 'archived' })).rejects.toMatchObject({ code: 'network' });
      expect(inbox.status.value).toBe('error');
      await inbox.setFilter({});
      expect(inbox.status.value).toBe('ready');
    });
  });

  describe('live changes', () => {
    it('adds a new matching notification, leaves out others, and takes archived and deleted ones out of Unread', async () => {
      const [x, y] = [createNotification({ category: 'billing' }), createNotification({ category: 'billing' })];
      const { stream, inbox } = await setup([], { '?limit=20&status=unread&category=billing': [x, y] });
      await inbox.setFilter({ status: 'unread', category: 'billing' });
      const fresh = createNotification({ category: 'billing', createdAt: '2031-01-01T00:00:00.000Z' });
      stream.send(createCreatedEvent(8, fresh));
      stream.send(createCreatedEvent(9, createNotification({ category: 'social', createdAt: '2031-01-01T00:00:00.000Z' })));
      stream.send(updated(10, { ...x, archivedAt: '2031-01-01T00:00:00.000Z' }));
      stream.send({ type: 'notification.deleted', seq: 11, id: y.id, counts: createCounts() });
      await vi.waitFor(() => expect(ids(inbox)).toEqual([fresh.id]));
    });

    it('keeps an item read in Unread (read) until the filter changes', async () => {
      const item = createNotification();
      const { stream, inbox } = await setup([item], { '?limit=20&status=unread': [item] });
      await inbox.setFilter({ status: 'unread' });
      stream.send(updated(8, { ...item, readAt: '2031-01-01T00:00:00.000Z' }));
      await vi.waitFor(() => expect(inbox.notifications.value[0]?.readAt).toBe('2031-01-01T00:00:00.000Z'));
      stream.send({ type: 'notifications.bulk', seq: 9, action: 'read', ids: null, category: null, at: '2031-01-02T00:00:00.000Z', counts: createCounts() });
      await vi.waitFor(() => expect(inbox.notifications.value).toHaveLength(1));
      const { filter, setFilter } = inbox;
      await setFilter({});
      expect(filter.value).toEqual({});
    });

    it('keeps an item read while Unread shows the main feed filtered, when the page that leaves it out arrives', async () => {
      const [a, b] = [createNotification(), createNotification()];
      const read = { ...a, readAt: '2031-01-01T00:00:00.000Z' };
      // The first page is held back until the read has reached the inbox, then lists what the service lists after it.
      let answer!: (response: Response) => void;
      const pending = new Promise<Response>((resolve) => (answer = resolve));
      const unread = [() => pending as unknown as Response, () => json(200, createPage({ items: [b], seq: 8 }))];
      const { stream, inbox } = await setup([a, b], { '?limit=20&status=unread': () => unread.shift()!() });
      const shown = inbox.setFilter({ status: 'unread' });
      expect(ids(inbox)).toEqual([a.id, b.id]);
      stream.send(updated(8, read));
      await vi.waitFor(() => expect(inbox.notifications.value[0]?.readAt).toBe(read.readAt));
      answer(json(200, createPage({ items: [b], seq: 8 })));
      await shown;
      expect(inbox.notifications.value).toEqual([read, b]);
      await inbox.setFilter({});
      await inbox.setFilter({ status: 'unread' });
      expect(ids(inbox)).toEqual([b.id]);
    });

    it('keeps an item read in Unread when the filtered page is fetched again (a resync)', async () => {
      const [a, b] = [createNotification(), createNotification()];
      const lists = { '?limit=20&status=unread': [a, b] };
      const { service, stream, inbox, at } = await setup([a, b], lists);
      await inbox.setFilter({ status: 'unread' });
      const read = { ...a, readAt: '2031-01-01T00:00:00.000Z' };
      stream.send(updated(8, read));
      lists['?limit=20&status=unread'] = [b];
      await vi.waitFor(() => expect(inbox.notifications.value[0]).toEqual(read));
      const before = service.requestsTo('GET /v1/me/notifications').length;
      at.seq = 9;
      service.answer('GET /v1/me/notifications', json(200, createPage({ items: [read, b], seq: 9 })));
      stream.send({ type: 'resync', seq: 9 } as StreamEvent);
      await vi.waitFor(() => expect(service.requestsTo('GET /v1/me/notifications').length).toBe(before + 2));
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(inbox.notifications.value).toEqual([read, b]);
    });

    it('takes an unarchived item out of Archived at once and puts it into the main feed', async () => {
      const archived = createNotification({ archivedAt: '2030-01-01T00:00:00.000Z' });
      const { service, inbox } = await setup([], { '?limit=20&status=archived': [archived] });
      service.answer('PATCH /v1/me/notifications/' + archived.id, json(200, { notification: { ...archived, archivedAt: null }, counts: createCounts(), seq: 8 }));
      await inbox.setFilter({ status: 'archived' });
      const done = inbox.unarchive(archived.id);
      expect(ids(inbox)).toEqual([]);
      await done;
      await inbox.setFilter({});
      expect(ids(inbox)).toEqual([archived.id]);
    });

    it('fetches the filtered page again when the main feed starts over (a resync)', async () => {
      const item = createNotification({ category: 'social' });
      const { service, stream, inbox, at } = await setup([], { '?limit=20&category=social': [item] });
      await inbox.setFilter({ category: 'social' });
      const before = service.requestsTo('GET /v1/me/notifications').length;
      at.seq = 9;
      service.answer('GET /v1/me/notifications', json(200, createPage({ items: [], seq: 9 })));
      stream.send({ type: 'resync', seq: 9 } as StreamEvent);
      await vi.waitFor(() => expect(service.requestsTo('GET /v1/me/notifications').length).toBe(before + 2));
      expect(ids(inbox)).toEqual([item.id]);
    });
  });

  describe('.tabCounts()', () => {
    it('reads the counts while watched, again after a change, and not once unwatched', async () => {
      const { service, stream, inbox } = await setup([]);
      let answers = 0;
      service.handle('GET /v1/me/counts', () => json(200, { counts: createCounts(1, 1), archived: 2, categories: { 'a&b': ++answers }, seq: 7 + answers }));
      const counts = inbox.tabCounts(['a&b', 'c']);
      expect(service.requestsTo('GET /v1/me/counts')).toHaveLength(0);
      const seen: unknown[] = [];
      const stop = effect(() => void seen.push(counts.value?.categories['a&b']));
      await vi.waitFor(() => expect(counts.value?.categories).toEqual({ 'a&b': 1 }));
      expect(query(service.requestsTo('GET /v1/me/counts')[0]!)).toBe('?category=a%26b&category=c');
      stream.send(createCreatedEvent(8));
      stream.send(createCreatedEvent(9));
      await vi.waitFor(() => expect(counts.value?.categories).toEqual({ 'a&b': 2 }), { timeout: TAB_COUNTS_DELAY_MS * 5 });
      expect(service.requestsTo('GET /v1/me/counts')).toHaveLength(2);
      stop();
      stream.send(createCreatedEvent(10));
      await new Promise((resolve) => setTimeout(resolve, TAB_COUNTS_DELAY_MS * 2));
      expect(service.requestsTo('GET /v1/me/counts')).toHaveLength(2);
      expect(seen).toEqual([undefined, 1, 2]);
    });
  });
});
