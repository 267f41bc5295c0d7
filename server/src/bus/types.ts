// The bus carries "pokes": a user's inbox changed, here is its new seq. A poke holds no data;
// subscribers read the events from the database, which stays the truth, so a lost or duplicated
// poke costs at most a delay (the stream's heartbeat re-reads) and never a wrong inbox.

/**
 * Called with the seq of a change to the subscribed user's inbox. `missed` is true on the poke a
 * bus sends after it was cut off: pokes may have been lost meanwhile, and `seq` is only the last
 * one it saw, so the subscriber should read even if it has that seq already.
 */
export type PokeListener = (seq: number, missed?: boolean) => void;

/** One poke of `publishMany`. */
export interface Poke {
  topic: string;
  seq: number;
}

/** Publish/subscribe of per-user pokes; in-memory for one process, Redis across many. */
export interface Bus {
  /** Tells every subscriber of `topic` (in any process) that the user's inbox reached `seq`. */
  publish(topic: string, seq: number): Promise<void>;
  /**
   * `publish` for many topics at once (the recipients of one trigger), as one message: pokes
   * arrive in the order given, each as if published alone.
   */
  publishMany(pokes: readonly Poke[]): Promise<void>;
  /**
   * Subscribes to `topic`; resolves once the subscription is active (so a caller can subscribe
   * first and read the database second without a gap), with the function that ends it.
   */
  subscribe(topic: string, listener: PokeListener): Promise<() => void>;
  close(): Promise<void>;
}

/** The bus topic of one user's inbox. */
export function userTopic(userId: number): string {
  return `user:${userId}`;
}
