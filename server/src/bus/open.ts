// Picks a bus implementation from a Redis URL (design §10: `--redis`, `BELFRY_REDIS_URL`).
import { createMemoryBus } from './memory.ts';
import { createRedisBus } from './redis.ts';
import type { RedisBusOptions } from './redis.ts';
import type { Bus } from './types.ts';

/** Options of `openBus` besides the URL; they apply to a Redis bus. */
export interface OpenBusOptions extends Omit<RedisBusOptions, 'url'> {
  /** How long to wait for Redis at start before failing (default 10 s). */
  connectTimeoutMs?: number;
}

/** Default of `OpenBusOptions.connectTimeoutMs`. */
export const DEFAULT_BUS_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens the bus a URL names: none (null, undefined or empty) gives the in-memory bus of a single
 * instance; `redis://` or `rediss://` gives the Redis bus, once it reached Redis.
 * @example
 * const bus = await openBus(process.env.BELFRY_REDIS_URL);
 */
export async function openBus(url?: string | null, options: OpenBusOptions = {}): Promise<Bus> {
  if (url === undefined || url === null || url === '') return createMemoryBus();
  if (!/^rediss?:\/\//i.test(url)) throw new Error('the bus URL must start with redis:// or rediss://');
  const bus = createRedisBus({ ...options, url });
  try {
    // A wrong URL or a Redis that is not running fails the start-up, instead of an instance that
    // silently reaches nobody; once running, the bus rides out outages on its own.
    await bus.connected(options.connectTimeoutMs ?? DEFAULT_BUS_CONNECT_TIMEOUT_MS);
  } catch (error) {
    await bus.close();
    throw error;
  }
  return bus;
}
