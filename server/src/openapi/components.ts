// The reusable parts of the document besides schemas: security schemes, parameters, headers and
// error answers. Names and limits come from the code that enforces them.
import { HEADER_API_KEY, HEADER_API_SECRET, HEADER_IDEMPOTENCY_KEY, HEADER_LAST_EVENT_ID, HEADER_USER_ID } from 'belfry/protocol';
import { MAX_BODY_BYTES } from '../http/index.ts';
import { HEADER_REQUEST_ID } from '../ops/index.ts';
import { DEFAULT_DELIVERIES_LIMIT, MAX_DELIVERIES_LIMIT } from '../routes/deliveries.ts';
import { MAX_POLL_WAIT_SECONDS } from '../routes/events.ts';
import { HEADER_IDEMPOTENT_REPLAYED } from '../routes/idempotency.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../validation/index.ts';
import { enumOf, integer, ref, string } from './schema.ts';
import type { JsonSchema } from './schema.ts';

/** Security schemes: the app's key pair (backend API), and the user by header or token (client API). */
export const SECURITY_SCHEMES: Record<string, JsonSchema> = {
  apiKey: { type: 'apiKey', in: 'header', name: HEADER_API_KEY, description: 'The public key of an app; on every request.' },
  apiSecret: { type: 'apiKey', in: 'header', name: HEADER_API_SECRET, description: "The app's secret; backend requests only, never from a browser." },
  userId: {
    type: 'apiKey',
    in: 'header',
    name: HEADER_USER_ID,
    description: 'The user a client request acts for, percent-encoded UTF-8. Apps in secure mode ignore it and need `userToken`.',
  },
  userToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A user token (secure mode): HS256 with the app\'s signing secret, or RS256/ES256 with a registered public key; `sub` is the identifier. Never accepted from a URL.',
  },
};

const pathParameter = (name: string, description: string, schema: JsonSchema): JsonSchema => ({ name, in: 'path', required: true, description, schema });
const query = (name: string, description: string, schema: JsonSchema): JsonSchema => ({ name, in: 'query', required: false, description, schema });

/** Parameters shared by several operations, by name. */
export const PARAMETERS: Record<string, JsonSchema> = {
  UserIdentifier: pathParameter('identifier', "The user's identifier, percent-encoded.", ref('Identifier')),
  WorkflowIdentifier: pathParameter('identifier', "The workflow's identifier, percent-encoded.", ref('Identifier')),
  NotificationId: pathParameter('id', 'A notification of the connected user; any other id is 404.', string()),
  Limit: query('limit', `Items per page (default ${DEFAULT_PAGE_SIZE}).`, integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })),
  Cursor: query('cursor', 'The `nextCursor` of the previous page; pages stay stable while new items arrive.', string({ pattern: '^\\d{1,15}$' })),
  Status: query('status', 'Which notifications: unread, read, archived, or all (default: not archived).', ref('NotificationStatus')),
  Category: query('category', 'Only notifications of this category.', string()),
  DeliveriesLimit: query('limit', `Entries to answer (default ${DEFAULT_DELIVERIES_LIMIT}).`, integer({ minimum: 1, maximum: MAX_DELIVERIES_LIMIT, default: DEFAULT_DELIVERIES_LIMIT })),
  DeliveriesChannel: query('channel', 'Only this channel.', enumOf(['email', 'sms', 'webhook'])),
  DeliveriesRecipient: query('recipient', 'Only messages to this user.', ref('Identifier')),
  IdempotencyKey: {
    name: HEADER_IDEMPOTENCY_KEY,
    in: 'header',
    required: false,
    description:
      'Makes the trigger safe to retry: a repeat with the same body within 24 hours answers the first answer without sending again (with `Idempotent-Replayed: true`); 409 while the first is in flight; 422 if the body differs.',
    schema: string({ minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7e]+$' }),
  },
  LastEventId: {
    name: HEADER_LAST_EVENT_ID,
    in: 'header',
    required: false,
    description: 'Resume after this `seq` (the `id:` of the last frame seen); wins over `after`.',
    schema: string({ pattern: '^\\d{1,15}$' }),
  },
  After: query('after', 'Resume after this `seq`, for clients that cannot set `Last-Event-ID`.', integer({ minimum: 0 })),
  Wait: query(
    'wait',
    `Long-poll instead of streaming (with an \`Accept\` that does not include \`text/event-stream\`): wait up to this many seconds for an event (default ${MAX_POLL_WAIT_SECONDS}).`,
    integer({ minimum: 0, maximum: MAX_POLL_WAIT_SECONDS, default: MAX_POLL_WAIT_SECONDS }),
  ),
};

