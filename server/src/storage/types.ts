// The storage contract. Every method is async so a networked implementation (PostgreSQL) can
// satisfy the same interface as the embedded SQLite one. The database is the source of truth:
// every change to a user's inbox is written together with its event, whose `seq` is
// `users.seq + 1`, in one transaction.
import type {
  Attributes,
  BulkAction,
  DeliveryRecord,
  Preferences,
  Workflow,
  WorkflowInput,
  Counts,
  TabCounts,
  InboxChangeEvent,
  Notification,
  NotificationCreatedEvent,
  NotificationPatch,
  NotificationStatus,
} from 'belfry/protocol';

/** An app (tenant) as stored; the API secret itself is never stored, only its hash. */
export interface AppRecord {
  id: string;
  apiKey: string;
  apiSecretHash: string;
  secureMode: boolean;
  /** The HS256 key for user tokens (never the API secret); null when not configured. */
  signingSecret: string | null;
  /** Public keys (PEM, SPKI) for RS256/ES256 user tokens, picked by the token's `kid`. */
  publicKeys: PublicKeyRecord[];
  /** Accept user tokens without `exp` (tokens from the Engagespot SDK have none). */
  allowNonExpiringTokens: boolean;
  /** What templates read as `<<app.name>>`; null when not set. */
  name: string | null;
  createdAt: string;
}

/** A registered public key for verifying user tokens. */
export interface PublicKeyRecord {
  kid: string;
  alg: 'RS256' | 'ES256';
  pem: string;
}

/** A user as stored, with the internal id other tables refer to and the latest event `seq`. */
export interface UserRecord {
  id: number;
  appId: string;
  identifier: string;
  attributes: Attributes;
  seq: number;
  createdAt: string;
  updatedAt: string;
}

/** What a trigger delivers to each recipient; `title` and `message` are template sources. */
export type NotificationContent = Pick<Notification, 'category' | 'workflow' | 'title' | 'message' | 'url' | 'icon' | 'actions' | 'data'>;

/** One page query of a user's inbox, newest first; `before` is an exclusive `seq` cursor. */
export interface NotificationQuery {
  limit: number;
  before: number | null;
  /** null: everything not archived. */
  status: NotificationStatus | null;
  category: string | null;
}

/** A user's counters and latest event `seq`. */
export interface InboxState {
  counts: Counts;
  seq: number;
}

/**
 * One page of a user's inbox with the counts and `seq` read in the same transaction, so `seq`
 * is a stream cursor that neither skips nor precedes what the page shows.
 */
export interface NotificationRows extends InboxState {
  items: Notification[];
  /** The cursor of the next older page. */
  nextSeq: number | null;
}

/** Where one user's reading stands, for `Storage.listEventsForUsers`. */
export interface EventCursor {
  userId: number;
  /** Events with a greater `seq` are wanted. */
  after: number;
}

/** The outcome of a change: `event` is null when nothing changed (and nothing was written). */
export interface MutationResult extends InboxState {
  notification?: Notification;
  event: InboxChangeEvent | null;
}

/** A bulk change; `ids` null means every notification (in `category`, when given). */
export interface BulkChange {
  action: BulkAction;
  ids: string[] | null;
  category: string | null;
}

/** A notification created for one user by a delivery. */
export interface Delivery {
  userId: number;
  event: NotificationCreatedEvent;
}

/** Options of `createApp`/`ensureApp`; settings left undefined keep their stored value. */
export interface AppInput extends AppSettings {
  apiKey?: string;
  apiSecret?: string;
}

/** The settings of an app an operator can change. */
export interface AppSettings {
  secureMode?: boolean;
  signingSecret?: string | null;
  publicKeys?: PublicKeyRecord[];
  allowNonExpiringTokens?: boolean;
  /** The app's display name (`<<app.name>>`); null clears it. */
  name?: string | null;
}

/** Stored workflows of an app. */
export interface WorkflowStore {
  upsert(appId: string, identifier: string, input: WorkflowInput): Promise<Workflow>;
  get(appId: string, identifier: string): Promise<Workflow | null>;
  /** False when there was no such workflow. */
  remove(appId: string, identifier: string): Promise<boolean>;
  list(appId: string): Promise<Workflow[]>;
}

/** Named categories of an app (for preference screens and the compatibility API). */
export interface CategoryStore {
  upsert(appId: string, identifier: string, name: string): Promise<{ identifier: string; name: string }>;
  list(appId: string): Promise<{ identifier: string; name: string }[]>;
}

