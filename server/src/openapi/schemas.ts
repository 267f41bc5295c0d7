// The wire types of src/protocol (types.ts, events.ts) as JSON Schemas, for
// `#/components/schemas`. Limits come from the constants the validators use, so they cannot drift.
import { CHANNEL_NAMES, ERROR_CODES, MAX_ATTRIBUTE_SIZE, MAX_ATTRIBUTES, MAX_IDENTIFIER_LENGTH } from 'belfry/protocol';
import type { StreamEvent } from 'belfry/protocol';
import { MAX_POLL_EVENTS } from '../realtime/index.ts';
import { MAX_BULK_IDS } from '../routes/me.ts';
import { MAX_ACTIONS, MAX_RECIPIENTS } from '../routes/trigger-body.ts';
import { MAX_APP_NAME_LENGTH, MAX_CATEGORY_LENGTH, MAX_PREFERENCE_CATEGORIES } from '../validation/index.ts';
import { array, boolean, dateTime, described, enumOf, integer, nullable, object, record, ref, string } from './schema.ts';
import type { JsonSchema } from './schema.ts';

const BULK_ACTIONS = ['read', 'seen', 'archive', 'delete'];
const NOTIFICATION_STATUSES = ['unread', 'read', 'archived', 'all'];
const seq = (description: string) => integer({ minimum: 0, description });
const category = string({ minLength: 1, maxLength: MAX_CATEGORY_LENGTH });
const template = (description: string) => string({ description: `${description} Template source: \`<<path>>\` or \`{{path}}\` placeholders, checked when saved.` });

const USER_SCHEMAS: Record<string, JsonSchema> = {
  Json: { description: 'Any JSON value.' },
  Identifier: string({
    minLength: 1,
    maxLength: MAX_IDENTIFIER_LENGTH,
    pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]+$',
    description: 'A user identifier: 1–256 characters without control characters, compared exactly, never changes.',
  }),
  Attributes: record(ref('Json'), {
    maxProperties: MAX_ATTRIBUTES,
    propertyNames: { minLength: 1, maxLength: 64 },
    properties: {
      email: string({ format: 'email' }),
      phoneNumber: string({ pattern: '^\\+[1-9]\\d{6,14}$', description: 'E.164, and a possible number for its country.' }),
    },
    description: `Free-form user attributes; each value at most ${MAX_ATTRIBUTE_SIZE} characters as JSON. In a patch, \`null\` removes an attribute.`,
  }),
  User: object({ identifier: ref('Identifier'), attributes: ref('Attributes'), createdAt: dateTime(), updatedAt: dateTime() }),
  Profile: object({ identifier: ref('Identifier'), attributes: ref('Attributes') }),
  Counts: object({
    unseen: integer({ minimum: 0, description: 'Notifications not yet seen in an open panel (the badge).' }),
    unread: integer({ minimum: 0, description: 'Notifications not yet read and not archived.' }),
  }),
};

