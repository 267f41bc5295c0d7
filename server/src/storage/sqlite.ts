// The embedded storage: one SQLite file (WAL) through better-sqlite3. better-sqlite3 is
// synchronous, so each method runs its whole transaction without yielding; the async signatures
// exist for the interface's networked implementations.
import Database from 'better-sqlite3';
import type {
  Attributes,
  Counts,
  InboxChangeEvent,
  Notification,
  NotificationCreatedEvent,
  NotificationDeletedEvent,
  NotificationPatch,
  NotificationsBulkEvent,
  NotificationUpdatedEvent,
  UserUpdatedEvent,
} from 'belfry/protocol';
import { createApiKey, createApiSecret, createId, createSortableId, hashSecret } from '../crypto.ts';
import { mergeAttributes } from './attributes.ts';
import { BULK_COLUMNS, bulkDelta, categoryCounts, countsDelta, patchedStates } from './counts.ts';
import type { NotificationStates } from './counts.ts';
import { migrate } from './sqlite-schema.ts';
import { toAppRecord, toNotification, toUserRecord } from './sqlite-rows.ts';
import type { AppRow, NotificationRow, UserRow } from './sqlite-rows.ts';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, startCheckpointer } from './sqlite-checkpointer.ts';
import type { Checkpointer } from './sqlite-checkpointer.ts';
import { createGroupCommit } from './sqlite-group-commit.ts';
import { createSqliteDeliveryStore, createSqliteIdempotencyStore, createSqlitePreferenceStore } from './sqlite-stores.ts';
import { createSqliteCategoryStore, createSqliteWorkflowStore } from './sqlite-workflows.ts';
import type {
  AppInput,
  AppRecord,
  AppSettings,
  BulkChange,
  Delivery,
  EventCursor,
  InboxState,
  MutationResult,
  NotificationContent,
  NotificationQuery,
  Storage,
} from './types.ts';

/** Options of `openSqliteStorage`. */
export interface SqliteStorageOptions {
  /** Clock for timestamps; defaults to the system clock. */
  now?: () => Date;
  /**
   * Move WAL checkpoints to a worker thread once this many notifications have been delivered
   * through this storage (default 5,000; 0 at once, Infinity never). Files only; a small database
   * keeps SQLite's own checkpoints and spares the thread.
   */
  backgroundCheckpointAfter?: number;
}

const DEFAULT_BACKGROUND_CHECKPOINT_AFTER = 5000;

// Deliveries (rows) per group commit: a transaction costs ~25 µs per delivery, so a group stays
// under ~25 ms of blocked event loop even when a stall has queued many triggers. Lower caps cost
// throughput: every split is another commit rewriting the pages the groups share (500 measured
// ~15 % more CPU per 100-recipient trigger at 16 concurrent clients).
const MAX_GROUP_DELIVERIES = 1000;

// Which rows each `status` filter selects (a fixed set of fragments, never user input).
const STATUS_FILTERS = {
  default: 'archived_at IS NULL',
  unread: 'read_at IS NULL AND archived_at IS NULL',
  read: 'read_at IS NOT NULL AND archived_at IS NULL',
  archived: 'archived_at IS NOT NULL',
  all: '1 = 1',
} as const;

// What a bulk change returns of each row it changed: deleted rows as they were, updated ones as
// they are now (the counters' difference is computed from these, never from a scan).
const RETURNED_STATES = 'id, seen_at, read_at, archived_at';

const NO_CHANGE: Counts = { unseen: 0, unread: 0 };
const NEW_NOTIFICATION: Counts = { unseen: 1, unread: 1 };

// An event as its change builds it, before the counts after the change are known.
type WithoutCounts<E> = E extends unknown ? Omit<E, 'counts'> : never;

/**
 * What the events table stores of a `notification.created` event: its seq and counts only. The
 * notification is already in `notifications` (same user, same seq), so writing it again as JSON
 * would double the bytes a delivery writes; replay reads it back from there (`listEvents`).
 */
function slimCreatedPayload(seq: number, counts: Counts): string {
  return `{"type":"notification.created","seq":${seq},"counts":{"unseen":${counts.unseen},"unread":${counts.unread}}}`;
}

/** A notification as its created event carried it: new, so not yet seen, read or archived. */
function createdNotification(row: NotificationRow): Notification {
  return toNotification({ ...row, seen_at: null, read_at: null, archived_at: null });
}

