// Realtime: the hub that serves event streams.
export { createHub, MAX_REPLAY_EVENTS } from './hub.ts';
export type { Hub, HubOptions } from './hub.ts';
