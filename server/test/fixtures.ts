// Fixture factories shared by the server tests: a service on a temp-dir SQLite file, request
// helpers with the two kinds of auth, and factories for users and triggers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { Attributes, TriggerRequest } from 'belfry/protocol';
import { createApp, createHub, createMemoryBus, openStorage } from '../src/index.ts';
import type { Bus, Hub, Log, LogLevel, Storage } from '../src/index.ts';

/** A temp directory removed by `cleanup`. */
export function createTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'belfry-server-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A log that records entries instead of printing them. */
export function createRecordingLog(): Log & { entries: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] } {
  const entries: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
  const log = ((level, message, fields) => void entries.push({ level, message, fields })) as Log & { entries: typeof entries };
  log.entries = entries;
  return log;
}

/** An in-process service with one app, on a SQLite file in its own temp dir. */
export interface TestService {
  app: Hono;
  storage: Storage;
  bus: Bus;
  hub: Hub;
  log: ReturnType<typeof createRecordingLog>;
  apiKey: string;
  apiSecret: string;
  close(): Promise<void>;
}

/** Creates a `TestService`; call `close()` in `afterEach`. */
export async function createTestService(options: { secureMode?: boolean; appName?: string } = {}): Promise<TestService> {
  const temp = createTempDir();
  const storage = await openStorage(`sqlite:${join(temp.dir, 'belfry.db')}`);
  const bus = createMemoryBus();
  const log = createRecordingLog();
  const hub = createHub({ storage, bus, log });
  const { app: record, apiSecret } = await storage.createApp({ secureMode: options.secureMode ?? false, name: options.appName ?? null });
  return {
    app: createApp({ storage, bus, hub, log }),
    storage,
    bus,
    hub,
    log,
    apiKey: record.apiKey,
    apiSecret,
    async close() {
      await hub.closeAll();
      await storage.close();
      temp.cleanup();
    },
  };
}

/** Headers of a backend request. */
export function backendHeaders(service: TestService): Record<string, string> {
  return { 'X-API-Key': service.apiKey, 'X-API-Secret': service.apiSecret, 'Content-Type': 'application/json' };
}

/** Headers of a client request for `userId` (percent-encoded as the protocol says). */
export function clientHeaders(service: TestService, userId: string): Record<string, string> {
  return { 'X-API-Key': service.apiKey, 'X-User-Id': encodeURIComponent(userId), 'Content-Type': 'application/json' };
}

/** A parsed answer. */
export interface JsonAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Sends a request to the in-process app; `body` is JSON-encoded unless it is a string. */
export async function send<T = any>(
  service: TestService,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<JsonAnswer<T>> {
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const response = await service.app.request(path, { method, headers: init.headers ?? {}, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** User attributes with sensible defaults. */
export function createAttributes(overrides: Attributes = {}): Attributes {
  return { firstName: 'Ada', email: 'ada@example.com', ...overrides };
}

/** A trigger body with sensible defaults. */
export function createTrigger(
  overrides: { notification?: Partial<TriggerRequest['notification']>; data?: TriggerRequest['data']; recipients?: unknown[] } = {},
): Record<string, unknown> {
  return {
    notification: { title: 'Hello <<recipient.firstName>>', message: 'You have a new **message**', ...overrides.notification },
    data: overrides.data ?? { orderId: 42 },
    sendTo: { recipients: overrides.recipients ?? ['ada'] },
  };
}

/** Creates (or updates) a user through the backend API. */
export async function putUser(service: TestService, identifier: string, attributes: Attributes = createAttributes()): Promise<JsonAnswer> {
  return send(service, 'PUT', `/v1/users/${encodeURIComponent(identifier)}`, { headers: backendHeaders(service), body: attributes });
}

/** Sends a trigger through the backend API. */
export async function trigger(service: TestService, body: unknown = createTrigger()): Promise<JsonAnswer> {
  return send(service, 'POST', '/v1/notifications', { headers: backendHeaders(service), body });
}

/** Connects a user through the client API (creating it). */
export async function connect(service: TestService, userId: string): Promise<JsonAnswer> {
  return send(service, 'POST', '/v1/me/connect', { headers: clientHeaders(service, userId) });
}

/** Delivers `count` notifications to `userId` (created first), oldest first; answers their ids. */
export async function deliverMany(service: TestService, userId: string, count: number, notification: Partial<TriggerRequest['notification']> = {}): Promise<string[]> {
  await connect(service, userId);
  for (let i = 0; i < count; i++) {
    const answer = await trigger(service, createTrigger({ recipients: [userId], notification: { title: `n${i}`, ...notification } }));
    if (answer.status !== 202) throw new Error(`trigger failed: ${JSON.stringify(answer.body)}`);
  }
  const page = await send(service, 'GET', `/v1/me/notifications?status=all&limit=100`, { headers: clientHeaders(service, userId) });
  return (page.body.items as { id: string }[]).map((n) => n.id).reverse();
}

/** A seeded random source (mulberry32): the same sequence for the same seed on every machine. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { int, chance: (p: number) => next() < p, pick: <T>(items: readonly T[]): T => items[int(items.length)]! };
}

/** What `createRandom` answers. */
export type Random = ReturnType<typeof createRandom>;
