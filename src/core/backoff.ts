// Reconnect delays: full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff
// And Jitter"). Full jitter spreads a crowd of clients that lost the service at the same moment
// across the whole window, so a restarted service is not hit by all of them at once.

/** Settings of `createBackoff`. */
export interface BackoffOptions {
  /** Random source in [0, 1). */
  random: () => number;
}

/** A retry-delay sequence that grows until `reset()`. */
export interface Backoff {
  /** The delay before the next attempt; a server's `Retry-After` (in ms) wins over the jitter. */
  next(retryAfterMs?: number): number;
  /** Starts over after a successful attempt. */
  reset(): void;
}

/** The longest `Retry-After` honoured, so one bad header cannot park the inbox for hours. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Creates a full-jitter backoff: delay = random() * min(30 s, 1 s * 2^attempt). */
export function createBackoff({ random }: BackoffOptions): Backoff {
  let attempt = 0;
  return {
    next(retryAfterMs) {
      // 2^attempt overflows to Infinity long after the cap applies; min() keeps it finite.
      const windowMs = Math.min(30_000, 1000 * 2 ** attempt++);
      return retryAfterMs === undefined ? Math.floor(random() * windowMs) : Math.min(Math.max(0, retryAfterMs), MAX_RETRY_AFTER_MS);
    },
    reset() {
      attempt = 0;
    },
  };
}

/** Reads a `Retry-After` header (delta seconds or an HTTP date) as milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return +trimmed * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
