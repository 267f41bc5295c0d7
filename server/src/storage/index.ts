// Storage: the interface, its SQLite implementation and the URL-based opener.
export type {
  AppRecord,
  UserRecord,
  NotificationContent,
  NotificationQuery,
  NotificationRows,
  InboxState,
  MutationResult,
  BulkChange,
  Delivery,
  AppInput,
  AppSettings,
  PublicKeyRecord,
  WorkflowStore,
  CategoryStore,
  PreferenceStore,
  IdempotencyBegin,
  IdempotencyStore,
  DeliveryStore,
  Storage,
} from './types.ts';
export { IDEMPOTENCY_TTL_MS } from './sqlite-stores.ts';
export { mergeAttributes } from './attributes.ts';
export { openSqliteStorage } from './sqlite.ts';
export type { SqliteStorageOptions } from './sqlite.ts';
export { openStorage } from './open.ts';
export { SCHEMA_VERSION } from './sqlite-schema.ts';
