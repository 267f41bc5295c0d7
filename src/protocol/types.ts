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
  app: { secureMode: boolean; name: string | null };
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

/**
 * Answer of `GET /v1/me/counts?category=`: the counts a feed's tabs show, read at `seq`. `counts`
 * are the inbox counters (All and Unread show `unread`); `archived` is every archived notification;
 * `categories` holds, per category asked for, its notifications not read and not archived.
 */
export interface TabCounts {
  counts: Counts;
  archived: number;
  categories: Record<string, number>;
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

/** A delivery channel of a workflow. */
export type ChannelName = 'inApp' | 'email' | 'sms' | 'webhook';

/** Every channel name, in delivery order. */
export const CHANNEL_NAMES = ['inApp', 'email', 'sms', 'webhook'] as const satisfies readonly ChannelName[];

/** Why one channel was not delivered to one recipient. */
export type SkipReason = 'preference' | 'missing_attribute';

/** Answer of `POST /v1/notifications` (status 202): what happened to every recipient. */
export interface TriggerResponse {
  id: string;
  /** Recipients who got the notification on at least one channel. */
  delivered: string[];
  /** Recipients who got nothing because they do not exist. */
  discarded: { identifier: string; reason: DiscardReason }[];
  /** Channels left out for a recipient, with the reason (an attribute missing, or opted out). */
  skipped: { identifier: string; channel: ChannelName; reason: SkipReason }[];
}

/** In-app template of a workflow: template sources, rendered by the widget. */
export interface InAppTemplate {
  title: string;
  message: string;
  url?: string | null;
  icon?: string | null;
  actions?: NotificationAction[];
}

/** The per-channel templates of a workflow. */
export interface WorkflowChannels {
  inApp?: InAppTemplate;
  /** Needs the recipient's `email` attribute. */
  email?: { subject: string; body: string };
  /** Needs the recipient's `phoneNumber` attribute (E.164). */
  sms?: { text: string };
  /** POSTs the rendered notification to `url`, signed with an HMAC header. */
  webhook?: { url: string };
}

/** Body of `PUT /v1/workflows/{identifier}`. */
export interface WorkflowInput {
  name: string;
  category?: string | null;
  channels: WorkflowChannels;
}

/** A stored workflow. */
export interface Workflow extends Required<Pick<WorkflowInput, 'name' | 'channels'>> {
  identifier: string;
  category: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * A user's preferences: per category, per channel, on or off. Anything not listed is on.
 * Notifications without a category are governed by the category `default`.
 */
export type Preferences = Record<string, Partial<Record<ChannelName, boolean>>>;

/** Answer of `GET /v1/me/preferences` (and `PUT`). */
export interface PreferencesResponse {
  preferences: Preferences;
  /** The app's known categories, for a preferences screen. */
  categories: { identifier: string; name: string }[];
}

/** One message a channel provider sent (or failed to), as `GET /v1/deliveries` lists it. */
export interface DeliveryRecord {
  id: string;
  triggerId: string;
  channel: Exclude<ChannelName, 'inApp'>;
  recipient: string;
  /** The address: an email, a phone number or a webhook URL. */
  to: string;
  subject: string | null;
  body: string;
  status: 'sent' | 'failed';
  error: string | null;
  createdAt: string;
}

/** Every error answer has this body. */
export interface ErrorBody {
  error: { code: string; message: string };
}
