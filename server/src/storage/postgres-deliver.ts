// Deliveries on PostgreSQL, with group commit. Every commit waits for its WAL to reach the disk,
// and concurrent deliveries each inserting into the ends of `notifications` and `events` wait for
// each other's WAL writes and for the lock that extends a table (measured with 16 triggers in
// flight: most of a delivery's time was spent in those waits, not in running it). So deliveries
// that arrive while one is running are queued, and the queue runs as one statement: one
// round trip, one commit and one pass over each table for all of them. Each call still gets
// exactly its own results, in its own order, and its promise settles only once its statement has
// committed. When a grouped statement fails, the server has rolled all of it back, and each call
// runs again on its own, so the failure lands only on the call that caused it.
import pg from 'pg';
import type { Notification } from 'belfry/protocol';
import { createSortableId } from '../crypto.ts';
import { toJsonParam, toStorageError } from './postgres-pool.ts';
import type { Delivery, NotificationContent } from './types.ts';

// What `DELIVER` answers per notification: its position in the group's list of notifications
// (1-based), the user, and the seq and counts it got.
interface DeliveredRow {
  ord: number;
  id: string;
  user_id: number;
  seq: number;
  unseen: number;
  unread: number;
}

// The deliveries of a group (its "members") in one statement. `c` is one row per distinct
// (user, app) of the group with the number `n` of notifications the user gets, `r` one row per
// notification, `m` one per member with its app and content (one JSON object each, with its
// `createdAt`, sent once however many recipients). `locked` locks every recipient that belongs to
// the app naming it, in id order (two deliveries to overlapping sets then wait for each other
// instead of deadlocking; MATERIALIZED keeps it one pass that the UPDATE only joins against, so
// the UPDATE never locks a row `locked` has not). It joins the recipients to `users` on the
// primary key: the former `id = ANY(...) AND app_id = ...` let the planner read every user of
// the app through the (app_id, identifier) index, once per delivery. `bumped` takes each user's
// `n` seqs and adds them to both counters; when another delivery committed to a user meanwhile,
// the UPDATE re-reads the newest row (READ COMMITTED), so the counts and seqs build on it. The row
// locks last until the statement commits: changes to one inbox commit in seq order and a reader
// never skips a seq. A recipient of another app, or a deleted one, is not locked and gets
// nothing. The k-th of a user's `n` notifications takes the seq and counts the user had before
// plus k, so a member earlier in the group comes first; the notification and its event are
// written together. The event is slim (no notification): replay reads the notification from its
// row, by the same user and seq (see postgres-events.ts).
const DELIVER = `WITH c AS (SELECT c.id, ($9::text[])[c.member] AS app_id, c.n FROM unnest($1::bigint[], $2::int[], $3::int[]) AS c (id, member, n)),
  locked AS MATERIALIZED (
    SELECT users.id, users.app_id FROM c JOIN users ON users.id = c.id AND users.app_id = c.app_id
    ORDER BY users.id FOR NO KEY UPDATE OF users
  ),
  bumped AS (
    UPDATE users SET seq = users.seq + c.n, unseen_count = users.unseen_count + c.n, unread_count = users.unread_count + c.n
    FROM locked JOIN c ON c.id = locked.id AND c.app_id = locked.app_id
    WHERE users.id = locked.id
    RETURNING users.id, users.app_id, users.seq - c.n AS seq, users.unseen_count - c.n AS unseen, users.unread_count - c.n AS unread
  ),
  m AS (
    SELECT e.member::int AS member, ($9::text[])[e.member] AS app_id, (e.content ->> 'createdAt')::timestamptz AS created_at, e.content
    FROM jsonb_array_elements($8::jsonb) WITH ORDINALITY AS e (content, member)
  ),
  d AS (
    SELECT r.ord, r.id, r.user_id, m.app_id, m.created_at, m.content, b.seq + r.k AS seq, b.unseen + r.k AS unseen, b.unread + r.k AS unread
    FROM unnest($4::text[], $5::bigint[], $6::int[], $7::int[]) WITH ORDINALITY AS r (id, user_id, member, k, ord)
    JOIN m ON m.member = r.member
    JOIN bumped AS b ON b.id = r.user_id AND b.app_id = m.app_id
  ),
  created AS (
    INSERT INTO notifications (id, app_id, user_id, seq, created_at, category, workflow, title, message, url, icon, actions, data)
    SELECT d.id, d.app_id, d.user_id, d.seq, d.created_at, n.category, n.workflow, n.title, n.message, n.url, n.icon, n.actions, n.data
    FROM d CROSS JOIN LATERAL jsonb_to_record(d.content) AS n (category text, workflow text, title text, message text, url text, icon text, actions jsonb, data jsonb)
  ),
  logged AS (
    INSERT INTO events (app_id, user_id, seq, type, payload, created_at)
    SELECT d.app_id, d.user_id, d.seq, 'notification.created',
      jsonb_build_object('type', 'notification.created', 'seq', d.seq, 'counts', jsonb_build_object('unseen', d.unseen, 'unread', d.unread)), d.created_at
    FROM d
  )
  SELECT ord, id, user_id, seq, unseen, unread FROM d ORDER BY ord`;

/** How deliveries are grouped. */
export interface DeliveryGrouping {
  /** Notifications (recipients) per grouped statement at most; a bigger delivery runs alone. */
  maxRows: number;
  /** Grouped statements running at once; later deliveries queue until one ends. */
  maxInFlight: number;
}

/** The default grouping: see the measurements in docs/deploy.md. */
export const DEFAULT_DELIVERY_GROUPING: DeliveryGrouping = { maxRows: 1000, maxInFlight: 1 };

