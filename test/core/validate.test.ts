import { describe, expect, it } from 'vitest';
import { parseConnectResponse, parseEventsPage } from '../../src/core/validate.ts';
import { createConnectResponse, createCreatedEvent } from './fixtures.ts';

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
