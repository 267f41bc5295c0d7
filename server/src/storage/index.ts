// Storage: the interface, its SQLite and PostgreSQL implementations and the URL-based opener.
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
export { openPostgresStorage, DEFAULT_POOL_SIZE } from './postgres.ts';
export type { PostgresStorageOptions } from './postgres.ts';
export { POSTGRES_SCHEMA_VERSION } from './postgres-schema.ts';
export { openStorage } from './open.ts';
export type { StorageOptions } from './open.ts';
export { SCHEMA_VERSION } from './sqlite-schema.ts';