// A delivery waiting in the queue, with the content every one of its notifications shares.
interface Job {
  appId: string;
  userIds: readonly number[];
  shared: Omit<Notification, 'id'>;
  resolve: (deliveries: Delivery[]) => void;
  reject: (error: unknown) => void;
}

// The parameters of `DELIVER` for a group. A user listed twice (in one delivery or in two of the
// group) gets two notifications, as when delivering one by one: `n` per (user, app), and each
// notification its occurrence `k` (1-based) among that user's, in the order of the group.
function deliverParams(jobs: readonly Job[]): unknown[] {
  const counted = new Map<string, Map<number, { member: number; n: number }>>();
  const notificationIds: string[] = [];
  const userIds: number[] = [];
  const members: number[] = [];
  const occurrences: number[] = [];
  jobs.forEach((job, index) => {
    const member = index + 1;
    let users = counted.get(job.appId);
    if (!users) counted.set(job.appId, (users = new Map()));
    for (const userId of job.userIds) {
      let user = users.get(userId);
      if (!user) users.set(userId, (user = { member, n: 0 }));
      user.n++;
      notificationIds.push(createSortableId('ntf'));
      userIds.push(userId);
      members.push(member);
      occurrences.push(user.n);
    }
  });
  const distinct = [...counted.values()].flatMap((users) => [...users]);
  return [
    distinct.map(([userId]) => userId),
    distinct.map(([, user]) => user.member),
    distinct.map(([, user]) => user.n),
    notificationIds,
    userIds,
    members,
    occurrences,
    toJsonParam(jobs.map((job) => job.shared)),
    jobs.map((job) => job.appId),
  ];
}

// Hands each job the rows of its own recipients, in its own order: rows come sorted by their
// position in the group, where each job's recipients follow the previous job's.
function distribute(jobs: readonly Job[], rows: readonly DeliveredRow[]): void {
  let row = 0;
  let end = 0;
  for (const job of jobs) {
    end += job.userIds.length;
    const deliveries: Delivery[] = [];
    for (; row < rows.length && rows[row]!.ord <= end; row++) {
      const { id, user_id: userId, seq, unseen, unread } = rows[row]!;
      deliveries.push({ userId, event: { type: 'notification.created', seq, notification: { id, ...job.shared }, counts: { unseen, unread } } });
    }
    job.resolve(deliveries);
  }
}

// A statement the server answered with an error was rolled back whole (it is its own
// transaction). Anything that ends the connection instead (a lost connection, an administrator's
// or a crash's FATAL, whose severity may come localized, hence the codes: 08 connection
// exception, 57P operator intervention, XX internal error) may have come after the commit, so
// running the group's calls again could deliver twice.
const rolledBack = (error: unknown) =>
  error instanceof pg.DatabaseError && error.severity !== 'FATAL' && error.severity !== 'PANIC' && !/^(08|57P|XX)/.test(error.code ?? '');

/** The PostgreSQL `deliver` and a way to wait for the deliveries it has queued. */
export interface PostgresDeliverer {
  deliver(appId: string, userIds: readonly number[], content: NotificationContent): Promise<Delivery[]>;
  /** Resolves once every call made so far has settled (before closing the pool). */
  idle(): Promise<void>;
}

/**
 * Creates the PostgreSQL `deliver`: concurrent calls are queued and committed together,
 * `grouping.maxRows` notifications per statement at most, `grouping.maxInFlight` statements at a time.
 */
export function createPostgresDeliverer(pool: pg.Pool, now: () => string, grouping: DeliveryGrouping = DEFAULT_DELIVERY_GROUPING): PostgresDeliverer {
  const queue: Job[] = [];
  let inFlight = 0;
  let idle: (() => void)[] = [];

  // The longest head of the queue within `maxRows` (at least one call).
  function takeGroup(): Job[] {
    let count = 0;
    let rows = 0;
    while (count < queue.length) {
      rows += queue[count]!.userIds.length;
      if (count > 0 && rows > grouping.maxRows) break;
      count++;
    }
    return queue.splice(0, count);
  }

  // Runs a group; answers a function that hands each call its answer, so that the next group can
  // go to the database before the callers' own work on their answers (writing to streams) runs.
  async function run(jobs: readonly Job[]): Promise<() => void> {
    let rows: DeliveredRow[];
    try {
      rows = (await pool.query<DeliveredRow>({ name: 'belfry_deliver', text: DELIVER, values: deliverParams(jobs) })).rows;
    } catch (error) {
      if (jobs.length > 1 && rolledBack(error)) {
        // Nothing of the group was written: alone, each call succeeds or fails on its own.
        for (const job of jobs) (await run([job]))();
      } else {
        for (const job of jobs) job.reject(toStorageError(error));
      }
      return () => undefined;
    }
    return () => distribute(jobs, rows);
  }

  function pump(): void {
    while (inFlight < grouping.maxInFlight && queue.length > 0) {
      inFlight++;
      void run(takeGroup()).then((answer) => {
        inFlight--;
        pump();
        // pg's pool hands out a free connection on the next tick: the answers follow it, so
        // the next group is on its way before the callers work on theirs.
        process.nextTick(() => {
          answer();
          if (inFlight > 0) return;
          for (const resolve of idle) resolve();
          idle = [];
        });
      });
    }
  }

  return {
    deliver: (appId, userIds, content) => {
      if (userIds.length === 0) return Promise.resolve([]);
      // A new notification is unseen and unread; only its id differs between recipients.
      const shared: Omit<Notification, 'id'> = { createdAt: now(), seenAt: null, readAt: null, archivedAt: null, ...content };
      return new Promise<Delivery[]>((resolve, reject) => {
        queue.push({ appId, userIds, shared, resolve, reject });
        pump();
      });
    },
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
  };
}
