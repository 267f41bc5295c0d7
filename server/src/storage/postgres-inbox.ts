// Users' inboxes in PostgreSQL: deliveries, pages, changes and the per-user event log.
//
// The invariant (design §9): every change to an inbox takes the user's next `seq` with
// `UPDATE users SET seq = seq + 1 ... RETURNING seq` inside the change's transaction. That UPDATE
// holds the user's row lock until COMMIT, so changes to one inbox commit one after the other in
// seq order, and a reader that has seen seq N can never later find an uncommitted N - 1 appear.
// Each change adds its difference to the user's counters (`unseen_count`, `unread_count`) and
// writes its event with the counts after the change, in the same transaction.
import type pg from 'pg';
import type {
  Counts,
  InboxChangeEvent,
  NotificationDeletedEvent,
  NotificationPatch,
  NotificationsBulkEvent,
  NotificationUpdatedEvent,
} from 'belfry/protocol';
import { BULK_COLUMNS, bulkDelta, categoryCounts, countsDelta, patchedStates } from './counts.ts';
import type { NotificationStates } from './counts.ts';
import { KEEP_CREATED, REPLAY_COLUMNS, REPLAY_JOIN, toReplayedEvent } from './postgres-events.ts';
import type { ReplayRow } from './postgres-events.ts';
import { query, Rollback, toJsonParam, transaction } from './postgres-pool.ts';
import type { Queryable } from './postgres-pool.ts';
import { toNotification } from './postgres-rows.ts';
import type { PgNotificationRow } from './postgres-rows.ts';
import type { MutationResult, Storage } from './types.ts';

/** An event as its change builds it, before the counts after the change are known. */
export type WithoutCounts<E> = E extends unknown ? Omit<E, 'counts'> : never;

// Which rows each `status` filter selects (a fixed set of fragments, never user input).
const STATUS_FILTERS = {
  default: 'archived_at IS NULL',
  unread: 'read_at IS NULL AND archived_at IS NULL',
  read: 'read_at IS NOT NULL AND archived_at IS NULL',
  archived: 'archived_at IS NOT NULL',
  all: 'true',
} as const;

const NOTIFICATION_COLUMNS = 'id, seq, created_at, seen_at, read_at, archived_at, category, workflow, title, message, url, icon, actions, data';

// The user's seq and counters, one row even for a user that does not exist (an empty inbox).
const STATE = `SELECT COALESCE(u.seq, 0) AS seq, COALESCE(u.unseen_count, 0) AS unseen, COALESCE(u.unread_count, 0) AS unread
  FROM (SELECT $1::bigint AS id) AS k LEFT JOIN users AS u ON u.id = k.id`;

// The event's payload gets the counters after the change, read from (or written by) the CTE `u`.
const COUNTS_JSON = `jsonb_build_object('counts', jsonb_build_object('unseen', u.unseen_count, 'unread', u.unread_count))`;

const NO_CHANGE: Counts = { unseen: 0, unread: 0 };

// Takes the user's next seq, locking the user's row until the transaction ends; null when there
// is no such user.
async function bumpSeq(client: Queryable, userId: number): Promise<{ seq: number; app_id: string } | null> {
  const [row] = await query<{ seq: number; app_id: string }>(client, 'UPDATE users SET seq = seq + 1 WHERE id = $1 RETURNING seq, app_id', [userId]);
  return row ?? null;
}

/**
 * Appends the event of a change made in this transaction, adding the change's `delta` to the
 * user's counters in the same statement; the event carries the counts after the change.
 */
export async function appendEvent<E extends InboxChangeEvent>(
  client: Queryable,
  appId: string,
  userId: number,
  partial: WithoutCounts<E>,
  at: string,
  delta: Counts = NO_CHANGE,
): Promise<E> {
  const unchanged = delta.unseen === 0 && delta.unread === 0;
  const counters = unchanged
    ? 'SELECT unseen_count, unread_count FROM users WHERE id = $2'
    : 'UPDATE users SET unseen_count = unseen_count + $7, unread_count = unread_count + $8 WHERE id = $2 RETURNING unseen_count, unread_count';
  const params = [appId, userId, partial.seq, partial.type, toJsonParam(partial), at];
  const [row] = await query<{ counts: Counts }>(
    client,
    `WITH u AS (${counters})
     INSERT INTO events (app_id, user_id, seq, type, payload, created_at)
     SELECT $1, $2, $3, $4, $5::jsonb || ${COUNTS_JSON}, $6 FROM u
     RETURNING payload -> 'counts' AS counts`,
    unchanged ? params : [...params, delta.unseen, delta.unread],
  );
  return { ...partial, counts: row!.counts } as unknown as E;
}

const countsOf = async (client: Queryable, userId: number): Promise<Counts> => {
  const [row] = await query<{ seq: number } & Counts>(client, STATE, [userId]);
  return { unseen: row!.unseen, unread: row!.unread };
};

