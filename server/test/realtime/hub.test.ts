// The event stream over a real port: the client reads it with fetch() streaming, as browsers do.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxChangeEvent } from 'belfry/protocol';
import { createMemoryBus, createServer, openStorage, userTopic } from '../../src/index.ts';
import type { Bus, CommittedChange, PokeListener, RunningServer, Storage, UserRecord } from '../../src/index.ts';
import { createRecordingLog, createTempDir, createTrigger } from '../fixtures.ts';
import { createContent } from '../storage/contract.ts';
import { parseStreamEvent } from '../../../src/core/validate.ts';
import { openStream, waitFor } from './sse-client.ts';
import type { Frame, TestStream } from './sse-client.ts';

interface Harness {
  server: RunningServer;
  storage: Storage;
  bus: Bus;
  user: UserRecord;
  appId: string;
  /** Writes `count` notifications for the user straight to storage and pokes, as the trigger route does. */
  deliver(count?: number): Promise<InboxChangeEvent[]>;
  /** Sends a trigger through the HTTP API. */
  trigger(): Promise<void>;
  stream(headers?: Record<string, string>, query?: string): Promise<TestStream>;
}

describe('createHub', () => {
  let temp: ReturnType<typeof createTempDir>;
  let harness: Harness;
  const streams: TestStream[] = [];

  /** Starts a server on port 0; `wrap` may intercept storage calls to force races. */
  async function start(
    options: { heartbeatMs?: number; wrap?: (storage: Storage) => Storage; subscribeDelayMs?: number; onListener?: (listener: PokeListener) => void } = {},
  ): Promise<Harness> {
    const storage = await openStorage(`sqlite:${join(temp.dir, 'belfry.db')}`);
    const memoryBus = createMemoryBus();
    const delay = options.subscribeDelayMs;
    // A bus slow to confirm subscriptions, as Redis is under a herd, or one that hands out its
    // listeners, to poke them as a reconnecting Redis bus does.
    const bus: Bus =
      delay === undefined && options.onListener === undefined
        ? memoryBus
        : {
            ...memoryBus,
            async subscribe(topic, listener) {
              options.onListener?.(listener);
              const unsubscribe = await memoryBus.subscribe(topic, listener);
              if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
              return unsubscribe;
            },
          };
    const server = await createServer({ port: 0, storage: options.wrap ? options.wrap(storage) : storage, bus, heartbeatMs: options.heartbeatMs ?? 60_000, log: createRecordingLog() });
    const app = (await storage.findAppByApiKey(server.app.apiKey))!;
    const user = await storage.upsertUser(app.id, 'ada', {});
    const clientHeaders = { 'X-API-Key': server.app.apiKey, 'X-User-Id': 'ada' };
    const h: Harness = {
      server,
      storage,
      bus,
      user,
      appId: app.id,
      async deliver(count = 1) {
        const deliveries = await storage.deliver(app.id, Array<number>(count).fill(user.id), createContent());
        for (const d of deliveries) await bus.publish(userTopic(user.id), d.event.seq);
        return deliveries.map((d) => d.event);
      },
      async trigger() {
        const response = await fetch(`${server.url}/v1/notifications`, {
          method: 'POST',
          headers: { 'X-API-Key': server.app.apiKey, 'X-API-Secret': server.app.apiSecret!, 'Content-Type': 'application/json' },
          body: JSON.stringify(createTrigger({ recipients: ['ada'] })),
        });
        expect(response.status).toBe(202);
      },
      async stream(headers = {}, query = '') {
        const stream = await openStream(`${server.url}/v1/me/events${query}`, { ...clientHeaders, ...headers });
        streams.push(stream);
        return stream;
      },
    };
    return h;
  }

  const seqsOf = (frames: Frame[]) => frames.map((f) => Number(f.id));

  /** Creates users `user-0`..`user-<count - 1>` and answers their identifiers. */
  async function createUsers(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => `user-${i}`);
    for (const id of ids) await harness.storage.upsertUser(harness.appId, id, {});
    return ids;
  }

  /** Commits `count` notifications for the user and tells nobody: no poke, no local delivery. */
  async function writeSilently(count = 1): Promise<CommittedChange[]> {
    const deliveries = await harness.storage.deliver(harness.appId, Array<number>(count).fill(harness.user.id), createContent());
    return deliveries.map((d) => ({ userId: d.userId, seq: d.event.seq, event: d.event }));
  }

  /** Resolves once no frame arrived for `ms`, answering the frames seen meanwhile (none, normally). */
  async function quiet(stream: TestStream, ms = 150): Promise<Frame[]> {
    const extra: Frame[] = [];
    for (;;) {
      try {
        extra.push(await stream.next(ms));
      } catch {
        return extra;
      }
    }
  }

  beforeEach(() => {
    temp = createTempDir();
  });
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
    await harness?.server.close();
    temp.cleanup();
  });

  describe('.open()', () => {
    it('streams new events live with the SSE headers', async () => {
      harness = await start();
      const stream = await harness.stream();
      expect(stream.response.headers.get('Content-Type')).toMatch(/^text\/event-stream/);
      expect(stream.response.headers.get('Cache-Control')).toBe('no-cache');
      expect(stream.response.headers.get('X-Accel-Buffering')).toBe('no');
      await harness.trigger();
      const frame = await stream.next();
      expect(frame).toMatchObject({ id: '1', event: 'notification.created', data: { type: 'notification.created', seq: 1, counts: { unseen: 1, unread: 1 } } });
      expect(frame.data.notification.title).toBe('Hello <<recipient.firstName>>');
    });

    it('streams user.updated live when the backend changes the user\'s attributes', async () => {
      harness = await start();
      const stream = await harness.stream();
      const response = await fetch(`${harness.server.url}/v1/users/ada`, {
        method: 'PUT',
        headers: { 'X-API-Key': harness.server.app.apiKey, 'X-API-Secret': harness.server.app.apiSecret!, 'Content-Type': 'application/json' },
        body: JSON.stringify({ firstName: 'Augusta' }),
      });
      expect(response.status).toBe(200);
      expect(await stream.next()).toMatchObject({
        id: '1',
        event: 'user.updated',
        data: { type: 'user.updated', seq: 1, user: { identifier: 'ada', attributes: { firstName: 'Augusta' } } },
      });
    });

    it('resumes after Last-Event-ID with the missed events, then live ones', async () => {
      harness = await start();
      await harness.deliver(3);
      const stream = await harness.stream({ 'Last-Event-ID': '1' });
      expect(seqsOf([await stream.next(), await stream.next()])).toEqual([2, 3]);
      await harness.trigger();
      expect(await stream.next()).toMatchObject({ id: '4', event: 'notification.created' });
    });

    it('takes the cursor from ?after= too', async () => {
      harness = await start();
      await harness.deliver(3);
      const stream = await harness.stream({}, '?after=2');
      expect(await stream.next()).toMatchObject({ id: '3' });
    });

    it('loses nothing and repeats nothing when events are written right after the replay query', async () => {
      let raced = false;
      harness = await start({
        wrap: (storage) => ({
          ...storage,
          async listEventsForUsers(cursors, limit) {
            const events = await storage.listEventsForUsers(cursors, limit);
            if (!raced) {
              // The replay result is already read: these two exist only in the database and a poke.
              raced = true;
              await harness.deliver(2);
            }
            return events;
          },
        }),
      });
      await harness.deliver(2);
      const stream = await harness.stream({ 'Last-Event-ID': '0' });
      const frames = await stream.until((f) => f.id === '4');
      await harness.deliver(1);
      frames.push(await stream.next());
      expect(seqsOf(frames)).toEqual([1, 2, 3, 4, 5]);
      expect(raced).toBe(true);
    });

    it('loses nothing and repeats nothing when events are written between subscribing and replaying', async () => {
      let raced = false;
      harness = await start({
        wrap: (storage) => ({
          ...storage,
          async listEventsForUsers(cursors, limit) {
            if (!raced) {
              // Subscribed already: these are both in the replay and poked.
              raced = true;
              await harness.deliver(2);
            }
            return storage.listEventsForUsers(cursors, limit);
          },
        }),
      });
      await harness.deliver(1);
      const stream = await harness.stream({ 'Last-Event-ID': '0' });
      const frames = await stream.until((f) => f.id === '3');
      await harness.deliver(1);
      frames.push(await stream.next());
      expect(seqsOf(frames)).toEqual([1, 2, 3, 4]);
    });

    it('delivers every event exactly once in order under concurrent writes during resume', async () => {
      harness = await start();
      await harness.deliver(5);
      const writes = Array.from({ length: 30 }, () => harness.trigger());
      const stream = await harness.stream({ 'Last-Event-ID': '3' });
      await Promise.all(writes);
      const frames = await stream.until((f) => f.id === '35');
      expect(seqsOf(frames)).toEqual(Array.from({ length: 32 }, (_, i) => i + 4));
    });

    it('sends heartbeats carrying the latest seq', async () => {
      harness = await start({ heartbeatMs: 40 });
      await harness.deliver(2);
      const stream = await harness.stream();
      const heartbeat = await stream.next(1000);
      expect(heartbeat).toEqual({ id: '2', event: 'heartbeat', data: { type: 'heartbeat', seq: 2 } });
      expect((await stream.next(1000)).event).toBe('heartbeat');
    });

    it('sends one resync frame instead of replaying a gap over 1000 events', async () => {
      harness = await start();
      await harness.deliver(1001);
      const stream = await harness.stream({ 'Last-Event-ID': '0' });
      expect(await stream.next()).toEqual({ id: '1001', event: 'resync', data: { type: 'resync', seq: 1001 } });
      await harness.deliver(1);
      expect(await stream.next()).toMatchObject({ id: '1002', event: 'notification.created' });
    });

    it('replays a gap of exactly 1000 events', async () => {
      harness = await start();
      await harness.deliver(1000);
      const stream = await harness.stream({ 'Last-Event-ID': '0' });
      const frames = await stream.until((f) => f.id === '1000');
      expect(frames).toHaveLength(1000);
      expect(frames[0]!.event).toBe('notification.created');
    });

    it('sends resync for a cursor ahead of the user (another database)', async () => {
      harness = await start();
      await harness.deliver(1);
      const stream = await harness.stream({ 'Last-Event-ID': '50' });
      expect(await stream.next()).toMatchObject({ id: '1', event: 'resync' });
    });

    it('answers 400 for a malformed Last-Event-ID', async () => {
      harness = await start();
      const response = await fetch(`${harness.server.url}/v1/me/events`, { headers: { 'X-API-Key': harness.server.app.apiKey, 'X-User-Id': 'ada', 'Last-Event-ID': 'abc' } });
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe('invalid_request');
    });
  });

  /** A harness counting batched reads, whose reads wait while `hold()` holds them. */
  async function startCounting(): Promise<{ reads: () => number; hold: () => () => void }> {
    let reads = 0;
    let held: Promise<void> | null = null;
    harness = await start({
      wrap: (storage) => ({
        ...storage,
        async listEventsForUsers(cursors, limit) {
          reads++;
          await held;
          return storage.listEventsForUsers(cursors, limit);
        },
      }),
    });
    return {
      reads: () => reads,
      hold() {
        let release = () => {};
        held = new Promise((resolve) => (release = resolve));
        return () => {
          held = null;
          release();
        };
      },
    };
  }

  describe('.deliver()', () => {
    /** Opens a stream of the harness user and waits until its first read settled. */
    async function openSettled(headers: Record<string, string> = {}): Promise<TestStream> {
      const stream = await harness.stream(headers);
      await waitFor(() => harness.server.hub.openStreams > 0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return stream;
    }

    it('writes the event that follows the stream\'s last seq at once, without a read', async () => {
      const counting = await startCounting();
      const stream = await openSettled();
      const before = counting.reads();
      const [change] = await writeSilently(1);
      harness.server.hub.deliver([change!]);
      expect(await stream.next()).toMatchObject({ id: '1', event: 'notification.created', data: { seq: 1, counts: { unseen: 1, unread: 1 } } });
      expect(counting.reads()).toBe(before);
    });

    it('writes an event after a gap only after the missing ones, read from the database', async () => {
      harness = await start();
      const stream = await openSettled();
      const changes = await writeSilently(3);
      harness.server.hub.deliver([changes[2]!]);
      expect(seqsOf(await stream.until((f) => f.id === '3'))).toEqual([1, 2, 3]);
      expect(await quiet(stream)).toEqual([]);
    });

    it('puts events handed over out of order (concurrent writers) back in seq order', async () => {
      harness = await start();
      const stream = await openSettled();
      const [first, second, third] = await writeSilently(3);
      harness.server.hub.deliver([third!]);
      harness.server.hub.deliver([first!]);
      harness.server.hub.deliver([second!]);
      expect(seqsOf(await stream.until((f) => f.id === '3'))).toEqual([1, 2, 3]);
      expect(await quiet(stream)).toEqual([]);
    });

    it('never writes an event twice, however often or late it is handed over or poked', async () => {
      harness = await start();
      const stream = await openSettled();
      const [first, second] = await writeSilently(2);
      harness.server.hub.deliver([first!]);
      harness.server.hub.deliver([first!]);
      harness.server.hub.deliver([second!, first!, second!]);
      await harness.bus.publish(userTopic(harness.user.id), 2);
      harness.server.hub.deliver([first!]);
      expect(seqsOf(await stream.until((f) => f.id === '2'))).toEqual([1, 2]);
      expect(await quiet(stream)).toEqual([]);
    });

    it('holds a live event back from a stream still replaying its backlog, and gives it to one that is up to date', async () => {
      const counting = await startCounting();
      await writeSilently(3);
      const release = counting.hold();
      const live = await harness.stream();
      const replaying = await harness.stream({ 'Last-Event-ID': '1' });
      await waitFor(() => harness.server.hub.openStreams === 2);
      // Both first reads wait: `replaying` has not had 2 and 3 yet when 4 commits.
      const [fourth] = await writeSilently(1);
      harness.server.hub.deliver([fourth!]);
      expect(await live.next()).toMatchObject({ id: '4' });
      release();
      expect(seqsOf(await replaying.until((f) => f.id === '4'))).toEqual([2, 3, 4]);
      expect(await quiet(live)).toEqual([]);
      expect(await quiet(replaying)).toEqual([]);
    });

    it('skips an event handed over while a read that returns it is running', async () => {
      let handOver: (() => void) | null = null;
      harness = await start({
        wrap: (storage) => ({
          ...storage,
          async listEventsForUsers(cursors, limit) {
            const found = await storage.listEventsForUsers(cursors, limit);
            // The read has seqs 1 and 2; 1 reaches the stream directly before the read's writes.
            handOver?.();
            handOver = null;
            return found;
          },
        }),
      });
      const stream = await openSettled();
      const changes = await writeSilently(2);
      handOver = () => harness.server.hub.deliver([changes[0]!]);
      harness.server.hub.deliver([{ userId: harness.user.id, seq: 2 }]);
      expect(seqsOf(await stream.until((f) => f.id === '2'))).toEqual([1, 2]);
      expect(handOver).toBe(null);
      expect(await quiet(stream)).toEqual([]);
    });

    it('reads a change handed over without its event', async () => {
      harness = await start();
      const stream = await openSettled();
      await writeSilently(1);
      harness.server.hub.deliver([{ userId: harness.user.id, seq: 1 }]);
      expect(await stream.next()).toMatchObject({ id: '1', event: 'notification.created' });
    });

    it('reads nothing on the bus poke of a change it wrote already, but reads on a poke that says pokes were missed', async () => {
      const listeners: PokeListener[] = [];
      let reads = 0;
      harness = await start({
        onListener: (listener) => listeners.push(listener),
        wrap: (storage) => ({
          ...storage,
          async listEventsForUsers(cursors, limit) {
            reads++;
            return storage.listEventsForUsers(cursors, limit);
          },
        }),
      });
      const stream = await openSettled();
      const [first] = await writeSilently(1);
      harness.server.hub.deliver([first!]);
      expect(await stream.next()).toMatchObject({ id: '1' });
      const before = reads;
      // A change by another process whose poke was lost while the bus was cut off.
      await writeSilently(1);
      for (const listener of listeners) listener(1);
      expect(await quiet(stream)).toEqual([]);
      expect(reads).toBe(before);
      for (const listener of listeners) listener(1, true);
      expect(await stream.next()).toMatchObject({ id: '2' });
    });
  });

  describe('reads', () => {
    /** 30 users with a stream each, on a service whose event reads are counted from the moment the streams' first reads settled. */
    async function openCountingReads() {
      const calls = { batched: 0, single: 0 };
      harness = await start({
        wrap: (storage) => ({
          ...storage,
          async listEvents(userId, after, limit) {
            calls.single++;
            return storage.listEvents(userId, after, limit);
          },
          async listEventsForUsers(cursors, limit) {
            calls.batched++;
            return storage.listEventsForUsers(cursors, limit);
          },
        }),
      });
      const ids = await createUsers(30);
      const opened = await Promise.all(ids.map((id) => harness.stream({ 'X-User-Id': id })));
      await waitFor(() => harness.server.hub.openStreams === 30);
      // Let the first reads of the new subscriptions settle, then count from here.
      await new Promise((resolve) => setTimeout(resolve, 100));
      calls.batched = 0;
      calls.single = 0;
      return { calls, ids, opened };
    }

    it('writes the events of a trigger to this process\'s streams without reading them back', async () => {
      const { calls, ids, opened } = await openCountingReads();
      const response = await fetch(`${harness.server.url}/v1/notifications`, {
        method: 'POST',
        headers: { 'X-API-Key': harness.server.app.apiKey, 'X-API-Secret': harness.server.app.apiSecret!, 'Content-Type': 'application/json' },
        body: JSON.stringify(createTrigger({ recipients: ids })),
      });
      expect(response.status).toBe(202);
      const frames = await Promise.all(opened.map((stream) => stream.next()));
      expect(frames.map((f) => [f.id, f.event, f.data.counts])).toEqual(ids.map(() => ['1', 'notification.created', { unseen: 1, unread: 1 }]));
      // The bus poke of the same change finds every stream up to date.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(calls).toEqual({ batched: 0, single: 0 });
    });

    it('gives every recipient of a trigger its own notification, seq and counts with the trigger\'s content, as stored', async () => {
      const { ids, opened } = await openCountingReads();
      const found = await harness.storage.findUsers(harness.appId, ids);
      const users = ids.map((id) => found.find((user) => user.identifier === id)!);
      // Some recipients have older notifications, so their seqs and counts differ.
      const earlier = await harness.storage.deliver(harness.appId, users.filter((_, i) => i % 3 === 0).map((u) => u.id), createContent());
      await Promise.all(earlier.map((d) => harness.bus.publish(userTopic(d.userId), d.event.seq)));
      await Promise.all(opened.filter((_, i) => i % 3 === 0).map((stream) => stream.next()));
      const response = await fetch(`${harness.server.url}/v1/notifications`, {
        method: 'POST',
        headers: { 'X-API-Key': harness.server.app.apiKey, 'X-API-Secret': harness.server.app.apiSecret!, 'Content-Type': 'application/json' },
        body: JSON.stringify(
          createTrigger({
            recipients: ids,
            notification: {
              title: 'Hi "<<recipient.firstName>>" \\ </script>\n\ndata: {"type":"resync","seq":999}\nid: 999',
              message: 'Line\u2028separator bell 🔔 family 👩‍👩‍👧 \u202eעברית\u202c Zoë 日本語',
              actions: [{ id: 'open"1', label: 'Open \\ "now"\n\n', url: 'https://example.com/a?b="c"' }],
            },
            data: { '"key"': { deep: [1, 'two', null, { three: '}\n\nevent: heartbeat' }] }, emoji: '🔔' },
          }),
        ),
      });
      expect(response.status).toBe(202);
      const frames = await Promise.all(opened.map((stream) => stream.next()));
      const stored = await Promise.all(users.map(async (user) => (await harness.storage.listEvents(user.id, 0, 10)).at(-1)));
      expect(frames.map((f) => f.data)).toEqual(stored);
      expect(frames.map((f) => f.id)).toEqual(stored.map((event) => String(event!.seq)));
      expect(new Set(frames.map((f) => f.data.notification.id)).size).toBe(ids.length);
      expect(frames.map((f) => parseStreamEvent(f.data))).toEqual(stored);
    });

    it('serves the pokes of another process\'s trigger to many streams with one batched query, and none per stream', async () => {
      const { calls, ids, opened } = await openCountingReads();
      // Written as another instance does: the database, then only a poke on the bus.
      const users = await harness.storage.findUsers(harness.appId, ids);
      const deliveries = await harness.storage.deliver(harness.appId, users.map((u) => u.id), createContent());
      await Promise.all(deliveries.map((d) => harness.bus.publish(userTopic(d.userId), d.event.seq)));
      const frames = await Promise.all(opened.map((stream) => stream.next()));
      expect(frames.map((f) => [f.id, f.event])).toEqual(ids.map(() => ['1', 'notification.created']));
      expect(calls.single).toBe(0);
      expect(calls.batched).toBeGreaterThanOrEqual(1);
      expect(calls.batched).toBeLessThanOrEqual(3);
    });

    it('gives a stream opened behind a running read the events it missed, in order, not only the read\'s', async () => {
      const counting = await startCounting();
      await writeSilently(3);
      const release = counting.hold();
      const live = await harness.stream();
      // The first read (from seq 3) started and waits; the next stream needs 2 and 3 as well.
      await waitFor(() => counting.reads() === 1);
      const replaying = await harness.stream({ 'Last-Event-ID': '1' });
      await writeSilently(1);
      await harness.bus.publish(userTopic(harness.user.id), 4);
      release();
      expect(await live.next()).toMatchObject({ id: '4' });
      expect(seqsOf(await replaying.until((f) => f.id === '4'))).toEqual([2, 3, 4]);
      expect(await quiet(replaying)).toEqual([]);
    });

    it('reads nothing for a stream opened up to date on a subscription already active', async () => {
      const calls = { batched: 0 };
      harness = await start({
        wrap: (storage) => ({
          ...storage,
          async listEventsForUsers(cursors, limit) {
            calls.batched++;
            return storage.listEventsForUsers(cursors, limit);
          },
        }),
      });
      await harness.deliver(2);
      await harness.stream();
      await waitFor(() => calls.batched === 1);
      await harness.stream({ 'Last-Event-ID': '2' });
      await waitFor(() => harness.server.hub.openStreams === 2);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(calls.batched).toBe(1);
    });
  });

  describe('.openStreams', () => {
    it('goes back to 0 after the client aborts', async () => {
      harness = await start();
      const first = await harness.stream();
      const second = await harness.stream();
      expect(harness.server.hub.openStreams).toBe(2);
      first.close();
      await waitFor(() => harness.server.hub.openStreams === 1);
      second.close();
      await waitFor(() => harness.server.hub.openStreams === 0);
      // The subscription is gone too: a poke reaches nobody and nothing fails.
      await harness.deliver(1);
    });
  });

  describe('client gone early', () => {
    it('forgets a stream whose client left while its subscription was being made', async () => {
      harness = await start({ subscribeDelayMs: 300 });
      const controller = new AbortController();
      const request = fetch(`${harness.server.url}/v1/me/events`, { headers: { 'X-API-Key': harness.server.app.apiKey, 'X-User-Id': 'ada' }, signal: controller.signal }).catch(() => null);
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.abort();
      await request;
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(harness.server.hub.openStreams).toBe(0);
    });
  });

  describe('.closeAll()', () => {
    it('ends open streams promptly when the server closes', async () => {
      harness = await start();
      const stream = await harness.stream();
      const started = Date.now();
      await harness.server.close();
      await stream.ended;
      expect(Date.now() - started).toBeLessThan(1000);
      expect(harness.server.hub.openStreams).toBe(0);
    });
  });
});
