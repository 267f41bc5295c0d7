// Holds the reducer's state and projects it onto signals: every dispatch writes the signals in
// one batch, so a UI never sees counts from one change and items from another.
import { batch, signal } from '@preact/signals-core';
import type { ReadonlySignal } from '@preact/signals-core';
import type { Counts, Notification } from '../protocol/index.ts';
import type { InboxError } from './errors.ts';
import { initialState, reduce } from './reducer.ts';
import type { InboxAction, InboxState } from './reducer.ts';
import type { ConnectionState, InboxStatus, InboxUser } from './types.ts';

/** The read-only signals of an inbox. */
export interface InboxSignals {
  notifications: ReadonlySignal<readonly Notification[]>;
  counts: ReadonlySignal<Counts>;
  user: ReadonlySignal<InboxUser | null>;
  status: ReadonlySignal<InboxStatus>;
  connection: ReadonlySignal<ConnectionState>;
  error: ReadonlySignal<InboxError | null>;
  hasMore: ReadonlySignal<boolean>;
}

/** The state, its signals and the one way to change them. */
export interface InboxStore {
  readonly state: InboxState;
  readonly signals: InboxSignals;
  /** Reduces `action` into the state and writes the signals; answers the state before it. */
  dispatch(action: InboxAction): InboxState;
}

/** Creates a store starting from the initial state. */
export function createInboxStore(): InboxStore {
  let state = initialState;
  const notifications = signal<readonly Notification[]>(state.items);
  const counts = signal<Counts>(state.counts);
  const user = signal<InboxUser | null>(state.user);
  const status = signal<InboxStatus>(state.status);
  const connection = signal<ConnectionState>(state.connection);
  const error = signal<InboxError | null>(state.error);
  const hasMore = signal(state.nextCursor !== null);
  return {
    get state() {
      return state;
    },
    signals: { notifications, counts, user, status, connection, error, hasMore },
    dispatch(action) {
      const previous = state;
      state = reduce(state, action);
      if (state !== previous) {
        // Signals skip writes of an identical value, so unchanged parts notify nobody.
        batch(() => {
          notifications.value = state.items;
          counts.value = state.counts;
          user.value = state.user;
          status.value = state.status;
          connection.value = state.connection;
          error.value = state.error;
          hasMore.value = state.nextCursor !== null;
        });
      }
      return previous;
    },
  };
}
