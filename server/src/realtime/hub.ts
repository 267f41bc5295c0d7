// The realtime hub: one Server-Sent Events stream per connected client and the long-poll
// fallback, fed from the events table and woken by bus pokes (design §4 "Realtime", §9).
//
// Built to hold ~10,000 streams per process cheaply:
// - A stream is one small object; frames go straight to the Node response (sink.ts).
// - One bus subscription per user, not per stream, shared by the user's streams and long-polls
//   (subscriptions.ts).
// - Pokes are not served one by one but read in batches, one query for many users (reads.ts).
// - Heartbeats come from one timer turning a wheel of slots (streams.ts).
// - Changes written by this process need no read at all: the writer hands its committed events to
//   `deliver` (delivery.ts), which encodes the content a trigger's events share once (frames.ts).
import type { Context } from 'hono';
import { HEARTBEAT_INTERVAL_MS } from 'belfry/protocol';
import type { InboxChangeEvent, StreamEvent } from 'belfry/protocol';
import type { Bus } from '../bus/index.ts';
import type { Log } from '../log.ts';
import type { Storage, UserRecord } from '../storage/index.ts';
import { createDelivery } from './delivery.ts';
import type { CommittedChange } from './delivery.ts';
import { frameOf } from './frames.ts';
import { createReads } from './reads.ts';
import { openSink } from './sink.ts';
import { createStreamRegistry } from './streams.ts';
import type { Stream } from './streams.ts';
import { createMembers } from './subscriptions.ts';
import type { Poll } from './subscriptions.ts';

export type { CommittedChange } from './delivery.ts';

/** Largest gap (in events) replayed on resume; a larger one gets a single `resync` frame. */
export const MAX_REPLAY_EVENTS = 1000;
/** Most events one long-poll answer carries; the client polls again at once when it got some. */
export const MAX_POLL_EVENTS = 100;
/** Default lead of the `reauth` frame before a stream's token expires. */
export const REAUTH_LEAD_MS = 30_000;
// Streams ended per turn of the event loop by `closeAll`, so the first ends leave at once.
const CLOSE_SLICE = 250;

/** Options of `createHub`. */
export interface HubOptions {
  storage: Storage;
  bus: Bus;
  heartbeatMs?: number;
  maxReplayEvents?: number;
  /** How long before a stream's token expires it gets a `reauth` frame (default 30 s). */
  reauthLeadMs?: number;
  log: Log;
  /** Random number in [0, 1), for tests. */
  random?: () => number;
}

/** Options of one stream. */
export interface StreamOptions {
  /** When the stream's user token expires (ms since the epoch): `reauth` before, closed at it. */
  expiresAt?: number | null;
}

/** Options of `Hub.closeAll`. */
export interface CloseOptions {
  /** Text written to each stream right before it ends (e.g. an SSE `retry:` hint), per stream. */
  lastFrame?: () => string;
}

/** The answer of a long-poll (`GET /v1/me/events?wait=`). */
export interface PollAnswer {
  events: StreamEvent[];
  /** The user's latest seq as far as this process knows. */
  seq: number;
}

