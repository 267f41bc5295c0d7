// Slim `notification.created` events on PostgreSQL, as in the SQLite storage. A created event's
// row stores only its type, seq and counts: the notification is already in `notifications` (same
// user, same seq), and writing it again as JSON cost a delivery most of its event INSERT (building
// the object) and about half of its WAL. Replay completes the event from the notification's row
// as it was created (never seen, read or archived, whatever happened to it since). Before a
// notification row is deleted, its created event gets the notification written in full, so replay
// of a deleted notification's creation still works. Rows written in full (before this, or by a
// delete) replay as they are.
import type { InboxChangeEvent, Notification } from 'belfry/protocol';
import type { PgNotificationRow } from './postgres-rows.ts';

/** The columns of a slim created event's notification, from `REPLAY_JOIN`'s `n`. */
export const REPLAY_COLUMNS = 'n.id, n.created_at, n.category, n.workflow, n.title, n.message, n.url, n.icon, n.actions, n.data';

/**
 * Joins an event row `e` to the notification `n` a slim created event is completed from; other
 * events (and created events stored in full) get NULLs and no index probe.
 */
export const REPLAY_JOIN = `LEFT JOIN notifications AS n
  ON e.type = 'notification.created' AND NOT e.payload ? 'notification' AND n.user_id = e.user_id AND n.seq = e.seq`;

type ReplayColumns = 'id' | 'created_at' | 'category' | 'workflow' | 'title' | 'message' | 'url' | 'icon' | 'actions' | 'data';

/** An event row with its `REPLAY_COLUMNS` (all NULL unless it is a slim created event). */
export type ReplayRow = { payload: InboxChangeEvent } & { [K in ReplayColumns]: PgNotificationRow[K] | null };

/**
 * The event a row replays: as stored, or a slim created event with its notification as it was
 * created. Null for a slim created event without its row, which a delete never leaves behind.
 */
export function toReplayedEvent(row: ReplayRow): InboxChangeEvent | null {
  const event = row.payload;
  if (event.type !== 'notification.created' || event.notification) return event;
  if (row.id === null) return null;
  // As delivered: a new notification is not yet seen, read or archived. Built field by field, not
  // as a spread row passed to `toNotification`: the spread made mapping a batch of 1,000 replayed
  // events cost 2.6 ms instead of 0.07 ms (measured).
  const created = row as Pick<PgNotificationRow, ReplayColumns>;
  const notification: Notification = {
    id: created.id,
    createdAt: created.created_at,
    seenAt: null,
    readAt: null,
    archivedAt: null,
    category: created.category,
    workflow: created.workflow,
    title: created.title,
    message: created.message,
    url: created.url,
    icon: created.icon,
    actions: created.actions,
    data: created.data,
  };
  return { type: event.type, seq: event.seq, notification, counts: event.counts };
}

/**
 * A CTE (`kept`) writing the notification into the created event of every row of the CTE `gone`
 * (rows of `notifications` being deleted in the same statement, all columns), as `toReplayedEvent`
 * would have completed it: `createdAt` formatted as `toISOString()` does, which is how the pool
 * parses TIMESTAMPTZ. A created event already stored in full is left alone.
 */
export const KEEP_CREATED = `kept AS (
  UPDATE events AS e SET payload = e.payload || jsonb_build_object('notification', jsonb_build_object(
    'id', g.id, 'createdAt', to_char(g.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'seenAt', NULL, 'readAt', NULL, 'archivedAt', NULL, 'category', g.category, 'workflow', g.workflow,
    'title', g.title, 'message', g.message, 'url', g.url, 'icon', g.icon, 'actions', g.actions, 'data', g.data))
  FROM gone AS g
  WHERE e.user_id = g.user_id AND e.seq = g.seq AND e.type = 'notification.created' AND NOT e.payload ? 'notification'
)`;
