// Keeps the inbox in sync with the service: connect + first page, then the event stream, and
// back again after any failure, forever, with full-jitter backoff (design §4 "Reconnect").
//
// Ordering rules that make events apply exactly once and in order:
// - the stream resumes after the seq of what we hold (Last-Event-ID), so the server replays the gap;
// - while page 1 is being refetched (resync, a heartbeat ahead of us), stream events are queued
//   and applied after the page lands; the reducer then ignores those the page already contains.
import type { Notification, StreamEvent } from '../protocol/index.ts';
import { createBackoff } from './backoff.ts';
import { InboxError } from './errors.ts';
import { readEventStream } from './event-stream.ts';
import type { Transport } from './http.ts';
import type { InboxAction, InboxState } from './reducer.ts';
import { parseConnectResponse, parseNotificationPage } from './validate.ts';

/** What the connection needs from its inbox. */
export interface ConnectionDeps {
  transport: Transport;
  dispatch: (action: InboxAction) => InboxState;
  getState: () => InboxState;
  pageSize: number;
  realtime: boolean;
  random: () => number;
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

/** Turns anything thrown into an InboxError. */
export function toInboxError(error: unknown): InboxError {
  return error instanceof InboxError ? error : new InboxError('network', 'Unexpected failure.', { cause: error });
}

/** Answers whether retrying cannot help: the credentials are wrong and stay wrong. */
export const isFatal = (error: InboxError): boolean => error.code === 'unauthorized' || error.code === 'user_token_required';

/** Fetches page 1 of the feed and dispatches it. */
export async function fetchFirstPage(deps: Pick<ConnectionDeps, 'transport' | 'dispatch' | 'pageSize'>, signal: AbortSignal): Promise<void> {
  const answer = await deps.transport.request('GET', `/v1/me/notifications?limit=${deps.pageSize}`, undefined, signal);
  const page = parseNotificationPage(answer);
  if (!page) throw new InboxError('protocol', 'The service answered a page in an unknown shape.');
  deps.dispatch({ type: 'page.loaded', page, cursor: null });
}

/** Creates the connection loop; nothing happens until `start()`. */
export function createConnection(deps: ConnectionDeps): Connection {
  const { transport, dispatch, getState } = deps;
  const backoff = createBackoff({ random: deps.random });
  const lifetime = new AbortController();
  let attemptAbort: AbortController | undefined; // the current connect/page/stream attempt
  let restartError: InboxError | undefined; // why we aborted the attempt ourselves
  let wake: (() => void) | undefined;
  let synced = false;
  let refetching = false;
  let queued: StreamEvent[] = [];
  let removeListeners = () => {};

  const setConnection = (connection: 'connecting' | 'online') => dispatch({ type: 'connection.changed', connection });

  /** Ends the current attempt; with an error it counts as a failure, without as a clean restart. */
  function restart(error?: InboxError): void {
    restartError = error;
    attemptAbort?.abort();
  }

  function refetch(signal: AbortSignal): void {
    if (refetching) return;
    refetching = true;
    // A page that lands after its attempt ended belongs to a stream that is gone: drop it.
    const isCurrent = () => attemptAbort?.signal === signal && !signal.aborted;
    fetchFirstPage(deps, signal).then(
      () => {
        if (!isCurrent()) return;
        refetching = false;
        const events = queued;
        queued = [];
        for (const event of events) handleEvent(event, signal);
      },
      (error: unknown) => {
        if (!isCurrent()) return;
        refetching = false;
        queued = [];
        // We cannot tell what the queued events missed: start over with connect + page 1.
        synced = false;
        restart(toInboxError(error));
      },
    );
  }

  function handleEvent(event: StreamEvent, signal: AbortSignal): void {
    if (refetching) {
      queued.push(event);
      return;
    }
    switch (event.type) {
      case 'heartbeat':
        // The server's latest seq is ahead: an event was lost on the way (a dropped pub/sub poke).
        if (event.seq > getState().seq) refetch(signal);
        return;
      case 'resync':
        refetch(signal);
        return;
      case 'reauth':
        transport.dropToken();
        restart();
        return;
      default: {
        const before = dispatch({ type: 'event.received', event });
        if (event.type === 'notification.created' && getState().seq !== before.seq) deps.onReceived(event.notification);
      }
    }
  }

  /** One attempt; resolves with the server's retry hint when the stream ends cleanly, or 'done'. */
  async function attempt(): Promise<number | undefined | 'done'> {
    const controller = new AbortController();
    attemptAbort = controller;
    refetching = false;
    queued = [];
    try {
      return await attemptWith(controller.signal);
    } finally {
      // Cancels a refetch still in flight: it belongs to this attempt only.
      controller.abort();
    }
  }

  async function attemptWith(signal: AbortSignal): Promise<number | undefined | 'done'> {
    // After a network failure the state stays 'offline' through the retries, so an offline
    // banner does not flicker with every attempt; it turns 'online' when the stream opens.
    if (getState().connection !== 'offline') setConnection('connecting');
    if (!synced) {
      const response = parseConnectResponse(await transport.request('POST', '/v1/me/connect', {}, signal));
      if (!response) throw new InboxError('protocol', 'The service answered connect in an unknown shape.');
      dispatch({ type: 'connected', response });
      await fetchFirstPage(deps, signal);
      synced = true;
    }
    if (!deps.realtime) return 'done';
    const response = await transport.openStream(getState().seq, signal);
    if (!response.body) throw new InboxError('protocol', 'The event stream has no body.');
    setConnection('online');
    backoff.reset();
    const end = await readEventStream(response.body, (event) => handleEvent(event, signal), signal);
    return end.retryMs;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        lifetime.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
      lifetime.signal.addEventListener('abort', done);
    });
  }

  async function loop(): Promise<void> {
    while (!lifetime.signal.aborted) {
      let delay: number;
      try {
        const result = await attempt();
        if (result === 'done') {
          setConnection('online');
          return;
        }
        // The service ended the stream (a deploy, a drain): come back after a jittered pause.
        if (lifetime.signal.aborted) return;
        setConnection('connecting');
        delay = backoff.next(result);
      } catch (caught) {
        if (lifetime.signal.aborted) return;
        const error = restartError ?? toInboxError(caught);
        restartError = undefined;
        if (error.code === 'aborted') {
          delay = 0; // we restarted it ourselves (reauth): reconnect at once
        } else if (isFatal(error)) {
          dispatch({ type: 'failed', error, fatal: true });
          return;
        } else {
          dispatch({ type: 'failed', error, fatal: false });
          delay = backoff.next(error.retryAfterMs);
        }
      }
      await sleep(delay);
    }
  }

  return {
    start() {
      const onOnline = () => wake?.();
      const onVisibility = () => {
        if (globalThis.document?.visibilityState === 'visible') wake?.();
      };
      if (typeof globalThis.addEventListener === 'function') {
        globalThis.addEventListener('online', onOnline);
        globalThis.document?.addEventListener('visibilitychange', onVisibility);
        removeListeners = () => {
          globalThis.removeEventListener('online', onOnline);
          globalThis.document?.removeEventListener('visibilitychange', onVisibility);
        };
      }
      // loop() handles its own failures; the catch only keeps a bug from becoming an unhandled rejection.
      loop().catch((error: unknown) => dispatch({ type: 'failed', error: toInboxError(error), fatal: true }));
    },
    stop() {
      lifetime.abort();
      attemptAbort?.abort();
      wake?.();
      removeListeners();
    },
  };
}
