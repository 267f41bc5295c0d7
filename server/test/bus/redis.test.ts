// The Redis bus against the Redis on this machine (BELFRY_TEST_REDIS_URL, default
// redis://127.0.0.1:6379). Every run uses its own channel prefix and connection names, so parallel
// runs don't see each other's pokes; every connection a test opens, it closes.
import { randomUUID } from 'node:crypto';
import { createServer, Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBus, openBus } from '../../src/bus/index.ts';
import type { Bus, RedisBus, RedisBusOptions } from '../../src/bus/index.ts';
import { createRecordingLog } from '../fixtures.ts';
import { createRecorder, describeBusContract, eventually } from './contract.ts';

const REDIS_URL = process.env['BELFRY_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const HOW_TO_START =
  `Redis is not reachable at ${REDIS_URL}; these tests need it. Start it with: ` +
  `redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no`;
const runId = randomUUID().slice(0, 8);
const prefix = `belfry-test-${runId}:`;
let busCount = 0;
const openBuses = new Set<Bus>();
const openProxies = new Set<{ cut(): Promise<void> }>();

/** A bus of this run with its own connection names; closed after each test. */
async function openTestBus(overrides: Partial<RedisBusOptions> = {}): Promise<RedisBus & { log: ReturnType<typeof createRecordingLog>; name: string }> {
  const log = createRecordingLog();
  const name = `belfry-test-${runId}-${++busCount}`;
  const bus = createRedisBus({ url: REDIS_URL, prefix, connectionName: name, log, ...overrides });
  openBuses.add(bus);
  if (overrides.url === undefined) await bus.connected(3000).catch(() => Promise.reject(new Error(HOW_TO_START)));
  return Object.assign(bus, { log, name });
}

async function closeAll(): Promise<void> {
  await Promise.all([...openBuses].map((bus) => bus.close()));
  openBuses.clear();
  await Promise.all([...openProxies].map((proxy) => proxy.cut()));
  openProxies.clear();
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A TCP proxy to Redis that can be cut (Redis "goes away") and restored on the same port, or hold
 * Redis's answers back for a while.
 */
async function createRedisProxy(): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; hold(): () => void }> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<Socket>();
  const upstreams = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(target.port || 6379), target.hostname);
    upstreams.add(upstream);
    upstream.on('close', () => upstreams.delete(upstream));
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const proxy = {
    url: `redis://127.0.0.1:${port}`,
    async cut() {
      // Also the cleanup after each test, so it may find the proxy cut already.
      const closed = new Promise((resolve) => (server.listening ? server.close(resolve) : resolve(undefined)));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async restore() {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    hold() {
      const held = [...upstreams];
      for (const upstream of held) upstream.pause();
      return () => held.forEach((upstream) => upstream.resume());
    },
  };
  openProxies.add(proxy);
  return proxy;
}

let admin: Redis;

beforeAll(async () => {
  admin = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 2000 });
  admin.on('error', () => {});
  await admin.connect().catch(() => {
    admin.disconnect();
    throw new Error(HOW_TO_START);
  });
});
afterAll(async () => {
  await admin?.quit().catch(() => admin.disconnect());
});
afterEach(closeAll);

/** The connection names of this Redis's clients whose name starts with `name`. */
async function clientsNamed(name: string): Promise<{ id: string; name: string }[]> {
  const list = (await admin.call('CLIENT', 'LIST')) as string;
  return list
    .split('\n')
    .map((line) => ({ id: /\bid=(\d+)/.exec(line)?.[1] ?? '', name: /\bname=(\S*)/.exec(line)?.[1] ?? '' }))
    .filter((client) => client.name.startsWith(name));
}

async function subscribersOf(topic: string): Promise<number> {
  const [, count] = (await admin.call('PUBSUB', 'NUMSUB', prefix + topic)) as [string, number];
  return count;
}

describeBusContract('redis', async () => {
  const bus = await openTestBus();
  return { bus, cleanup: () => bus.close() };
});

