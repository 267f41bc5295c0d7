// The query of a notification list (`?limit=&cursor=&status=&category=`), shared by the
// back-office list so it pages exactly like the client list.
import type { NotificationPage, NotificationStatus } from 'belfry/protocol';
import { invalidField } from '../errors.ts';
import { optionalEnum, parseSeq } from '../http/index.ts';
import type { NotificationQuery, NotificationRows } from '../storage/index.ts';

const STATUSES: readonly NotificationStatus[] = ['unread', 'read', 'archived', 'all'];
/** Items per page when `limit` is absent. */
export const DEFAULT_PAGE_SIZE = 20;
/** Most items one page may hold. */
export const MAX_PAGE_SIZE = 100;

/** Parses a list query from its raw parameters; 400 naming the parameter that is wrong. */
export function parseNotificationQuery(query: (name: string) => string | undefined): NotificationQuery {
  const limit = parseSeq(query('limit'), 'limit') ?? DEFAULT_PAGE_SIZE;
  if (limit < 1 || limit > MAX_PAGE_SIZE) throw invalidField('limit', `must be 1–${MAX_PAGE_SIZE}`);
  return {
    limit,
    before: parseSeq(query('cursor'), 'cursor'),
    status: optionalEnum(query('status'), 'status', STATUSES, null),
    category: query('category') || null,
  };
}

/** The wire page of stored rows: the cursor is the `seq` of the next older item, as a string. */
export function toNotificationPage(rows: NotificationRows): NotificationPage {
  return { items: rows.items, nextCursor: rows.nextSeq === null ? null : String(rows.nextSeq), counts: rows.counts, seq: rows.seq };
}
