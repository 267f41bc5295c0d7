// The Engagespot shape of a user's in-app inbox: notifications rendered to plain text, page
// numbers instead of cursors, and notification ids that carry their owner.
import type { Notification } from 'belfry/protocol';
import { renderText } from 'belfry/template';
import { HttpError } from '../errors.ts';
import { templateContext } from '../services/index.ts';
import type { AppRecord, NotificationRows, Storage, UserRecord } from '../storage/index.ts';

/** One notification as Engagespot's API lists it; `title` and `message` are rendered text. */
export interface CompatNotification {
  id: string;
  title: string;
  message: string;
  url: string | null;
  icon: string | null;
  category: string | null;
  data: Notification['data'];
  createdAt: string;
  seenAt: string | null;
  /** Engagespot's name for read. */
  clickedAt: string | null;
  readAt: string | null;
  archivedAt: string | null;
  state: 'clicked' | 'seen' | 'delivered';
}

/** Answer of `GET /v3/notifications`. */
export interface CompatNotificationPage {
  unreadCount: number;
  unseenCount: number;
  pagination: { totalCount: number };
  data: CompatNotification[];
}

// Engagespot's mark-read/unread/unseen/delete calls name only the notification, never the user,
// while Belfry keeps notifications per user. So the ids this API hands out carry their owner:
// `<belfry id>.<base64url(identifier)>`. The owner is then looked up within the caller's app,
// so an id from another app finds nothing. (Belfry ids are base64url too: no '.' in them.)
const OWNER_SEPARATOR = '.';

/** The id a notification of `identifier` has in this API. */
export function toCompatId(notificationId: string, identifier: string): string {
  return `${notificationId}${OWNER_SEPARATOR}${Buffer.from(identifier, 'utf8').toString('base64url')}`;
}

/** Splits an id of this API into Belfry's notification id and the owner's identifier; null when it is not one. */
export function parseCompatId(compatId: string): { notificationId: string; identifier: string } | null {
  const at = compatId.lastIndexOf(OWNER_SEPARATOR);
  if (at <= 0) return null;
  const encoded = compatId.slice(at + 1);
  const identifier = Buffer.from(encoded, 'base64url').toString('utf8');
  // Buffer decodes leniently; only an exact round trip is an id this API made.
  if (identifier === '' || Buffer.from(identifier, 'utf8').toString('base64url') !== encoded) return null;
  return { notificationId: compatId.slice(0, at), identifier };
}

/** Renders a stored notification (template sources) for `user` of `app`, as the Belfry widget would. */
export function toCompatNotification(notification: Notification, user: UserRecord, app: AppRecord): CompatNotification {
  const context = templateContext(user.attributes, notification.data, app);
  return {
    id: toCompatId(notification.id, user.identifier),
    title: renderText(notification.title, context),
    message: renderText(notification.message, context),
    url: notification.url,
    icon: notification.icon,
    category: notification.category,
    data: notification.data,
    createdAt: notification.createdAt,
    seenAt: notification.seenAt,
    clickedAt: notification.readAt,
    readAt: notification.readAt,
    archivedAt: notification.archivedAt,
    state: notification.readAt !== null ? 'clicked' : notification.seenAt !== null ? 'seen' : 'delivered',
  };
}

// Rows read per query while skipping to a page or counting the total.
const SCAN_CHUNK = 500;

/**
 * Reads page `pageNo` (1-based) of `limit` notifications, newest first, with the total count.
 * Engagespot pages by number and reports a total, Belfry by `seq` cursor; so this walks the
 * cursor from the newest item. Every notification of the user is listed, archived ones too:
 * Engagespot has no archive, and the backend should see everything the user has.
 */
export async function readCompatPage(
  storage: Storage,
  app: AppRecord,
  user: UserRecord,
  query: { pageNo: number; limit: number; category: string | null },
): Promise<CompatNotificationPage> {
  const base = { status: 'all' as const, category: query.category };
  let before: number | null = null;
  let position = 0;
  const skip = (query.pageNo - 1) * query.limit;
  let page: NotificationRows | null = null;
  let total = 0;
  // One pass: skip to the page, read it, then count what is left (the storage has no count).
  for (;;) {
    const wanted = position < skip ? Math.min(SCAN_CHUNK, skip - position) : page === null ? query.limit : SCAN_CHUNK;
    const rows: NotificationRows = await storage.listNotifications(user.id, { ...base, limit: wanted, before });
    if (position >= skip && page === null) page = rows;
    position += rows.items.length;
    total += rows.items.length;
    if (rows.nextSeq === null) {
      page ??= { ...rows, items: [] };
      break;
    }
    before = rows.nextSeq;
  }
  return {
    unreadCount: page.counts.unread,
    unseenCount: page.counts.unseen,
    pagination: { totalCount: total },
    data: page.items.map((notification) => toCompatNotification(notification, user, app)),
  };
}

/** The owner and Belfry id of a notification named by a compat id, within `appId`; 404 otherwise. */
export async function findOwner(storage: Storage, appId: string, compatId: string): Promise<{ user: UserRecord; notificationId: string }> {
  const parsed = parseCompatId(compatId);
  const user = parsed && (await storage.findUser(appId, parsed.identifier));
  if (!parsed || !user) throw new HttpError(404, 'notification_not_found', 'no notification has this id (use the ids GET /v3/notifications answers)');
  return { user, notificationId: parsed.notificationId };
}
