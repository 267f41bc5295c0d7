// Parses and validates the body of `POST /v1/notifications` (design §4) before anything is
// written, so a 400 never leaves half a trigger behind.
import type { Attributes, Json, NotificationAction } from 'belfry/protocol';
import { isSafeImageUrl } from 'belfry/template';
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
  /** The workflow it names (`notification.workflow.identifier`), or null. */
  workflow: string | null;
  /**
   * The inline in-app content, or null when the trigger carries no `title`/`message` (then it
   * must name a stored workflow). `content.workflow` repeats `workflow` as the notification's label.
   */
  content: NotificationContent | null;
  /** The trigger's `data`, for every channel's templates (`{}` when absent). */
  data: Record<string, Json>;
  recipients: ParsedRecipient[];
}

/**
 * Checks an icon (400 naming `field`): an image URL, so the link allow-list plus inline images
 * (`data:image/...`), which an <img> renders without running anything.
 */
export function parseIcon(value: unknown, field = 'notification.icon'): string | null {
  const icon = optionalString(value, field);
  if (icon !== null && !isSafeImageUrl(icon)) {
    throw invalidField(field, 'must be an https:, http: or relative URL, or a data:image/ URL');
  }
  return icon;
}

/** Checks action buttons (400 naming the field): at most `MAX_ACTIONS`, each with an id, a label and a safe URL. */
export function parseActions(value: unknown, prefix = 'notification.actions'): NotificationAction[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidField(prefix, 'must be an array');
  if (value.length > MAX_ACTIONS) throw invalidField(prefix, `must have at most ${MAX_ACTIONS} actions`);
  return value.map((item: unknown, i) => {
    const field = `${prefix}[${i}]`;
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

/** Checks a category name (400 naming `field`): 1–100 characters, or null when absent. */
export function parseCategory(value: unknown, field: string): string | null {
  const category = optionalString(value, field);
  if (category !== null && (category.length === 0 || category.length > MAX_CATEGORY_LENGTH)) {
    throw invalidField(field, `must be 1–${MAX_CATEGORY_LENGTH} characters`);
  }
  return category;
}

/**
 * Validates a trigger body; throws a 400 naming the first field that is wrong. A trigger names a
 * workflow, carries inline `title`/`message`, or both (then a stored workflow wins and the inline
 * content is the fallback when no workflow has that identifier).
 */
export function parseTrigger(body: unknown): ParsedTrigger {
  const root = objectField(body, 'body');
  const notification = objectField(root['notification'], 'notification');
  const title = optionalString(notification['title'], 'notification.title');
  const message = optionalString(notification['message'], 'notification.message');
  let workflow: string | null = null;
  if (notification['workflow'] !== undefined && notification['workflow'] !== null) {
    workflow = validIdentifier(objectField(notification['workflow'], 'notification.workflow')['identifier'], 'notification.workflow.identifier');
  }
  // Empty strings count as missing: a notification must say something.
  const inline = Boolean(title || message);
  if (!inline && workflow === null) throw invalidField('notification', 'needs a workflow, or a title or a message');
  const category = parseCategory(notification['category'], 'notification.category');
  const url = optionalUrl(notification['url'], 'notification.url');
  const icon = parseIcon(notification['icon']);
  const actions = parseActions(notification['actions']);
  const data = optionalJsonObject(root['data'], 'data');
  return {
    workflow,
    content: inline ? { category, workflow, title: title ?? '', message: message ?? '', url, icon, actions, data } : null,
    data,
    recipients: parseRecipients(root['sendTo']),
  };
}