/** Serves event streams and long-polls and keeps track of them. */
export interface Hub {
  /** How many streams are open right now (long-polls not counted). */
  readonly openStreams: number;
  /** Answers the event stream of `user`, resuming after `after` (null: from now on). */
  open(c: Context, user: UserRecord, after: number | null, options?: StreamOptions): Promise<Response>;
  /**
   * Answers the events after `after` (null: from now on) at once if there are any, else waits up
   * to `waitMs` for a change of the user's inbox and answers what arrived.
   */
  poll(user: UserRecord, after: number | null, waitMs: number, signal?: AbortSignal): Promise<PollAnswer>;
  /**
   * Writes committed changes of this process to the local streams without reading them back,
   * where that keeps each stream exact; the rest are read as after a poke. Call it after the
   * commit and before poking the bus (whose poke then finds these streams up to date).
   */
  deliver(changes: readonly CommittedChange[]): void;
  /** Answers every waiting long-poll and ends every open stream (clients reconnect), e.g. on shutdown. */
  closeAll(options?: CloseOptions): Promise<void>;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Creates the hub that serves `GET /v1/me/events`. */
export function createHub(options: HubOptions): Hub {
  const { storage, bus, log } = options;
  const maxReplay = options.maxReplayEvents ?? MAX_REPLAY_EVENTS;
  // Wired through arrows: each part calls the others, none needs them before the first stream.
  const members = createMembers(bus, log, (userId) => queue(userId));
  const streams = createStreamRegistry({
    heartbeatMs: options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS,
    reauthLeadMs: options.reauthLeadMs ?? REAUTH_LEAD_MS,
    random: options.random ?? Math.random,
    queue: (userId) => queue(userId),
    onEnd(stream) {
      const member = members.get(stream.userId);
      if (member?.streams.delete(stream)) members.leave(stream.userId, member);
    },
  });
  const { end } = streams;
  const queue = createReads({ storage, log, members, end });
  const deliver = createDelivery(members, queue, end);

  async function open(c: Context, user: UserRecord, after: number | null, streamOptions: StreamOptions = {}): Promise<Response> {
    // The order below is what makes resume exact (nothing lost, nothing twice):
    // 1. Subscribe to the user's pokes FIRST. From here on every committed change also pokes us.
    // 2. Then read the backlog `seq > after` from the database. An event committed before the
    //    subscription is in the backlog; one committed after it pokes us, even if it raced the
    //    backlog read. Either way the stream is read from `lastSent` and skips what it has.
    const { member, fresh } = members.join(user.id);
    // Counted before waiting, so a concurrent last leave keeps the subscription.
    member.joining++;
    try {
      await member.subscribed;
    } finally {
      member.joining--;
    }

    // A cursor from the future (another database) or a gap too long to replay: refetch instead,
    // from `user.seq` (read before subscribing; see the first read below).
    const resync = after !== null && (after > user.seq || user.seq - after > maxReplay);
    const { sink, response } = openSink(c, () => end(stream));
    const stream: Stream = streams.add(user.id, sink, after === null || resync ? user.seq : after);
    member.streams.add(stream);
    if (resync) sink.write(frameOf({ type: 'resync', seq: stream.lastSent }));
    const { expiresAt } = streamOptions;
    if (expiresAt !== undefined && expiresAt !== null) streams.watchExpiry(stream, expiresAt);
    // A client that is up to date needs no read until the next poke, unless the subscription is
    // new: a change committed after `user.seq` was read but before the subscription was active
    // poked nobody. Such first reads of many streams (a restart herd) share batched queries.
    if (fresh || stream.lastSent < user.seq || member.seq > stream.lastSent) queue(user.id);
    return response;
  }

  async function poll(user: UserRecord, after: number | null, waitMs: number, signal?: AbortSignal): Promise<PollAnswer> {
    const from = after ?? user.seq;
    if (from > user.seq || user.seq - from > maxReplay) return { events: [{ type: 'resync', seq: user.seq }], seq: user.seq };
    const { member, fresh } = members.join(user.id);
    const waiter: Poll = { after: from, seq: from, wake: null };
    member.polls.add(waiter);
    try {
      await member.subscribed;
      // Subscribed first, then read: a change committed in between pokes `waiter`. (A fresh
      // subscription may have missed one committed since `user.seq` was read: read then too.)
      let events: InboxChangeEvent[] = from < user.seq || fresh || member.seq > from ? await storage.listEvents(user.id, from, MAX_POLL_EVENTS) : [];
      // A client that left (its request aborted) stops the wait: nobody reads the answer.
      if (events.length === 0 && waitMs > 0 && !closing && !signal?.aborted) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        let stop = () => {};
        await new Promise<void>((resolve) => {
          waiter.wake = resolve;
          timer = setTimeout(resolve, waitMs);
          signal?.addEventListener('abort', (stop = () => resolve()));
          if (waiter.seq > from) resolve();
        });
        clearTimeout(timer);
        signal?.removeEventListener('abort', stop);
        waiter.wake = null;
        if (waiter.seq > from) events = await storage.listEvents(user.id, from, MAX_POLL_EVENTS);
      }
      return { events, seq: Math.max(user.seq, waiter.seq, events.at(-1)?.seq ?? 0) };
    } finally {
      member.polls.delete(waiter);
      members.leave(user.id, member);
    }
  }

  let closing = false;

  return {
    get openStreams() {
      return streams.size;
    },
    open,
    poll,
    deliver,
    async closeAll(closeOptions = {}) {
      // For good: a long-poll arriving later answers at once too.
      closing = true;
      for (const member of members.values()) for (const waiter of member.polls) waiter.wake?.();
      const all = streams.all();
      // In slices with a turn of the event loop between them, so the first streams end (and
      // their bytes leave) at once instead of after the whole loop.
      for (let i = 0; i < all.length; i += CLOSE_SLICE) {
        if (i > 0) await nextTurn();
        for (const stream of all.slice(i, i + CLOSE_SLICE)) {
          if (stream.ended) continue;
          if (closeOptions.lastFrame) stream.sink.write(closeOptions.lastFrame());
          end(stream);
        }
      }
    },
  };
}
