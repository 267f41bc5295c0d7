// A property test of the batched event path: random event sequences (duplicates, replays, stale
// seqs, control events, bulk changes, items older than the feed) applied as batches of any size
// give the state that applying them one at a time gives, and that state is what a plain model of
// the invariants (each event copies and scans the feed) gives.
import { describe, expect, it } from 'vitest';
import { changesAfter, initialState, reduce } from '../../src/core/reducer.ts';
import type { InboxState } from '../../src/core/reducer.ts';
import type { Notification, StreamEvent } from '../../src/protocol/index.ts';
import { createCounts, createNotification } from './fixtures.ts';

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
function createRandom(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick };
}

type Random = ReturnType<typeof createRandom>;

const IDS = Array.from({ length: 12 }, (_, i) => `ntf_p${i}`);
const TIMES = ['2030-01-01T00:00:00.000Z', '2030-01-02T00:00:00.000Z', '2030-01-03T00:00:00.000Z', '2030-01-04T00:00:00.000Z', 'not a date'];
const CATEGORIES = [null, 'billing', 'social'];

const randomNotification = (r: Random): Notification =>
  createNotification({
    id: r.pick(IDS),
    createdAt: r.pick(TIMES),
    category: r.pick(CATEGORIES),
    readAt: r.next() < 0.3 ? '2030-02-01T00:00:00.000Z' : null,
    seenAt: r.next() < 0.3 ? '2030-02-01T00:00:00.000Z' : null,
    archivedAt: r.next() < 0.15 ? '2030-02-02T00:00:00.000Z' : null,
  });

function randomEvent(r: Random, seq: number): StreamEvent {
  const counts = createCounts(r.int(5), r.int(5));
  switch (r.int(8)) {
    case 0:
    case 1:
      return { type: 'notification.created', seq, notification: randomNotification(r), counts };
    case 2:
      return { type: 'notification.updated', seq, notification: randomNotification(r), counts };
    case 3:
      return { type: 'notification.deleted', seq, id: r.pick(IDS), counts };
    case 4: {
      const ids = r.next() < 0.5 ? null : IDS.filter(() => r.next() < 0.3);
      return { type: 'notifications.bulk', seq, action: r.pick(['read', 'seen', 'archive', 'delete'] as const), ids, category: r.pick(CATEGORIES), at: '2030-03-01T00:00:00.000Z', counts };
    }
    case 5:
      return { type: 'user.updated', seq, user: { identifier: 'ada', attributes: { n: seq } }, counts };
    default:
      return { type: r.pick(['heartbeat', 'resync', 'reauth'] as const), seq: seq + r.int(3) };
  }
}

/** A sequence with seqs mostly rising, some repeated (a replay) or behind (a stale event). */
function randomEvents(r: Random, from: number): StreamEvent[] {
  let seq = from;
  return Array.from({ length: r.int(40) }, () => {
    const roll = r.next();
    seq = roll < 0.1 ? seq : roll < 0.2 ? Math.max(0, seq - r.int(4)) : seq + 1 + r.int(2);
    return randomEvent(r, seq);
  });
}

function randomState(r: Random): InboxState {
  const seen = new Set<string>();
  const items = Array.from({ length: r.int(8) }, () => randomNotification(r))
    .filter((n) => n.archivedAt === null && !seen.has(n.id) && !!seen.add(n.id))
    .sort((a, b) => (Date.parse(b.createdAt) || 0) - (Date.parse(a.createdAt) || 0));
  const seq = r.int(5);
  return { ...initialState, items, seq, countsSeq: seq - r.int(2), nextCursor: r.next() < 0.5 ? 'c1' : null, user: { identifier: 'ada', attributes: {} }, status: 'ready' };
}

/** Splits `events` into consecutive batches of random sizes (empty ones included). */
function chunks(r: Random, events: StreamEvent[]): StreamEvent[][] {
  const out: StreamEvent[][] = [];
  for (let i = 0; i < events.length; ) out.push(events.slice(i, (i += r.int(6))));
  return out;
}

//#region the model: the invariants spelled out naively, one event at a time

const time = (n: Notification) => Date.parse(n.createdAt) || 0;

