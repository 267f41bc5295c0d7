import { describe, expect, it } from 'vitest';
import { createOutbox, newIdempotencyKey, parseOutbox } from '../../src/core/outbox.ts';
import type { OutboxEntry, OutboxStorage } from '../../src/core/outbox.ts';

const createEntry = (overrides: Partial<OutboxEntry> = {}): OutboxEntry => ({
  key: newIdempotencyKey(),
  method: 'PATCH',
  path: '/v1/me/notifications/ntf_1',
  body: { read: true },
  ...overrides,
});

/** A storage shared like one IndexedDB key: `update` reads and writes in one step; every stored list is recorded. */
function createStorage(stored: unknown = undefined) {
  const writes: OutboxEntry[][] = [];
  const storage: OutboxStorage = {
    read: async () => stored,
    update: async (change) => void writes.push((stored = change(stored)) as OutboxEntry[]),
  };
  return { storage, writes, stored: () => stored };
}

/** An outbox over an in-memory storage that records every write; `answers` script `send`. */
function setup(stored: unknown = undefined, answers: ('done' | 'retry')[] = [], shared = createStorage(stored)) {
  const sent: string[] = [];
  const outbox = createOutbox(shared.storage, async (entry) => {
    sent.push(entry.key);
    return answers.shift() ?? 'done';
  });
  return { outbox, writes: shared.writes, sent, shared };
}

describe('parseOutbox()', () => {
  it('keeps well-formed entries and drops anything else', () => {
    const good = createEntry();
    const stored = [good, null, 'x', { ...good, key: 1 }, { ...good, method: undefined }, { ...good, path: 'https://evil.test/v1/me/x' }, { ...good, path: ['/v1/me/x'] }];
    expect(parseOutbox(stored)).toEqual([good]);
    expect(parseOutbox({ 0: good })).toEqual([]);
  });
});

describe('newIdempotencyKey()', () => {
  it('answers distinct keys the service accepts', () => {
    const keys = new Set(Array.from({ length: 100 }, () => newIdempotencyKey()));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^[\x20-\x7e]{1,255}$/);
  });
});

describe('createOutbox', () => {
  describe('.load()', () => {
    it('puts the stored (older) entries before the ones added since', async () => {
      const old = createEntry();
      const { outbox } = setup([old]);
      const fresh = createEntry();
      await outbox.add(fresh);
      await outbox.load();
      expect(outbox.entries).toEqual([old, fresh]);
    });
  });

  describe('two tabs on one stored outbox', () => {
    it('keeps the entries of both when they add at once, and each removes only its own', async () => {
      const shared = createStorage();
      const tabA = setup(undefined, [], shared);
      const tabB = setup(undefined, ['retry'], shared);
      const [a, b] = [createEntry(), createEntry()];
      await Promise.all([tabA.outbox.add(a), tabB.outbox.add(b)]);
      expect(shared.stored()).toEqual([a, b]);
      // Tab B cannot reach the service; tab A sends its entry and removes it, leaving B's.
      await tabB.outbox.flush();
      await tabA.outbox.flush();
      expect(tabA.sent).toEqual([a.key]);
      expect(shared.stored()).toEqual([b]);
      // A reload of tab A (or a new tab) finds B's entry still waiting.
      const reloaded = setup(undefined, [], shared);
      await reloaded.outbox.load();
      expect(reloaded.outbox.entries).toEqual([b]);
    });

    it('holds an entry added before the stored ones were loaded once', async () => {
      const old = createEntry();
      const { outbox } = setup([old]);
      const fresh = createEntry();
      await outbox.add(fresh);
      await outbox.load();
      await outbox.load();
      expect(outbox.entries).toEqual([old, fresh]);
    });
  });

  describe('.flush()', () => {
    it('sends in order, storing the rest after each answer', async () => {
      const [a, b] = [createEntry(), createEntry()];
      const { outbox, writes, sent } = setup([a, b]);
      await outbox.load();
      await outbox.flush();
      expect(sent).toEqual([a.key, b.key]);
      expect(writes).toEqual([[b], []]);
      expect(outbox.entries).toEqual([]);
    });

    it('stops at an entry answered retry and keeps it first', async () => {
      const [a, b] = [createEntry(), createEntry()];
      const { outbox, sent } = setup([a, b], ['retry']);
      await outbox.load();
      await outbox.flush();
      expect(sent).toEqual([a.key]);
      expect(outbox.entries).toEqual([a, b]);
      await outbox.flush();
      expect(sent).toEqual([a.key, a.key, b.key]);
    });

    it('runs one flush at a time, which also sends what is added meanwhile', async () => {
      const { outbox, sent } = setup();
      const [a, b] = [createEntry(), createEntry()];
      await outbox.add(a);
      const first = outbox.flush();
      const second = outbox.flush();
      expect(second).toBe(first);
      await outbox.add(b);
      await first;
      expect(sent).toEqual([a.key, b.key]);
    });

    it('can flush again after a flush with nothing to send', async () => {
      const { outbox, sent } = setup();
      await outbox.flush();
      const a = createEntry();
      await outbox.add(a);
      await outbox.flush();
      expect(sent).toEqual([a.key]);
    });
  });
});
