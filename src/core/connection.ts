// Keeps the inbox in sync with the service: connect + first page, then the event stream (or
// long-polls), and back again after any failure, forever, with full-jitter backoff (design §4).
//
// Ordering rules that make events apply exactly once and in order:
// - the stream and each long-poll resume after the seq of what we hold, so the server replays
//   the gap; the reducer ignores any event at or below that seq (invariant 2);
// - while page 1 is being refetched (resync, a heartbeat ahead of us), events are queued and
//   applied after the page lands; the reducer then ignores those the page already contains.
//
// Long-poll fallback: some proxies buffer `text/event-stream` answers (whole, or until they end),
// so the stream opens, or seems to be opening, but nothing comes through. A stream attempt is
// *empty* when it ends — for any reason, the silence watchdog included — at least EMPTY_STREAM_MS
// after its request went out without one byte of body having arrived (counted from the request,
// so a proxy that holds back even the headers counts). A healthy service sends a heartbeat every
// 15 s, so only something in between explains that; attempts that fail sooner (a refused
// connection, a restarting service, an error status) say nothing about buffering and neither
// count nor reset the count; a byte on a stream resets it. After EMPTY_STREAMS_BEFORE_POLLING
// empty attempts the inbox long-polls with the same cursor; while it does, a stream is tried
// alongside every STREAM_PROBE_MS, and the first byte it brings switches back.
import { HEARTBEAT_INTERVAL_MS } from '../protocol/index.ts';
import type { InboxChangeEvent, Notification, StreamEvent } from '../protocol/index.ts';
import { createBackoff } from './backoff.ts';
import { InboxError } from './errors.ts';
import { readEventStream } from './event-stream.ts';
import { fail, must } from './http.ts';
import type { Transport } from './http.ts';
import { changesAfter } from './reducer.ts';
import type { InboxAction, InboxState } from './reducer.ts';
import { parseConnectResponse, parseEventsPage, parseNotificationPage } from './validate.ts';

/** What the connection needs from its inbox. */
export interface ConnectionDeps {
  transport: Transport;
  dispatch: (action: InboxAction) => InboxState;
  getState: () => InboxState;
  pageSize: number;
  realtime: boolean;
  random: () => number;
  now: () => number;
  /** A new notification arrived over the stream. */
  onReceived: (notification: Notification) => void;
}

/** The sync loop of one inbox. */
export interface Connection {
  /** Starts the loop (once). */
  start(): void;
  /** Stops the loop for good: aborts requests, clears timers, removes listeners. */
  stop(): void;
}

/** Silence that ends an attempt (no byte of the stream, no answer to a request): three missed heartbeats. */
export const STREAM_STALL_MS = 3 * HEARTBEAT_INTERVAL_MS;
/** How long a stream attempt must go without a byte to count as empty (see the top of the file). */
export const EMPTY_STREAM_MS = HEARTBEAT_INTERVAL_MS + 5000;
/** Empty stream attempts in a row after which the inbox long-polls. */
export const EMPTY_STREAMS_BEFORE_POLLING = 3;
/** While long-polling, how often a stream is tried alongside. */
export const STREAM_PROBE_MS = 5 * 60_000;
/** The backoff starts over only after an attempt held this long, so one that drops at once keeps backing off. */
export const STABLE_MS = 60_000;
/** Seconds the service may hold a long-poll open. */
export const POLL_WAIT_S = 25;

/** Turns anything thrown into an InboxError. */
export const toInboxError = (error: unknown): InboxError => (error instanceof InboxError ? error : fail('network', error));

/**
 * Dispatches an action and announces the notifications it brought. The reducer ignores events at
 * or below the seq it holds, so a created event above the seq before the dispatch is new.
 */
export function receive({ dispatch, onReceived }: Pick<ConnectionDeps, 'dispatch' | 'onReceived'>, action: InboxAction): void {
  const { seq } = dispatch(action);
  const events = action.type === 'events.received' ? action.events : [];
  for (const event of changesAfter(seq, events)) if (event.type === 'notification.created') onReceived(event.notification);
}

