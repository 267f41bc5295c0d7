// belfry-server: the notification service's public entry.
export { createApp } from './app.ts';
export type { AppOptions } from './app.ts';
export { createServer, DEFAULT_DATABASE_URL, DEFAULT_HOST, DEFAULT_PORT } from './server.ts';
export type { ServerOptions, RunningServer } from './server.ts';
export { main } from './cli.ts';
export { HttpError } from './errors.ts';
export type { Log, LogLevel } from './log.ts';
export { openStorage, openSqliteStorage, mergeAttributes, SCHEMA_VERSION } from './storage/index.ts';
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
  Storage,
  SqliteStorageOptions,
} from './storage/index.ts';
export { createMemoryBus, userTopic } from './bus/index.ts';
export type { Bus, PokeListener } from './bus/index.ts';
export { createRedisBus, openBus } from './bus/index.ts';
export type { RedisBus, RedisBusOptions, OpenBusOptions } from './bus/index.ts';
export { openPostgresStorage } from './storage/index.ts';
export type { PostgresStorageOptions, StorageOptions } from './storage/index.ts';
export { createMetrics } from './ops/index.ts';
export type { Metrics, RateLimitOptions } from './ops/index.ts';
export { createJsonLog } from './log.ts';
export { verifyUserToken } from './tokens.ts';
export { signWebhook, webhookSecret, HEADER_WEBHOOK_SIGNATURE } from './channels/index.ts';
export type { ChannelProvider, ChannelProviders, ChannelMessage, ChannelResult } from './channels/index.ts';
export { createHub, MAX_REPLAY_EVENTS } from './realtime/index.ts';
export type { CommittedChange, Hub, HubOptions } from './realtime/index.ts';