// What a change returns of each row it changed: deleted rows as they were, updated ones as they
// are now (the counters' difference is computed from these, never from a scan).
const RETURNED_STATES = 'seen_at, read_at, archived_at';

type InboxStorage = Pick<
  Storage,
  'deliver' | 'getInboxState' | 'listNotifications' | 'countTabs' | 'updateNotification' | 'deleteNotification' | 'applyBulk' | 'listEvents' | 'listEventsForUsers'
>;

/**
 * The inbox half of the PostgreSQL `Storage`; `now` gives ISO timestamps, `deliver` is the
 * group-committing one of postgres-deliver.ts.
 */
export function createPostgresInbox(pool: pg.Pool, now: () => string, deliver: InboxStorage['deliver']): InboxStorage {
  const updateNotification: InboxStorage['updateNotification'] = (userId, id, patch: NotificationPatch) =>
    transaction<MutationResult | null>(pool, async (client) => {
      // The seq is taken first, for its lock: the row read below cannot change under us. A
      // change that turns out to change nothing rolls the seq back.
      const bumped = await bumpSeq(client, userId);
      if (!bumped) return new Rollback(null);
      const [row] = await query<PgNotificationRow>(
        client,
        `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE id = $1 AND user_id = $2`,
        [id, userId],
      );
      if (!row) return new Rollback(null);
      const at = now();
      const states = patchedStates(row, patch, at);
      if (!states) {
        return new Rollback({ notification: toNotification(row), event: null, counts: await countsOf(client, userId), seq: bumped.seq - 1 });
      }
      await query(client, 'UPDATE notifications SET seen_at = $1, read_at = $2, archived_at = $3 WHERE id = $4', [
        states.seen_at,
        states.read_at,
        states.archived_at,
        id,
      ]);
      const after = { ...row, ...states };
      const notification = toNotification(after);
      const event = await appendEvent<NotificationUpdatedEvent>(
        client,
        bumped.app_id,
        userId,
        { type: 'notification.updated', seq: bumped.seq, notification },
        at,
        countsDelta(row, after),
      );
      return { notification, event, counts: event.counts, seq: event.seq };
    });

  const deleteNotification: InboxStorage['deleteNotification'] = (userId, id) =>
    transaction<MutationResult | null>(pool, async (client) => {
      const bumped = await bumpSeq(client, userId);
      if (!bumped) return new Rollback(null);
      // Its created event keeps a copy of the notification (see postgres-events.ts).
      const [deleted] = await query<NotificationStates>(
        client,
        `WITH gone AS (DELETE FROM notifications WHERE id = $1 AND user_id = $2 RETURNING *), ${KEEP_CREATED}
         SELECT ${RETURNED_STATES} FROM gone`,
        [id, userId],
      );
      if (!deleted) return new Rollback(null);
      const event = await appendEvent<NotificationDeletedEvent>(
        client,
        bumped.app_id,
        userId,
        { type: 'notification.deleted', seq: bumped.seq, id },
        now(),
        countsDelta(deleted, null),
      );
      return { event, counts: event.counts, seq: event.seq };
    });

  const applyBulk: InboxStorage['applyBulk'] = (userId, change) =>
    transaction<MutationResult>(pool, async (client) => {
      const bumped = await bumpSeq(client, userId);
      if (!bumped) return new Rollback({ event: null, counts: { unseen: 0, unread: 0 }, seq: 0 });
      const at = now();
      const filter = 'user_id = $1 AND ($2::text IS NULL OR category = $2) AND ($3::text[] IS NULL OR id = ANY($3::text[]))';
      const params: unknown[] = [userId, change.category, change.ids];
      // Deleted notifications' created events keep a copy of them (see postgres-events.ts).
      const sql =
        change.action === 'delete'
          ? `WITH gone AS (DELETE FROM notifications WHERE ${filter} RETURNING *), ${KEEP_CREATED}
             SELECT id, ${RETURNED_STATES} FROM gone ORDER BY seq`
          : `WITH changed AS (
               UPDATE notifications SET ${BULK_COLUMNS[change.action]} = $4 WHERE ${filter} AND ${BULK_COLUMNS[change.action]} IS NULL
               RETURNING id, seq, ${RETURNED_STATES}
             ) SELECT id, ${RETURNED_STATES} FROM changed ORDER BY seq`;
      const rows = await query<{ id: string } & NotificationStates>(client, sql, change.action === 'delete' ? params : [...params, at]);
      const changed = rows.map((row) => row.id);
      if (changed.length === 0) return new Rollback({ event: null, counts: await countsOf(client, userId), seq: bumped.seq - 1 });
      const event = await appendEvent<NotificationsBulkEvent>(
        client,
        bumped.app_id,
        userId,
        {
          type: 'notifications.bulk',
          seq: bumped.seq,
          action: change.action,
          // With explicit ids the event names exactly the ones that changed.
          ids: change.ids === null ? null : changed,
          category: change.category,
          at,
        },
        at,
        bulkDelta(change.action, rows),
      );
      return { event, counts: event.counts, seq: event.seq };
    });

  return {
    deliver,
    getInboxState: async (userId) => {
      const [row] = await query<{ seq: number } & Counts>(pool, STATE, [userId]);
      return { counts: { unseen: row!.unseen, unread: row!.unread }, seq: row!.seq };
    },
    listNotifications: async (userId, q) => {
      // Only the conditions in use go into the SQL, so `seq < before` bounds the (user_id, seq)
      // index scan instead of filtering it: deep pages cost the same as the first.
      const conditions = ['user_id = $1', STATUS_FILTERS[q.status ?? 'default']];
      const params: unknown[] = [userId, q.limit + 1];
      if (q.before !== null) conditions.push(`seq < $${params.push(q.before)}`);
      if (q.category !== null) conditions.push(`category = $${params.push(q.category)}`);
      // One statement: the page, the counts and the seq come from one snapshot, so the seq is
      // a stream cursor that neither skips nor precedes what the page shows.
      const rows = await query<PgNotificationRow & { inbox_seq: number; unseen: number; unread: number }>(
        pool,
        `SELECT s.seq AS inbox_seq, s.unseen, s.unread, n.*
         FROM (${STATE}) AS s
         LEFT JOIN LATERAL (
           SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE ${conditions.join(' AND ')} ORDER BY seq DESC LIMIT $2
         ) AS n ON true
         ORDER BY n.seq DESC`,
        params,
      );
      const state = rows[0]!;
      // An empty page is one row of state with a NULL notification.
      const found = rows.filter((row) => row.id !== null);
      const page = found.slice(0, q.limit);
      return {
        items: page.map(toNotification),
        nextSeq: found.length > q.limit && page.length > 0 ? page[page.length - 1]!.seq : null,
        counts: { unseen: state.unseen, unread: state.unread },
        seq: state.inbox_seq,
      };
    },
    countTabs: async (userId, categories) => {
      // One statement, so the counts and the seq come from one snapshot; counted when asked (the
      // write path keeps no per-category counters). Pairs, not a JSON object: any name is a key.
      const [row] = await query<{ seq: number; unseen: number; unread: number; archived: number; found: [string, number][] }>(
        pool,
        `SELECT s.seq, s.unseen, s.unread,
           (SELECT COUNT(*)::int FROM notifications WHERE user_id = $1 AND archived_at IS NOT NULL) AS archived,
           (SELECT COALESCE(json_agg(json_build_array(c.category, c.n)), '[]') FROM (
              SELECT category, COUNT(*)::int AS n FROM notifications
              WHERE user_id = $1 AND read_at IS NULL AND archived_at IS NULL AND category = ANY($2::text[])
              GROUP BY category) AS c) AS found
         FROM (${STATE}) AS s`,
        [userId, categories],
      );
      return { counts: { unseen: row!.unseen, unread: row!.unread }, archived: row!.archived, categories: categoryCounts(categories, row!.found), seq: row!.seq };
    },
    updateNotification,
    deleteNotification,
    applyBulk,
    listEvents: async (userId, after, limit) => {
      // Slim created events are completed from their notification (see postgres-events.ts).
      const rows = await query<ReplayRow>(
        pool,
        `SELECT e.payload, ${REPLAY_COLUMNS} FROM events AS e ${REPLAY_JOIN}
         WHERE e.user_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
        [userId, after, limit],
      );
      return rows.flatMap((row) => toReplayedEvent(row) ?? []);
    },
    listEventsForUsers: async (cursors, limit) => {
      const found = new Map<number, InboxChangeEvent[]>();
      if (cursors.length === 0) return found;
      // One round trip for every cursor: a LATERAL probe of the (user_id, seq) key per user.
      // Prepared (named): the realtime hub runs it for every batch of pokes.
      // Slim created events are completed from their notification (see postgres-events.ts).
      const rows = await query<{ user_id: number } & ReplayRow>(pool, {
        name: 'belfry_events_of_users',
        text: `SELECT c.user_id, r.* FROM unnest($1::bigint[], $2::bigint[]) AS c(user_id, after)
         CROSS JOIN LATERAL (
           SELECT e.seq, e.payload, ${REPLAY_COLUMNS} FROM events AS e ${REPLAY_JOIN}
           WHERE e.user_id = c.user_id AND e.seq > c.after ORDER BY e.seq LIMIT $3
         ) AS r
         ORDER BY c.user_id, r.seq`,
        values: [cursors.map((c) => c.userId), cursors.map((c) => c.after), limit],
      });
      for (const row of rows) {
        const event = toReplayedEvent(row);
        if (!event) continue;
        const list = found.get(row.user_id);
        if (list) list.push(event);
        else found.set(row.user_id, [event]);
      }
      return found;
    },
  };
}
