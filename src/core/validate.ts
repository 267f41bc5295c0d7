// Shape checks for everything the client reads from outside its own memory: service answers,
// stream events and the IndexedDB cache (which another version of this code, an extension or a
// full disk may have left in any state). What fails a check is dropped, never rendered.
// Shapes are tables of field checks, so each wire type costs one short line.
import { isPlainObject } from '../protocol/index.ts';
import type { ConnectResponse, Counts, EventsPage, MutationResponse, Notification, NotificationPage, PreferencesResponse, StreamEvent } from '../protocol/index.ts';
import type { InboxUser } from './types.ts';

type Check = (v: unknown) => boolean;

/** True for strings. */
export const isString = (v: unknown): v is string => typeof v === 'string';
const isNullableString: Check = (v) => v === null || isString(v);
/** True for a stream position: a whole number, 0 or more. */
export const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const arrayOf = (check: Check): Check => (v) => Array.isArray(v) && v.every(check);

/** A check for an object whose listed fields pass their checks (other fields are let through). */
export const shape = <T,>(fields: Record<string, Check>) => {
  const entries = Object.entries(fields);
  return (v: unknown): v is T => isPlainObject(v) && entries.every(([key, check]) => check(v[key]));
};

/** True for well-formed counts. */
export const isCounts = shape<Counts>({ unseen: isSeq, unread: isSeq });

/** True for a well-formed user. */
export const isUser = shape<InboxUser>({ identifier: isString, attributes: isPlainObject });

/** True for a well-formed notification. */
export const isNotification = shape<Notification>({
  id: (v) => isString(v) && v.length > 0,
  createdAt: isString,
  seenAt: isNullableString,
  readAt: isNullableString,
  archivedAt: isNullableString,
  category: isNullableString,
  workflow: isNullableString,
  title: isString,
  message: isString,
  url: isNullableString,
  icon: isNullableString,
  actions: arrayOf(shape({ id: isString, label: isString })),
  data: isPlainObject,
});

const withCounts = (fields: Record<string, Check>) => shape({ ...fields, counts: isCounts });
const notificationEvent = withCounts({ notification: isNotification });
const typeAndSeq = () => true;
// Every stream event type with the checks of its fields beyond `type` and `seq`.
const EVENTS: Record<StreamEvent['type'], Check> = {
  'notification.created': notificationEvent,
  'notification.updated': notificationEvent,
  'notification.deleted': withCounts({ id: isString }),
  'notifications.bulk': withCounts({
    action: (v) => ['read', 'seen', 'archive', 'delete'].includes(v as string),
    ids: (v) => v === null || arrayOf(isString)(v),
    category: isNullableString,
    at: isString,
  }),
  'user.updated': withCounts({ user: isUser }),
  heartbeat: typeAndSeq,
  resync: typeAndSeq,
  reauth: typeAndSeq,
};

/** Keeps the well-formed notifications of a list; one bad item does not cost the others. */
export const validNotifications = (value: unknown): Notification[] => (Array.isArray(value) ? value.filter(isNotification) : []);

// Service answers: only what the client reads is checked, and lists are filtered item by item.
const isConnect = shape<ConnectResponse>({ user: isUser, counts: isCounts, seq: isSeq });
const isPage = shape<NotificationPage>({ items: Array.isArray, nextCursor: isNullableString, counts: isCounts, seq: isSeq });
const isMutation = shape<MutationResponse>({ counts: isCounts, seq: isSeq });
const isEventsPage = shape<EventsPage>({ events: Array.isArray, seq: isSeq });
/** True for a well-formed `GET /v1/me/preferences` answer. */
export const isPreferences = shape<PreferencesResponse>({ preferences: isPlainObject, categories: Array.isArray });

/** Checks a `POST /v1/me/connect` answer; null when malformed. */
export const parseConnectResponse = (v: unknown): ConnectResponse | null => {
  if (!isConnect(v)) return null;
  const app: Record<string, unknown> = isPlainObject(v.app) ? v.app : {};
  return { user: v.user, app: { secureMode: app.secureMode === true, name: isString(app.name) ? app.name : null }, counts: v.counts, seq: v.seq };
};

/** Checks a `GET /v1/me/notifications` answer; null when malformed. */
export const parseNotificationPage = (v: unknown): NotificationPage | null =>
  isPage(v) ? { items: validNotifications(v.items), nextCursor: v.nextCursor, counts: v.counts, seq: v.seq } : null;

/** Checks a `PATCH` or bulk answer; null when malformed. */
export const parseMutationResponse = (v: unknown): MutationResponse | null =>
  isMutation(v) ? (isNotification(v.notification) ? { notification: v.notification, counts: v.counts, seq: v.seq } : { counts: v.counts, seq: v.seq }) : null;

/** Checks one stream event's JSON; null for malformed or unknown events (newer servers may add types). */
export const parseStreamEvent = (v: unknown): StreamEvent | null =>
  isPlainObject(v) && isSeq(v.seq) && isString(v.type) && Object.hasOwn(EVENTS, v.type) && EVENTS[v.type as StreamEvent['type']](v) ? (v as unknown as StreamEvent) : null;

/** Checks a long-poll answer; null when malformed. Malformed or unknown events are skipped, as on the stream. */
export const parseEventsPage = (v: unknown): EventsPage | null =>
  isEventsPage(v) ? { events: v.events.map(parseStreamEvent).filter((e) => e !== null), seq: v.seq } : null;
