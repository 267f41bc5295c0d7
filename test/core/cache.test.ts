import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CACHED_ITEMS, SNAPSHOT_ITEMS, cacheName, createInboxCache, parseCachedInbox, toCached } from '../../src/core/cache.ts';
import { initialState } from '../../src/core/reducer.ts';
import type { CachedInbox } from '../../src/core/reducer.ts';
import { createCounts, createFakeStorage, createNotification } from './fixtures.ts';

let names = 0;
const freshName = () => cacheName(`pk_cache_${++names}`, 'ada');
const createCached = (overrides: Partial<CachedInbox> = {}): CachedInbox => ({
  items: [createNotification()],
  counts: createCounts(1, 1),
  seq: 4,
  user: { identifier: 'ada', attributes: {} },
  appName: 'Acme',
  ...overrides,
});

afterEach(() => vi.unstubAllGlobals());

describe('cacheName()', () => {
  it('names one database per schema version, app and user', () => {
    expect(cacheName('pk_1', 'ada')).toBe('belfry-v1:pk_1:ada');
  });
});

describe('createInboxCache', () => {
  describe('.read()', () => {
    it('reads back what was written, from IndexedDB', async () => {
      const name = freshName();
      const cached = createCached();
      await createInboxCache(name, 'ada').write(cached);
      vi.resetModules(); // a fresh module: no memory copy, so the read must come from IndexedDB
      const fresh = await import('../../src/core/cache.ts');
      expect(await fresh.createInboxCache(name, 'ada').read()).toEqual(cached);
    });

    it('answers null when nothing is cached', async () => {
      expect(await createInboxCache(freshName(), 'ada').read()).toBeNull();
    });

    it('falls back to memory when IndexedDB is missing', async () => {
      vi.stubGlobal('indexedDB', undefined);
      const cache = createInboxCache(freshName(), 'ada');
      const cached = createCached();
      await cache.write(cached);
      expect(await cache.read()).toEqual(cached);
    });

    it('falls back to memory when IndexedDB throws', async () => {
      vi.stubGlobal('indexedDB', { open: () => { throw new Error('SecurityError'); } });
      const cache = createInboxCache(freshName(), 'ada');
      const cached = createCached();
      await cache.write(cached);
      expect(await cache.read()).toEqual(cached);
    });
  });

  describe('.snapshot()', () => {
    it('reads back the newest items of what was written, synchronously, from localStorage under the database name', () => {
      const storage = createFakeStorage();
      vi.stubGlobal('localStorage', storage);
      const name = freshName();
      const items = Array.from({ length: SNAPSHOT_ITEMS + 5 }, () => createNotification());
      void createInboxCache(name, 'ada').write(createCached({ items }));
      expect(JSON.parse(storage.getItem(name)!)).toMatchObject({ version: 1, items: items.slice(0, SNAPSHOT_ITEMS), seq: 4 });
      expect(createInboxCache(name, 'ada').snapshot()).toEqual(createCached({ items: items.slice(0, SNAPSHOT_ITEMS) }));
    });

    it('answers none when nothing is stored', () => {
      vi.stubGlobal('localStorage', createFakeStorage());
      expect(createInboxCache(freshName(), 'ada').snapshot()).toBeFalsy();
    });

    it('answers none, without throwing, when localStorage is missing or throws on access', () => {
      expect(createInboxCache(freshName(), 'ada').snapshot()).toBeFalsy(); // Node: no localStorage
      vi.stubGlobal('localStorage', { getItem: () => { throw new DOMException('disabled', 'SecurityError'); }, setItem() { throw new DOMException('disabled', 'SecurityError'); }, removeItem() { throw new DOMException('disabled', 'SecurityError'); } });
      const cache = createInboxCache(freshName(), 'ada');
      expect(() => cache.write(createCached())).not.toThrow();
      expect(cache.snapshot()).toBeFalsy();
    });

    it.each([
      ['text that is not JSON', '{"version":1,'],
      ['another schema version', JSON.stringify({ ...createCached(), version: 2 })],
      ['a malformed entry', JSON.stringify({ version: 1, items: 'nope' })],
      ["another user's inbox", JSON.stringify({ version: 1, ...createCached({ user: { identifier: 'eve', attributes: {} } }) })],
    ])('drops %s instead of answering it', (_name, stored) => {
      const storage = createFakeStorage();
      vi.stubGlobal('localStorage', storage);
      const name = freshName();
      storage.setItem(name, stored);
      expect(createInboxCache(name, 'ada').snapshot()).toBeFalsy();
      expect(storage.getItem(name)).toBeNull();
    });

    it('drops malformed items and keeps the rest, as the IndexedDB copy does', () => {
      const storage = createFakeStorage();
      vi.stubGlobal('localStorage', storage);
      const name = freshName();
      const good = createNotification();
      storage.setItem(name, JSON.stringify({ version: 1, ...createCached(), items: [good, { id: 7 }] }));
      expect(createInboxCache(name, 'ada').snapshot()).toMatchObject({ items: [good] });
    });
  });

  describe('.write()', () => {
    it('leaves no snapshot when localStorage is full, rather than an older one', async () => {
      const name = freshName();
      const storage = createFakeStorage(20_000);
      vi.stubGlobal('localStorage', storage);
      const cache = createInboxCache(name, 'ada');
      await cache.write(createCached());
      expect(cache.snapshot()).toBeTruthy();
      const big = Array.from({ length: SNAPSHOT_ITEMS }, () => createNotification({ message: 'x'.repeat(2_000) }));
      await cache.write(createCached({ items: big }));
      expect(storage.getItem(name)).toBeNull();
      // IndexedDB still holds the full copy.
      expect((await cache.read())!.items).toEqual(big);
    });

    it('keeps no snapshot of notifications too big for a share of the host page\'s localStorage', async () => {
      const name = freshName();
      const storage = createFakeStorage();
      vi.stubGlobal('localStorage', storage);
      const cache = createInboxCache(name, 'ada');
      await cache.write(createCached());
      await cache.write(createCached({ items: [createNotification({ data: { blob: 'x'.repeat(100_000) } })] }));
      expect(storage.getItem(name)).toBeNull();
    });
  });

  describe('.readOutbox() / .updateOutbox()', () => {
    it('reads back the outbox from IndexedDB, apart from the inbox', async () => {
      const name = freshName();
      const entries = [{ key: 'k1', method: 'PATCH', path: '/v1/me/notifications/n1', body: { read: true } }];
      await createInboxCache(name, 'ada').updateOutbox(() => entries);
      vi.resetModules();
      const fresh = await import('../../src/core/cache.ts');
      const cache = fresh.createInboxCache(name, 'ada');
      expect(await cache.readOutbox()).toEqual(entries);
      expect(await cache.read()).toBeNull();
    });

    it('changes the stored outbox atomically, so two tabs adding at once keep both entries', async () => {
      const name = freshName();
      // Two tabs: two caches of one database (and a fresh module each, so no shared memory copy).
      const tabA = createInboxCache(name, 'ada');
      vi.resetModules();
      const tabB = (await import('../../src/core/cache.ts')).createInboxCache(name, 'ada');
      const add = (key: string) => (stored: unknown) => [...((stored as { key: string }[] | undefined) ?? []), { key }];
      await Promise.all([tabA.updateOutbox(add('a1')), tabB.updateOutbox(add('b1')), tabA.updateOutbox(add('a2')), tabB.updateOutbox(add('b2'))]);
      const stored = (await tabA.readOutbox()) as { key: string }[];
      expect(stored.map((e) => e.key).sort()).toEqual(['a1', 'a2', 'b1', 'b2']);
    });

    it('keeps the outbox in memory when IndexedDB is missing', async () => {
      vi.stubGlobal('indexedDB', undefined);
      const cache = createInboxCache(freshName(), 'ada');
      await cache.updateOutbox(() => [{ key: 'k1' }]);
      expect(await cache.readOutbox()).toEqual([{ key: 'k1' }]);
    });
  });

  describe('.clear()', () => {
    it('forgets the cached inbox and the outbox', async () => {
      const name = freshName();
      const cache = createInboxCache(name, 'ada');
      await cache.write(createCached());
      await cache.updateOutbox(() => [{ key: 'k1' }]);
      await cache.clear();
      expect(await cache.read()).toBeNull();
      expect(await cache.readOutbox()).toBeUndefined();
      vi.resetModules();
      const fresh = await import('../../src/core/cache.ts');
      expect(await fresh.createInboxCache(name, 'ada').readOutbox()).toBeUndefined();
    });

    it('removes the snapshot too', async () => {
      const name = freshName();
      const storage = createFakeStorage();
      vi.stubGlobal('localStorage', storage);
      const cache = createInboxCache(name, 'ada');
      await cache.write(createCached());
      await cache.clear();
      expect(storage.entries.size).toBe(0);
      expect(cache.snapshot()).toBeFalsy();
    });

    it('leaves the outbox when only a malformed inbox is dropped', async () => {
      const name = freshName();
      const cache = createInboxCache(name, 'ada');
      await cache.updateOutbox(() => [{ key: 'k1' }]);
      const { set, createStore } = await import('idb-keyval');
      await set('inbox', { version: 1, items: 'nope' }, createStore(name, 'inbox'));
      vi.resetModules();
      const fresh = (await import('../../src/core/cache.ts')).createInboxCache(name, 'ada');
      expect(await fresh.read()).toBeNull();
      expect(await fresh.readOutbox()).toEqual([{ key: 'k1' }]);
    });
  });
});

