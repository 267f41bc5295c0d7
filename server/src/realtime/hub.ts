// The realtime hub: one Server-Sent Events stream per connected client and the long-poll
// fallback, fed from the events table and woken by bus pokes (design §4 "Realtime", §9).
//
// Built to hold ~10,000 streams per process cheaply:
// - A stream is one small object; frames go straight to the Node response (sink.ts).
// - One bus subscription per user, not per stream, shared by the user's streams and long-polls.
// - Pokes are not served one by one: the users poked since the last read are collected and read
//   together with one `listEventsForUsers` query, then each stream gets one write with all its
//   frames. A burst of 10,000 pokes costs a handful of queries instead of 10,000.
// - Heartbeats come from one timer turning a wheel of slots; each stream sits in a random slot,
//   so streams opened together (a restart herd) do not all heartbeat, and read, together.
// - Changes written by this process need no read at all: the writer hands its committed events to
//   `deliver`, and a stream whose next seq is exactly the event's gets the frame at once (see
//   `deliver` for when it falls back to a read).
import type { Context } from 'hono';
import { encodeSseFrame, HEARTBEAT_INTERVAL_MS } from 'belfry/protocol';
import type { InboxChangeEvent, StreamEvent } from 'belfry/protocol';
import { userTopic } from '../bus/index.ts';
import type { Bus } from '../bus/index.ts';
import type { Log } from '../log.ts';
import type { Storage, UserRecord } from '../storage/index.ts';
import { openSink } from './sink.ts';
import type { Sink } from './sink.ts';

/** Largest gap (in events) replayed on resume; a larger one gets a single `resync` frame. */
export const MAX_REPLAY_EVENTS = 1000;
/** Most events one long-poll answer carries; the client polls again at once when it got some. */
export const MAX_POLL_EVENTS = 100;
/** Default lead of the `reauth` frame before a stream's token expires. */
export const REAUTH_LEAD_MS = 30_000;
// Events read per user per query while catching up; a user with more is read again right after.
const READ_BATCH = 200;
// Users per `listEventsForUsers` query.
const USERS_PER_READ = 1000;
// Heartbeat wheel: one timer, this many slots per heartbeat interval.
const WHEEL_SLOTS = 16;
// Streams ended per turn of the event loop by `closeAll`, so the first ends leave at once.
const CLOSE_SLICE = 250;
// setTimeout fires at once for delays above 2^31 - 1 ms (~24.8 days); longer waits are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;

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

/** A change to one user's inbox committed by this process: its seq, and its event when the writer has it. */
export interface CommittedChange {
  userId: number;
  seq: number;
  event?: InboxChangeEvent | null;
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

interface Stream {
  userId: number;
  sink: Sink;
  /** Seq of the last event written; only grows, so nothing is ever written twice. */
  lastSent: number;
  heartbeatDue: boolean;
  reauthDue: boolean;
  expired: boolean;
  ended: boolean;
  slot: number;
  cancelTimers: (() => void) | null;
}

interface Poll {
  after: number;
  /** Latest seq poked while waiting. */
  seq: number;
  wake: (() => void) | null;
}

/** One user's subscription, shared by its streams and long-polls in this process. */
interface Member {
  streams: Set<Stream>;
  polls: Set<Poll>;
  /** Streams waiting for the subscription to join `streams`; the member stays while any do. */
  joining: number;
  /** Latest seq poked since the subscription became active. */
  seq: number;
  /** Whether the subscription is active (pokes arrive). */
  active: boolean;
  subscribed: Promise<(() => void) | null>;
}

/** Runs `fn` at time `at` (ms since the epoch), however far away; answers a canceller. */
function runAt(at: number, fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const delay = at - Date.now();
    timer = delay > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, Math.max(0, delay));
  };
  arm();
  return () => clearTimeout(timer);
}

