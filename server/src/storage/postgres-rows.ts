// Row shapes of the PostgreSQL tables and their mapping to records and wire types. The pool's type
// parsers already turn BIGINT into numbers, TIMESTAMPTZ into ISO strings and JSONB into values.
import type { Attributes, Notification, NotificationAction, Json } from 'belfry/protocol';
import type { AppRecord, PublicKeyRecord, UserRecord } from './types.ts';

/** A row of `apps`. */
export interface PgAppRow {
  id: string;
  api_key: string;
  api_secret_hash: string;
  secure_mode: boolean;
  signing_secret: string | null;
  public_keys: PublicKeyRecord[];
  allow_non_expiring_tokens: boolean;
  name: string | null;
  created_at: string;
}

/** A row of `users`. */
export interface PgUserRow {
  id: number;
  app_id: string;
  identifier: string;
  attributes: Attributes;
  seq: number;
  created_at: string;
  updated_at: string;
}

/** A row of `notifications`. */
export interface PgNotificationRow {
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
  actions: NotificationAction[];
  data: Record<string, Json>;
}

/** The columns of `apps` a record needs (not the internal `ord`). */
export const APP_COLUMNS =
  'id, api_key, api_secret_hash, secure_mode, signing_secret, public_keys, allow_non_expiring_tokens, name, created_at';

/** Maps an `apps` row to its record. */
export function toAppRecord(row: PgAppRow): AppRecord {
  return {
    id: row.id,
    apiKey: row.api_key,
    apiSecretHash: row.api_secret_hash,
    secureMode: row.secure_mode,
    signingSecret: row.signing_secret,
    publicKeys: row.public_keys,
    allowNonExpiringTokens: row.allow_non_expiring_tokens,
    name: row.name,
    createdAt: row.created_at,
  };
}

/** Maps a `users` row to its record. */
export function toUserRecord(row: PgUserRow): UserRecord {
  return {
    id: row.id,
    appId: row.app_id,
    identifier: row.identifier,
    attributes: row.attributes,
    seq: row.seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Maps a `notifications` row to the wire type. */
export function toNotification(row: PgNotificationRow): Notification {
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
    actions: row.actions,
    data: row.data,
  };
}