/** Opens (creating if needed) a SQLite database file, or `:memory:`, as a `Storage`. */
export function openSqliteStorage(filename: string, options: SqliteStorageOptions = {}): Storage {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 64 MiB of page cache (the default is 2 MiB): deliveries touch a random page of the per-user
  // indexes for every recipient, and a miss costs a read from the OS.
  db.pragma('cache_size = -65536');
  migrate(db);
  let checkpointer: Checkpointer | null = null;
  let checkpointCountdown = filename === '' || filename === ':memory:' ? Infinity : (options.backgroundCheckpointAfter ?? DEFAULT_BACKGROUND_CHECKPOINT_AFTER);
  const countDeliveries = (notifications: number) => {
    checkpointCountdown -= notifications;
    if (checkpointCountdown > 0 || checkpointer || !db.open) return;
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    checkpointer = startCheckpointer(db.name, deliver);
  };
  const now = () => (options.now ?? (() => new Date()))().toISOString();

  const stmt = {
    appByKey: db.prepare<[string], AppRow>('SELECT * FROM apps WHERE api_key = ?'),
    apps: db.prepare<[], AppRow>('SELECT * FROM apps ORDER BY created_at, rowid'),
    insertApp: db.prepare('INSERT INTO apps (id, api_key, api_secret_hash, created_at) VALUES (?, ?, ?, ?)'),
    rekeyApp: db.prepare('UPDATE apps SET api_secret_hash = ? WHERE id = ?'),
    // NULL parameters keep the stored value; `signing_secret` and `name` have explicit flags since null clears them.
    updateSettings: db.prepare(
      `UPDATE apps SET secure_mode = COALESCE(@secureMode, secure_mode),
         signing_secret = CASE WHEN @setSigningSecret THEN @signingSecret ELSE signing_secret END,
         public_keys = COALESCE(@publicKeys, public_keys),
         allow_non_expiring_tokens = COALESCE(@allowNonExpiringTokens, allow_non_expiring_tokens),
         name = CASE WHEN @setName THEN @name ELSE name END
       WHERE id = @id`,
    ),
    appById: db.prepare<[string], AppRow>('SELECT * FROM apps WHERE id = ?'),
    deleteUser: db.prepare('DELETE FROM users WHERE app_id = ? AND identifier = ?'),
    user: db.prepare<[string, string], UserRow>('SELECT * FROM users WHERE app_id = ? AND identifier = ?'),
    users: db.prepare<[string, string], UserRow>('SELECT * FROM users WHERE app_id = ? AND identifier IN (SELECT value FROM json_each(?))'),
    insertUser: db.prepare(
      `INSERT INTO users (app_id, identifier, attributes, created_at, updated_at) VALUES (?, ?, '{}', ?, ?)
       ON CONFLICT (app_id, identifier) DO NOTHING`,
    ),
    updateUser: db.prepare('UPDATE users SET attributes = ?, updated_at = ? WHERE id = ?'),
    // The per-user event counter: the only place a seq is assigned, always inside a transaction,
    // together with the change's difference to the counters.
    bumpSeq: db.prepare<[number, number, number, string | null, string | null], { seq: number; app_id: string } & Counts>(
      `UPDATE users SET seq = seq + 1, unseen_count = unseen_count + ?, unread_count = unread_count + ?
       WHERE id = ? AND (? IS NULL OR app_id = ?) RETURNING seq, app_id, unseen_count AS unseen, unread_count AS unread`,
    ),
    state: db.prepare<[number], { seq: number } & Counts>('SELECT seq, unseen_count AS unseen, unread_count AS unread FROM users WHERE id = ?'),
    insertNotification: db.prepare(
      `INSERT INTO notifications (id, app_id, user_id, seq, created_at, category, workflow, title, message, url, icon, actions, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    notification: db.prepare<[string, number], NotificationRow>('SELECT * FROM notifications WHERE id = ? AND user_id = ?'),
    setStates: db.prepare('UPDATE notifications SET seen_at = ?, read_at = ?, archived_at = ? WHERE id = ?'),
    deleteNotification: db.prepare<[string, number], NotificationRow>('DELETE FROM notifications WHERE id = ? AND user_id = ? RETURNING *'),
    insertEvent: db.prepare('INSERT INTO events (app_id, user_id, seq, type, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    // A created event is stored without its notification, which is read from `notifications` (by
    // the same user and seq) when the event is replayed; see `slimCreatedPayload`.
    events: db.prepare<[number, number, number], { type: string; payload: string } & Partial<NotificationRow>>(
      `SELECT e.type, e.payload, n.id, n.created_at, n.category, n.workflow, n.title, n.message, n.url, n.icon, n.actions, n.data
       FROM events e LEFT JOIN notifications n ON e.type = 'notification.created' AND n.user_id = e.user_id AND n.seq = e.seq
       WHERE e.user_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?`,
    ),
    // Before a notification goes, its created event gets the notification written out in full.
    keepCreated: db.prepare(
      `UPDATE events SET payload = json_set(payload, '$.notification', json(?))
       WHERE user_id = ? AND seq = ? AND type = 'notification.created' AND json_type(payload, '$.notification') IS NULL`,
    ),
  };

  // A user that does not exist (any more) has an empty inbox.
  const stateOf = (userId: number): InboxState => {
    const row = stmt.state.get(userId);
    return { counts: { unseen: row?.unseen ?? 0, unread: row?.unread ?? 0 }, seq: row?.seq ?? 0 };
  };

  // better-sqlite3 does not cache statements; the dynamic ones come from a small fixed set.
  const cache = new Map<string, Database.Statement<unknown[], unknown>>();
  const prepared = <R>(sql: string) => {
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = db.prepare(sql)));
    return statement as Database.Statement<unknown[], R>;
  };

  // A deleted notification can no longer be read by replay: its created event keeps a copy.
  const keepCreatedEvents = (userId: number, rows: readonly NotificationRow[]) => {
    for (const row of rows) stmt.keepCreated.run(JSON.stringify(createdNotification(row)), userId, row.seq);
  };

  /**
   * Assigns the user's next seq and adds the change's `delta` to the counters, lets `build` make
   * the change for the seq, then appends the event with the counts after the change. Runs inside
   * the transaction of the change; null when the user does not exist (in `appId`, when given).
   */
  function appendEvent<E extends InboxChangeEvent>(
    userId: number,
    delta: Counts,
    build: (seq: number) => WithoutCounts<E>,
    appId: string | null = null,
  ): E | null {
    const bumped = stmt.bumpSeq.get(delta.unseen, delta.unread, userId, appId, appId);
    if (!bumped) return null;
    const event = { ...build(bumped.seq), counts: { unseen: bumped.unseen, unread: bumped.unread } } as unknown as E;
    const payload = event.type === 'notification.created' ? slimCreatedPayload(event.seq, event.counts) : JSON.stringify(event);
    stmt.insertEvent.run(bumped.app_id, userId, event.seq, event.type, payload, now());
    return event;
  }

  const bit = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);

  function applySettings(appId: string, settings: AppSettings): AppRecord {
    stmt.updateSettings.run({
      id: appId,
      secureMode: bit(settings.secureMode),
      setSigningSecret: settings.signingSecret === undefined ? 0 : 1,
      signingSecret: settings.signingSecret ?? null,
      publicKeys: settings.publicKeys === undefined ? null : JSON.stringify(settings.publicKeys),
      allowNonExpiringTokens: bit(settings.allowNonExpiringTokens),
      setName: settings.name === undefined ? 0 : 1,
      name: settings.name ?? null,
    });
    return toAppRecord(stmt.appById.get(appId)!);
  }

  function createApp(input: AppInput = {}) {
    const apiSecret = input.apiSecret ?? createApiSecret();
    const id = createId('app');
    stmt.insertApp.run(id, input.apiKey ?? createApiKey(), hashSecret(apiSecret), now());
    return { app: applySettings(id, input), apiSecret };
  }

  const upsertUser = db.transaction((appId: string, identifier: string, patch: Attributes) => {
    const at = now();
    const created = stmt.insertUser.run(appId, identifier, at, at).changes === 1;
    const row = stmt.user.get(appId, identifier)!;
    if (Object.keys(patch).length === 0) return toUserRecord(row);
    const attributes = mergeAttributes(JSON.parse(row.attributes) as Attributes, patch);
    const serialized = JSON.stringify(attributes);
    if (serialized === row.attributes) return toUserRecord(row);
    stmt.updateUser.run(serialized, at, row.id);
    // A user created just now has no widget open yet (connect creates users without attributes).
    if (created) return toUserRecord({ ...row, attributes: serialized, updated_at: at });
    // Widgets render templates with the user's current attributes: tell open ones, in order.
    const event = appendEvent<UserUpdatedEvent>(row.id, NO_CHANGE, (seq) => ({ type: 'user.updated', seq, user: { identifier, attributes } }))!;
    return toUserRecord({ ...row, attributes: serialized, updated_at: at, seq: event.seq });
  });

  // Concurrent deliveries share a commit (see sqlite-group-commit.ts), up to MAX_GROUP_DELIVERIES.
  const deliver = createGroupCommit(db, (appId: string, userIds: readonly number[], content: NotificationContent) => {
    const deliveries: Delivery[] = [];
    const createdAt = now();
    // The same for every recipient: serialized once.
    const actions = JSON.stringify(content.actions);
    const data = JSON.stringify(content.data);
    for (const userId of userIds) {
      // A new notification is unseen and unread.
      const event = appendEvent<NotificationCreatedEvent>(
        userId,
        NEW_NOTIFICATION,
        (seq) => {
          const notification: Notification = { id: createSortableId('ntf'), createdAt, seenAt: null, readAt: null, archivedAt: null, ...content };
          const { category, workflow, title, message, url, icon } = content;
          stmt.insertNotification.run(notification.id, appId, userId, seq, createdAt, category, workflow, title, message, url, icon, actions, data);
          return { type: 'notification.created', seq, notification };
        },
        appId,
      );
      if (event) deliveries.push({ userId, event });
    }
    return deliveries;
  }, { weight: (_appId, userIds) => userIds.length, maxWeight: MAX_GROUP_DELIVERIES });
  // After `deliver`: the checkpointer holds its commits while it starts the WAL over.
  countDeliveries(0);

  /** The user's events after `after`, slim created events completed from their notification row. */
  function readEvents(userId: number, after: number, limit: number): InboxChangeEvent[] {
    const events: InboxChangeEvent[] = [];
    for (const row of stmt.events.all(userId, after, limit)) {
      const event = JSON.parse(row.payload) as InboxChangeEvent;
      if (event.type !== 'notification.created') {
        events.push(event);
        continue;
      }
      // Slim: the notification is the joined row, as it was created. Deleting a notification
      // writes it into its created event first, so a slim event always finds its row.
      const notification = event.notification ?? (row.id ? createdNotification(row as NotificationRow) : null);
      if (notification) events.push({ type: event.type, seq: event.seq, notification, counts: event.counts });
    }
    return events;
  }

  const listEventsForUsers = db.transaction((cursors: readonly EventCursor[], limit: number) => {
    const found = new Map<number, InboxChangeEvent[]>();
    for (const { userId, after } of cursors) {
      const events = readEvents(userId, after, limit);
      if (events.length > 0) found.set(userId, events);
    }
    return found;
  });

  const listNotifications = db.transaction((userId: number, query: NotificationQuery) => {
    // Only the conditions in use go into the SQL, so `seq < @before` bounds the (user_id, seq)
    // index scan instead of filtering it: deep pages cost the same as the first.
    const conditions = ['user_id = @userId', STATUS_FILTERS[query.status ?? 'default']];
    if (query.before !== null) conditions.push('seq < @before');
    if (query.category !== null) conditions.push('category = @category');
    const rows = prepared<NotificationRow>(
      `SELECT * FROM notifications WHERE ${conditions.join(' AND ')} ORDER BY seq DESC LIMIT @limit`,
    ).all({ userId, before: query.before, category: query.category, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(toNotification),
      nextSeq: rows.length > query.limit ? page[page.length - 1]!.seq : null,
      ...stateOf(userId),
    };
  });

  // Counted when asked, in one read transaction with the state: the write path keeps no
  // per-category counters. The categories come as one JSON array, so one statement serves any list.
  const countTabs = db.transaction((userId: number, categories: readonly string[]) => {
    const { n: archived } = prepared<{ n: number }>('SELECT COUNT(*) AS n FROM notifications WHERE user_id = ? AND archived_at IS NOT NULL').get(userId)!;
    const found = categories.length === 0 ? [] : prepared<{ category: string; n: number }>(
      `SELECT category, COUNT(*) AS n FROM notifications
       WHERE user_id = ? AND read_at IS NULL AND archived_at IS NULL AND category IN (SELECT value FROM json_each(?))
       GROUP BY category`,
    ).all(userId, JSON.stringify(categories));
    return { ...stateOf(userId), archived, categories: categoryCounts(categories, found.map((row) => [row.category, row.n] as const)) };
  });

  const updateNotification = db.transaction((userId: number, id: string, patch: NotificationPatch): MutationResult | null => {
    const row = stmt.notification.get(id, userId);
    if (!row) return null;
    const states = patchedStates(row, patch, now());
    if (!states) return { notification: toNotification(row), event: null, ...stateOf(userId) };
    stmt.setStates.run(states.seen_at, states.read_at, states.archived_at, id);
    const after = { ...row, ...states };
    const notification = toNotification(after);
    const event = appendEvent<NotificationUpdatedEvent>(userId, countsDelta(row, after), (seq) => ({ type: 'notification.updated', seq, notification }))!;
    return { notification, event, counts: event.counts, seq: event.seq };
  });

  const deleteNotification = db.transaction((userId: number, id: string): MutationResult | null => {
    const deleted = stmt.deleteNotification.get(id, userId);
    if (!deleted) return null;
    keepCreatedEvents(userId, [deleted]);
    const event = appendEvent<NotificationDeletedEvent>(userId, countsDelta(deleted, null), (seq) => ({ type: 'notification.deleted', seq, id }))!;
    return { event, counts: event.counts, seq: event.seq };
  });

  const applyBulk = db.transaction((userId: number, change: BulkChange): MutationResult => {
    const at = now();
    const filter = `user_id = ? AND (? IS NULL OR category = ?) AND (? IS NULL OR id IN (SELECT value FROM json_each(?)))`;
    const ids = change.ids === null ? null : JSON.stringify(change.ids);
    const params = [userId, change.category, change.category, ids, ids];
    const sql =
      change.action === 'delete'
        ? `DELETE FROM notifications WHERE ${filter} RETURNING *`
        : `UPDATE notifications SET ${BULK_COLUMNS[change.action]} = ? WHERE ${filter} AND ${BULK_COLUMNS[change.action]} IS NULL RETURNING ${RETURNED_STATES}`;
    const rows = prepared<{ id: string } & NotificationStates>(sql).all(...(change.action === 'delete' ? params : [at, ...params]));
    if (rows.length === 0) return { event: null, ...stateOf(userId) };
    if (change.action === 'delete') keepCreatedEvents(userId, rows as NotificationRow[]);
    const changed = rows.map((row) => row.id);
    const event = appendEvent<NotificationsBulkEvent>(userId, bulkDelta(change.action, rows), (seq) => ({
      type: 'notifications.bulk',
      seq,
      action: change.action,
      // With explicit ids the event names exactly the ones that changed.
      ids: change.ids === null ? null : changed,
      category: change.category,
      at,
    }))!;
    return { event, counts: event.counts, seq: event.seq };
  });

  return {
    createApp: async (input) => db.transaction(() => createApp(input))(),
    ensureApp: async (input) =>
      db.transaction(() => {
        const existing = stmt.appByKey.get(input.apiKey);
        if (!existing) return createApp(input).app;
        stmt.rekeyApp.run(hashSecret(input.apiSecret), existing.id);
        return applySettings(existing.id, input);
      })(),
    findAppByApiKey: async (apiKey) => {
      const row = stmt.appByKey.get(apiKey);
      return row ? toAppRecord(row) : null;
    },
    listApps: async () => stmt.apps.all().map(toAppRecord),
    upsertUser: async (appId, identifier, patch) => upsertUser(appId, identifier, patch),
    findUser: async (appId, identifier) => {
      const row = stmt.user.get(appId, identifier);
      return row ? toUserRecord(row) : null;
    },
    findUsers: async (appId, identifiers) => {
      if (identifiers.length === 0) return [];
      // One identifier (the common trigger) skips the JSON round trip of `json_each`.
      if (identifiers.length === 1) {
        const row = stmt.user.get(appId, identifiers[0]!);
        return row ? [toUserRecord(row)] : [];
      }
      return stmt.users.all(appId, JSON.stringify(identifiers)).map(toUserRecord);
    },
    // Notifications, events and preferences go with the user (ON DELETE CASCADE).
    deleteUser: async (appId, identifier) => stmt.deleteUser.run(appId, identifier).changes > 0,
    deliver: async (appId, userIds, content) => {
      const deliveries = await deliver.run(appId, userIds, content);
      countDeliveries(deliveries.length);
      return deliveries;
    },
    getInboxState: async (userId) => stateOf(userId),
    listNotifications: async (userId, query) => listNotifications(userId, query),
    countTabs: async (userId, categories) => countTabs(userId, categories),
    updateNotification: async (userId, id, patch) => updateNotification(userId, id, patch),
    deleteNotification: async (userId, id) => deleteNotification(userId, id),
    applyBulk: async (userId, change) => applyBulk(userId, change),
    listEvents: async (userId, after, limit) => readEvents(userId, after, limit),
    // One read transaction around per-user index probes: SQLite answers each in microseconds,
    // so what batching saves here is the per-call overhead, not round trips.
    listEventsForUsers: async (cursors, limit) => listEventsForUsers(cursors, limit),
    workflows: createSqliteWorkflowStore(db, now),
    categories: createSqliteCategoryStore(db, now),
    preferences: createSqlitePreferenceStore(db),
    idempotency: createSqliteIdempotencyStore(db, () => (options.now ?? (() => new Date()))()),
    deliveries: createSqliteDeliveryStore(db, now),
    close: async () => {
      if (!db.open) return;
      deliver.flush();
      const stopping = checkpointer?.stop();
      checkpointer = null;
      await stopping;
      db.close();
    },
  };
}
