// Row shapes of the SQLite tables and their mapping to records and wire types.
import type { Json, Notification, NotificationAction } from 'belfry/protocol';
import type { AppRecord, PublicKeyRecord, UserRecord } from './types.ts';

/** A row of `apps`. */
export interface AppRow {
  id: string;
  api_key: string;
  api_secret_hash: string;
  secure_mode: number;
  signing_secret: string | null;
  public_keys: string;
  allow_non_expiring_tokens: number;
  name: string | null;
  created_at: string;
}

/** A row of `users`. */
export interface UserRow {
  id: number;
  app_id: string;
  identifier: string;
  attributes: string;
  seq: number;
  created_at: string;
  updated_at: string;
}

/** A row of `notifications`. */
export interface NotificationRow {
  id: string;
  seq: number;
  created_at: string;
  seen_at: string | null;
  read_at: string | null;
  archived_at: string | null;
  category: string | null;
  workflow: string | null;
  title: string;
  message: string;
  url: string | null;
  icon: string | null;
  actions: string;
  data: string;
}

/** Maps an `apps` row to its record. */
export function toAppRecord(row: AppRow): AppRecord {
  return {
    id: row.id,
    apiKey: row.api_key,
    apiSecretHash: row.api_secret_hash,
    secureMode: row.secure_mode !== 0,
    signingSecret: row.signing_secret,
    publicKeys: JSON.parse(row.public_keys) as PublicKeyRecord[],
    allowNonExpiringTokens: row.allow_non_expiring_tokens !== 0,
    name: row.name,
    createdAt: row.created_at,
  };
}

/** Maps a `users` row to its record. */
export function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    appId: row.app_id,
    identifier: row.identifier,
    attributes: JSON.parse(row.attributes) as Record<string, Json>,
    seq: row.seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Maps a `notifications` row to the wire type. */
export function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    createdAt: row.created_at,
    seenAt: row.seen_at,
    readAt: row.read_at,
    archivedAt: row.archived_at,
    category: row.category,
    workflow: row.workflow,
    title: row.title,
    message: row.message,
    url: row.url,
    icon: row.icon,
    actions: JSON.parse(row.actions) as NotificationAction[],
    data: JSON.parse(row.data) as Record<string, Json>,
  };
}
