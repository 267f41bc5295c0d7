// The hub's open streams: their state, the heartbeat wheel, token expiry, and ending them.
// Heartbeats come from one timer turning a wheel of slots; each stream sits in a random slot, so
// streams opened together (a restart herd) do not all heartbeat, and read, together.
import type { Sink } from './sink.ts';

// Heartbeat wheel: one timer, this many slots per heartbeat interval.
const WHEEL_SLOTS = 16;
// setTimeout fires at once for delays above 2^31 - 1 ms (~24.8 days); longer waits are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One open event stream. */
export interface Stream {
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

/** Options of `createStreamRegistry`. */
export interface StreamRegistryOptions {
  heartbeatMs: number;
  /** How long before a stream's token expires it gets a `reauth` frame. */
  reauthLeadMs: number;
  /** Random number in [0, 1). */
  random: () => number;
  /** Asks for a read of the user's streams: something is due on one of them. */
  queue: (userId: number) => void;
  /** Runs once for each stream ended, after it left the registry. */
  onEnd: (stream: Stream) => void;
}

/** Every open stream of the hub, with their heartbeats and expiry timers. */
export interface StreamRegistry {
  readonly size: number;
  /** A new stream of `userId` writing to `sink`, after `lastSent`, registered and in its heartbeat slot. */
  add(userId: number, sink: Sink, lastSent: number): Stream;
  /** Sends `stream` a `reauth` frame before `expiresAt` (ms since the epoch) and ends it at that time. */
  watchExpiry(stream: Stream, expiresAt: number): void;
  /** Ends the response and forgets the stream; does nothing for one ended already. */
  end(stream: Stream): void;
  /** The open streams, as a copy. */
  all(): Stream[];
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

/** Creates the registry of a hub's streams. */
export function createStreamRegistry(options: StreamRegistryOptions): StreamRegistry {
  const { heartbeatMs, reauthLeadMs, random, queue, onEnd } = options;
  const streams = new Set<Stream>();
  const wheel = Array.from({ length: WHEEL_SLOTS }, () => new Set<Stream>());
  let wheelAt = 0;
  let wheelTimer: ReturnType<typeof setInterval> | undefined;

  function turnWheel(): void {
    wheelAt = (wheelAt + 1) % WHEEL_SLOTS;
    for (const stream of wheel[wheelAt]!) {
      stream.heartbeatDue = true;
      queue(stream.userId);
    }
  }

  function add(userId: number, sink: Sink, lastSent: number): Stream {
    const stream: Stream = {
      userId,
      sink,
      lastSent,
      heartbeatDue: false,
      reauthDue: false,
      expired: false,
      ended: false,
      slot: Math.floor(random() * WHEEL_SLOTS),
      cancelTimers: null,
    };
    streams.add(stream);
    wheel[stream.slot]!.add(stream);
    wheelTimer ??= setInterval(turnWheel, heartbeatMs / WHEEL_SLOTS);
    return stream;
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
    onEnd(stream);
  }

  return {
    get size() {
      return streams.size;
    },
    add,
    watchExpiry,
    end,
    all: () => [...streams],
  };
}
