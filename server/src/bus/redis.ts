// The bus across processes: Redis pub/sub (design §9). A poke is PUBLISH `<prefix><topic>` with the
// seq as its message. Each process holds two connections: one that publishes and one that is
// subscribed (a subscribed connection is dedicated to pub/sub). Local listeners of a topic share
// one Redis subscription, which ends when the last of them leaves.
//
// The pokes of one trigger (`publishMany`) travel as one message, `[[topic, seq], ...]` in JSON, on
// the channel `<prefix>` + BATCH_CHANNEL, which every process subscribes to for as long as it is
// connected: one PUBLISH and one message to parse per process instead of one per recipient, which
// at 10,000 recipients is most of the bus's cost. Each process pokes the topics it has listeners
// for and skips the rest. Both kinds leave on the one publisher connection, so a process receives
// them in the order they were published.
//
// Redis going away must never take the service down with it: the database is the truth and streams
// re-read it on every heartbeat, so the bus answers fast instead of waiting for Redis. While a
// connection is down, `publish` rejects at once (the routes log the failed poke and carry on) and
// `subscribe` resolves at once with the subscription pending. ioredis reconnects with backoff; on
// every (re)connect this bus subscribes every active topic again and then pokes every local
// listener once, so changes made while it was disconnected reach the streams without waiting for
// a heartbeat.
import { Redis } from 'ioredis';
import { consoleLog } from '../log.ts';
import type { Log } from '../log.ts';
import type { Bus, PokeListener } from './types.ts';

/** Options of `createRedisBus`. */
export interface RedisBusOptions {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  url: string;
  /** Prepended to every topic to form the Redis channel, so several deployments can share a Redis. Default `belfry:`. */
  prefix?: string;
  /** How long a command may take, and how long the first connection is waited for. Default 1000 ms. */
  timeoutMs?: number;
  /**
   * How often each connection pings Redis, so one that died silently (a network partition, no
   * reset) is noticed and replaced. Default 15 s.
   */
  healthCheckMs?: number;
  /** Base of the connection names shown by `CLIENT LIST` (`<name>-publisher`, `<name>-subscriber`). Default `belfry`. */
  connectionName?: string;
  log?: Log;
}

/** A bus over Redis; `connected` tells when both of its connections are up. */
export interface RedisBus extends Bus {
  /** Resolves once both connections are ready, or rejects after `timeoutMs` (e.g. to fail a start-up fast). */
  connected(timeoutMs: number): Promise<void>;
}

/** Default channel prefix of `createRedisBus`. */
export const DEFAULT_REDIS_PREFIX = 'belfry:';
/** Default command and first-connection timeout of `createRedisBus`, in ms. */
export const DEFAULT_REDIS_TIMEOUT_MS = 1000;
/** Default `RedisBusOptions.healthCheckMs`. */
export const DEFAULT_REDIS_HEALTH_CHECK_MS = 15_000;
// Channels per SUBSCRIBE when re-subscribing everything, so 10k topics are not one huge command.
const RESUBSCRIBE_BATCH = 1000;
// Appended to the prefix for the channel of `publishMany`; no `userTopic` looks like it.
const BATCH_CHANNEL = '#pokes';

interface TopicState {
  listeners: Set<PokeListener>;
  /** Settles when this topic's subscription is active (or known to be pending on a reconnect). */
  active: Promise<void>;
  /** The last seq poked, passed to listeners on the poke after a reconnect. */
  lastSeq: number;
}

/** The URL without its credentials, for messages. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Creates a bus whose pokes reach subscribers in every process connected to the same Redis.
 * @example
 * const bus = createRedisBus({ url: 'redis://127.0.0.1:6379' });
 * const stop = await bus.subscribe(userTopic(7), (seq) => console.log('user 7 reached', seq));
 * await bus.publish(userTopic(7), 42);
 */
