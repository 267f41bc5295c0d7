// The single-process bus: a map of topic -> listeners.
import type { Bus, PokeListener } from './types.ts';

/** Creates an in-memory bus; pokes reach subscribers of this process only. */
export function createMemoryBus(): Bus {
  const topics = new Map<string, Set<PokeListener>>();

  /** Pokes the topic's listeners; answers the first error, after every listener ran. */
  function fanOut(topic: string, seq: number, failure: { error: unknown } | null): { error: unknown } | null {
    const listeners = topics.get(topic);
    if (!listeners) return failure;
    for (const listener of [...listeners]) {
      try {
        listener(seq);
      } catch (error) {
        failure ??= { error };
      }
    }
    return failure;
  }

  return {
    async publish(topic, seq) {
      // Every listener runs even if one throws; the first error is rethrown after.
      const failure = fanOut(topic, seq, null);
      if (failure) throw failure.error;
    },
    async publishMany(pokes) {
      let failure: { error: unknown } | null = null;
      for (const { topic, seq } of pokes) failure = fanOut(topic, seq, failure);
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