/** Per-user channel preferences. */
export interface PreferenceStore {
  get(userId: number): Promise<Preferences>;
  /** The preferences of several users in one query; users without any map to `{}`. */
  getMany(userIds: readonly number[]): Promise<Map<number, Preferences>>;
  /** Merges `patch` into the user's preferences and answers the result. */
  set(userId: number, patch: Preferences): Promise<Preferences>;
}

/** What `IdempotencyStore.begin` found for a key. */
export type IdempotencyBegin =
  | { state: 'started' }
  | { state: 'in_flight' }
  | { state: 'mismatch' }
  | { state: 'done'; status: number; body: unknown };

/** Remembers answers of requests made with an `Idempotency-Key`, for 24 hours. */
export interface IdempotencyStore {
  /**
   * Claims `key` for a request whose body has `fingerprint`, atomically: 'started' means the
   * caller owns it now; a finished claim answers its stored response, a live one 'in_flight', a
   * claim with another body 'mismatch'. Claims older than 24 hours count as absent.
   */
  begin(appId: string, key: string, fingerprint: string): Promise<IdempotencyBegin>;
  /** Stores the answer of a started claim. */
  complete(appId: string, key: string, status: number, body: unknown): Promise<void>;
  /** Drops a started claim whose request failed, so a retry can run. */
  release(appId: string, key: string): Promise<void>;
}

/** The log of messages sent through email, SMS and webhook providers. */
export interface DeliveryStore {
  record(appId: string, delivery: Omit<DeliveryRecord, 'id' | 'createdAt'>): Promise<DeliveryRecord>;
  /** Newest first. */
  list(appId: string, query: { limit: number; channel?: DeliveryRecord['channel'] | null; recipient?: string | null }): Promise<DeliveryRecord[]>;
}

/** The storage of apps, users, notifications and the per-user event log. */
export interface Storage {
  /** Creates an app; answers it with its secret (random unless given), shown only this once. */
  createApp(input?: AppInput): Promise<{ app: AppRecord; apiSecret: string }>;
  /** Makes sure an app with exactly this key and secret exists (creating or re-keying it, applying the settings given). */
  ensureApp(input: Required<Pick<AppInput, 'apiKey' | 'apiSecret'>> & AppInput): Promise<AppRecord>;
  findAppByApiKey(apiKey: string): Promise<AppRecord | null>;
  /** Every app, oldest first. */
  listApps(): Promise<AppRecord[]>;

  /** Creates a user or merges `patch` into its attributes (`null` removes one). */
  upsertUser(appId: string, identifier: string, patch: Attributes): Promise<UserRecord>;
  findUser(appId: string, identifier: string): Promise<UserRecord | null>;
  /** The app's users with any of these identifiers, in one query; unknown identifiers are left out. */
  findUsers(appId: string, identifiers: readonly string[]): Promise<UserRecord[]>;
  /** Deletes the user with their notifications, events and preferences; false when absent. */
  deleteUser(appId: string, identifier: string): Promise<boolean>;

  /** Creates one notification (and its event) per user, all in one transaction. */
  deliver(appId: string, userIds: readonly number[], content: NotificationContent): Promise<Delivery[]>;
  getInboxState(userId: number): Promise<InboxState>;
  listNotifications(userId: number, query: NotificationQuery): Promise<NotificationRows>;
  /**
   * The counts of a feed's tabs, counted when asked (never kept up by the write path): the
   * counters, the archived total and per category the unread, unarchived notifications, all read
   * with the `seq` in one snapshot. Categories without any are answered with 0.
   */
  countTabs(userId: number, categories: readonly string[]): Promise<TabCounts>;
  /** Applies a patch to one of the user's notifications; null when the user has no such id. */
  updateNotification(userId: number, id: string, patch: NotificationPatch): Promise<MutationResult | null>;
  /** Deletes one of the user's notifications; null when the user has no such id. */
  deleteNotification(userId: number, id: string): Promise<MutationResult | null>;
  applyBulk(userId: number, change: BulkChange): Promise<MutationResult>;
  /** The user's events with `seq > after`, oldest first, at most `limit`. */
  listEvents(userId: number, after: number, limit: number): Promise<InboxChangeEvent[]>;
  /**
   * `listEvents` for many users in one query (the realtime hub reads once for all the pokes of a
   * moment): per cursor the events with `seq > after`, oldest first, at most `limit` per user.
   * Users without such events are absent from the map.
   */
  listEventsForUsers(cursors: readonly EventCursor[], limit: number): Promise<Map<number, InboxChangeEvent[]>>;

  workflows: WorkflowStore;
  categories: CategoryStore;
  preferences: PreferenceStore;
  idempotency: IdempotencyStore;
  deliveries: DeliveryStore;

  close(): Promise<void>;
}