const frameOf = (event: StreamEvent) => encodeSseFrame(event);
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Creates the hub that serves `GET /v1/me/events`. */
export function createHub(options: HubOptions): Hub {
  const { storage, bus, log } = options;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS;
  const maxReplay = options.maxReplayEvents ?? MAX_REPLAY_EVENTS;
  const reauthLeadMs = options.reauthLeadMs ?? REAUTH_LEAD_MS;
  const random = options.random ?? Math.random;
  const members = new Map<number, Member>();
  const streams = new Set<Stream>();
  const wheel = Array.from({ length: WHEEL_SLOTS }, () => new Set<Stream>());
  let wheelAt = 0;
  let wheelTimer: ReturnType<typeof setInterval> | undefined;

  //#region Subscriptions
  /**
   * The user's member entry; `fresh` when its subscription was not active yet, so changes
   * committed just before may have poked nobody.
   */
  function join(userId: number): { member: Member; fresh: boolean } {
    let member = members.get(userId);
    if (!member) {
      const created: Member = { streams: new Set(), polls: new Set(), joining: 0, seq: 0, active: false, subscribed: Promise.resolve(null) };
      created.subscribed = bus.subscribe(userTopic(userId), (seq, missed) => poke(userId, seq, missed === true)).then(
        (unsubscribe) => {
          created.active = true;
          return unsubscribe;
        },
        (error: unknown) => {
          // Streams still heal on their heartbeats; a long-poll waits out its time.
          log('error', 'event stream could not subscribe', { error, userId });
          return null;
        },
      );
      members.set(userId, (member = created));
    }
    return { member, fresh: !member.active };
  }

  function leave(userId: number, member: Member): void {
    if (member.streams.size > 0 || member.polls.size > 0 || member.joining > 0 || members.get(userId) !== member) return;
    members.delete(userId);
    void member.subscribed.then((unsubscribe) => unsubscribe?.());
  }

  function poke(userId: number, seq: number, missed: boolean): void {
    const member = members.get(userId);
    if (!member) return;
    member.seq = Math.max(member.seq, seq);
    for (const poll of member.polls) {
      if (seq <= poll.after) continue;
      poll.seq = Math.max(poll.seq, seq);
      poll.wake?.();
    }
    // Streams that already have `seq` (written by `deliver`: the poke of this process's own
    // change comes back from the bus) need no read, unless pokes were lost before this one.
    for (const stream of member.streams) {
      if (missed || stream.lastSent < seq) {
        queue(userId);
        break;
      }
    }
  }
  //#endregion

  //#region Direct delivery
  /**
   * Writes each change's event to the user's streams here, without a read, when that is exact:
   * the event is the next one the stream needs (`seq === lastSent + 1`), so nothing before it can
   * be missing and nothing is written twice. Anything else falls back to the batched read, which
   * starts from `lastSent`: a gap (an earlier event still on its way, from a concurrent writer or
   * another process, or a stream still replaying its backlog) is read from the database in order,
   * and an event the stream already has (`seq <= lastSent`) is skipped. A change without an event
   * is read too. Each event is encoded once, however many streams the user has open.
   */
  function deliver(changes: readonly CommittedChange[]): void {
    for (const { userId, seq, event } of changes) {
      const member = members.get(userId);
      if (!member || member.streams.size === 0) continue;
      member.seq = Math.max(member.seq, seq);
      let frame: string | null = null;
      for (const stream of member.streams) {
        if (stream.ended || seq <= stream.lastSent) continue;
        if (!event || seq !== stream.lastSent + 1) {
          queue(userId);
          continue;
        }
        frame ??= frameOf(event);
        stream.lastSent = seq;
        if (!stream.sink.write(frame)) end(stream);
      }
    }
  }
  //#endregion

  //#region Batched reads
  // Users whose streams need a read: poked, heartbeat due, just opened with a backlog, ...
  const pending = new Set<number>();
  let reading = false;
  let scheduled = false;

  function queue(userId: number): void {
    pending.add(userId);
    if (reading || scheduled) return;
    scheduled = true;
    // Next turn, so the pokes of this moment (one trigger pokes all its recipients) share a read.
    setImmediate(readPending);
  }

  /**
   * Reads the events of every pending user and writes them to their streams. Only one read runs
   * at a time; users poked meanwhile wait in `pending` for the next round, so under load the
   * rounds grow instead of the queries multiplying. Each user's read starts after the smallest
   * `lastSent` of its streams, and a stream writes only events above its own `lastSent`: a user
   * read twice, or poked while being read, never gets an event twice or misses one. A stream
   * that joined during the read with a `lastSent` below the read's start waits for the next one.
   */
  async function readPending(): Promise<void> {
    scheduled = false;
    if (reading) return;
    reading = true;
    try {
      while (pending.size > 0) {
        const cursors: { userId: number; after: number }[] = [];
        for (const userId of pending) {
          pending.delete(userId);
          const member = members.get(userId);
          if (!member || member.streams.size === 0) continue;
          let after = Infinity;
          for (const stream of member.streams) after = Math.min(after, stream.lastSent);
          cursors.push({ userId, after });
          if (cursors.length === USERS_PER_READ) break;
        }
        if (cursors.length === 0) continue;
        let found: Map<number, InboxChangeEvent[]>;
        try {
          found = await storage.listEventsForUsers(cursors, READ_BATCH);
        } catch (error) {
          // Ended streams reconnect and resume from their cursors, on a healthier database maybe.
          log('error', 'event stream read failed', { error, users: cursors.length });
          for (const { userId } of cursors) for (const stream of [...(members.get(userId)?.streams ?? [])]) end(stream);
          continue;
        }
        for (const { userId, after } of cursors) {
          const member = members.get(userId);
          if (!member) continue;
          const events = found.get(userId) ?? [];
          const complete = events.length < READ_BATCH;
          const frames = events.length > 0 ? events.map(frameOf) : [];
          for (const stream of [...member.streams]) {
            // A stream opened during the read, behind its cursor: these events would skip some
            // of its own. It is read again, from its `lastSent`.
            if (stream.lastSent < after) pending.add(userId);
            else send(stream, events, frames, complete);
          }
          if (!complete) pending.add(userId);
        }
      }
    } finally {
      reading = false;
    }
  }

  /** Writes what `stream` has not had of `events`, then its due heartbeat/reauth, in one write. */
  function send(stream: Stream, events: readonly InboxChangeEvent[], frames: readonly string[], complete: boolean): void {
    if (stream.ended) return;
    let text = '';
    for (let i = 0; i < events.length; i++) {
      if (events[i]!.seq <= stream.lastSent) continue;
      text += frames[i];
      stream.lastSent = events[i]!.seq;
    }
    // After a complete read, so `seq` is the user's latest: a client behind it catches up.
    if (complete && stream.heartbeatDue) {
      stream.heartbeatDue = false;
      text += frameOf({ type: 'heartbeat', seq: stream.lastSent });
    }
    if (complete && stream.reauthDue) {
      stream.reauthDue = false;
      text += frameOf({ type: 'reauth', seq: stream.lastSent });
    }
    if (text !== '' && !stream.sink.write(text)) {
      end(stream);
      return;
    }
    if (complete && stream.expired) end(stream);
  }
  //#endregion

  //#region Heartbeats
  function turnWheel(): void {
    wheelAt = (wheelAt + 1) % WHEEL_SLOTS;
    for (const stream of wheel[wheelAt]!) {
      stream.heartbeatDue = true;
      queue(stream.userId);
    }
  }
  //#endregion

  function end(stream: Stream): void {
    if (stream.ended) return;
    stream.ended = true;
    stream.cancelTimers?.();
    stream.sink.end();
    streams.delete(stream);
    wheel[stream.slot]!.delete(stream);
    if (streams.size === 0 && wheelTimer !== undefined) {
      clearInterval(wheelTimer);
      wheelTimer = undefined;
    }
    const member = members.get(stream.userId);
    if (member?.streams.delete(stream)) leave(stream.userId, member);
  }

  function watchExpiry(stream: Stream, expiresAt: number): void {
    let reauthSent = false;
    const cancelReauth = runAt(expiresAt - reauthLeadMs, () => {
      reauthSent = true;
      stream.reauthDue = true;
      queue(stream.userId);
    });
    // Closed when the token expires, after a reauth frame even if the lead never came.
    const cancelExpiry = runAt(expiresAt, () => {
      if (!reauthSent) stream.reauthDue = true;
      stream.expired = true;
      queue(stream.userId);
    });
    stream.cancelTimers = () => {
      cancelReauth();
      cancelExpiry();
    };
  }

  async function open(c: Context, user: UserRecord, after: number | null, streamOptions: StreamOptions = {}): Promise<Response> {
    // The order below is what makes resume exact (nothing lost, nothing twice):
    // 1. Subscribe to the user's pokes FIRST. From here on every committed change also pokes us.
    // 2. Then read the backlog `seq > after` from the database. An event committed before the
    //    subscription is in the backlog; one committed after it pokes us, even if it raced the
    //    backlog read. Either way the stream is read from `lastSent` and skips what it has.
    const { member, fresh } = join(user.id);
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
    const stream: Stream = {
      userId: user.id,
      sink,
      lastSent: after === null || resync ? user.seq : after,
      heartbeatDue: false,
      reauthDue: false,
      expired: false,
      ended: false,
      slot: Math.floor(random() * WHEEL_SLOTS),
      cancelTimers: null,
    };
    member.streams.add(stream);
    streams.add(stream);
    wheel[stream.slot]!.add(stream);
    wheelTimer ??= setInterval(turnWheel, heartbeatMs / WHEEL_SLOTS);
    if (resync) sink.write(frameOf({ type: 'resync', seq: stream.lastSent }));
    const { expiresAt } = streamOptions;
    if (expiresAt !== undefined && expiresAt !== null) watchExpiry(stream, expiresAt);
    // A client that is up to date needs no read until the next poke, unless the subscription is
    // new: a change committed after `user.seq` was read but before the subscription was active
    // poked nobody. Such first reads of many streams (a restart herd) share batched queries.
    if (fresh || stream.lastSent < user.seq || member.seq > stream.lastSent) queue(user.id);
    return response;
  }

  async function poll(user: UserRecord, after: number | null, waitMs: number, signal?: AbortSignal): Promise<PollAnswer> {
    const from = after ?? user.seq;
    if (from > user.seq || user.seq - from > maxReplay) return { events: [{ type: 'resync', seq: user.seq }], seq: user.seq };
    const { member, fresh } = join(user.id);
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
      leave(user.id, member);
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
      const all = [...streams];
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