describe('parseCachedInbox()', () => {
  const stored = (overrides: Record<string, unknown> = {}) => ({ version: 1, ...createCached(), ...overrides });

  it('accepts a well-formed entry of the expected user', () => {
    const value = stored();
    expect(parseCachedInbox(value, 'ada')).toEqual({ items: value.items, counts: value.counts, seq: value.seq, user: value.user, appName: 'Acme' });
  });

  it("reads a missing or malformed app name as none, keeping the rest", () => {
    for (const appName of [undefined, 7, { name: 'x' }]) expect(parseCachedInbox(stored({ appName }), 'ada')!.appName).toBeNull();
  });

  it.each([
    ['another schema version', { version: 2 }],
    ['items that are not a list', { items: 'x' }],
    ['negative counts', { counts: { unseen: -1, unread: 0 } }],
    ['a fractional seq', { seq: 1.5 }],
    ['another user', { user: { identifier: 'eve', attributes: {} } }],
  ])('rejects %s', (_name, overrides) => {
    expect(parseCachedInbox(stored(overrides), 'ada')).toBeNull();
  });

  it('drops malformed items and keeps the rest', () => {
    const good = createNotification();
    expect(parseCachedInbox(stored({ items: [good, { id: 1 }, null] }), 'ada')!.items).toEqual([good]);
  });
});

describe('toCached()', () => {
  it('keeps the newest items only', () => {
    const items = Array.from({ length: CACHED_ITEMS + 5 }, () => createNotification());
    const cached = toCached({ ...initialState, items, user: { identifier: 'ada', attributes: {} }, seq: 9 })!;
    expect(cached.items).toEqual(items.slice(0, CACHED_ITEMS));
    expect(cached.seq).toBe(9);
  });

  it('answers null before the user is known', () => {
    expect(toCached(initialState)).toBeNull();
  });
});
