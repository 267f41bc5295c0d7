// Realtime events (design §4). Each is one SSE frame: `id: <seq>`, `event: <type>`,
// `data: <the event as JSON>`. Every change to a user's inbox has a per-user, strictly
// increasing `seq`, written in the same transaction as the change.
import type { Attributes, BulkAction, Counts, Notification } from './types.ts';

/** A new notification arrived. */
export interface NotificationCreatedEvent {
  type: 'notification.created';
  seq: number;
  notification: Notification;
  counts: Counts;
}

/** A notification's state changed (read, seen, archived). */
export interface NotificationUpdatedEvent {
  type: 'notification.updated';
  seq: number;
  notification: Notification;
  counts: Counts;
}

/** A notification is gone. */
export interface NotificationDeletedEvent {
  type: 'notification.deleted';
  seq: number;
  id: string;
  counts: Counts;
}

/**
 * One action applied to many notifications at time `at`: to `ids`, or, when `ids` is null, to
 * every notification (in `category`, when given) that existed at that `seq`.
 */
export interface NotificationsBulkEvent {
  type: 'notifications.bulk';
  seq: number;
  action: BulkAction;
  ids: string[] | null;
  category: string | null;
  at: string;
  counts: Counts;
}

/**
 * The user's attributes changed (by the app's backend or an inline identification). The widget
 * renders templates with the user's current attributes, so it re-renders with these.
 */
export interface UserUpdatedEvent {
  type: 'user.updated';
  seq: number;
  user: { identifier: string; attributes: Attributes };
  counts: Counts;
}

/** Sent every 15 s; `seq` is the user's latest, so a client behind it catches up. */
export interface HeartbeatEvent {
  type: 'heartbeat';
  seq: number;
}

/** The gap since the client's cursor is too large to replay: refetch the first page. */
export interface ResyncEvent {
  type: 'resync';
  seq: number;
}

/** The stream's token is about to expire: reconnect with a fresh one. */
export interface ReauthEvent {
  type: 'reauth';
  seq: number;
}

/** An inbox change: what the event log stores and replays. */
export type InboxChangeEvent =
  | NotificationCreatedEvent
  | NotificationUpdatedEvent
  | NotificationDeletedEvent
  | NotificationsBulkEvent
  | UserUpdatedEvent;

/** Anything that travels on the event stream. */
export type StreamEvent = InboxChangeEvent | HeartbeatEvent | ResyncEvent | ReauthEvent;

/**
 * Answer of the long-poll fallback `GET /v1/me/events?after=<seq>&wait=<s>` (`Accept:
 * application/json`): the change events after `after` in order (at most 100; poll again at once
 * when some came), or none after waiting, or one `resync` when the gap is too large. `seq` is the
 * user's latest, as in a heartbeat.
 */
export interface EventsPage {
  events: StreamEvent[];
  seq: number;
}

/** The names of every stream event type. */
export const EVENT_TYPES = [
  'notification.created',
  'notification.updated',
  'notification.deleted',
  'notifications.bulk',
  'user.updated',
  'heartbeat',
  'resync',
  'reauth',
] as const satisfies readonly StreamEvent['type'][];

/** Milliseconds between heartbeats on an idle stream. */
export const HEARTBEAT_INTERVAL_MS = 15_000;

/** Encodes one stream event as an SSE frame. */
export function encodeSseFrame(event: StreamEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
