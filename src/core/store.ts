// Holds the reducer's state in one signal and projects it onto computed signals: every dispatch is
// one write, so a UI never sees counts from one change and items from another. A projection whose
// value keeps its identity notifies nobody.
import { computed, signal } from '@preact/signals-core';
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
  const state = signal(initialState);
  const of = <T,>(pick: (state: InboxState) => T) => computed(() => pick(state.value));
  return {
    get state() {
      return state.peek();
    },
    signals: {
      notifications: of((s) => s.items),
      counts: of((s) => s.counts),
      user: of((s) => s.user),
      status: of((s) => s.status),
      connection: of((s) => s.connection),
      error: of((s) => s.error),
      hasMore: of((s) => s.nextCursor !== null),
    },
    dispatch(action) {
      const previous = state.peek();
      state.value = reduce(previous, action);
      return previous;
    },
  };
}
