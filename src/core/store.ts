// Holds the reducer's state and projects it onto signals: every dispatch writes the signals in
// one batch, so a UI never sees counts from one change and items from another.
import { batch, signal } from '@preact/signals-core';
import type { ReadonlySignal, Signal } from '@preact/signals-core';
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

// The signals' values for a state; unchanged parts keep their identity, so writing them notifies nobody.
const project = (state: InboxState) => ({
  notifications: state.items,
  counts: state.counts,
  user: state.user,
  status: state.status,
  connection: state.connection,
  error: state.error,
  hasMore: state.nextCursor !== null,
});

/** Creates a store starting from the initial state. */
export function createInboxStore(): InboxStore {
  let state = initialState;
  const signals = {} as Record<string, Signal<unknown>>;
  for (const [name, value] of Object.entries(project(state))) signals[name] = signal(value);
  return {
    get state() {
      return state;
    },
    signals: signals as unknown as InboxSignals,
    dispatch(action) {
      const previous = state;
      state = reduce(state, action);
      if (state !== previous) {
        // Signals skip writes of an identical value, so unchanged parts notify nobody.
        batch(() => {
          for (const [name, value] of Object.entries(project(state))) signals[name]!.value = value;
        });
      }
      return previous;
    },
  };
}
