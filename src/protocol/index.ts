// Wire types, event names, error codes and validators. Imports nothing.
export type {
  Json,
  Attributes,
  Counts,
  NotificationAction,
  Notification,
  User,
  ConnectResponse,
  NotificationStatus,
  NotificationPage,
  TabCounts,
  NotificationPatch,
  BulkAction,
  BulkRequest,
  MutationResponse,
  Recipient,
  TriggerRequest,
  DiscardReason,
  ChannelName,
  SkipReason,
  TriggerResponse,
  InAppTemplate,
  WorkflowChannels,
  WorkflowInput,
  Workflow,
  Preferences,
  PreferencesResponse,
  DeliveryRecord,
  ErrorBody,
} from './types.ts';
export type {
  NotificationCreatedEvent,
  NotificationUpdatedEvent,
  NotificationDeletedEvent,
  NotificationsBulkEvent,
  UserUpdatedEvent,
  HeartbeatEvent,
  ResyncEvent,
  ReauthEvent,
  InboxChangeEvent,
  StreamEvent,
  EventsPage,
} from './events.ts';
export { CHANNEL_NAMES } from './types.ts';
export { EVENT_TYPES, HEARTBEAT_INTERVAL_MS, encodeSseFrame } from './events.ts';
export { ERROR_CODES } from './errors.ts';
export type { ErrorCode } from './errors.ts';
export { HEADER_API_KEY, HEADER_API_SECRET, HEADER_USER_ID, HEADER_IDEMPOTENCY_KEY, HEADER_LAST_EVENT_ID } from './headers.ts';
export {
  MAX_IDENTIFIER_LENGTH,
  MAX_ATTRIBUTES,
  MAX_ATTRIBUTE_SIZE,
  checkIdentifier,
  checkEmail,
  checkPhoneNumber,
  checkAttributes,
  isPlainObject,
} from './validate.ts';
