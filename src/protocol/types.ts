// Wire types shared by the service, the client core and the server SDK (design §2, §4).

/** A JSON value as it travels on the wire. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Free-form user attributes (`firstName`, `email`, E.164 `phoneNumber`, ...). */
export type Attributes = Record<string, Json>;

/** Server-authoritative counters for one user's inbox; carried with every answer and event. */
export interface Counts {
  /** Notifications not yet seen in an open panel (the badge). */
  unseen: number;
  /** Notifications not yet read and not archived. */
  unread: number;
}

/** A button on a notification. */
export interface NotificationAction {
  id: string;
  label: string;
  url?: string | null;
  style?: 'primary' | 'secondary';
}

/**
 * One delivered in-app item for one user. `title` and `message` are template *sources*
 * (e.g. `Hey <<recipient.firstName>>`): the widget renders them with `data` and the user's
 * current attributes.
 */
export interface Notification {
  id: string;
  createdAt: string;
  seenAt: string | null;
  readAt: string | null;
  archivedAt: string | null;
  category: string | null;
  workflow: string | null;
  title: string;
  message: string;
  url: string | null;
  icon: string | null;
  actions: NotificationAction[];
  data: Record<string, Json>;
}

/** A user as the service stores it. */
export interface User {
  identifier: string;
  attributes: Attributes;
  createdAt: string;
  updatedAt: string;
}

/** Answer of `POST /v1/me/connect`. */
export interface ConnectResponse {
  user: { identifier: string; attributes: Attributes };
  app: { secureMode: boolean };
  counts: Counts;
  seq: number;
}

/** Filter of `GET /v1/me/notifications?status=`. */
export type NotificationStatus = 'unread' | 'read' | 'archived' | 'all';

/** Answer of `GET /v1/me/notifications`: newest first. */
export interface NotificationPage {
  items: Notification[];
  nextCursor: string | null;
  counts: Counts;
  seq: number;
}

/** Body of `PATCH /v1/me/notifications/{id}`. */
export interface NotificationPatch {
  read?: boolean;
  seen?: boolean;
  archived?: boolean;
}

/** What `POST /v1/me/notifications/bulk` does. */
export type BulkAction = 'read' | 'seen' | 'archive' | 'delete';

/** Body of `POST /v1/me/notifications/bulk`; no `ids` means every matching notification. */
export interface BulkRequest {
  action: BulkAction;
  ids?: string[];
  category?: string;
}

/** Answer of `PATCH` and `POST .../bulk`. */
export interface MutationResponse {
  notification?: Notification;
  counts: Counts;
  seq: number;
}

/** A recipient of a trigger: a known identifier, or an inline identification. */
export type Recipient = string | ({ identifier: string } & Attributes);

/** Body of `POST /v1/notifications` (backend API). */
export interface TriggerRequest {
  notification: {
    workflow?: { identifier: string };
    title?: string;
    message?: string;
    url?: string;
    icon?: string;
    category?: string;
    actions?: NotificationAction[];
  };
  data?: Record<string, Json>;
  sendTo: { recipients: Recipient[] };
}

/** Why a recipient got nothing. */
export type DiscardReason = 'user_not_found';

/** Answer of `POST /v1/notifications` (status 202). */
export interface TriggerResponse {
  id: string;
  delivered: string[];
  discarded: { identifier: string; reason: DiscardReason }[];
}

/** Every error answer has this body. */
export interface ErrorBody {
  error: { code: string; message: string };
}
