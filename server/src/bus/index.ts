// The poke bus: its interface, the in-memory and Redis implementations, and the URL opener.
export type { Bus, PokeListener } from './types.ts';
export { userTopic } from './types.ts';
export { createMemoryBus } from './memory.ts';
export { createRedisBus, DEFAULT_REDIS_HEALTH_CHECK_MS, DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_TIMEOUT_MS } from './redis.ts';
export type { RedisBus, RedisBusOptions } from './redis.ts';
export { openBus, DEFAULT_BUS_CONNECT_TIMEOUT_MS } from './open.ts';
export type { OpenBusOptions } from './open.ts';
