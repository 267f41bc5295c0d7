// Realtime: the hub that serves event streams and long-polls.
export { createHub, MAX_POLL_EVENTS, MAX_REPLAY_EVENTS } from './hub.ts';
export type { CloseOptions, CommittedChange, Hub, HubOptions, PollAnswer } from './hub.ts';
