// The poke bus: its interface and the in-memory implementation.
export type { Bus, PokeListener } from './types.ts';
export { userTopic } from './types.ts';
export { createMemoryBus } from './memory.ts';
