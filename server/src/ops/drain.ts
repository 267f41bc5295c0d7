// Draining event streams on shutdown (design §9): every open stream gets an SSE `retry: <ms>`
// line with its own random delay, then ends. Clients (our widget, and EventSource) wait that long
// before reconnecting, so a restart spreads the reconnect storm over the jitter window instead of
// every client arriving at the next instance in the same millisecond. No `resync` is sent: the
// client resumes from its last `seq` and misses nothing.
// The streams end right after their hint, so the hint window costs the exiting process nothing:
// the spreading happens in the clients' timers, not in connections held open while draining.
import type { Hub } from '../realtime/index.ts';

/**
 * Largest reconnect delay handed out on shutdown, in ms: 20 s spreads 5,000 streams of one
 * instance to ~250 reconnects a second on the others, a rate a fresh instance absorbs easily.
 */
export const MAX_RECONNECT_JITTER_MS = 20_000;

/** A hub whose streams can be drained with reconnect hints. */
export interface DrainableHub extends Hub {
  /** Sends each open stream `retry: <random 0..maxJitterMs>` and ends it, then ends the rest. */
  drain(): Promise<void>;
}

/** Options of `withReconnectHints`. */
export interface DrainOptions {
  /** Upper bound of the random delay, in ms. Default 20,000. */
  maxJitterMs?: number;
  /** Random number in [0, 1), for tests. */
  random?: () => number;
}

const encoder = new TextEncoder();

/**
 * Wraps a hub so that `drain()` can add a last frame to its streams. The hub writes each SSE frame
 * as one chunk, so a hint put between two chunks always lands between two frames.
 */
export function withReconnectHints(hub: Hub, options: DrainOptions = {}): DrainableHub {
  const maxJitterMs = options.maxJitterMs ?? MAX_RECONNECT_JITTER_MS;
  const random = options.random ?? Math.random;
  const live = new Set<(hint: string) => void>();

  async function open(...args: Parameters<Hub['open']>): Promise<Response> {
    const response = await hub.open(...args);
    const source = response.body;
    if (!source) return response;
    const reader = source.getReader();
    let closed = false;
    let out!: ReadableStreamDefaultController<Uint8Array>;
    const finish = (hint?: string) => {
      if (closed) return;
      closed = true;
      live.delete(finish);
      if (hint !== undefined) out.enqueue(encoder.encode(hint));
      out.close();
      // Cancelling the source is how the hub learns the client is gone: it ends the session.
      void reader.cancel().catch(() => {});
    };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        out = controller;
      },
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (closed) return;
          if (done) finish();
          else controller.enqueue(value);
        } catch (error) {
          if (closed) return;
          closed = true;
          live.delete(finish);
          controller.error(error);
        }
      },
      cancel(reason) {
        closed = true;
        live.delete(finish);
        return reader.cancel(reason);
      },
    });
    live.add(finish);
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  return {
    get openStreams() {
      return hub.openStreams;
    },
    open,
    closeAll: () => hub.closeAll(),
    async drain() {
      for (const finish of [...live]) finish(`retry: ${Math.floor(random() * (maxJitterMs + 1))}\n\n`);
      await hub.closeAll();
    },
  };
}
