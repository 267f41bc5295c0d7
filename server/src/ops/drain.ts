// Draining event streams on shutdown (design §9): every open stream gets an SSE `retry: <ms>`
// line with its own random delay, then ends. Clients (our widget, and EventSource) wait that long
// before reconnecting, so a restart spreads the reconnect storm over the jitter window instead of
// every client arriving at the next instance in the same millisecond. No `resync` is sent: the
// client resumes from its last `seq` and misses nothing.
// The streams end right after their hint, so the hint window costs the exiting process nothing:
// the spreading happens in the clients' timers, not in connections held open while draining.
// The hub writes the hint as the stream's last frame and ends the streams in slices, so the first
// hints leave at once; waiting long-polls answer at once as well.
import type { Hub } from '../realtime/index.ts';

/**
 * Largest reconnect delay handed out on shutdown, in ms: 20 s spreads 5,000 streams of one
 * instance to ~250 reconnects a second on the others, a rate a fresh instance absorbs easily.
 */
export const MAX_RECONNECT_JITTER_MS = 20_000;

/** A hub whose streams can be drained with reconnect hints. */
export interface DrainableHub extends Hub {
  /** Sends each open stream `retry: <random 0..maxJitterMs>` and ends it; answers waiting long-polls. */
  drain(): Promise<void>;
}

/** Options of `withReconnectHints`. */
export interface DrainOptions {
  /** Upper bound of the random delay, in ms. Default 20,000. */
  maxJitterMs?: number;
  /** Random number in [0, 1), for tests. */
  random?: () => number;
}

/** Gives a hub a `drain()` that ends its streams with jittered `retry:` hints. */
export function withReconnectHints(hub: Hub, options: DrainOptions = {}): DrainableHub {
  const maxJitterMs = options.maxJitterMs ?? MAX_RECONNECT_JITTER_MS;
  const random = options.random ?? Math.random;
  const lastFrame = () => `retry: ${Math.floor(random() * (maxJitterMs + 1))}\n\n`;
  return {
    get openStreams() {
      return hub.openStreams;
    },
    open: (...args) => hub.open(...args),
    poll: (...args) => hub.poll(...args),
    deliver: (changes) => hub.deliver(changes),
    closeAll: (closeOptions) => hub.closeAll(closeOptions),
    drain: () => hub.closeAll({ lastFrame }),
  };
}
