// The sync loop's timing rules, driven with fake timers through createInbox against a scripted
// service: when the backoff starts over, the silence watchdog, and the long-poll fallback.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EMPTY_STREAM_MS, POLL_WAIT_S, STREAM_PROBE_MS, STREAM_STALL_MS } from '../../src/core/connection.ts';
import { createInbox } from '../../src/core/index.ts';
import type { Inbox, InboxOptions } from '../../src/core/index.ts';
import type { EventsPage } from '../../src/protocol/index.ts';
import { createConnectResponse, createCounts, createCreatedEvent, createFakeService, createFakeStream, createNotification, createPage, json } from './fixtures.ts';
import type { RecordedRequest } from './fixtures.ts';

const inboxes: Inbox[] = [];

/**
 * An inbox against a fake service that connects at seq 7; the stream answers are up to the test.
 * Tabs are off: these tests time the connection loop itself, not the rule that hidden tabs hand
 * their stream on (tabs.test.ts covers that).
 */
function setup(overrides: Partial<InboxOptions> = {}) {
  vi.useFakeTimers();
  const service = createFakeService();
  service.answer('POST /v1/me/connect', json(200, createConnectResponse({ seq: 7 })));
  service.answer('GET /v1/me/notifications', json(200, createPage({ items: [createNotification()], seq: 7 })));
  const inbox = createInbox({ apiKey: 'pk_conn', userId: 'ada', baseUrl: 'https://svc.test', fetch: service.fetch, random: () => 0, cache: false, tabs: false, ...overrides });
  inboxes.push(inbox);
  const streams = () => service.requestsTo('GET /v1/me/events').filter((r) => r.headers.accept === 'text/event-stream');
  const polls = () => service.requestsTo('GET /v1/me/events').filter((r) => r.headers.accept === 'application/json');
  return { service, inbox, streams, polls };
}

/** An answer whose headers never come: a proxy holding the whole response. It rejects on abort, as fetch does. */
const never = () => new Promise<Response>(() => {});

