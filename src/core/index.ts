// The headless client: `createInbox()` and its public types (design §7).
export { createInbox } from './create-inbox.ts';
export { InboxError } from './errors.ts';
export type { InboxErrorCode } from './errors.ts';
export type {
  InboxOptions,
  FeedFilter,
  InboxStatus,
  ConnectionState,
  InboxUser,
  RenderedNotification,
  InboxEventMap,
  Inbox,
} from './types.ts';