function modelUpsert(items: readonly Notification[], n: Notification, hasMore: boolean): readonly Notification[] {
  const index = items.findIndex((item) => item.id === n.id);
  if (n.archivedAt !== null) return index === -1 ? items : items.filter((item) => item.id !== n.id);
  if (index !== -1) return items.map((item, i) => (i === index ? n : item));
  const at = items.findIndex((item) => time(item) <= time(n));
  if (at === -1) return hasMore ? items : [...items, n];
  return [...items.slice(0, at), n, ...items.slice(at)];
}

function modelApply(state: InboxState, event: StreamEvent): InboxState {
  if (!('counts' in event) || event.seq <= state.seq) return state;
  const next = { ...state, seq: event.seq, ...(event.seq >= state.countsSeq ? { counts: event.counts, countsSeq: event.seq } : {}) };
  const hasMore = state.nextCursor !== null;
  switch (event.type) {
    case 'notification.created':
    case 'notification.updated':
      return { ...next, items: modelUpsert(state.items, event.notification, hasMore) };
    case 'notification.deleted':
      return { ...next, items: state.items.filter((n) => n.id !== event.id) };
    case 'user.updated':
      return { ...next, user: event.user };
    case 'notifications.bulk': {
      const matches = (n: Notification) => (event.ids ? event.ids.includes(n.id) : event.category === null || n.category === event.category);
      if (event.action === 'archive' || event.action === 'delete') return { ...next, items: state.items.filter((n) => !matches(n)) };
      const field = event.action === 'read' ? 'readAt' : 'seenAt';
      return { ...next, items: state.items.map((n) => (matches(n) && n[field] === null ? { ...n, [field]: event.at } : n)) };
    }
  }
}

//#endregion

describe('reduce', () => {
  describe("'events.received'", () => {
    it('gives, for random sequences in random batches, the state of applying them one at a time', () => {
      for (let seed = 1; seed <= 500; seed++) {
        const r = createRandom(seed);
        const start = randomState(r);
        const events = randomEvents(r, start.seq);
        const model = events.reduce(modelApply, start);
        const oneByOne = events.reduce((state, event) => reduce(state, { type: 'events.received', events: [event] }), start);
        const batched = chunks(r, events).reduce((state, batch) => reduce(state, { type: 'events.received', events: batch }), start);
        const whole = reduce(start, { type: 'events.received', events });
        expect(oneByOne, `seed ${seed}`).toEqual(model);
        expect(batched, `seed ${seed}`).toEqual(model);
        expect(whole, `seed ${seed}`).toEqual(model);
        // Nothing applied: the very same state (invariant 5).
        if (model === start) expect(whole).toBe(start);
      }
    });

    it('never changes the state it was given', () => {
      const r = createRandom(7);
      const start = randomState(r);
      const frozen = structuredClone(start);
      reduce(start, { type: 'events.received', events: randomEvents(r, start.seq) });
      expect(start).toEqual(frozen);
    });

    it('applies 1,000 created events in one pass, newest first', () => {
      const events = Array.from({ length: 1000 }, (_, i) =>
        ({ type: 'notification.created', seq: i + 1, notification: createNotification({ createdAt: new Date(Date.UTC(2031, 0, 1) + i * 1000).toISOString() }), counts: createCounts(i + 1, i + 1) }) as const,
      );
      const state = reduce({ ...initialState, status: 'ready' }, { type: 'events.received', events });
      expect(state.items.map((n) => n.id)).toEqual(events.map((e) => e.notification.id).reverse());
      expect(state).toMatchObject({ seq: 1000, countsSeq: 1000, counts: createCounts(1000, 1000) });
    });
  });
});

describe('changesAfter()', () => {
  it('answers the changes that apply after a seq, in order: no control events, no replays', () => {
    const [a, b, c] = [createNotification(), createNotification(), createNotification()];
    const created = (seq: number, notification: Notification): StreamEvent => ({ type: 'notification.created', seq, notification, counts: createCounts() });
    const events: StreamEvent[] = [created(4, a), { type: 'heartbeat', seq: 9 }, created(6, b), created(6, c), created(5, c), created(7, c)];
    expect(changesAfter(4, events)).toEqual([events[2], events[5]]);
  });
});
