// Frames of a trigger's events built from content encoded once must be exactly the frames of the
// whole events: the same bytes as `encodeSseFrame`, parsed back by the client's own SSE parser and
// validator to an object equal to the event.
import { afterAll, describe, expect, it } from 'vitest';
import { encodeSseFrame } from 'belfry/protocol';
import type { Json, Notification, NotificationCreatedEvent, StreamEvent } from 'belfry/protocol';
import { createSseParser } from '../../../src/core/sse-parser.ts';
import { parseStreamEvent } from '../../../src/core/validate.ts';
import { openStorage } from '../../src/index.ts';
import type { NotificationContent, Storage } from '../../src/storage/index.ts';
import { createFrameEncoder } from '../../src/realtime/frames.ts';
import { createContent } from '../storage/contract.ts';
import { closeAdmin, openTestPostgresStorage } from '../storage/postgres-fixtures.ts';

/** Content with everything JSON and SSE must escape: quotes, backslashes, line breaks, frame-like text, markup, unicode, nesting. */
function createHostileContent(overrides: Partial<NotificationContent> = {}): NotificationContent {
  return createContent({
    category: 'ca"t\\egory',
    workflow: 'order-"shipped"',
    title: 'Hi "<<recipient.firstName>>" \\ </script><img src=x onerror=alert(1)>\n\ndata: {"type":"resync","seq":999}\r\nid: 999\n\n',
    message: 'Line\u2028separator\u2029 bell 🔔 family 👩‍👩‍👧 RTL \u202eעברית\u202c Zoë 日本語 tab\tend',
    url: 'https://example.com/orders?id="1"&q=<b>',
    icon: null,
    actions: [
      { id: 'open"1', label: 'Open \\ "now"', url: 'https://example.com/a?b="c"', style: 'primary' },
      { id: 'later', label: 'Later\n\n', url: null },
    ],
    data: {
      '"quoted key"': 'value',
      '\u2028': true,
      nested: { deep: [1, 'two', null, { three: 'drei "3"\nid: 1', empty: {} }], list: [] },
      numbers: { big: 1e21, small: -0.5, zero: 0 },
      text: '}\n\nevent: heartbeat\ndata: {}',
    },
    ...overrides,
  });
}

/** Runs `frame` through the client's SSE parser and stream-event validator. */
function parseFrame(frame: string): { id: string; event: string; data: StreamEvent | null } {
  const messages = createSseParser().push(frame);
  expect(messages).toHaveLength(1);
  const [message] = messages;
  return { id: message!.id, event: message!.event, data: parseStreamEvent(JSON.parse(message!.data)) };
}

/**
 * Asserts that `encode` gives each event its plain frame, which the client parses back to the
 * event (or drops, as it drops the plain frame of an event missing a field); answers the events parsed.
 */
function expectPlainFrames(encode: (event: StreamEvent) => string, events: readonly StreamEvent[]): (StreamEvent | null)[] {
  const frames = events.map(encode);
  expect(frames).toEqual(events.map(encodeSseFrame));
  return frames.map((frame, i) => {
    const event = events[i]!;
    const parsed = parseFrame(frame);
    expect(parsed).toEqual({ id: String(event.seq), event: event.type, data: parseStreamEvent(JSON.parse(JSON.stringify(event))) });
    return parsed.data;
  });
}

/** A created event for a notification built from `content`, as the storages build them. */
function createCreatedEvent(seq: number, content: NotificationContent, extra: Record<string, Json> = {}): NotificationCreatedEvent {
  const notification: Notification = { id: `ntf_${seq}`, createdAt: '2026-11-28T12:00:00.000Z', seenAt: null, readAt: null, archivedAt: null, ...content, ...extra };
  return { type: 'notification.created', seq, notification, counts: { unseen: seq, unread: seq + 1 } };
}

/** The notification without its `id` field. */
function withoutId(notification: Notification): Omit<Notification, 'id'> {
  const { id: _id, ...rest } = notification;
  return rest;
}

const STORAGES: [string, () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>][] = [
  ['SQLite', async () => {
    const storage = await openStorage('sqlite::memory:');
    return { storage, cleanup: () => storage.close() };
  }],
  ['PostgreSQL', openTestPostgresStorage],
];