afterEach(() => {
  for (const inbox of inboxes.splice(0)) inbox.destroy();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('connection', () => {
  describe('backoff', () => {
    it('starts over after a minute connected, not when the stream opens', async () => {
      const { service, streams } = setup({ random: () => 0.99 });
      const [first, second, third, fourth] = [createFakeStream(), createFakeStream(), createFakeStream(), createFakeStream()];
      service.answer('GET /v1/me/events', first.response, second.response, third.response, fourth.response);
      await vi.advanceTimersByTimeAsync(0);
      expect(streams()).toHaveLength(1);

      first.fail();
      await vi.advanceTimersByTimeAsync(989); // 0.99 * the 1 s window
      expect(streams()).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(streams()).toHaveLength(2);

      // Open, then dropped at once: the window keeps growing.
      second.fail();
      await vi.advanceTimersByTimeAsync(1979); // 0.99 * 2 s
      expect(streams()).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(streams()).toHaveLength(3);

      // Held for a minute (heartbeats keep the watchdog quiet): the next failure waits from 1 s again.
      for (let t = 0; t < 4; t++) {
        await vi.advanceTimersByTimeAsync(15_000);
        third.send({ type: 'heartbeat', seq: 7 });
      }
      third.fail();
      await vi.advanceTimersByTimeAsync(989);
      expect(streams()).toHaveLength(3);
      await vi.advanceTimersByTimeAsync(1);
      expect(streams()).toHaveLength(4);
    });
  });

  describe('watchdog', () => {
    it('reconnects after 45 s without a byte, also when the headers never come', async () => {
      const { service, inbox, streams } = setup();
      const open = createFakeStream();
      service.answer('GET /v1/me/events', never, open.response, createFakeStream().response);
      await vi.advanceTimersByTimeAsync(STREAM_STALL_MS - 1);
      expect(streams()).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(streams()[0]!.signal!.aborted).toBe(true);
      expect(inbox.error.value).toMatchObject({ code: 'network' });
      await vi.advanceTimersByTimeAsync(1); // the jittered pause (0 here) is a timer too
      expect(streams()).toHaveLength(2);

      // Any bytes, a comment included, feed the watchdog.
      await vi.advanceTimersByTimeAsync(30_000);
      open.write(': keep-alive\n\n');
      await vi.advanceTimersByTimeAsync(STREAM_STALL_MS - 1);
      expect(open.cancelled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(open.cancelled).toBe(true);
      await vi.advanceTimersByTimeAsync(1);
      expect(streams()).toHaveLength(3);
    });
  });

  describe('long-poll fallback', () => {
    /** A service whose streams are swallowed (until `streamsWork`) and whose long-polls work. */
    function setupSwallowing() {
      const context = setup();
      const { service } = context;
      const waiting = new Set<() => void>();
      const state = {
        streamsWork: false,
        seq: 7,
        pending: [] as EventsPage['events'],
        /** Stores a change and answers the waiting polls, as the service does. */
        publish(event: EventsPage['events'][number]) {
          state.pending.push(event);
          state.seq = event.seq;
          for (const wake of waiting) wake();
        },
      };
      service.handle('GET /v1/me/events', (request: RecordedRequest) => {
        if (request.headers.accept === 'text/event-stream') {
          if (!state.streamsWork) return never();
          const stream = createFakeStream();
          stream.send({ type: 'heartbeat', seq: state.seq });
          return stream.response;
        }
        const after = Number(new URL(request.url).searchParams.get('after'));
        const answer = (): EventsPage => ({ events: state.pending.filter((e) => e.seq > after), seq: state.seq });
        if (answer().events.length) return json(200, answer());
        // Like the service: hold the poll until a change or for `wait` seconds.
        return new Promise((resolve) => {
          const wake = () => {
            waiting.delete(wake);
            clearTimeout(timer);
            resolve(json(200, answer()));
          };
          const timer = setTimeout(wake, POLL_WAIT_S * 1000);
          waiting.add(wake);
        });
      });
      return { ...context, state };
    }

    it('long-polls with the same cursor after three stream attempts that received nothing', async () => {
      const { inbox, state, streams, polls } = setupSwallowing();
      await vi.advanceTimersByTimeAsync(3 * STREAM_STALL_MS - 10);
      expect(streams()).toHaveLength(3);
      expect(polls()).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(20);
      expect(polls().map((r) => r.url)).toEqual([`https://svc.test/v1/me/events?after=7&wait=${POLL_WAIT_S}`]);
      expect(polls()[0]!.headers).toMatchObject({ 'x-user-id': 'ada' });
      expect(polls()[0]!.headers['last-event-id']).toBeUndefined();
      expect(streams()).toHaveLength(4); // a probe alongside the first poll

      // Live: a change answers the waiting poll at once, and the next poll resumes after it.
      await vi.advanceTimersByTimeAsync(10_000);
      const fresh = createNotification({ createdAt: '2031-01-01T00:00:00.000Z' });
      state.publish(createCreatedEvent(8, fresh, createCounts(2, 2)));
      await vi.advanceTimersByTimeAsync(0);
      expect(inbox.notifications.value[0]).toEqual(fresh);
      expect(inbox.counts.value).toEqual(createCounts(2, 2));
      expect(inbox.connection.value).toBe('online');
      expect(polls().map((r) => new URL(r.url).searchParams.get('after'))).toEqual(['7', '8']);
      // The event is applied once, however often it is offered again.
      state.pending.push(createCreatedEvent(8, fresh, createCounts(2, 2)));
      await vi.advanceTimersByTimeAsync(POLL_WAIT_S * 1000);
      expect(inbox.notifications.value.filter((n) => n.id === fresh.id)).toHaveLength(1);
    });

    it('catches up when an empty answer carries a seq ahead, and refetches page 1 on resync', async () => {
      const { service, inbox, state, polls } = setupSwallowing();
      await vi.advanceTimersByTimeAsync(3 * STREAM_STALL_MS + 10);
      // A change whose event the long-poll never saw (say a replica behind): only its seq shows.
      const missed = createNotification({ title: 'missed' });
      service.answer('GET /v1/me/notifications', json(200, createPage({ items: [missed], counts: createCounts(1, 1), seq: 9 })));
      state.seq = 9;
      await vi.advanceTimersByTimeAsync(POLL_WAIT_S * 1000);
      expect(inbox.notifications.value).toEqual([missed]);
      expect(polls().at(-1)!.url).toContain('after=9');

      const after = createNotification({ title: 'after the gap' });
      service.answer('GET /v1/me/notifications', json(200, createPage({ items: [after], seq: 900 })));
      state.publish({ type: 'resync', seq: 900 });
      await vi.advanceTimersByTimeAsync(0);
      expect(inbox.notifications.value).toEqual([after]);
      expect(polls().at(-1)!.url).toContain('after=900');
    });

    it('switches back to the stream when a probe brings a byte', async () => {
      const { state, streams, polls } = setupSwallowing();
      await vi.advanceTimersByTimeAsync(3 * STREAM_STALL_MS + 10);
      expect(polls()).toHaveLength(1);
      state.streamsWork = true;
      await vi.advanceTimersByTimeAsync(STREAM_PROBE_MS - POLL_WAIT_S * 1000);
      const pollsBefore = polls().length;
      await vi.advanceTimersByTimeAsync(POLL_WAIT_S * 1000);
      const last = streams().at(-1)!;
      expect(last.headers['last-event-id']).toBe('7');
      expect(last.signal!.aborted).toBe(false); // the stream now holds the connection
      expect(polls().at(-1)!.signal!.aborted).toBe(true);
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      expect(polls().length).toBeLessThanOrEqual(pollsBefore + 1);
    });

    it('does not count attempts that fail sooner than a heartbeat could come', async () => {
      const { service, polls, streams } = setup();
      service.handle('GET /v1/me/events', async () => {
        await new Promise((resolve) => setTimeout(resolve, EMPTY_STREAM_MS - 1000));
        throw new TypeError('connection reset');
      });
      await vi.advanceTimersByTimeAsync(10 * EMPTY_STREAM_MS);
      expect(streams().length).toBeGreaterThan(5);
      expect(polls()).toHaveLength(0);
    });

    it('goes back to the stream when the service answers the long-poll with a 4xx', async () => {
      const { service, polls, streams } = setup();
      service.handle('GET /v1/me/events', (request) =>
        request.headers.accept === 'application/json' ? json(404, { error: { code: 'not_found', message: 'no' } }) : never(),
      );
      await vi.advanceTimersByTimeAsync(3 * STREAM_STALL_MS + 10);
      expect(polls()).toHaveLength(1);
      const pollAt = service.requests.indexOf(polls()[0]!);
      await vi.advanceTimersByTimeAsync(2 * STREAM_STALL_MS);
      expect(polls()).toHaveLength(1);
      expect(streams().filter((r) => service.requests.indexOf(r) > pollAt).length).toBeGreaterThanOrEqual(2);
    });
  });

  describe('wake-ups', () => {
    it('retries at once when the page becomes visible', async () => {
      const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
      const win = new EventTarget();
      vi.stubGlobal('document', doc);
      vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
      vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
      const { service, streams } = setup({ random: () => 0.9 });
      service.answer('GET /v1/me/events', new TypeError('down'), new TypeError('down'));
      await vi.advanceTimersByTimeAsync(0);
      expect(streams()).toHaveLength(1);
      doc.dispatchEvent(new Event('visibilitychange')); // still hidden: nothing
      await vi.advanceTimersByTimeAsync(0);
      expect(streams()).toHaveLength(1);
      doc.visibilityState = 'visible';
      doc.dispatchEvent(new Event('visibilitychange'));
      await vi.advanceTimersByTimeAsync(0);
      expect(streams()).toHaveLength(2);
    });

    /** Stubs window and document event targets; answers the document. */
    function stubPage() {
      const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
      const win = new EventTarget();
      vi.stubGlobal('document', doc);
      vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
      vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
      return { doc, win };
    }

    it('drops a stream made before the network went away when the browser comes back online', async () => {
      const { win } = stubPage();
      const { service, streams } = setup();
      const first = createFakeStream();
      service.answer('GET /v1/me/events', first.response, createFakeStream().response);
      await vi.advanceTimersByTimeAsync(0);
      expect(streams()).toHaveLength(1);
      win.dispatchEvent(new Event('online'));
      await vi.advanceTimersByTimeAsync(1);
      expect(first.cancelled).toBe(true);
      expect(streams()).toHaveLength(2);
      expect(streams()[1]!.headers['last-event-id']).toBe('7');
    });

    it('drops a stream silent for longer than the watchdog allows when the page becomes visible after a sleep', async () => {
      const { doc } = stubPage();
      const { service, streams } = setup();
      const first = createFakeStream();
      service.answer('GET /v1/me/events', first.response, createFakeStream().response);
      await vi.advanceTimersByTimeAsync(10_000);
      doc.dispatchEvent(new Event('visibilitychange')); // heard from recently: keep it
      await vi.advanceTimersByTimeAsync(1);
      expect(streams()).toHaveLength(1);
      // The computer slept for an hour: the wall clock moved, the timers did not.
      vi.setSystemTime(Date.now() + 3600_000);
      doc.dispatchEvent(new Event('visibilitychange'));
      await vi.advanceTimersByTimeAsync(1);
      expect(first.cancelled).toBe(true);
      expect(streams()).toHaveLength(2);
    });
  });
});
