// Fixture factories for the core tests: wire objects, and a fake service behind an injected fetch
// that records every request and answers from scripted routes (including live SSE streams).
import type { ConnectResponse, Counts, Notification, NotificationPage, StreamEvent } from '../../src/protocol/index.ts';
import { encodeSseFrame } from '../../src/protocol/index.ts';

let nextId = 1;

/** A well-formed notification; ids are unique, times descend as ids grow unless overridden. */
export function createNotification(overrides: Partial<Notification> = {}): Notification {
  const n = nextId++;
  return {
    id: `ntf_${n}`,
    createdAt: new Date(Date.UTC(2030, 0, 1) - n * 60_000).toISOString(),
    seenAt: null,
    readAt: null,
    archivedAt: null,
    category: null,
    workflow: null,
    title: `Title ${n}`,
    message: `Message ${n}`,
    url: null,
    icon: null,
    actions: [],
    data: {},
    ...overrides,
  };
}

/** Counts with defaults of zero. */
export const createCounts = (unseen = 0, unread = 0): Counts => ({ unseen, unread });

/** A page of the feed. */
export function createPage(overrides: Partial<NotificationPage> = {}): NotificationPage {
  return { items: [], nextCursor: null, counts: createCounts(), seq: 0, ...overrides };
}

/** An answer of `POST /v1/me/connect`. */
export function createConnectResponse(overrides: Partial<ConnectResponse> = {}): ConnectResponse {
  return {
    user: { identifier: 'ada', attributes: { firstName: 'Ada' } },
    app: { secureMode: false, name: null },
    counts: createCounts(),
    seq: 0,
    ...overrides,
  };
}

/** A `notification.created` event. */
export function createCreatedEvent(seq: number, notification = createNotification(), counts = createCounts(1, 1)): StreamEvent {
  return { type: 'notification.created', seq, notification, counts };
}

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** An error answer in the protocol's shape. */
export const errorResponse = (status: number, code: string, headers: Record<string, string> = {}) =>
  json(status, { error: { code, message: `${code} happened` } }, headers);

/** A live SSE response the test writes to. */
export interface FakeStream {
  response: Response;
  send(event: StreamEvent): void;
  write(text: string): void;
  close(): void;
  fail(): void;
  /** True once the reader cancelled the stream (the client closed it). */
  readonly cancelled: boolean;
}

/** Creates an open SSE response. */
export function createFakeStream(): FakeStream {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  let finished = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      cancelled = true;
      finished = true;
    },
  });
  const write = (text: string) => {
    if (!finished) controller.enqueue(encoder.encode(text));
  };
  return {
    response: new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    send: (event) => write(encodeSseFrame(event)),
    write,
    close() {
      if (!finished) (finished = true), controller.close();
    },
    fail() {
      if (!finished) (finished = true), controller.error(new TypeError('network error'));
    },
    get cancelled() {
      return cancelled;
    },
  };
}

/** A request as the fake service saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal | undefined;
}

type Answer = Response | Error | (() => Response | Promise<Response>);

/** A scripted service: `answer('POST /v1/me/connect', ...)` queues answers for a route (path without query). */
export function createFakeService(baseUrl = 'https://svc.test') {
  const requests: RecordedRequest[] = [];
  const routes = new Map<string, Answer[]>();
  const handlers = new Map<string, (request: RecordedRequest) => Response | Promise<Response>>();
  const fetch: typeof globalThis.fetch = async (input, init = {}) => {
    const url = String(input);
    const method = init.method ?? 'GET';
    const signal = init.signal ?? undefined;
    const request: RecordedRequest = {
      method,
      url,
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
      signal,
    };
    requests.push(request);
    const aborted = () => new DOMException('The operation was aborted.', 'AbortError');
    if (signal?.aborted) throw aborted();
    const key = `${method} ${new URL(url).pathname}`;
    const handler = handlers.get(key);
    const next = routes.get(key)?.shift() ?? (handler && (() => handler(request)));
    if (!next) throw new TypeError(`fetch failed (no answer scripted for ${key})`);
    if (next instanceof Error) throw next;
    const response = typeof next === 'function' ? next() : next;
    // Like a real fetch, an abort rejects a request that is still waiting for its answer.
    return new Promise<Response>((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(aborted()));
      Promise.resolve(response).then(resolve, reject);
    });
  };
  return {
    fetch,
    requests,
    baseUrl,
    answer(route: string, ...answers: Answer[]) {
      routes.set(route, [...(routes.get(route) ?? []), ...answers]);
    },
    /** Answers every request to `route` that finds no queued answer. */
    handle(route: string, handler: (request: RecordedRequest) => Response | Promise<Response>) {
      handlers.set(route, handler);
    },
    /** The requests to `path` (without query). */
    requestsTo(route: string) {
      return requests.filter((r) => `${r.method} ${new URL(r.url).pathname}` === route);
    },
  };
}

/** A promise with its resolve function outside. */
export function createDeferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * A Web Storage (localStorage) over a Map, for Node, where there is none. `quota` is the most
 * characters it holds, keys and values counted as browsers do; beyond it `setItem` throws
 * QuotaExceededError and keeps the old value.
 */
export function createFakeStorage(quota = Infinity) {
  const entries = new Map<string, string>();
  const used = () => [...entries].reduce((sum, [key, value]) => sum + key.length + value.length, 0);
  return {
    entries,
    getItem: (key: string) => entries.get(key) ?? null,
    setItem(key: string, value: string) {
      if (used() - (entries.get(key)?.length ?? -key.length) + value.length > quota) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      entries.set(key, String(value));
    },
    removeItem: (key: string) => void entries.delete(key),
  };
}
