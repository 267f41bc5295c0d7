// Shape checks for everything the client reads from outside its own memory: service answers,
// stream events and the IndexedDB cache (which another version of this code, an extension or a
// full disk may have left in any state). What fails a check is dropped, never rendered.
import { EVENT_TYPES, isPlainObject } from '../protocol/index.ts';
import type { ConnectResponse, Counts, EventsPage, MutationResponse, Notification, NotificationPage, StreamEvent } from '../protocol/index.ts';
import type { InboxUser } from './types.ts';

const isString = (v: unknown): v is string => typeof v === 'string';
const isNullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isSeq = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isCount = isSeq;
const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);
const BULK_ACTIONS: ReadonlySet<string> = new Set(['read', 'seen', 'archive', 'delete']);

/** True for a well-formed notification. */
export function isNotification(value: unknown): value is Notification {
  if (!isPlainObject(value)) return false;
  const v = value;
  return (
    isString(v.id) &&
    v.id.length > 0 &&
    isString(v.createdAt) &&
    isNullableString(v.seenAt) &&
    isNullableString(v.readAt) &&
    isNullableString(v.archivedAt) &&
    isNullableString(v.category) &&
    isNullableString(v.workflow) &&
    isString(v.title) &&
    isString(v.message) &&
    isNullableString(v.url) &&
    isNullableString(v.icon) &&
    Array.isArray(v.actions) &&
    v.actions.every((a) => isPlainObject(a) && isString(a.id) && isString(a.label)) &&
    isPlainObject(v.data)
  );
}

/** True for well-formed counts. */
export function isCounts(value: unknown): value is Counts {
  return isPlainObject(value) && isCount(value.unseen) && isCount(value.unread);
}

/** True for a well-formed user. */
export function isUser(value: unknown): value is InboxUser {
  return isPlainObject(value) && isString(value.identifier) && isPlainObject(value.attributes);
}

/** Keeps the well-formed notifications of a list; one bad item does not cost the others. */
export function validNotifications(value: unknown): Notification[] {
  return Array.isArray(value) ? value.filter(isNotification) : [];
}

/** Checks a `POST /v1/me/connect` answer; null when malformed. */
export function parseConnectResponse(value: unknown): ConnectResponse | null {
  if (!isPlainObject(value) || !isUser(value.user) || !isCounts(value.counts) || !isSeq(value.seq)) return null;
  const app = isPlainObject(value.app) ? value.app : {};
  return { user: value.user, app: { secureMode: app.secureMode === true, name: isString(app.name) ? app.name : null }, counts: value.counts, seq: value.seq };
}

/** Checks a `GET /v1/me/notifications` answer; null when malformed. */
export function parseNotificationPage(value: unknown): NotificationPage | null {
  if (!isPlainObject(value) || !Array.isArray(value.items) || !isCounts(value.counts) || !isSeq(value.seq)) return null;
  if (!isNullableString(value.nextCursor)) return null;
  return { items: validNotifications(value.items), nextCursor: value.nextCursor, counts: value.counts, seq: value.seq };
}

/** Checks a `PATCH` or bulk answer; null when malformed. */
export function parseMutationResponse(value: unknown): MutationResponse | null {
  if (!isPlainObject(value) || !isCounts(value.counts) || !isSeq(value.seq)) return null;
  const notification = isNotification(value.notification) ? value.notification : undefined;
  return notification ? { notification, counts: value.counts, seq: value.seq } : { counts: value.counts, seq: value.seq };
}

/** Checks one stream event's JSON; null for malformed or unknown events (newer servers may add types). */
export function parseStreamEvent(value: unknown): StreamEvent | null {
  if (!isPlainObject(value) || !isString(value.type) || !EVENT_TYPE_SET.has(value.type) || !isSeq(value.seq)) return null;
  const v = value;
  switch (v.type) {
    case 'notification.created':
    case 'notification.updated':
      return isNotification(v.notification) && isCounts(v.counts) ? (v as unknown as StreamEvent) : null;
    case 'notification.deleted':
      return isString(v.id) && isCounts(v.counts) ? (v as unknown as StreamEvent) : null;
    case 'notifications.bulk': {
      const idsOk = v.ids === null || (Array.isArray(v.ids) && v.ids.every(isString));
      const ok = isString(v.action) && BULK_ACTIONS.has(v.action) && idsOk && isNullableString(v.category) && isString(v.at);
      return ok && isCounts(v.counts) ? (v as unknown as StreamEvent) : null;
    }
    case 'user.updated':
      return isUser(v.user) && isCounts(v.counts) ? (v as unknown as StreamEvent) : null;
    default:
      return v as unknown as StreamEvent; // heartbeat, resync, reauth: type and seq suffice
  }
}

/** Checks a long-poll answer; null when malformed. Malformed or unknown events are skipped, as on the stream. */
export function parseEventsPage(value: unknown): EventsPage | null {
  if (!isPlainObject(value) || !Array.isArray(value.events) || !isSeq(value.seq)) return null;
  return { events: value.events.map(parseStreamEvent).filter((e) => e !== null), seq: value.seq };
}
