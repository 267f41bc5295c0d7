// Parses and validates the body of `POST /v1/notifications` (design §4) before anything is
// written, so a 400 never leaves half a trigger behind.
import type { Attributes, NotificationAction } from 'belfry/protocol';
import { isSafeUrl } from 'belfry/template';
import { invalidField } from '../errors.ts';
import { objectField, optionalEnum, optionalJsonObject, optionalString, optionalUrl } from '../http/index.ts';
import type { NotificationContent } from '../storage/index.ts';
import { validAttributes, validIdentifier } from './users.ts';

/** Most recipients one trigger may name. */
export const MAX_RECIPIENTS = 100;
/** Most action buttons on one notification. */
export const MAX_ACTIONS = 10;
const MAX_CATEGORY_LENGTH = 100;

/** A recipient after validation; `attributes` is set for inline identifications. */
export interface ParsedRecipient {
  identifier: string;
  attributes: Attributes | null;
}

/** A validated trigger. */
export interface ParsedTrigger {
  content: NotificationContent;
  recipients: ParsedRecipient[];
}

// An icon is an image URL: the link allow-list, plus inline images (`data:image/...`), which an
// <img> renders without running anything.
function parseIcon(value: unknown): string | null {
  const icon = optionalString(value, 'notification.icon');
  if (icon !== null && !isSafeUrl(icon) && !/^data:image\/[a-z0-9.+-]+[;,]/i.test(icon)) {
    throw invalidField('notification.icon', 'must be an https:, http: or relative URL, or a data:image/ URL');
  }
  return icon;
}

function parseActions(value: unknown): NotificationAction[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidField('notification.actions', 'must be an array');
  if (value.length > MAX_ACTIONS) throw invalidField('notification.actions', `must have at most ${MAX_ACTIONS} actions`);
  return value.map((item: unknown, i) => {
    const field = `notification.actions[${i}]`;
    const action = objectField(item, field);
    const id = optionalString(action['id'], `${field}.id`);
    const label = optionalString(action['label'], `${field}.label`);
    if (!id) throw invalidField(`${field}.id`, 'is required');
    if (!label) throw invalidField(`${field}.label`, 'is required');
    const parsed: NotificationAction = { id, label };
    const url = optionalUrl(action['url'], `${field}.url`);
    if (url !== null) parsed.url = url;
    const style = optionalEnum(action['style'], `${field}.style`, ['primary', 'secondary'] as const, null);
    if (style !== null) parsed.style = style;
    return parsed;
  });
}

function parseRecipients(value: unknown): ParsedRecipient[] {
  const sendTo = objectField(value, 'sendTo');
  const list = sendTo['recipients'];
  if (!Array.isArray(list)) throw invalidField('sendTo.recipients', 'must be an array');
  if (list.length === 0) throw invalidField('sendTo.recipients', 'must name at least one recipient');
  if (list.length > MAX_RECIPIENTS) throw invalidField('sendTo.recipients', `must name at most ${MAX_RECIPIENTS} recipients`);
  return list.map((item: unknown, i) => {
    const field = `sendTo.recipients[${i}]`;
    if (typeof item === 'string') return { identifier: validIdentifier(item, field), attributes: null };
    const { identifier, ...attributes } = objectField(item, field);
    return { identifier: validIdentifier(identifier, `${field}.identifier`), attributes: validAttributes(attributes, `${field}.`) };
  });
}

/** Validates a trigger body; throws a 400 naming the first field that is wrong. */
export function parseTrigger(body: unknown): ParsedTrigger {
  const root = objectField(body, 'body');
  const notification = objectField(root['notification'], 'notification');
  const title = optionalString(notification['title'], 'notification.title');
  const message = optionalString(notification['message'], 'notification.message');
  // Empty strings count as missing: a notification must say something.
  if (!title && !message) throw invalidField('notification', 'needs a title or a message');
  let workflow: string | null = null;
  if (notification['workflow'] !== undefined && notification['workflow'] !== null) {
    workflow = validIdentifier(objectField(notification['workflow'], 'notification.workflow')['identifier'], 'notification.workflow.identifier');
  }
  const category = optionalString(notification['category'], 'notification.category');
  if (category !== null && (category.length === 0 || category.length > MAX_CATEGORY_LENGTH)) {
    throw invalidField('notification.category', `must be 1–${MAX_CATEGORY_LENGTH} characters`);
  }
  return {
    content: {
      category,
      workflow,
      title: title ?? '',
      message: message ?? '',
      url: optionalUrl(notification['url'], 'notification.url'),
      icon: parseIcon(notification['icon']),
      actions: parseActions(notification['actions']),
      data: optionalJsonObject(root['data'], 'data'),
    },
    recipients: parseRecipients(root['sendTo']),
  };
}