describe('createFrameEncoder', () => {
  afterAll(() => closeAdmin());

  describe.each(STORAGES)('with deliveries of the %s storage', (_name, open) => {
    /** Delivers each content to the same recipients, some of them more than once; answers each delivery's events. */
    async function deliverEach(contents: NotificationContent[]): Promise<NotificationCreatedEvent[][]> {
      const { storage, cleanup } = await open();
      try {
        const { app } = await storage.createApp();
        const users = await Promise.all(['ada', 'grace', 'linus'].map((identifier) => storage.upsertUser(app.id, identifier, {})));
        const recipients = [users[0]!.id, users[1]!.id, users[0]!.id, users[2]!.id];
        const delivered: NotificationCreatedEvent[][] = [];
        for (const content of contents) delivered.push((await storage.deliver(app.id, recipients, content)).map((d) => d.event));
        return delivered;
      } finally {
        await cleanup();
      }
    }

    it('encodes each recipient\'s event of a trigger to the bytes of encodeSseFrame, which the client parses back to the event', async () => {
      const [events] = await deliverEach([createHostileContent()]);
      expect(new Set(events!.map((e) => e.notification.id)).size).toBe(4);
      expect(expectPlainFrames(createFrameEncoder(), events!)).toEqual(events);
    });

    it('keeps the content of interleaved triggers apart, even when only their data differs', async () => {
      const [first, second, third] = await deliverEach([
        createHostileContent(),
        createHostileContent({ data: { orderId: 1 } }),
        createHostileContent({ title: 'Another title', actions: [] }),
      ]);
      // Runs of one trigger's events (their content shared) between the others'.
      const interleaved = [...first!.slice(0, 2), ...second!.slice(0, 3), first![2]!, ...third!, first![3]!, second![3]!];
      expect(expectPlainFrames(createFrameEncoder(), interleaved)).toEqual(interleaved);
    });
  });

  it('encodes the content a batch shares once, and each event\'s own fields for every event', () => {
    let encodings = 0;
    const data: Record<string, Json> = { order: 42 };
    // JSON.stringify calls toJSON each time it encodes the object; not enumerable, so not a field.
    Object.defineProperty(data, 'toJSON', { value: () => (encodings++, { order: 42 }) });
    const content = createHostileContent({ data });
    const events = Array.from({ length: 100 }, (_, i) => createCreatedEvent(i + 1, content));
    const encode = createFrameEncoder();
    const frames = events.map(encode);
    expect(encodings).toBe(1);
    expect(frames.map((frame) => parseFrame(frame).data)).toEqual(events.map((e) => JSON.parse(JSON.stringify(e))));
  });

  it('encodes a notification whose data or actions are other objects with its own, though they are equal', () => {
    const content = createHostileContent();
    const events = [
      createCreatedEvent(1, content),
      createCreatedEvent(2, { ...content, data: { ...content.data, nested: 'changed' } }),
      createCreatedEvent(3, { ...content, actions: [{ id: 'other', label: 'Other' }] }),
      createCreatedEvent(4, { ...content, data: structuredClone(content.data) }),
      createCreatedEvent(5, content),
    ];
    expectPlainFrames(createFrameEncoder(), events);
  });

  it('encodes a notification with a field more, one fewer, or its fields in another order with its own fields', () => {
    const content = createHostileContent();
    const { icon: _icon, ...withoutIcon } = content;
    const { data: _data, ...withoutData } = content;
    const reordered: Notification = { ...createCreatedEvent(9, content).notification };
    const events = [
      createCreatedEvent(1, content),
      createCreatedEvent(2, content, { extra: 'field "x"' }),
      createCreatedEvent(3, withoutIcon as NotificationContent),
      // The same fields with the same values as the one before, icon moved to the end.
      createCreatedEvent(4, withoutIcon as NotificationContent, { icon: null }),
      createCreatedEvent(5, content),
      // The fields of the one before but its last; then that one inherited, which JSON leaves out.
      createCreatedEvent(6, withoutData as NotificationContent),
      createCreatedEvent(7, content),
      { ...createCreatedEvent(7, content), notification: Object.assign(Object.create({ data: content.data }), createCreatedEvent(7, withoutData as NotificationContent).notification) },
      createCreatedEvent(7, content),
      // id last: the frame still starts the notification with its first field.
      { ...createCreatedEvent(8, content), notification: { ...withoutId(reordered), id: 'ntf_8' } as Notification },
      createCreatedEvent(9, content),
    ];
    expectPlainFrames(createFrameEncoder(), events);
  });

  it('encodes every other event as encodeSseFrame does, in between created ones', () => {
    const content = createHostileContent();
    const created = createCreatedEvent(2, content);
    const events: StreamEvent[] = [
      createCreatedEvent(1, content),
      { type: 'notification.updated', seq: 3, notification: { ...created.notification, readAt: '2026-11-28T12:01:00.000Z' }, counts: { unseen: 0, unread: 0 } },
      created,
      { type: 'notification.deleted', seq: 4, id: 'ntf_"1"', counts: { unseen: 0, unread: 0 } },
      { type: 'notifications.bulk', seq: 5, action: 'read', ids: null, category: 'a"b', at: '2026-11-28T12:02:00.000Z', counts: { unseen: 0, unread: 0 } },
      { type: 'user.updated', seq: 6, user: { identifier: 'ada "x"', attributes: { firstName: 'Ada\n\nid: 9' } }, counts: { unseen: 0, unread: 0 } },
      { type: 'heartbeat', seq: 7 },
      createCreatedEvent(8, content),
    ];
    expectPlainFrames(createFrameEncoder(), events);
  });

  it('encodes a created event with a field more than its four, or its fields in another order, whole', () => {
    const content = createHostileContent();
    const { type, seq, notification, counts } = createCreatedEvent(2, content);
    expectPlainFrames(createFrameEncoder(), [
      createCreatedEvent(1, content),
      { ...createCreatedEvent(2, content), extra: 'x' } as NotificationCreatedEvent,
      { counts, notification, seq, type },
      createCreatedEvent(3, content),
    ]);
  });
});