describe('createRedisBus', () => {
  describe('.publish()', () => {
    it('reaches the subscribers of another bus instance, as in another process', async () => {
      const [a, b] = [await openTestBus(), await openTestBus()];
      const onA = createRecorder();
      const onB = createRecorder();
      await a.subscribe('user:1', onA);
      await b.subscribe('user:1', onB);
      await b.publish('user:1', 5);
      await a.publish('user:1', 6);
      await eventually(() => expect([onA.seqs, onB.seqs]).toEqual([[5, 6], [5, 6]]));
    });

    it('reaches the subscribers of another bus instance with one batch message', async () => {
      const [a, b] = [await openTestBus(), await openTestBus()];
      const onA = createRecorder();
      const onB = createRecorder();
      await a.subscribe('user:1', onA);
      await b.subscribe('user:2', onB);
      await b.publishMany([{ topic: 'user:1', seq: 5 }, { topic: 'user:2', seq: 6 }]);
      await eventually(() => expect([onA.seqs, onB.seqs]).toEqual([[5], [6]]));
    });

    it('ignores a malformed batch message and the malformed entries of one, and keeps going', async () => {
      const bus = await openTestBus();
      const seen = createRecorder();
      await bus.subscribe('user:1', seen);
      const raw = new Redis(REDIS_URL);
      try {
        await raw.publish(`${prefix}#pokes`, 'not json');
        await raw.publish(`${prefix}#pokes`, JSON.stringify([['user:1', 'x'], 'junk', [7, 1], ['user:1', 1.5], ['user:1', 2]]));
      } finally {
        raw.disconnect();
      }
      await eventually(() => expect(seen.seqs).toEqual([2]));
      expect(bus.log.entries.map((e) => e.message)).toContain('redis bus: ignored a batch of pokes that is not a list');
    });

    it('rejects within about a second when Redis never answered', async () => {
      const bus = await openTestBus({ url: `redis://127.0.0.1:${await closedPort()}` });
      const started = Date.now();
      await expect(bus.publish('user:1', 1)).rejects.toThrow('not connected');
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('rejects at once while Redis is away, and pokes flow again once it is back', async () => {
      const proxy = await createRedisProxy();
      const bus = await openTestBus({ url: proxy.url });
      await bus.connected(3000);
      const other = await openTestBus();
      const early = createRecorder();
      await bus.subscribe('user:1', early);
      await other.publish('user:1', 3);
      await eventually(() => expect(early.seqs).toEqual([3]));

      await proxy.cut();
      // Both connections noticed: publishing and subscribing now answer without waiting for Redis.
      await eventually(() => expect(bus.log.entries.map((e) => e.message).join()).toMatch(/publisher connection .* is down/));
      await eventually(() => expect(bus.log.entries.map((e) => e.message).join()).toMatch(/subscriber connection .* is down/));
      let started = Date.now();
      await expect(bus.publish('user:1', 4)).rejects.toThrow('not connected');
      expect(Date.now() - started).toBeLessThan(100);
      // Subscribing while away answers at once; the subscription is made on reconnect.
      const during = createRecorder();
      started = Date.now();
      await bus.subscribe('user:2', during);
      expect(Date.now() - started).toBeLessThan(100);
      await other.publish('user:1', 5);

      await proxy.restore();
      // The reconnect pokes every listener once, with the last seq it saw (5 was missed).
      await eventually(() => expect([early.seqs, during.seqs]).toEqual([[3, 3], [0]]), 8000);
      // ...flagged: pokes may have been lost, so listeners read even if they have that seq.
      expect([early.missed, during.missed]).toEqual([[false, true], [true]]);
      // The publisher reconnects on its own backoff schedule.
      await bus.connected(5000);
      await other.publish('user:2', 9);
      await bus.publish('user:1', 10);
      await eventually(() => expect([early.seqs, during.seqs]).toEqual([[3, 3, 10], [0, 9]]));
      // The batch channel is subscribed again too.
      await other.publishMany([{ topic: 'user:1', seq: 11 }, { topic: 'user:2', seq: 12 }]);
      await eventually(() => expect([early.seqs, during.seqs]).toEqual([[3, 3, 10, 11], [0, 9, 12]]));
      expect(bus.log.entries.map((e) => e.message)).toContain(`redis bus: subscriber connection to ${proxy.url} is back`);
    });
  });

  describe('health check', () => {
    it('replaces a connection that went silent, then pokes its listeners', async () => {
      const proxy = await createRedisProxy();
      const bus = await openTestBus({ url: proxy.url, timeoutMs: 100, healthCheckMs: 50 });
      await bus.connected(3000);
      const seen = createRecorder();
      await bus.subscribe('user:1', seen);
      // Redis's answers stop without the connection closing, as in a network partition.
      const release = proxy.hold();
      await eventually(() => expect(bus.log.entries.map((e) => e.message).join()).toMatch(/subscriber connection .* is down/), 3000);
      release();
      await eventually(() => expect(seen.seqs).toEqual([0]), 5000);
      expect(seen.missed).toEqual([true]);
    });
  });

  describe('.subscribe()', () => {
    it('resolves only once Redis confirmed the subscription', async () => {
      const proxy = await createRedisProxy();
      const bus = await openTestBus({ url: proxy.url });
      await bus.connected(3000);
      const release = proxy.hold();
      let resolved = false;
      const subscribed = bus.subscribe('user:1', () => {}).then(() => (resolved = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(resolved).toBe(false);
      release();
      await subscribed;
      expect(await subscribersOf('user:1')).toBe(1);
    });

    it('waits for the first connection, so a poke right after subscribing to a new bus arrives', async () => {
      const other = await openTestBus();
      const bus = createRedisBus({ url: REDIS_URL, prefix, connectionName: `belfry-test-${runId}-${++busCount}`, log: createRecordingLog() });
      openBuses.add(bus);
      const seen = createRecorder();
      await bus.subscribe('user:1', seen);
      await other.publish('user:1', 5);
      await eventually(() => expect(seen.seqs).toContain(5));
    });

    it('subscribes many topics of one moment (batched) so that each gets its pokes', async () => {
      const other = await openTestBus();
      const bus = await openTestBus();
      const topics = Array.from({ length: 200 }, (_, i) => `user:batch-${i}`);
      const seen = topics.map(() => createRecorder());
      await Promise.all(topics.map((topic, i) => bus.subscribe(topic, seen[i]!)));
      expect(await subscribersOf(topics[0]!)).toBe(1);
      expect(await subscribersOf(topics[199]!)).toBe(1);
      await Promise.all(topics.map((topic, i) => other.publish(topic, i + 1)));
      await eventually(() => expect(seen.map((recorder) => recorder.seqs)).toEqual(topics.map((_, i) => [i + 1])));
    });

    it('shares one Redis subscription per topic and ends it with the last listener', async () => {
      const bus = await openTestBus();
      const stops = [await bus.subscribe('user:1', () => {}), await bus.subscribe('user:1', () => {})];
      expect(await subscribersOf('user:1')).toBe(1);
      stops[0]!();
      expect(await subscribersOf('user:1')).toBe(1);
      stops[1]!();
      await eventually(async () => expect(await subscribersOf('user:1')).toBe(0));
    });

    it('subscribes every topic again after its connection is killed, and pokes each listener once', async () => {
      const bus = await openTestBus();
      const other = await openTestBus();
      const first = createRecorder();
      const second = createRecorder();
      await bus.subscribe('user:1', first);
      await bus.subscribe('user:2', second);
      await other.publish('user:1', 5);
      await eventually(() => expect(first.seqs).toEqual([5]));

      const [killed] = await clientsNamed(`${bus.name}-subscriber`);
      await admin.call('CLIENT', 'KILL', 'ID', killed!.id);
      await eventually(() => expect([first.seqs, second.seqs]).toEqual([[5, 5], [0]]), 5000);
      const [replacement] = await clientsNamed(`${bus.name}-subscriber`);
      expect(replacement!.id).not.toBe(killed!.id);
      expect(await subscribersOf('user:1')).toBe(1);

      await other.publish('user:2', 6);
      await other.publish('user:1', 7);
      await eventually(() => expect([first.seqs, second.seqs]).toEqual([[5, 5, 7], [0, 6]]));
    });
  });

  describe('.close()', () => {
    it('quits both of its connections', async () => {
      const bus = await openTestBus();
      expect((await clientsNamed(`${bus.name}-`)).map((c) => c.name).sort()).toEqual([`${bus.name}-publisher`, `${bus.name}-subscriber`]);
      await bus.subscribe('user:1', () => {});
      await bus.close();
      expect(await clientsNamed(`${bus.name}-`)).toEqual([]);
      expect(await subscribersOf('user:1')).toBe(0);
      await expect(bus.publish('user:1', 1)).rejects.toThrow('closed');
    });

    it('returns promptly when Redis never answered', async () => {
      const bus = await openTestBus({ url: `redis://127.0.0.1:${await closedPort()}` });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      await bus.close();
      expect(Date.now() - started).toBeLessThan(500);
    });
  });
});

describe('openBus', () => {
  it('opens a connected Redis bus for a redis:// URL', async () => {
    const bus = await openBus(REDIS_URL, { prefix, connectionName: `belfry-test-${runId}-open`, log: createRecordingLog() });
    openBuses.add(bus);
    const other = await openTestBus();
    const seen = createRecorder();
    await other.subscribe('user:1', seen);
    await bus.publish('user:1', 2);
    await eventually(() => expect(seen.seqs).toEqual([2]));
  });

  it('fails with the address, without the password, when Redis cannot be reached', async () => {
    const port = await closedPort();
    const opened = openBus(`redis://:hunter2@127.0.0.1:${port}`, { connectTimeoutMs: 300, log: createRecordingLog(), connectionName: `belfry-test-${runId}-unreachable` });
    await expect(opened).rejects.toThrow(`cannot reach Redis at redis://127.0.0.1:${port} within 300 ms`);
    await expect(opened).rejects.not.toThrow('hunter2');
  });
});
