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
  const listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      // Wrapped so adding the same function twice gives two subscriptions with separate unsubscribes.
      const entry = (payload: never) => listener(payload);
      set.add(entry);
      return () => void set.delete(entry);
    },
    emit(event, payload) {
      const set = listeners.get(event);
      if (!set) return;
      let first: { error: unknown } | undefined;
      // A copy, so a listener that unsubscribes (or subscribes) during the fan-out changes the next one only.
      for (const listener of [...set]) {
        try {
          (listener as (p: typeof payload) => void)(payload);
        } catch (error) {
          first ??= { error };
        }
      }
      if (first) {
        const { error } = first;
        setTimeout(() => {
          throw error;
        }, 0);
      }
    },
    clear() {
      listeners.clear();
    },
  };
}
