import { describe, expect, it } from 'vitest';
import { parseConnectResponse, parseEventsPage, parseStreamEvent } from '../../src/core/validate.ts';
import { createConnectResponse, createCounts, createCreatedEvent, createNotification } from './fixtures.ts';

describe('parseConnectResponse()', () => {
  it("keeps the app's name, and reads a missing or malformed one as null", () => {
    const named = createConnectResponse({ app: { secureMode: true, name: 'Acme' } });
    expect(parseConnectResponse(named)).toEqual(named);
    for (const app of [{ secureMode: true }, { secureMode: true, name: 7 }, null]) {
      expect(parseConnectResponse({ ...named, app })!.app).toEqual({ secureMode: app !== null, name: null });
    }
  });
});

describe('parseEventsPage()', () => {
  it('keeps well-formed events in order with the latest seq', () => {
    const [a, b] = [createCreatedEvent(8), createCreatedEvent(9)];
    expect(parseEventsPage({ events: [a, b], seq: 12 })).toEqual({ events: [a, b], seq: 12 });
    expect(parseEventsPage({ events: [{ type: 'resync', seq: 900 }], seq: 900 })).toEqual({ events: [{ type: 'resync', seq: 900 }], seq: 900 });
  });

  it('skips malformed and unknown events, as the stream does', () => {
    const good = createCreatedEvent(3);
    expect(parseEventsPage({ events: [{ type: 'notification.created', seq: 2 }, { type: 'future.thing', seq: 3 }, 'x', good], seq: 3 })).toEqual({ events: [good], seq: 3 });
  });

  it('answers null for an answer in another shape', () => {
    for (const value of [null, [], { events: [] }, { events: {}, seq: 1 }, { events: [], seq: -1 }, { events: [], seq: '1' }]) {
      expect(parseEventsPage(value)).toBeNull();
    }
  });
});

describe('parseStreamEvent()', () => {
  const counts = createCounts(1, 2);

  it('accepts every event type in its shape', () => {
    const events = [
      createCreatedEvent(1),
      { type: 'notification.updated', seq: 2, notification: createNotification(), counts },
      { type: 'notification.deleted', seq: 3, id: 'n1', counts },
      { type: 'notifications.bulk', seq: 4, action: 'read', ids: ['a', 'b'], category: null, at: '2030-01-01T00:00:00.000Z', counts },
      { type: 'notifications.bulk', seq: 5, action: 'archive', ids: null, category: 'billing', at: '2030-01-01T00:00:00.000Z', counts },
      { type: 'user.updated', seq: 6, user: { identifier: 'ada', attributes: {} }, counts },
      { type: 'heartbeat', seq: 7 },
      { type: 'resync', seq: 8 },
      { type: 'reauth', seq: 9 },
    ];
    for (const event of events) expect(parseStreamEvent(event)).toBe(event);
  });

  it('answers null for wrong shapes, unknown types and names inherited from Object', () => {
    const bad = [
      { type: 'notification.created', seq: 1, notification: createNotification({ id: '' }), counts },
      { type: 'notification.created', seq: 1, notification: { ...createNotification(), actions: [{ id: 'a' }] }, counts },
      { type: 'notification.updated', seq: 1, notification: createNotification() },
      { type: 'notification.deleted', seq: 1, id: 7, counts },
      { type: 'notifications.bulk', seq: 1, action: 'explode', ids: null, category: null, at: 'x', counts },
      { type: 'notifications.bulk', seq: 1, action: 'read', ids: [1], category: null, at: 'x', counts },
      { type: 'user.updated', seq: 1, user: { identifier: 'ada' }, counts },
      { type: 'heartbeat', seq: 1.5 },
      { type: 'heartbeat', seq: -1 },
      { type: 'constructor', seq: 1 },
      { type: 'toString', seq: 1 },
      { seq: 1 },
      [],
      null,
    ];
    for (const value of bad) expect(parseStreamEvent(value)).toBeNull();
  });
});
