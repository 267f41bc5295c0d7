// One connection per browser (design §7): the tabs of one app + user elect a leader with the Web
// Locks API. The leader runs the connection loop and posts every action it dispatches on a
// BroadcastChannel of the same name; the other tabs (followers) dispatch them into their own
// store, whose reducer dedups by seq, so a relay that crosses a page refetch applies once.
// Optimistic changes and mutation answers are posted by whichever tab made them.
//
// - A lock held by a tab is released by the browser when the tab closes or crashes; the next
//   queued tab is granted it at once and starts its own loop (connect + page 1 + stream), whose
//   page 1 it relays, so every follower resyncs with the new leader.
// - A tab that opens in view, or comes into view, asks the leader for a snapshot (`hello`): what
//   happened before it opened, or while the browser froze it in the background.
// - Visibility rule: only a visible tab runs for leader; a hidden tab leaves the queue, and a
//   leader that stays hidden for HIDDEN_RELEASE_MS stops its stream and hands the lock on (to a
//   visible tab waiting for it, if any). So the stream is held by a visible tab, or by none when
//   the user is elsewhere; a background tab the browser freezes never sits on the lock. The grace
//   period spares a reconnect for a quick look at another tab.
// - Without Web Locks or BroadcastChannel (or without a name) the tab leads alone: its own stream,
//   the same visibility rule.
import { receive } from './connection.ts';
import { InboxError } from './errors.ts';
import type { InboxAction, InboxState } from './reducer.ts';
import type { Notification } from '../protocol/index.ts';

/** How long a hidden leader keeps the stream before handing it on. */
export const HIDDEN_RELEASE_MS = 5000;

/** The part of the Web Locks API the coordinator uses (`navigator.locks`). */
export interface TabLocks {
  request(name: string, options: { signal: AbortSignal }, granted: () => Promise<void> | undefined): Promise<unknown>;
}

/** What the coordinator needs: the inbox's store, its connection, and optionally the environment. */
export interface TabOptions {
  /** The lock and channel name, one per app + user; without one the tab keeps its own connection. */
  name?: string | undefined;
  /** Starts this tab's connection loop when it becomes the leader; answers its stop. */
  lead: () => () => void;
  /** Applies an action another tab shared; answers the state before it. */
  dispatch: (action: InboxAction) => InboxState;
  getState: () => InboxState;
  /** A new notification arrived over the leader's stream. */
  onReceived: (notification: Notification) => void;
  locks?: TabLocks | undefined;
  BroadcastChannel?: typeof BroadcastChannel | undefined;
  document?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'> | undefined;
}

/** The tab's part in the election. */
export interface TabCoordinator {
  /** Shares an action this tab dispatched with the other tabs. */
  post(action: InboxAction): void;
  /** Leaves for good: stops the connection, releases the lock, closes the channel. */
  stop(): void;
}

type Message = { hello: number } | { to?: number; actions: InboxAction[] };

type ErrorFields = ConstructorParameters<typeof InboxError>;

// Structured clone keeps an Error's message but not its class or `code`: send the fields instead.
const toWire = (a: InboxAction): InboxAction =>
  a.type === 'failed' ? { ...a, error: [a.error.code, a.error.message, { status: a.error.status }] as ErrorFields as never } : a;
const fromWire = (a: InboxAction): InboxAction =>
  a.type === 'failed' ? { ...a, error: new InboxError(...(a.error as never as ErrorFields)) } : a;

/** Joins the election of `options.name`; this tab leads at once when it is alone or cannot coordinate. */
export function createTabCoordinator(options: TabOptions): TabCoordinator {
  const { name } = options;
  const g = globalThis;
  const locks = options.locks ?? g.navigator?.locks;
  const Channel = options.BroadcastChannel ?? g.BroadcastChannel;
  const doc = options.document ?? g.document;
  let channel = name && locks && Channel ? new Channel(name) : undefined;
  const self = Math.random();
  let candidacy: AbortController | undefined; // queued for the lock, or holding it
  let stopLeading: (() => void) | undefined; // set while this tab leads
  let release: (() => void) | undefined;
  let hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  let connected: InboxAction | undefined; // the leader's last connect answer, for snapshots

  const visible = () => doc?.visibilityState !== 'hidden';
  // Actions are posted together from a task of their own: a burst of stream chunks (read one
  // after another in microtasks) costs one structured clone and one message, not one per event.
  // Anything else sent goes after them, so a snapshot never overtakes what it already holds.
  let pending: InboxAction[] = [];
  const send = (message?: Message) => {
    if (pending.length) channel?.postMessage({ actions: pending });
    pending = [];
    if (message) channel?.postMessage(message);
  };

  function run(): void {
    if (candidacy || !visible()) return;
    const controller = (candidacy = new AbortController());
    const granted = () =>
      // Withdrawn while the grant was on its way: give the lock straight back.
      controller.signal.aborted
        ? undefined
        : new Promise<void>((resolve) => {
            release = resolve;
            stopLeading = options.lead();
          });
    // An aborted request rejects with AbortError: that is the withdrawal itself. Alone, the grant
    // is at once (the controller was just made, so granted() answers a promise).
    (channel ? locks!.request(name!, { signal: controller.signal }, granted) : granted()!).catch(() => {});
  }

  function withdraw(): void {
    clearTimeout(hiddenTimer);
    candidacy?.abort();
    stopLeading?.();
    release?.();
    candidacy = stopLeading = release = connected = undefined;
  }

  function onVisibility(): void {
    clearTimeout(hiddenTimer);
    if (visible()) {
      run();
      send({ hello: self });
    } else hiddenTimer = setTimeout(withdraw, stopLeading ? HIDDEN_RELEASE_MS : 0);
  }

  if (channel) {
    channel.onmessage = ({ data }: MessageEvent<Message>) => {
      if ('hello' in data) {
        // Only the leader answers: its state is the one the stream keeps current.
        const state = options.getState();
        if (stopLeading && connected) {
          const page = { items: state.items as Notification[], nextCursor: state.nextCursor, counts: state.counts, seq: state.seq };
          send({ to: data.hello, actions: [connected, { type: 'page.loaded', page, cursor: null }, { type: 'connection.changed', connection: state.connection }] });
        }
      } else if (data.to === undefined || data.to === self) {
        for (const action of data.actions) receive(options, fromWire(action));
      }
    };
  }
  doc?.addEventListener('visibilitychange', onVisibility);
  onVisibility();

  return {
    post(action) {
      // Alone (no channel) or stopped: there is no one to tell, so nothing is queued.
      if (!channel) return;
      if (action.type === 'connected') connected = action;
      if (!pending.length) setTimeout(send);
      pending.push(toWire(action));
    },
    stop() {
      doc?.removeEventListener('visibilitychange', onVisibility);
      withdraw();
      send();
      channel?.close();
      // Late actions (a rollback after destroy) are not posted on the closed channel.
      channel = undefined;
    },
  };
}