/** Creates the connection loop; nothing happens until `start()`. */
export function createConnection(deps: ConnectionDeps): Connection {
  const { transport, dispatch, getState, now } = deps;
  const backoff = createBackoff({ random: deps.random });
  const lifetime = new AbortController();
  const ended = lifetime.signal;
  let attemptAbort: AbortController | undefined; // the current connect/page/stream attempt
  let restartError: InboxError | undefined; // why we aborted the attempt ourselves
  let wake: (() => void) | undefined;
  let synced = false;
  let refetching: Promise<void> | undefined;
  let queued: StreamEvent[] = [];
  let emptyStreams = 0;
  let polling = false;
  let heardAt = 0; // when the current attempt last heard from the service

  const setConnection = (connection: 'connecting' | 'online') => dispatch({ type: 'connection.changed', connection });

  /** Ends the current attempt; with an error it counts as a failure, without as a clean restart. */
  function restart(error?: InboxError): void {
    restartError = error;
    attemptAbort?.abort();
  }

  async function fetchFirstPage(signal: AbortSignal): Promise<void> {
    const page = must(parseNotificationPage(await transport.request('GET', `/v1/me/notifications?limit=${deps.pageSize}`, undefined, signal)));
    dispatch({ type: 'page.loaded', page, cursor: null });
  }

  function refetch(signal: AbortSignal): void {
    // A page that lands after its attempt ended belongs to a stream that is gone: drop it.
    const settle = (error?: unknown) => {
      if (attemptAbort?.signal !== signal || signal.aborted) return;
      const events = queued;
      refetching = undefined;
      queued = [];
      if (!error) return handle(events, signal);
      // We cannot tell what the queued events missed: start over with connect + page 1.
      synced = false;
      restart(toInboxError(error));
    };
    refetching ??= fetchFirstPage(signal).then(() => settle(), (error: unknown) => settle(error ?? fail('network')));
  }

  /**
   * Applies the change events of one chunk (or long-poll answer) as one action: one pass of the
   * reducer, one signal update and one message to the other tabs, however many events it holds.
   */
  const apply = (events: InboxChangeEvent[]) => events.length > 0 && receive(deps, { type: 'events.received', events });

  /** Handles the events of one stream chunk or long-poll answer, in order. */
  function handle(events: StreamEvent[], signal: AbortSignal): void {
    let changes: InboxChangeEvent[] = [];
    for (const event of events) {
      const { type } = event;
      if (refetching) queued.push(event);
      else if (type !== 'heartbeat' && type !== 'resync' && type !== 'reauth') changes.push(event);
      else {
        // Control events act on the state the changes before them made.
        apply(changes);
        changes = [];
        if (type === 'reauth') {
          transport.dropToken();
          restart();
        }
        // A heartbeat's seq ahead of ours: an event was lost on the way (a dropped pub/sub poke).
        else if (type === 'resync' || event.seq > getState().seq) refetch(signal);
      }
    }
    apply(changes);
  }

  /** One attempt; resolves with the server's retry hint when the stream ends cleanly, or 'done'. */
  async function attempt(): Promise<number | undefined | 'done'> {
    const controller = new AbortController();
    const { signal } = controller;
    attemptAbort = controller;
    refetching = undefined;
    queued = [];
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    let stable: ReturnType<typeof setTimeout> | undefined;
    // Every byte and every answer notes the time; one timer, re-armed only when it fires, ends the
    // attempt after silence, even where TCP notices nothing (a sleeping laptop, a proxy that
    // dropped the connection, headers that never come).
    const watch = (ms: number) => {
      watchdog = setTimeout(() => {
        const left = heardAt + STREAM_STALL_MS - now();
        if (left > 0) watch(left);
        else restart(fail('network'));
      }, ms);
    };
    const live = () => {
      setConnection('online');
      stable ??= setTimeout(backoff.reset, STABLE_MS);
    };
    try {
      heardAt = now();
      watch(STREAM_STALL_MS);
      // After a network failure the state stays 'offline' through the retries, so an offline
      // banner does not flicker with every attempt; it turns 'online' once events flow.
      if (getState().connection !== 'offline') setConnection('connecting');
      if (!synced) {
        dispatch({ type: 'connected', response: must(parseConnectResponse(await transport.request('POST', '/v1/me/connect', {}, signal))) });
        await fetchFirstPage(signal);
        synced = true;
      }
      if (!deps.realtime) return 'done';
      if (polling) {
        for (let probeAt = now(); ; ) {
          heardAt = now();
          if (heardAt >= probeAt) {
            probeAt = heardAt + STREAM_PROBE_MS;
            probe(signal);
          }
          const path = `/v1/me/events?after=${getState().seq}&wait=${POLL_WAIT_S}`;
          const page = must(parseEventsPage(await transport.request('GET', path, undefined, signal, { Accept: 'application/json' })));
          live();
          // An empty answer carries the latest seq, as a heartbeat does; a full one is followed at once.
          handle(page.events.length ? page.events : [{ type: 'heartbeat', seq: page.seq }], signal);
          await refetching;
        }
      }
      const sentAt = now();
      let heard = false;
      try {
        const body = must((await transport.openStream(getState().seq, signal)).body);
        live();
        return await readEventStream(body, signal, (events) => {
          heard = true;
          emptyStreams = 0;
          heardAt = now();
          handle(events, signal);
        });
      } finally {
        if (!heard && now() - sentAt >= EMPTY_STREAM_MS && ++emptyStreams >= EMPTY_STREAMS_BEFORE_POLLING) {
          polling = true;
          emptyStreams = 0;
        }
      }
    } finally {
      clearTimeout(watchdog);
      clearTimeout(stable);
      // Cancels a refetch or probe still in flight: they belong to this attempt only.
      controller.abort();
    }
  }

  /** Tries a stream next to the long-polls; its first byte proves streams get through again. */
  function probe(signal: AbortSignal): void {
    const controller = new AbortController();
    const stop = () => controller.abort();
    const timer = setTimeout(stop, STREAM_STALL_MS);
    // The controller doubles as the listener's options: its `signal` removes the listener when the probe stops.
    signal.addEventListener('abort', stop, controller);
    transport
      .openStream(getState().seq, controller.signal)
      .then((response) =>
        readEventStream(response.body!, controller.signal, () => {
          if (signal.aborted) return;
          polling = false;
          restart(); // reconnect at once, over the stream
        }),
      )
      .catch(() => {})
      .finally(() => {
        clearTimeout(timer);
        stop();
      });
  }

  // `wake` ends the pause early: on `online`, on visibility, and at stop().
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout((wake = done), ms);
    });

  async function loop(): Promise<void> {
    while (!ended.aborted) {
      let delay: number;
      try {
        const result = await attempt();
        if (result === 'done') return void setConnection('online');
        // The service ended the stream (a deploy, a drain): come back after a jittered pause.
        if (ended.aborted) return;
        setConnection('connecting');
        delay = backoff.next(result);
      } catch (caught) {
        if (ended.aborted) return;
        const error = restartError ?? toInboxError(caught);
        const { code } = error;
        restartError = undefined;
        // We restarted it ourselves (reauth): reconnect at once.
        delay = 0;
        if (code !== 'aborted') {
          // Retrying cannot help when the credentials are wrong: they stay wrong.
          const fatal = code === 'unauthorized' || code === 'user_token_required';
          // A service that does not long-poll answers 4xx there: go back to the stream.
          if (polling && code === 'http' && error.status! < 500) polling = false;
          dispatch({ type: 'failed', error, fatal });
          if (fatal) return;
          delay = backoff.next(error.retryAfterMs);
        }
      }
      await sleep(delay);
    }
  }

  return {
    start() {
      // Back online: retry now, and drop a connection made before the network went away. Visible
      // again: retry now, and drop a connection silent for longer than the watchdog allows (its
      // timer may have been frozen while the computer slept).
      const g = globalThis;
      const doc = g.document;
      const onOnline = () => (wake ? wake() : restart());
      const onVisibility = () => {
        if (doc.visibilityState !== 'visible') return;
        if (wake) wake();
        else if (now() - heardAt > STREAM_STALL_MS) restart();
      };
      // The lifetime controller doubles as the listeners' options: its `signal` removes them at stop().
      if (typeof g.addEventListener === 'function') {
        g.addEventListener('online', onOnline, lifetime);
        doc?.addEventListener('visibilitychange', onVisibility, lifetime);
      }
      // loop() handles its own failures; the catch only keeps a bug from becoming an unhandled rejection.
      loop().catch((error: unknown) => dispatch({ type: 'failed', error: toInboxError(error), fatal: true }));
    },
    stop() {
      lifetime.abort();
      attemptAbort?.abort();
      wake?.();
    },
  };
}
