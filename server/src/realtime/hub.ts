// The realtime hub: one Server-Sent Events stream per connected client, fed from the events
// table and woken by bus pokes (design §4 "Realtime", §9).
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { SSEStreamingApi } from 'hono/streaming';
import { encodeSseFrame, HEARTBEAT_INTERVAL_MS } from 'belfry/protocol';
import type { StreamEvent } from 'belfry/protocol';
import { userTopic } from '../bus/index.ts';
import type { Bus } from '../bus/index.ts';
import type { Log } from '../log.ts';
import type { Storage, UserRecord } from '../storage/index.ts';

/** Largest gap (in events) replayed on resume; a larger one gets a single `resync` frame. */
export const MAX_REPLAY_EVENTS = 1000;
// Events read from the database per query while catching up.
const READ_BATCH = 200;

/** Options of `createHub`. */
export interface HubOptions {
  storage: Storage;
  bus: Bus;
  heartbeatMs?: number;
  maxReplayEvents?: number;
  /** How long before a stream's token expires it gets a `reauth` frame (default 30 s). */
  reauthLeadMs?: number;
  log: Log;
}

/** Options of one stream. */
export interface StreamOptions {
  /** When the stream's user token expires (ms since the epoch): `reauth` before, closed at it. */
  expiresAt?: number | null;
}

/** Serves event streams and keeps track of them. */
export interface Hub {
  /** How many streams are open right now. */
  readonly openStreams: number;
  /** Answers the event stream of `user`, resuming after `after` (null: from now on). */
  open(c: Context, user: UserRecord, after: number | null, options?: StreamOptions): Promise<Response>;
  /** Ends every open stream (clients reconnect), e.g. on shutdown. */
  closeAll(): Promise<void>;
}

/** Default lead of the `reauth` frame before a stream's token expires. */
export const REAUTH_LEAD_MS = 30_000;
// setTimeout fires at once for delays above 2^31 - 1 ms (~24.8 days); longer waits are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;

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

/** Creates the hub that serves `GET /v1/me/events`. */
export function createHub(options: HubOptions): Hub {
  const { storage, bus, log } = options;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS;
  const maxReplay = options.maxReplayEvents ?? MAX_REPLAY_EVENTS;
  const reauthLeadMs = options.reauthLeadMs ?? REAUTH_LEAD_MS;
  const sessions = new Set<() => void>();

  async function open(c: Context, user: UserRecord, after: number | null, streamOptions: StreamOptions = {}): Promise<Response> {
    let output: SSEStreamingApi | null = null;
    let lastSent = 0;
    let draining = false;
    let again = false;
    let heartbeatDue = false;
    let reauthDue = false;
    let expired = false;
    const expiryTimers: (() => void)[] = [];
    let ended = false;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    let finish = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));

    const write = (event: StreamEvent) => output!.write(encodeSseFrame(event));

    /**
     * Sends every event with `seq > lastSent` from the database, in order. Only one drain runs
     * at a time; a poke during a drain sets `again`, so the loop reads once more before it stops.
     * `lastSent` only grows, so an event is never sent twice however pokes and reads interleave.
     */
    async function drain(): Promise<void> {
      if (output === null || draining) {
        again = true;
        return;
      }
      draining = true;
      try {
        do {
          again = false;
          for (;;) {
            const events = await storage.listEvents(user.id, lastSent, READ_BATCH);
            for (const event of events) {
              if (ended) return;
              if (event.seq <= lastSent) continue;
              await write(event);
              lastSent = event.seq;
            }
            if (events.length < READ_BATCH) break;
          }
          if (heartbeatDue && !ended) {
            // After the read, so `seq` is the user's latest: a client behind it catches up.
            heartbeatDue = false;
            await write({ type: 'heartbeat', seq: lastSent });
          }
          // Also in the drain, so the frames stay in order with the events around them.
          if (reauthDue && !ended) {
            reauthDue = false;
            await write({ type: 'reauth', seq: lastSent });
          }
          if (expired) {
            end();
            return;
          }
        } while (again && !ended);
      } catch (error) {
        log('error', 'event stream failed', { error, userId: user.id });
        end();
      } finally {
        draining = false;
      }
    }

    function end(): void {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      for (const cancel of expiryTimers) cancel();
      unsubscribe();
      sessions.delete(end);
      finish();
    }

    // The order below is what makes resume exact (nothing lost, nothing twice):
    // 1. Subscribe to the user's pokes FIRST. From here on every committed change also pokes us.
    // 2. Then read the backlog `seq > after` from the database. An event committed before the
    //    subscription is in the backlog; one committed after it pokes us, even if it raced the
    //    backlog query. A poke that arrives before the stream is ready just sets `again`.
    // 3. On each poke read `seq > lastSent` again; events already sent are skipped by seq.
    const unsubscribe = await bus.subscribe(userTopic(user.id), () => void drain());
    sessions.add(end);

    // `user.seq` was read before subscribing, so starting from it misses nothing either.
    let resync = false;
    if (after === null) lastSent = user.seq;
    else if (after > user.seq || user.seq - after > maxReplay) {
      // A cursor from the future (another database) or a gap too long to replay: refetch instead.
      resync = true;
      lastSent = user.seq;
    } else lastSent = after;

    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      output = stream;
      stream.onAbort(end);
      c.req.raw.signal.addEventListener('abort', end, { once: true });
      if (c.req.raw.signal.aborted) end();
      if (ended) return;
      if (resync) await write({ type: 'resync', seq: lastSent });
      heartbeat = setInterval(() => {
        heartbeatDue = true;
        void drain();
      }, heartbeatMs);
      const { expiresAt } = streamOptions;
      if (expiresAt !== undefined && expiresAt !== null) {
        let reauthSent = false;
        const reauth = () => {
          reauthSent = true;
          reauthDue = true;
          void drain();
        };
        expiryTimers.push(runAt(expiresAt - reauthLeadMs, reauth));
        // Closed when the token expires, after a reauth frame even if the lead never came.
        expiryTimers.push(
          runAt(expiresAt, () => {
            if (!reauthSent) reauthDue = true;
            expired = true;
            void drain();
          }),
        );
      }
      await drain();
      await finished;
    });
  }

  return {
    get openStreams() {
      return sessions.size;
    },
    open,
    async closeAll() {
      for (const end of [...sessions]) end();
    },
  };
}