/** Response headers, by name. */
export const HEADERS: Record<string, JsonSchema> = {
  RetryAfter: { description: 'Seconds until the next request is allowed.', schema: integer({ minimum: 1 }) },
  RateLimitLimit: { description: 'Requests the bucket holds when full (the burst).', schema: integer({ minimum: 1 }) },
  RateLimitRemaining: { description: 'Requests left in the bucket.', schema: integer({ minimum: 0 }) },
  RateLimitReset: { description: 'Seconds until the bucket is full again.', schema: integer({ minimum: 0 }) },
  RequestId: { description: `The request's id (the caller's \`${HEADER_REQUEST_ID}\` when well formed), also in the log line.`, schema: string() },
  IdempotentReplayed: { description: 'Present (`true`) when the answer is the stored answer of an earlier request with this key.', schema: enumOf(['true']) },
};

const headerRef = (name: string): JsonSchema => ({ $ref: `#/components/headers/${name}` });

/** The headers of every answer of a rate-limited operation. */
export const LIMITED_HEADERS: Record<string, JsonSchema> = {
  [HEADER_REQUEST_ID]: headerRef('RequestId'),
  'RateLimit-Limit': headerRef('RateLimitLimit'),
  'RateLimit-Remaining': headerRef('RateLimitRemaining'),
  'RateLimit-Reset': headerRef('RateLimitReset'),
};

/** The `Idempotent-Replayed` header of a replayed trigger answer. */
export const REPLAYED_HEADER: Record<string, JsonSchema> = { [HEADER_IDEMPOTENT_REPLAYED]: headerRef('IdempotentReplayed') };

const errorAnswer = (description: string, headers?: Record<string, JsonSchema>): JsonSchema => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ref('ErrorBody') } },
});

/** Error answers by status: the component name and the answer. */
export const ERROR_RESPONSES = {
  400: ['BadRequest', errorAnswer('`invalid_request` naming the field that is wrong, or `invalid_json`.')],
  401: ['Unauthorized', errorAnswer('`unauthorized` (missing or wrong credentials; one generic answer for every refused token) or `user_token_required` (secure mode).')],
  404: ['NotFound', errorAnswer('`user_not_found`, `notification_not_found`, `workflow_not_found` or `not_found`. Other apps\' ids are as unknown as made-up ones.')],
  409: ['Conflict', errorAnswer('`conflict`: a request with this `Idempotency-Key` is still being processed; retry later.')],
  413: ['PayloadTooLarge', errorAnswer(`\`payload_too_large\`: the body is over ${MAX_BODY_BYTES / 1024} KB.`)],
  422: ['IdempotencyMismatch', errorAnswer('`idempotency_mismatch`: this `Idempotency-Key` was used with a different body.')],
  429: ['RateLimited', errorAnswer('`rate_limited`: the API key\'s or the user\'s bucket is empty.', { 'Retry-After': headerRef('RetryAfter'), ...LIMITED_HEADERS })],
} as const satisfies Record<number, readonly [string, JsonSchema]>;

/** A status with a shared error answer. */
export type ErrorStatus = keyof typeof ERROR_RESPONSES;