const INBOX_SCHEMAS: Record<string, JsonSchema> = {
  NotificationAction: object(
    { id: string({ minLength: 1 }), label: string({ minLength: 1 }), url: nullable(string({ format: 'uri-reference' })), style: enumOf(['primary', 'secondary']) },
    ['id', 'label'],
  ),
  Notification: object({
    id: string(),
    createdAt: dateTime(),
    seenAt: nullable(dateTime()),
    readAt: nullable(dateTime()),
    archivedAt: nullable(dateTime()),
    category: nullable(string()),
    workflow: nullable(string()),
    title: string({ description: 'Template source, rendered by the widget with `data` and the user\'s current attributes.' }),
    message: string({ description: 'Template source with light formatting.' }),
    url: nullable(string()),
    icon: nullable(string()),
    actions: array(ref('NotificationAction')),
    data: record(ref('Json')),
  }),
  NotificationStatus: enumOf(NOTIFICATION_STATUSES),
  NotificationPage: object({
    items: array(ref('Notification'), { description: 'Newest first.' }),
    nextCursor: nullable(string({ description: 'Pass as `cursor` for the next older page.' })),
    counts: ref('Counts'),
    seq: seq("The user's latest event seq."),
  }),
  TabCounts: object({
    counts: ref('Counts'),
    archived: integer({ minimum: 0, description: 'Archived notifications.' }),
    categories: record(integer({ minimum: 0 }), { description: 'Per category asked for: its notifications not read and not archived (0 when none).' }),
    seq: seq('The seq the counts were read at.'),
  }),
  ConnectResponse: object({
    user: ref('Profile'),
    app: object({
      secureMode: boolean(),
      name: nullable(string({ minLength: 1, maxLength: MAX_APP_NAME_LENGTH, description: 'The app\'s display name, `<<app.name>>` in templates; null when not set.' })),
    }),
    counts: ref('Counts'),
    seq: seq("The user's latest event seq: resume the event stream from it."),
  }),
  NotificationPatch: object({ read: boolean(), seen: boolean(), archived: boolean() }, []),
  BulkRequest: object(
    {
      action: enumOf(BULK_ACTIONS),
      ids: nullable(array(string(), { maxItems: MAX_BULK_IDS, description: 'Absent or null: every notification (in `category`, when given).' })),
      category: nullable(string()),
    },
    ['action'],
  ),
  MutationResponse: object({ notification: ref('Notification'), counts: ref('Counts'), seq: seq('The seq of the change (or the latest, when nothing changed).') }, ['counts', 'seq']),
};

const TRIGGER_SCHEMAS: Record<string, JsonSchema> = {
  Recipient: {
    oneOf: [
      described('A known user; unknown ones are discarded with `user_not_found`.', ref('Identifier')),
      described('An inline identification: the user is created or updated with these attributes before delivery.', {
        allOf: [ref('Attributes'), object({ identifier: ref('Identifier') })],
      }),
    ],
  },
  TriggerRequest: object(
    {
      notification: object(
        {
          workflow: object({ identifier: ref('Identifier') }),
          title: string(),
          message: string(),
          url: string({ description: 'https:, http:, mailto: or relative.' }),
          icon: string({ description: 'An image URL or a data:image/ URL.' }),
          category,
          actions: array(ref('NotificationAction'), { maxItems: MAX_ACTIONS }),
        },
        [],
        { description: 'A workflow, inline `title`/`message`, or both (the inline content is then the fallback when no workflow has that identifier).' },
      ),
      data: record(ref('Json'), { description: 'Values for the templates (`<<data.x>>`).' }),
      sendTo: object({ recipients: array(ref('Recipient'), { minItems: 1, maxItems: MAX_RECIPIENTS }) }),
    },
    ['notification', 'sendTo'],
  ),
  ChannelName: enumOf(CHANNEL_NAMES),
  TriggerResponse: object({
    id: string(),
    delivered: array(ref('Identifier'), { description: 'Recipients who got the notification on at least one channel.' }),
    discarded: array(object({ identifier: ref('Identifier'), reason: enumOf(['user_not_found']) })),
    skipped: array(object({ identifier: ref('Identifier'), channel: ref('ChannelName'), reason: enumOf(['preference', 'missing_attribute']) })),
  }),
};

