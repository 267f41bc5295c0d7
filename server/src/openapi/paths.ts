// Every route the service serves under /v1, plus /healthz and /metrics, as OpenAPI path items.
// server/test/openapi.test.ts compares this list with the app's registered routes both ways.
import { HEARTBEAT_INTERVAL_MS } from 'belfry/protocol';
import { METRICS_CONTENT_TYPE } from '../ops/index.ts';
import { MAX_CATEGORY_LENGTH, MAX_COUNTED_CATEGORIES } from '../validation/index.ts';
import { REPLAYED_HEADER } from './components.ts';
import { operation } from './operation.ts';
import { array, ref, string } from './schema.ts';
import type { JsonSchema } from './schema.ts';

/** The path of the document itself. */
export const OPENAPI_PATH = '/v1/openapi.json';

const exampleAttributes = { firstName: 'Ada', email: 'ada@example.com', phoneNumber: '+14155552671' };

/** The document's `paths`. */
export const PATHS: JsonSchema = {
  '/healthz': {
    get: operation({ operationId: 'getHealth', summary: 'Liveness check', tag: 'Operations', auth: 'public', answer: { status: 200, description: 'The service is up.', schema: ref('Health') } }),
  },
  '/metrics': {
    get: operation({
      operationId: 'getMetrics',
      summary: 'Prometheus metrics',
      description: '`belfry_streams_open`, requests by route, method and status, and notifications triggered, delivered, discarded and skipped.',
      tag: 'Operations',
      auth: 'public',
      answer: { status: 200, description: 'Prometheus text exposition format 0.0.4.', contentType: METRICS_CONTENT_TYPE, schema: string() },
    }),
  },
  [OPENAPI_PATH]: {
    get: operation({
      operationId: 'getOpenApiDocument',
      summary: 'This document',
      tag: 'Operations',
      auth: 'public',
      answer: { status: 200, description: 'The OpenAPI 3.1 document of the service.', schema: { type: 'object' } },
    }),
  },

  '/v1/users/{identifier}': {
    put: operation({
      operationId: 'upsertUser',
      summary: 'Create or update a user',
      description: 'Attributes are merged into the stored ones; `null` removes one. An `identifier` key in the body must equal the path\'s.',
      tag: 'Users',
      auth: 'backend',
      parameters: ['UserIdentifier'],
      body: { schema: ref('Attributes'), example: exampleAttributes },
      answer: { status: 200, description: 'The user after the merge.', schema: ref('User') },
    }),
    get: operation({
      operationId: 'getUser',
      summary: 'Read a user',
      tag: 'Users',
      auth: 'backend',
      parameters: ['UserIdentifier'],
      answer: { status: 200, description: 'The user.', schema: ref('User') },
      errors: [400, 404],
    }),
    delete: operation({
      operationId: 'deleteUser',
      summary: 'Delete a user',
      description: 'Removes the user with their notifications, events and preferences.',
      tag: 'Users',
      auth: 'backend',
      parameters: ['UserIdentifier'],
      answer: { status: 204, description: 'Deleted.' },
      errors: [400, 404],
    }),
  },
  '/v1/users/{identifier}/notifications': {
    get: operation({
      operationId: 'listUserNotifications',
      summary: "A user's inbox, for back-office use",
      tag: 'Users',
      auth: 'backend',
      parameters: ['UserIdentifier', 'Limit', 'Cursor', 'Status', 'Category'],
      answer: { status: 200, description: 'One page, newest first.', schema: ref('NotificationPage') },
      errors: [400, 404],
    }),
  },

  '/v1/notifications': {
    post: operation({
      operationId: 'triggerNotification',
      summary: 'Trigger a notification',
      description: 'Delivers a workflow or inline content to up to 100 recipients and answers what happened to each.',
      tag: 'Notifications',
      auth: 'backend',
      parameters: ['IdempotencyKey'],
      body: {
        schema: ref('TriggerRequest'),
        example: {
          notification: { workflow: { identifier: 'order-shipped' }, title: 'Order shipped', message: 'Order **<<data.orderId>>** is on its way' },
          data: { orderId: 42 },
          sendTo: { recipients: ['ada', { identifier: 'grace', firstName: 'Grace', email: 'grace@example.com' }] },
        },
      },
      answer: { status: 202, description: 'Delivered, discarded and skipped recipients.', schema: ref('TriggerResponse'), headers: REPLAYED_HEADER },
      errors: [409, 422],
    }),
  },

  '/v1/workflows': {
    get: operation({
      operationId: 'listWorkflows',
      summary: "The app's workflows",
      tag: 'Workflows',
      auth: 'backend',
      answer: { status: 200, description: 'Every workflow.', schema: ref('WorkflowList') },
    }),
  },
  '/v1/workflows/{identifier}': {
    put: operation({
      operationId: 'upsertWorkflow',
      summary: 'Create or replace a workflow',
      description: 'Every template is parsed when saved: a syntax error is a 400 naming the field and the offset.',
      tag: 'Workflows',
      auth: 'backend',
      parameters: ['WorkflowIdentifier'],
      body: {
        schema: ref('WorkflowInput'),
        example: {
          name: 'Order shipped',
          category: 'orders',
          channels: {
            inApp: { title: 'Hi <<recipient.firstName>>', message: 'Order **<<data.orderId>>** shipped', url: '/orders/<<data.orderId>>' },
            email: { subject: 'Order <<data.orderId>> shipped', body: 'Hello <<recipient.firstName>>, it is on its way.' },
            sms: { text: 'Order <<data.orderId>> shipped' },
          },
        },
      },
      answer: { status: 200, description: 'The stored workflow.', schema: ref('Workflow') },
    }),
    get: operation({
      operationId: 'getWorkflow',
      summary: 'Read a workflow',
      tag: 'Workflows',
      auth: 'backend',
      parameters: ['WorkflowIdentifier'],
      answer: { status: 200, description: 'The workflow.', schema: ref('Workflow') },
      errors: [400, 404],
    }),
    delete: operation({
      operationId: 'deleteWorkflow',
      summary: 'Delete a workflow',
      tag: 'Workflows',
      auth: 'backend',
      parameters: ['WorkflowIdentifier'],
      answer: { status: 204, description: 'Deleted.' },
      errors: [400, 404],
    }),
  },

  '/v1/deliveries': {
    get: operation({
      operationId: 'listDeliveries',
      summary: 'The email, SMS and webhook log',
      description: 'What the built-in provider recorded and every webhook call, newest first, so development needs no mail server.',
      tag: 'Deliveries',
      auth: 'backend',
      parameters: ['DeliveriesLimit', 'DeliveriesChannel', 'DeliveriesRecipient'],
      answer: { status: 200, description: 'Log entries, newest first.', schema: ref('DeliveryList') },
      errors: [400],
    }),
  },

  '/v1/me/connect': {
    post: operation({
      operationId: 'connect',
      summary: 'Start a session',
      description: 'Creates the user on first load, except in secure mode, where an unknown user is 404 `user_not_found`.',
      tag: 'Inbox',
      auth: 'client',
      answer: { status: 200, description: 'The user, the app\'s mode, the counts and the latest seq.', schema: ref('ConnectResponse') },
    }),
  },
  '/v1/me/notifications': {
    get: operation({
      operationId: 'listNotifications',
      summary: "The user's notifications",
      tag: 'Inbox',
      auth: 'client',
      parameters: ['Limit', 'Cursor', 'Status', 'Category'],
      answer: { status: 200, description: 'One page, newest first.', schema: ref('NotificationPage') },
    }),
  },
  '/v1/me/counts': {
    get: operation({
      operationId: 'countTabs',
      summary: "The counts of the feed's tabs",
      description: 'Counted when asked: the counters, the archived total and the unread count of each category named.',
      tag: 'Inbox',
      auth: 'client',
      parameters: [
        {
          name: 'category',
          in: 'query',
          required: false,
          description: `A category to count; repeat for more (at most ${MAX_COUNTED_CATEGORIES}).`,
          schema: array(string({ minLength: 1, maxLength: MAX_CATEGORY_LENGTH }), { maxItems: MAX_COUNTED_CATEGORIES }),
          style: 'form',
          explode: true,
        },
      ],
      answer: { status: 200, description: 'The counts and the seq they were read at.', schema: ref('TabCounts') },
      errors: [400],
    }),
  },
  '/v1/me/notifications/bulk': {
    post: operation({
      operationId: 'bulkUpdateNotifications',
      summary: 'Apply one action to many notifications',
      description: 'To `ids`, or without them to every notification (in `category`, when given).',
      tag: 'Inbox',
      auth: 'client',
      body: { schema: ref('BulkRequest'), example: { action: 'read', category: 'orders' } },
      answer: { status: 200, description: 'The new counts and seq.', schema: ref('MutationResponse') },
    }),
  },
  '/v1/me/notifications/{id}': {
    patch: operation({
      operationId: 'updateNotification',
      summary: 'Mark a notification read, unread, seen, archived or unarchived',
      tag: 'Inbox',
      auth: 'client',
      parameters: ['NotificationId'],
      body: { schema: ref('NotificationPatch'), example: { read: true, seen: true } },
      answer: { status: 200, description: 'The notification, the new counts and seq.', schema: ref('MutationResponse') },
    }),
    delete: operation({
      operationId: 'deleteNotification',
      summary: 'Delete a notification',
      tag: 'Inbox',
      auth: 'client',
      parameters: ['NotificationId'],
      answer: { status: 200, description: 'The new counts and seq.', schema: ref('MutationResponse') },
    }),
  },
  '/v1/me/preferences': {
    get: operation({
      operationId: 'getPreferences',
      summary: "The user's preferences and the app's categories",
      tag: 'Inbox',
      auth: 'client',
      answer: { status: 200, description: 'Preferences and categories.', schema: ref('PreferencesResponse') },
    }),
    put: operation({
      operationId: 'setPreferences',
      summary: "Merge into the user's preferences",
      description: 'Triggers honour them: an opted-out channel is skipped with reason `preference`.',
      tag: 'Inbox',
      auth: 'client',
      body: { schema: ref('PreferencesRequest'), example: { preferences: { orders: { email: false }, default: { sms: false } } } },
      answer: { status: 200, description: 'Preferences after the merge, and categories.', schema: ref('PreferencesResponse') },
    }),
  },
  '/v1/me/profile': {
    patch: operation({
      operationId: 'updateProfile',
      summary: "Update the user's own attributes",
      description: 'Merged like `PUT /v1/users/{identifier}`; the identifier cannot be changed.',
      tag: 'Inbox',
      auth: 'client',
      body: { schema: ref('Attributes'), example: { firstName: 'Ada', locale: 'en-GB' } },
      answer: { status: 200, description: 'The user after the merge.', schema: ref('Profile') },
    }),
  },
  '/v1/me/events': {
    get: withLongPollAnswer(operation({
      operationId: 'streamEvents',
      summary: 'The realtime event stream (Server-Sent Events)',
      description: [
        'Frames are `id: <seq>`, `event: <type>`, `data: <StreamEvent as JSON>`. Events after the cursor are replayed from the database, then live ones follow.',
        `A \`heartbeat\` comes every ${HEARTBEAT_INTERVAL_MS / 1000} s with the latest seq; \`resync\` means the gap is too large to replay (refetch page 1);`,
        '`reauth` means the token is about to expire: the stream closes at its expiry. On shutdown streams get a jittered `retry:` hint, then end.',
        'Read it with `fetch()` streaming to send the auth headers; the request counts once against the rate limit however long it runs.',
        'Long-poll fallback (where a proxy holds the stream back): with `wait` and an `Accept` without `text/event-stream` it answers an `EventsPage` as JSON.',
      ].join(' '),
      tag: 'Inbox',
      auth: 'client',
      parameters: ['LastEventId', 'After', 'Wait'],
      answer: {
        status: 200,
        description: 'The stream, open until the client leaves, the token expires or the service shuts down.',
        contentType: 'text/event-stream',
        schema: { ...string(), 'x-sse-data': ref('StreamEvent') },
      },
    })),
  },
};

/** Adds the long-poll's JSON answer beside the stream's content type. */
function withLongPollAnswer(spec: JsonSchema): JsonSchema {
  const responses = spec.responses as Record<string, { content: Record<string, JsonSchema> }>;
  responses['200']!.content['application/json'] = { schema: ref('EventsPage') };
  return spec;
}
