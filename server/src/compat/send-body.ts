// Converts the body of Engagespot's `POST /v3/notifications` (the SDK's `send`) into Belfry's
// trigger body, so `parseTrigger` validates it exactly as it validates `POST /v1/notifications`.
import type { Recipient, TriggerRequest } from 'belfry/protocol';
import { invalidField } from '../errors.ts';
import { objectField } from '../http/index.ts';

// The fields both APIs share under `notification`, passed through for parseTrigger to check.
const NOTIFICATION_FIELDS = ['workflow', 'title', 'message', 'url', 'icon', 'category'] as const;

const isAbsent = (value: unknown) => value === undefined || value === null;

function recipientList(value: unknown, field: string): Recipient[] {
  if (isAbsent(value)) return [];
  if (!Array.isArray(value)) throw invalidField(field, 'must be an array');
  return value as Recipient[];
}

/**
 * Builds Belfry's `TriggerRequest` from an Engagespot send body: `sendTo.recipients` and the
 * legacy top-level `recipients` together, `data` (or `notification.data`), and the legacy
 * top-level `category`. What Belfry cannot do is refused with a 400 rather than done differently:
 * topics (Belfry has no subscriptions) and `sendAt` (sending now what was meant for later).
 * Provider overrides are ignored, like any unknown field. Field types are left to `parseTrigger`.
 */
export function toTriggerBody(body: unknown): TriggerRequest {
  const root = objectField(body, 'body');
  const notification = objectField(root['notification'], 'notification');
  const sendTo = isAbsent(root['sendTo']) ? {} : objectField(root['sendTo'], 'sendTo');
  const topics = sendTo['topics'];
  if (!isAbsent(topics) && !(Array.isArray(topics) && topics.length === 0)) {
    throw invalidField('sendTo.topics', 'are not supported: name the recipients in sendTo.recipients');
  }
  if (!isAbsent(root['sendAt'])) throw invalidField('sendAt', 'is not supported: scheduled sending is not available, send when it is due');
  const converted: Record<string, unknown> = {};
  for (const name of NOTIFICATION_FIELDS) if (!isAbsent(notification[name])) converted[name] = notification[name];
  if (isAbsent(converted['category']) && !isAbsent(root['category'])) converted['category'] = root['category'];
  const data = isAbsent(root['data']) ? notification['data'] : root['data'];
  return {
    notification: converted as TriggerRequest['notification'],
    ...(isAbsent(data) ? {} : { data: data as TriggerRequest['data'] }),
    sendTo: { recipients: [...recipientList(sendTo['recipients'], 'sendTo.recipients'), ...recipientList(root['recipients'], 'recipients')] },
  };
}