const WORKFLOW_SCHEMAS: Record<string, JsonSchema> = {
  InAppTemplate: object(
    {
      title: template('The title.'),
      message: template('The message.'),
      url: nullable(string()),
      icon: nullable(string()),
      actions: array(ref('NotificationAction'), { maxItems: MAX_ACTIONS }),
    },
    [],
    { description: 'Needs a title or a message.' },
  ),
  WorkflowChannels: object(
    {
      inApp: ref('InAppTemplate'),
      email: described('Needs the recipient\'s `email` attribute.', object({ subject: template('The subject.'), body: template('The body.') })),
      sms: described('Needs the recipient\'s `phoneNumber` attribute.', object({ text: template('The text.') })),
      webhook: described('POSTs the rendered notification, signed with an HMAC header.', object({ url: string({ format: 'uri' }) })),
    },
    [],
    { minProperties: 1 },
  ),
  WorkflowInput: object({ name: string({ minLength: 1, maxLength: 200 }), category: nullable(category), channels: ref('WorkflowChannels') }, ['name', 'channels']),
  Workflow: object({
    identifier: ref('Identifier'),
    name: string(),
    category: nullable(string()),
    channels: ref('WorkflowChannels'),
    createdAt: dateTime(),
    updatedAt: dateTime(),
  }),
  WorkflowList: object({ items: array(ref('Workflow')) }),
  Preferences: record(record(boolean(), { propertyNames: ref('ChannelName') }), {
    maxProperties: MAX_PREFERENCE_CATEGORIES,
    description: 'Per category, per channel, on or off; anything not listed is on. Notifications without a category follow `default`.',
  }),
  PreferencesRequest: object({ preferences: ref('Preferences') }),
  PreferencesResponse: object({ preferences: ref('Preferences'), categories: array(object({ identifier: string(), name: string() })) }),
  DeliveryRecord: object({
    id: string(),
    triggerId: string(),
    channel: enumOf(['email', 'sms', 'webhook']),
    recipient: ref('Identifier'),
    to: string({ description: 'An email address, a phone number or a webhook URL.' }),
    subject: nullable(string()),
    body: string(),
    status: enumOf(['sent', 'failed']),
    error: nullable(string()),
    createdAt: dateTime(),
  }),
  DeliveryList: object({ items: array(ref('DeliveryRecord'), { description: 'Newest first.' }) }),
  ErrorBody: object({ error: object({ code: enumOf(ERROR_CODES), message: string() }) }),
  Health: object({ ok: { const: true } }),
};

// One SSE frame's `data:` per event type (src/protocol/events.ts): [schema name, type, fields].
const EVENTS: [string, StreamEvent['type'], Record<string, JsonSchema>][] = [
  ['NotificationCreatedEvent', 'notification.created', { notification: ref('Notification'), counts: ref('Counts') }],
  ['NotificationUpdatedEvent', 'notification.updated', { notification: ref('Notification'), counts: ref('Counts') }],
  ['NotificationDeletedEvent', 'notification.deleted', { id: string(), counts: ref('Counts') }],
  [
    'NotificationsBulkEvent',
    'notifications.bulk',
    { action: enumOf(BULK_ACTIONS), ids: nullable(array(string())), category: nullable(string()), at: dateTime(), counts: ref('Counts') },
  ],
  ['UserUpdatedEvent', 'user.updated', { user: ref('Profile'), counts: ref('Counts') }],
  ['HeartbeatEvent', 'heartbeat', {}],
  ['ResyncEvent', 'resync', {}],
  ['ReauthEvent', 'reauth', {}],
];
const eventSeq = seq("Strictly increasing per user; also the frame's `id:`.");
const EVENT_SCHEMAS: Record<string, JsonSchema> = Object.fromEntries(
  EVENTS.map(([name, type, fields]) => [name, object({ type: { const: type }, seq: eventSeq, ...fields })]),
);

/** Every schema of the document's `components.schemas`, by name. */
export const SCHEMAS: Record<string, JsonSchema> = {
  ...USER_SCHEMAS,
  ...INBOX_SCHEMAS,
  ...TRIGGER_SCHEMAS,
  ...WORKFLOW_SCHEMAS,
  ...EVENT_SCHEMAS,
  EventsPage: object(
    {
      events: described('Change events after the cursor in seq order, or one `resync`; empty when the wait ran out.', array(ref('StreamEvent'), { maxItems: MAX_POLL_EVENTS })),
      seq: described("The user's latest seq.", integer({ minimum: 0 })),
    },
    undefined,
    { description: 'A long-poll answer (`GET /v1/me/events?wait=`): poll again at once when it held events.' },
  ),
  StreamEvent: {
    oneOf: EVENTS.map(([name]) => ref(name)),
    // Explicit: the type values (`notification.created`) are not the schema names.
    discriminator: { propertyName: 'type', mapping: Object.fromEntries(EVENTS.map(([name, type]) => [type, ref(name).$ref])) },
    description: 'The JSON in the `data:` line of an event-stream frame; the frame\'s `event:` is its `type`.',
  },
};
