import { describe, expect, it } from 'vitest';
import { InboxError } from '../../src/core/errors.ts';
import { initialState, reduce, rollbackFor } from '../../src/core/reducer.ts';
import type { InboxAction, InboxState } from '../../src/core/reducer.ts';
import type { StreamEvent } from '../../src/protocol/index.ts';
import { createConnectResponse, createCounts, createCreatedEvent, createNotification, createPage } from './fixtures.ts';

/** A ready state holding `items` (newest first) at `seq`. */
function readyState(overrides: Partial<InboxState> = {}): InboxState {
  const items = overrides.items ?? [createNotification(), createNotification()];
  return { ...initialState, items, counts: createCounts(2, 2), countsSeq: 10, seq: 10, user: { identifier: 'ada', attributes: {} }, status: 'ready', ...overrides };
}

const run = (state: InboxState, ...actions: InboxAction[]) => actions.reduce(reduce, state);
const received = (event: StreamEvent): InboxAction => ({ type: 'events.received', events: [event] });

describe('reduce', () => {
  describe("'cache.loaded'", () => {
    const cached = (items = [createNotification()], seq = 4) => ({ items, counts: createCounts(1, 1), seq, user: { identifier: 'ada', attributes: {} } });

    it('shows the cached feed without archived items and marks the inbox ready', () => {
      const [a, b] = [createNotification(), createNotification({ archivedAt: '2030-01-01T00:00:00.000Z' })];
      const state = reduce(initialState, { type: 'cache.loaded', cached: cached([a!, b!]), over: initialState });
      expect(state).toMatchObject({ items: [a], counts: createCounts(1, 1), seq: 4, status: 'ready', user: { identifier: 'ada' } });
    });

    it('is ignored once the service has answered', () => {
      const state = readyState();
      expect(reduce(state, { type: 'cache.loaded', cached: cached([]), over: initialState })).toBe(state);
    });

    it('replaces the state it was read over: the full copy takes the place of the first-screen snapshot', () => {
      const [a, b, c] = [createNotification(), createNotification(), createNotification()];
      const snapshot = reduce(initialState, { type: 'cache.loaded', cached: cached([a!]), over: initialState });
      const full = reduce(snapshot, { type: 'cache.loaded', cached: cached([a!, b!, c!], 5), over: snapshot });
      expect(full).toMatchObject({ items: [a, b, c], seq: 5, countsSeq: 5, status: 'ready' });
    });

    it('keeps the objects already shown for items and a user whose content is the same', () => {
      const [a, b, c] = [createNotification({ data: { order: { id: 7 } }, actions: [{ id: 'open', label: 'Open', url: '/o' }] }), createNotification(), createNotification()];
      const snapshot = reduce(initialState, { type: 'cache.loaded', cached: cached([a!, b!]), over: initialState });
      // IndexedDB hands back copies: equal content, new objects.
      const copy = structuredClone(cached([a!, b!, c!], 5));
      const full = reduce(snapshot, { type: 'cache.loaded', cached: copy, over: snapshot });
      expect(full.items).toEqual([a, b, c]);
      expect(full.items[0]).toBe(snapshot.items[0]);
      expect(full.items[1]).toBe(snapshot.items[1]);
      expect(full.items[2]).toBe(copy.items[2]);
      expect(full.user).toBe(snapshot.user);
    });

    it('takes the new object for an item or user whose content changed, down to nested data and actions', () => {
      const [a, b, c, d] = [createNotification(), createNotification({ data: { n: 1 } }), createNotification({ actions: [{ id: 'x', label: 'X' }] }), createNotification()];
      const snapshot = reduce(initialState, { type: 'cache.loaded', cached: cached([a!, b!, c!, d!]), over: initialState });
      const changed = [{ ...a!, readAt: '2030-01-02T00:00:00.000Z' }, { ...b!, data: { n: 2 } }, { ...c!, actions: [{ id: 'x', label: 'Y' }] }, structuredClone(d!)];
      const full = reduce(snapshot, { type: 'cache.loaded', cached: { ...cached(changed), user: { identifier: 'ada', attributes: { firstName: 'Ada' } } }, over: snapshot });
      expect(full.items).toEqual(changed);
      for (let i = 0; i < 3; i++) expect(full.items[i]).toBe(changed[i]);
      expect(full.items[3]).toBe(snapshot.items[3]);
      expect(full.user).toEqual({ identifier: 'ada', attributes: { firstName: 'Ada' } });
      expect(full.user).not.toBe(snapshot.user);
    });

    it('is ignored when anything changed the state since its read started (an answer, an action)', () => {
      const snapshot = reduce(initialState, { type: 'cache.loaded', cached: cached(), over: initialState });
      const connected = reduce(snapshot, { type: 'connected', response: createConnectResponse({ seq: 9 }) });
      expect(reduce(connected, { type: 'cache.loaded', cached: cached([createNotification(), createNotification()]), over: snapshot })).toBe(connected);
    });
  });

  describe("'connected'", () => {
    it('takes the user and the counts', () => {
      const state = reduce(readyState(), { type: 'connected', response: createConnectResponse({ counts: createCounts(5, 6), seq: 12 }) });
      expect(state).toMatchObject({ counts: createCounts(5, 6), countsSeq: 12, seq: 10, user: { identifier: 'ada', attributes: { firstName: 'Ada' } } });
    });

    it('keeps the user object shown when the service sends the same user, and takes a changed one', () => {
      const start = readyState({ user: { identifier: 'ada', attributes: { firstName: 'Ada' } } });
      expect(reduce(start, { type: 'connected', response: createConnectResponse() }).user).toBe(start.user);
      const renamed = createConnectResponse({ user: { identifier: 'ada', attributes: { firstName: 'Ada L.' } } });
      expect(reduce(start, { type: 'connected', response: renamed }).user).toBe(renamed.user);
    });

    it('starts over from the service seq when it is behind the cached one (a reset service)', () => {
      const state = reduce(readyState({ seq: 500, countsSeq: 500 }), { type: 'connected', response: createConnectResponse({ counts: createCounts(1, 0), seq: 3 }) });
      expect(state).toMatchObject({ seq: 3, countsSeq: 3, counts: createCounts(1, 0) });
    });
  });

  describe("'page.loaded'", () => {
    it('replaces the feed with the first page and moves the cursor to its seq', () => {
      const fresh = [createNotification(), createNotification({ archivedAt: '2030-01-01T00:00:00.000Z' })];
      const state = reduce(readyState({ status: 'loading' }), { type: 'page.loaded', cursor: null, page: createPage({ items: fresh, nextCursor: 'c1', counts: createCounts(1, 1), seq: 20 }) });
      expect(state).toMatchObject({ items: [fresh[0]], nextCursor: 'c1', seq: 20, counts: createCounts(1, 1), status: 'ready', error: null });
    });

    it('appends a later page fetched with the current cursor, without repeating ids', () => {
      const start = readyState({ nextCursor: 'c1' });
      const older = createNotification();
      const page = createPage({ items: [start.items[1]!, older], nextCursor: 'c2', counts: createCounts(3, 3), seq: 11 });
      const state = reduce(start, { type: 'page.loaded', cursor: 'c1', page });
      expect(state.items).toEqual([...start.items, older]);
      expect(state).toMatchObject({ nextCursor: 'c2', counts: createCounts(3, 3), seq: 10 });
    });

    it('keeps the objects already shown for unchanged items of a first page fetched again', () => {
      const start = readyState();
      const [a, b] = start.items.map((n) => structuredClone(n));
      const fresh = createNotification();
      const read = { ...b!, readAt: '2030-01-02T00:00:00.000Z' };
      const state = reduce(start, { type: 'page.loaded', cursor: null, page: createPage({ items: [fresh, a!, read], seq: 20 }) });
      expect(state.items).toEqual([fresh, a, read]);
      expect(state.items[0]).toBe(fresh);
      expect(state.items[1]).toBe(start.items[0]);
      expect(state.items[2]).toBe(read);
    });

    it('keeps the items already shown as they are when a later page repeats them', () => {
      const start = readyState({ nextCursor: 'c1' });
      const older = createNotification();
      const page = createPage({ items: [{ ...start.items[1]!, title: 'changed meanwhile' }, older], nextCursor: null });
      const state = reduce(start, { type: 'page.loaded', cursor: 'c1', page });
      expect(state.items).toHaveLength(3);
      start.items.forEach((n, i) => expect(state.items[i]).toBe(n));
      expect(state.items[2]).toBe(older);
    });

    it('drops a later page fetched with a cursor that is no longer current', () => {
      const start = readyState({ nextCursor: 'c9' });
      expect(reduce(start, { type: 'page.loaded', cursor: 'c1', page: createPage({ items: [createNotification()] }) })).toBe(start);
    });

    it('keeps counts newer than the page', () => {
      const start = readyState({ nextCursor: 'c1', countsSeq: 15 });
      expect(reduce(start, { type: 'page.loaded', cursor: 'c1', page: createPage({ counts: createCounts(9, 9), seq: 12 }) }).counts).toEqual(start.counts);
    });
  });

  describe("'events.received' with one event", () => {
    it('puts a created notification first and takes the event counts and seq', () => {
      const start = readyState();
      const fresh = createNotification({ createdAt: '2031-01-01T00:00:00.000Z' });
      const state = reduce(start, received(createCreatedEvent(11, fresh, createCounts(3, 3))));
      expect(state.items).toEqual([fresh, ...start.items]);
      expect(state).toMatchObject({ seq: 11, counts: createCounts(3, 3) });
    });

    it('inserts by createdAt, so a late event does not jump the queue', () => {
      const [a, b] = [createNotification({ createdAt: '2030-01-03T00:00:00.000Z' }), createNotification({ createdAt: '2030-01-01T00:00:00.000Z' })];
      const middle = createNotification({ createdAt: '2030-01-02T00:00:00.000Z' });
      expect(reduce(readyState({ items: [a, b] }), received(createCreatedEvent(11, middle))).items).toEqual([a, middle, b]);
    });

    it('leaves an item older than the loaded ones to loadMore while pages remain', () => {
      const start = readyState({ nextCursor: 'c1' });
      const old = createNotification({ createdAt: '2000-01-01T00:00:00.000Z' });
      const state = reduce(start, received(createCreatedEvent(11, old)));
      expect(state.items).toBe(start.items);
      expect(state.seq).toBe(11);
    });

    it('ignores events at or below the current seq (exactly once)', () => {
      const start = readyState();
      expect(reduce(start, received(createCreatedEvent(10)))).toBe(start);
      expect(reduce(start, received(createCreatedEvent(3)))).toBe(start);
      const once = reduce(start, received(createCreatedEvent(11)));
      expect(reduce(once, received(createCreatedEvent(11)))).toBe(once);
    });

    it('replaces an updated notification in place and removes an archived one', () => {
      const start = readyState();
      const [first, second] = start.items;
      const read = { ...second!, readAt: '2030-01-05T00:00:00.000Z' };
      const archived = { ...first!, archivedAt: '2030-01-05T00:00:00.000Z' };
      const state = run(
        start,
        received({ type: 'notification.updated', seq: 11, notification: read, counts: createCounts(2, 1) }),
        received({ type: 'notification.updated', seq: 12, notification: archived, counts: createCounts(1, 1) }),
      );
      expect(state.items).toEqual([read]);
      expect(state).toMatchObject({ seq: 12, counts: createCounts(1, 1) });
    });

    it('removes a deleted notification', () => {
      const start = readyState();
      const state = reduce(start, received({ type: 'notification.deleted', seq: 11, id: start.items[0]!.id, counts: createCounts(1, 1) }));
      expect(state.items).toEqual([start.items[1]]);
    });

    it('takes the user from user.updated, ignoring a stale one', () => {
      const start = readyState();
      const user = { identifier: 'ada', attributes: { firstName: 'Augusta' } };
      const state = reduce(start, received({ type: 'user.updated', seq: 11, user, counts: createCounts(1, 1) }));
      expect(state).toMatchObject({ user, seq: 11, items: start.items });
      const stale = { identifier: 'ada', attributes: { firstName: 'Old' } };
      expect(reduce(state, received({ type: 'user.updated', seq: 11, user: stale, counts: createCounts(1, 1) }))).toBe(state);
    });

    it('applies a bulk read to all items of the category when ids is null', () => {
      const items = [createNotification({ category: 'billing' }), createNotification({ category: 'social' }), createNotification({ category: 'billing', readAt: '2029-01-01T00:00:00.000Z' })];
      const at = '2030-02-01T00:00:00.000Z';
      const state = reduce(readyState({ items }), received({ type: 'notifications.bulk', seq: 11, action: 'read', ids: null, category: 'billing', at, counts: createCounts(0, 1) }));
      expect(state.items.map((n) => n.readAt)).toEqual([at, null, '2029-01-01T00:00:00.000Z']);
      expect(state.counts).toEqual(createCounts(0, 1));
    });

    it('applies a bulk seen, archive or delete to the listed ids only', () => {
      const items = [createNotification(), createNotification(), createNotification()];
      const at = '2030-02-01T00:00:00.000Z';
      const bulk = (seq: number, action: 'seen' | 'archive' | 'delete', ids: string[]): InboxAction =>
        received({ type: 'notifications.bulk', seq, action, ids, category: null, at, counts: createCounts() });
      const seen = reduce(readyState({ items }), bulk(11, 'seen', [items[1]!.id]));
      expect(seen.items.map((n) => n.seenAt)).toEqual([null, at, null]);
      const state = run(seen, bulk(12, 'archive', [items[0]!.id]), bulk(13, 'delete', [items[2]!.id]));
      expect(state.items.map((n) => n.id)).toEqual([items[1]!.id]);
    });

    it('changes nothing on heartbeat, resync and reauth', () => {
      const start = readyState();
      for (const type of ['heartbeat', 'resync', 'reauth'] as const) expect(reduce(start, received({ type, seq: 99 }))).toBe(start);
    });
  });

  describe("'mutation.succeeded'", () => {
    it('takes the answer counts and notification when they are not older than the state', () => {
      const start = readyState();
      const read = { ...start.items[0]!, readAt: '2030-01-05T00:00:00.000Z' };
      const state = reduce(start, { type: 'mutation.succeeded', response: { notification: read, counts: createCounts(2, 1), seq: 11 } });
      expect(state.items[0]).toBe(read);
      expect(state).toMatchObject({ counts: createCounts(2, 1), countsSeq: 11, seq: 10 });
    });

    it('ignores an answer older than the events already applied', () => {
      const start = readyState({ countsSeq: 12, seq: 12 });
      const stale = { ...start.items[0]!, title: 'stale' };
      expect(reduce(start, { type: 'mutation.succeeded', response: { notification: stale, counts: createCounts(9, 9), seq: 11 } })).toBe(start);
    });
  });

  describe("'optimistic.applied'", () => {
    it('sets a field at once and the rollback restores the snapshot', () => {
      const start = readyState();
      const op = { items: [{ ...start.items[0]!, readAt: '2030-01-05T00:00:00.000Z' }] };
      const rollback = rollbackFor(start, op);
      const applied = reduce(start, { type: 'optimistic.applied', ...op });
      expect(applied.items[0]!.readAt).toBe('2030-01-05T00:00:00.000Z');
      expect(reduce(applied, { type: 'optimistic.applied', ...rollback }).items).toEqual(start.items);
    });

    it('does not roll back an item the server changed meanwhile', () => {
      const start = readyState();
      const op = { items: [{ ...start.items[0]!, readAt: '2030-01-05T00:00:00.000Z' }] };
      const rollback = rollbackFor(start, op);
      const fromServer = { ...start.items[0]!, readAt: '2030-01-06T00:00:00.000Z' };
      const state = run(
        start,
        { type: 'optimistic.applied', ...op },
        received({ type: 'notification.updated', seq: 11, notification: fromServer, counts: createCounts(2, 1) }),
        { type: 'optimistic.applied', ...rollback },
      );
      expect(state.items[0]).toEqual(fromServer);
    });

    it('does not bring back an item taken out optimistically that the server has put back since', () => {
      const start = readyState();
      const op = { items: [{ ...start.items[0]!, archivedAt: '2030-01-05T00:00:00.000Z' }] };
      const rollback = rollbackFor(start, op);
      const fromServer = { ...start.items[0]!, title: 'renamed' };
      const state = run(
        start,
        { type: 'optimistic.applied', ...op },
        received({ type: 'notification.updated', seq: 11, notification: fromServer, counts: createCounts(2, 2) }),
        { type: 'optimistic.applied', ...rollback },
      );
      expect(state.items).toEqual([fromServer, start.items[1]]);
    });

    it('takes an item archived optimistically out of the feed and the rollback puts it back in order', () => {
      const start = readyState({ items: [createNotification(), createNotification(), createNotification()] });
      const op = { items: [{ ...start.items[1]!, archivedAt: '2030-01-05T00:00:00.000Z' }] };
      const rollback = rollbackFor(start, op);
      const applied = reduce(start, { type: 'optimistic.applied', ...op });
      expect(applied.items.map((n) => n.id)).toEqual([start.items[0]!.id, start.items[2]!.id]);
      expect(reduce(applied, { type: 'optimistic.applied', ...rollback }).items).toEqual(start.items);
    });

    it('restores an item into the feed by createdAt, once, and its rollback takes it out again', () => {
      const [a, b, c] = [createNotification(), createNotification(), createNotification()];
      const start = readyState({ items: [a!, c!] });
      const op = { items: [b!] };
      const applied = run(start, { type: 'optimistic.applied', ...op }, { type: 'optimistic.applied', ...op });
      expect(applied.items).toEqual([a, b, c]);
      expect(reduce(applied, { type: 'optimistic.applied', ...rollbackFor(start, op) }).items).toEqual([a, c]);
    });

    it('answers the same state when nothing changes', () => {
      const start = readyState();
      expect(reduce(start, { type: 'optimistic.applied', items: [createNotification({ archivedAt: 'x' })] })).toBe(start);
      expect(reduce(start, { type: 'optimistic.applied', items: [start.items[0]!] })).toBe(start);
    });

    it('leaves counts to the server', () => {
      const start = readyState();
      const applied = reduce(start, { type: 'optimistic.applied', items: [{ ...start.items[0]!, readAt: 'now' }] });
      expect(applied.counts).toBe(start.counts);
    });
  });

  describe("'reset'", () => {
    it('forgets everything of the user and stays closed', () => {
      expect(reduce(readyState(), { type: 'reset' })).toEqual({ ...initialState, connection: 'closed' });
    });
  });

  describe("'connection.changed' / 'failed'", () => {
    const networkError = new InboxError('network', 'down');

    it('keeps the shown inbox ready after a network failure and says offline', () => {
      expect(reduce(readyState(), { type: 'failed', error: networkError, fatal: false })).toMatchObject({ status: 'ready', connection: 'offline', error: networkError });
    });

    it('turns a failure with nothing to show into the error status', () => {
      expect(reduce(initialState, { type: 'failed', error: networkError, fatal: false })).toMatchObject({ status: 'error', connection: 'offline' });
    });

    it('closes the connection on a fatal failure', () => {
      const error = new InboxError('user_token_required', 'pass a token');
      expect(reduce(readyState(), { type: 'failed', error, fatal: true })).toMatchObject({ status: 'error', connection: 'closed', error });
    });

    it('clears a past error once the stream is online', () => {
      const offline = reduce(readyState(), { type: 'failed', error: networkError, fatal: false });
      expect(reduce(offline, { type: 'connection.changed', connection: 'online' })).toMatchObject({ connection: 'online', error: null });
    });

    it('returns the same state when the connection does not change', () => {
      const state = readyState({ connection: 'online' });
      expect(reduce(state, { type: 'connection.changed', connection: 'online' })).toBe(state);
    });
  });
});
