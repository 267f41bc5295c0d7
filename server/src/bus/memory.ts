// The single-process bus: a map of topic -> listeners.
import type { Bus, PokeListener } from './types.ts';

/** Creates an in-memory bus; pokes reach subscribers of this process only. */
export function createMemoryBus(): Bus {
  const topics = new Map<string, Set<PokeListener>>();
  return {
    async publish(topic, seq) {
      const listeners = topics.get(topic);
      if (!listeners) return;
      let failure: { error: unknown } | null = null;
      // Every listener runs even if one throws; the first error is rethrown after.
      for (const listener of [...listeners]) {
        try {
          listener(seq);
        } catch (error) {
          failure ??= { error };
        }
      }
      if (failure) throw failure.error;
    },
    async subscribe(topic, listener) {
      let listeners = topics.get(topic);
      if (!listeners) topics.set(topic, (listeners = new Set()));
      // A wrapper per subscription, so the same function subscribed twice unsubscribes separately.
      const entry: PokeListener = (seq) => listener(seq);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
        if (listeners.size === 0 && topics.get(topic) === listeners) topics.delete(topic);
      };
    },
    async close() {
      topics.clear();
    },
  };
}
