// Listener fan-out for `inbox.on()`. One listener that throws must not starve the others or
// break the stream loop that emitted, so all are called and the first error is rethrown later,
// from a timer, where the host page's error reporting sees it (as signals' endBatch does).

/** A typed event emitter. */
export interface Emitter<Events> {
  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void;
  /** Calls every listener of `event`; never throws. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void;
  /** Removes every listener. */
  clear(): void;
}

/** Creates an emitter. */
export function createEmitter<Events>(): Emitter<Events> {
  // Lists are replaced, never changed in place, so a listener that unsubscribes (or subscribes)
  // during the fan-out changes the next one only.
  let listeners: { [K in keyof Events]?: ((payload: Events[K]) => void)[] } = {};
  return {
    on(event, listener) {
      // Wrapped so adding the same function twice gives two subscriptions with separate unsubscribes.
      const entry = (payload: Events[typeof event]) => listener(payload);
      listeners[event] = [...(listeners[event] ?? []), entry];
      return () => void (listeners[event] = listeners[event]?.filter((l) => l !== entry));
    },
    emit(event, payload) {
      let failed = false;
      let first: unknown;
      for (const listener of listeners[event] ?? []) {
        try {
          listener(payload);
        } catch (error) {
          if (!failed) first = error;
          failed = true;
        }
      }
      if (failed) {
        setTimeout(() => {
          throw first;
        });
      }
    },
    clear() {
      listeners = {};
    },
  };
}
