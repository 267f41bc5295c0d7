// SSE frames of stream events. One trigger hands the hub one `notification.created` event per
// recipient, and they differ only in the notification's `id`, the `seq` and the `counts`: the rest
// of the notification (title, message, data, actions, ...) is the same content, the very same
// `data` and `actions` objects, which both storages spread into every recipient's notification.
// Encoding it once per trigger instead of once per recipient takes most of the JSON work out of a
// fan-out; each frame then joins the shared part with its own fields, every part a JSON.stringify
// output, so no text reaches a frame unescaped.
import { encodeSseFrame } from 'belfry/protocol';
import type { Notification, NotificationCreatedEvent, StreamEvent } from 'belfry/protocol';

/** Encodes one stream event as an SSE frame. */
export const frameOf = (event: StreamEvent): string => encodeSseFrame(event);

/** Encodes events as SSE frames, the same as `frameOf`, each run of events sharing their content encoded once. */
export type FrameEncoder = (event: StreamEvent) => string;

// A created event's fields, in the order the storages build it (and JSON.stringify writes it).
const CREATED_EVENT_FIELDS = ['type', 'seq', 'notification', 'counts'];

/**
 * A `FrameEncoder` for one batch of events. It keeps the notification content it encoded last
 * and reuses it for a following created event whose notification has the same fields in the same
 * order, `id` first, with identical values (`===`: the same strings, the same `data` and
 * `actions` objects). Anything else is encoded whole, so every frame is byte for byte the one
 * `frameOf` writes. Meant for one synchronous batch: the shared objects must not change meanwhile.
 */
export function createFrameEncoder(): FrameEncoder {
  // The notification the shared part was encoded from, its field names after `id`, and the part:
  // the notification's JSON after `{"id":...`, i.e. `,"createdAt":...}` (or `}` with no others).
  let shared: Notification | null = null;
  let sharedKeys: string[] = [];
  let sharedJson = '';

  function sharesContent(notification: Notification): boolean {
    if (shared === null) return false;
    let i = 0;
    for (const key in notification) {
      if (!Object.hasOwn(notification, key)) return false;
      if (i === 0 ? key !== 'id' : key !== sharedKeys[i - 1] || notification[key as keyof Notification] !== shared[key as keyof Notification]) return false;
      i++;
    }
    return i === sharedKeys.length + 1;
  }

  /** Encodes the notification's content for the events after it; false when it does not start with `id`. */
  function share(notification: Notification): boolean {
    const keys = Object.keys(notification);
    if (keys[0] !== 'id') return false;
    const { id: _id, ...rest } = notification;
    const json = JSON.stringify(rest);
    shared = notification;
    sharedKeys = keys.slice(1);
    sharedJson = json === '{}' ? '}' : `,${json.slice(1)}`;
    return true;
  }

  return (event) => {
    if (event.type !== 'notification.created' || !isPlainCreated(event)) return frameOf(event);
    const { seq, notification, counts } = event;
    if (!sharesContent(notification) && !share(notification)) return frameOf(event);
    const data = `{"type":"notification.created","seq":${JSON.stringify(seq)},"notification":{"id":${JSON.stringify(notification.id)}${sharedJson},"counts":${JSON.stringify(counts)}}`;
    return `id: ${seq}\nevent: notification.created\ndata: ${data}\n\n`;
  };
}

/** Whether the event has its four fields in their order and no others, with a notification whose `id` is a string. */
function isPlainCreated(event: NotificationCreatedEvent): boolean {
  let i = 0;
  for (const key in event) if (key !== CREATED_EVENT_FIELDS[i++] || !Object.hasOwn(event, key)) return false;
  const { seq, notification, counts } = event;
  return (
    i === CREATED_EVENT_FIELDS.length &&
    typeof seq === 'number' &&
    typeof counts === 'object' &&
    counts !== null &&
    typeof notification === 'object' &&
    notification !== null &&
    typeof notification.id === 'string'
  );
}
