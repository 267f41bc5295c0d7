// The server-side SDK for app backends (Node, Deno, Bun, edge runtimes: anything with fetch).
export { createClient } from './client.ts';
export type { BelfryClient, ClientOptions, SendOptions, NotificationListQuery, DeliveryListQuery, DeliveryList } from './client.ts';
export type { UserTokenOptions } from './tokens.ts';
export { BelfryApiError } from './errors.ts';
export type {
  Attributes,
  DeliveryRecord,
  NotificationPage,
  NotificationStatus,
  Recipient,
  TriggerRequest,
  TriggerResponse,
  User,
  Workflow,
  WorkflowInput,
} from '../protocol/index.ts';