export function createRedisBus(options: RedisBusOptions): RedisBus {
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  const timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  const name = options.connectionName ?? 'belfry';
  const log = options.log ?? consoleLog;
  const where = describeUrl(options.url);
  const topics = new Map<string, TopicState>();
  let closed = false;

  // No offline queue (a command while disconnected fails at once instead of piling up), no
  // retries of commands cut by a disconnect, and our own re-subscription instead of ioredis's
  // `autoResubscribe`: its SUBSCRIBE gives no signal when confirmed, and the poke after a
  // reconnect must come after it, or a change made in between could be missed. SUBSCRIBE may take
  // longer than a poke (thousands of channels after a reconnect, under a herd of new streams).
  // A connection that answers nothing for `socketTimeout` while a command waits is destroyed and
  // replaced; the health-check PING makes sure some command waits now and then.
  const connect = (role: string, commandTimeout: number, enableAutoPipelining = false) =>
    new Redis(options.url, {
      enableAutoPipelining,
      connectionName: `${name}-${role}`,
      commandTimeout,
      socketTimeout: 5 * timeoutMs,
      connectTimeout: Math.max(timeoutMs, 5000),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      autoResubscribe: false,
    });
  // Auto-pipelining: the PUBLISHes of one tick (a trigger pokes every recipient) leave in one write.
  const publisher = connect('publisher', timeoutMs, true);
  const subscriber = connect('subscriber', 5 * timeoutMs);
  // Created once, so waiting callers while Redis never comes up don't pile up listeners.
  const firstReady = new Map([publisher, subscriber].map((connection) => [connection, readyOf(connection)]));
  const everReady = new WeakSet<Redis>();

  for (const [role, connection] of [['publisher', publisher], ['subscriber', subscriber]] as const) {
    // One warning per outage, not one per reconnect attempt.
    let down = false;
    const lost = (error?: unknown) => {
      if (down || closed) return;
      down = true;
      log('warn', `redis bus: ${role} connection to ${where} is down; reconnecting with backoff`, error === undefined ? {} : { error });
    };
    connection.on('error', lost);
    connection.on('close', () => lost());
    connection.on('ready', () => {
      if (down) log('info', `redis bus: ${role} connection to ${where} is back`);
      down = false;
      everReady.add(connection);
    });
  }
  const healthCheck = setInterval(() => {
    for (const connection of [publisher, subscriber]) {
      if (connection.status === 'ready') connection.ping().catch(() => {});
    }
  }, options.healthCheckMs ?? DEFAULT_REDIS_HEALTH_CHECK_MS);
  healthCheck.unref();

  // Each (re)connect of the subscriber: subscribe every active topic, then poke all its listeners.
  let resubscribed = deferred();
  subscriber.on('ready', () => void resubscribeAll());
  const batchChannel = prefix + BATCH_CHANNEL;
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === batchChannel) {
      receiveBatch(message);
      return;
    }
    if (!channel.startsWith(prefix)) return;
    const seq = Number(message);
    if (!Number.isSafeInteger(seq)) {
      log('warn', 'redis bus: ignored a poke that is not a seq', { channel });
      return;
    }
    const topic = channel.slice(prefix.length);
    const state = topics.get(topic);
    if (!state) return;
    state.lastSeq = Math.max(state.lastSeq, seq);
    fanOut(topic, state, seq);
  });

  /** Pokes the local listeners of each topic in a `publishMany` message. */
  function receiveBatch(message: string): void {
    let pokes: unknown;
    try {
      pokes = JSON.parse(message);
    } catch {
      pokes = null;
    }
    if (!Array.isArray(pokes)) {
      log('warn', 'redis bus: ignored a batch of pokes that is not a list', { channel: batchChannel });
      return;
    }
    for (const poke of pokes as unknown[]) {
      const [topic, seq] = Array.isArray(poke) ? (poke as unknown[]) : [];
      if (typeof topic !== 'string' || !Number.isSafeInteger(seq)) continue;
      const state = topics.get(topic);
      if (!state) continue;
      state.lastSeq = Math.max(state.lastSeq, seq as number);
      fanOut(topic, state, seq as number);
    }
  }

  async function resubscribeAll(): Promise<void> {
    const names = [...topics.keys()];
    try {
      // First, in the same turn as 'ready': any topic subscribed later is confirmed after it.
      await subscriber.subscribe(batchChannel);
      for (let i = 0; i < names.length; i += RESUBSCRIBE_BATCH) {
        await subscriber.subscribe(...names.slice(i, i + RESUBSCRIBE_BATCH).map((topic) => prefix + topic));
      }
    } catch (error) {
      // Pokes for these topics are lost until the next reconnect; heartbeats still heal streams.
      if (!closed) log('error', 'redis bus: re-subscribing failed', { error, topics: names.length });
    }
    const done = resubscribed;
    resubscribed = deferred();
    done.resolve();
    for (const topic of names) {
      const state = topics.get(topic);
      if (state) fanOut(topic, state, state.lastSeq, true);
    }
  }

  /** Calls every listener of the topic; one that throws is logged and the others still run. */
  function fanOut(topic: string, state: TopicState, seq: number, missed = false): void {
    for (const listener of [...state.listeners]) {
      try {
        listener(seq, missed);
      } catch (error) {
        log('error', 'redis bus: poke listener failed', { error, topic });
      }
    }
  }

  // Topics activated in the same turn of the event loop share one SUBSCRIBE (a restart herd
  // brings hundreds of new users a second), up to RESUBSCRIBE_BATCH channels each.
  let batch: { channels: string[]; sent: Promise<unknown> } | null = null;
  function subscribeBatched(channel: string): Promise<unknown> {
    if (!batch) {
      const current: { channels: string[]; sent: Promise<unknown> } = { channels: [], sent: Promise.resolve() };
      current.sent = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        if (batch === current) batch = null;
        // Topics dropped meanwhile (the bus closed) would stay subscribed for nobody.
        const live = current.channels.filter((channel) => topics.has(channel.slice(prefix.length)));
        return live.length > 0 ? subscriber.subscribe(...live) : undefined;
      });
      batch = current;
    }
    const current = batch;
    current.channels.push(channel);
    if (current.channels.length >= RESUBSCRIBE_BATCH) batch = null;
    return current.sent;
  }

  /** Makes the topic's Redis subscription active, or leaves it to the next reconnect. */
  async function activate(topic: string): Promise<void> {
    const next = resubscribed.promise;
    if (subscriber.status === 'ready') {
      try {
        await subscribeBatched(prefix + topic);
        return;
      } catch {
        // Cut by a disconnect: the reconnect subscribes it, as below.
      }
    }
    // Down after having been up: don't hold the stream open for Redis; the reconnect subscribes
    // this topic and pokes it. Never up yet (starting): wait for the first connection, briefly.
    if (everReady.has(subscriber) || closed) return;
    if (!(await within(next, timeoutMs))) log('warn', `redis bus: no connection to ${where} yet; subscribed once it connects`, { topic });
  }

  /** Waits until the connection is ready; the first time, on the shared promise. */
  function nextReady(connection: Redis): Promise<void> {
    if (connection.status === 'ready') return Promise.resolve();
    return everReady.has(connection) ? readyOf(connection) : firstReady.get(connection)!;
  }

  /** Resolves when a PUBLISH can go out; rejects at once while Redis is away (after having been up). */
  async function publishable(): Promise<void> {
    if (closed) throw new Error('the bus is closed');
    if (publisher.status === 'ready') return;
    if (everReady.has(publisher) || !(await within(nextReady(publisher), timeoutMs))) throw new Error(`redis bus: not connected to ${where}`);
  }

  async function quit(connection: Redis): Promise<void> {
    if (connection.status === 'end') return;
    const ended = new Promise<void>((resolve) => connection.once('end', () => resolve()));
    if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
    else connection.disconnect();
    // Disconnected between two attempts, ioredis never emits `end`; no socket or timer is left.
    if (connection.status !== 'reconnecting') await within(ended, timeoutMs);
  }

  return {
    async publish(topic, seq) {
      await publishable();
      await publisher.publish(prefix + topic, String(seq));
    },
    async publishMany(pokes) {
      await publishable();
      if (pokes.length > 0) await publisher.publish(batchChannel, JSON.stringify(pokes.map(({ topic, seq }) => [topic, seq])));
    },
    async subscribe(topic, listener) {
      if (closed) throw new Error('the bus is closed');
      let state = topics.get(topic);
      if (!state) {
        const created: TopicState = { listeners: new Set(), active: Promise.resolve(), lastSeq: 0 };
        created.active = activate(topic);
        topics.set(topic, (state = created));
      }
      // A wrapper per subscription, so the same function subscribed twice unsubscribes separately.
      const entry: PokeListener = (seq, missed) => listener(seq, missed);
      const own = state;
      own.listeners.add(entry);
      await own.active;
      return () => {
        if (!own.listeners.delete(entry) || own.listeners.size > 0 || topics.get(topic) !== own) return;
        topics.delete(topic);
        // On a connection that dropped since, the subscription is gone with it.
        if (subscriber.status === 'ready') subscriber.unsubscribe(prefix + topic).catch(() => {});
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(healthCheck);
      topics.clear();
      resubscribed.resolve();
      await Promise.all([quit(publisher), quit(subscriber)]);
    },
    async connected(waitMs) {
      if (!(await within(Promise.all([nextReady(publisher), nextReady(subscriber)]), waitMs))) throw new Error(`cannot reach Redis at ${where} within ${waitMs} ms`);
    },
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves on the connection's next `ready`. */
function readyOf(connection: Redis): Promise<void> {
  return new Promise((resolve) => connection.once('ready', () => resolve()));
}

/** Whether `promise` settled within `ms` (a rejection counts as not). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
