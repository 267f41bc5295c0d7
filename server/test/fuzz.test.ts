// Bad input across every documented endpoint (issue 3 item 9): thousands of seeded, deterministic
// requests with random and mutated bodies, junk paths, queries and headers, valid and broken auth.
// Whatever arrives, the service answers below 500 with a well-formed error and no internals.
// Reproduce another run with BELFRY_FUZZ_SEED=<n> (and BELFRY_FUZZ_RUNS=<n>).
import { base64url, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from 'belfry/protocol';
import { createApp, createHub, createMemoryBus, openStorage } from '../src/index.ts';
import type { Hub, Storage } from '../src/index.ts';
import { createOpenApiDocument } from '../src/openapi/index.ts';
import type { JsonSchema } from '../src/openapi/index.ts';
import { createRandom, createRecordingLog } from './fixtures.ts';
import type { Random } from './fixtures.ts';

const SEED = Number(process.env['BELFRY_FUZZ_SEED'] ?? 20_240_917);
const RUNS = Number(process.env['BELFRY_FUZZ_RUNS'] ?? 3000);
const SIGNING_SECRET = 'fuzz-signing-secret-of-the-secure-app';
const POLLUTION_KEY = 'belfryPolluted';

//#region Seeded randomness


//#endregion
//#region Junk values

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];
const JUNK_STRINGS = [
  '', ' ', '\u0000', '\u0007\u001b[31m', '\r\n', '\t', '\u202e', '\u2028', '\ud800', '\udfff\ud800', '💥', 'ä', '\ufeff',
  '%E0%A4%A', '%', '%00', '%2F', '../..', '<img src=x onerror=alert(1)>', "'; DROP TABLE users; --", '<<recipient.__proto__>>',
  '{{constructor.constructor}}', '<<data', 'javascript:alert(1)', 'data:text/html,x', 'NaN', 'Infinity', '-0', '1e309', 'null',
  'true', '[]', '{}', ...PROTO_KEYS, 'a'.repeat(257), 'x'.repeat(5000),
];
// Number literals JSON.stringify cannot write: they go into the text raw (1e309 parses as Infinity).
const RAW_NUMBERS = ['1e309', '-1e309', '-0', '-0.0', '1E400', '1e-400', '123456789012345678901234567890', '0.1e-0'];
const NUMBERS = [0, 1, -1, 1.5, 2 ** 53 + 1, -(2 ** 63), Number.MAX_VALUE, 5e-324, 1e21];

/** Text fragments spliced into a body raw (where JSON values cannot express them). */
interface RawFragments {
  add(text: string): string;
  splice(json: string): string;
}

function createRawFragments(): RawFragments {
  const fragments: string[] = [];
  return {
    add: (text) => `@@raw:${fragments.push(text) - 1}@@`,
    splice: (json) => json.replace(/"@@raw:(\d+)@@"/g, (_, i: string) => fragments[Number(i)]!),
  };
}

function randomString(r: Random): string {
  if (r.chance(0.5)) return r.pick(JUNK_STRINGS);
  const ranges: [number, number][] = [[0x20, 0x7e], [0, 0x1f], [0x80, 0xff], [0x100, 0xffff], [0xd800, 0xdfff], [0x1f300, 0x1faff]];
  let text = '';
  for (let i = r.int(20); i >= 0; i--) {
    const [low, high] = r.pick(ranges);
    text += String.fromCodePoint(low + r.int(high - low + 1));
  }
  return text;
}

/** Sets `key` as an own enumerable property, also `__proto__` (plain assignment would set the prototype). */
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function randomJson(r: Random, raw: RawFragments, depth = 0): unknown {
  switch (r.int(depth > 2 ? 6 : 8)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.chance(0.3) ? raw.add(r.pick(RAW_NUMBERS)) : r.pick(NUMBERS);
    case 3:
    case 4:
      return randomString(r);
    case 5:
      return r.int(1000) - 500;
    case 6:
      return Array.from({ length: r.int(4) }, () => randomJson(r, raw, depth + 1));
    default: {
      const value: Record<string, unknown> = {};
      for (let i = r.int(4); i > 0; i--) setKey(value, r.chance(0.3) ? r.pick(PROTO_KEYS) : randomString(r), randomJson(r, raw, depth + 1));
      return value;
    }
  }
}

/** Something that is not what the field wants: a wrong type, a huge string, deep nesting, a prototype trap. */
function wrongValue(r: Random, raw: RawFragments): unknown {
  const depth = r.pick([100, 1000, 10_000, 100_000]);
  switch (r.int(6)) {
    case 0:
      return 'y'.repeat(r.pick([1000, 70_000, 200_000]));
    case 1:
      return raw.add(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    case 2:
      return raw.add(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
    case 3: {
      const trap: Record<string, unknown> = {};
      setKey(trap, r.pick(PROTO_KEYS), { [POLLUTION_KEY]: true, prototype: { [POLLUTION_KEY]: true } });
      return trap;
    }
    default:
      return randomJson(r, raw);
  }
}

/** Every place in a value a mutation can hit: `[]` is the root. */
function locations(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const found = [at];
  if (Array.isArray(value)) value.forEach((item, i) => found.push(...locations(item, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) found.push(...locations(item, [...at, key]));
  return found;
}

/** A copy of `example` with one location replaced, removed, or given an extra (maybe prototype) key. */
function mutate(r: Random, raw: RawFragments, example: unknown): unknown {
  const copy = structuredClone(example);
  const at = r.pick(locations(copy).slice(1));
  if (!at) return wrongValue(r, raw);
  const parent = at.slice(0, -1).reduce<any>((node, key) => node[key], copy);
  const key = at[at.length - 1]!;
  const action = r.int(4);
  if (action === 0 && !Array.isArray(parent)) delete parent[key];
  else if (action === 1 && typeof parent[key] === 'object' && parent[key] !== null && !Array.isArray(parent[key])) {
    setKey(parent[key], r.chance(0.5) ? r.pick(PROTO_KEYS) : randomString(r), wrongValue(r, raw));
  } else setKey(parent, String(key), wrongValue(r, raw));
  return copy;
}

const MALFORMED_JSON = ['', ' ', 'undefined', "{'a': 1}", '{"a":1,}', '[1,2', '{"a":}', 'NaN', '\ufeff{}', '{"a":"\\x41"}', '{"a":1}{"b":2}', '{"a":"\u0000"}', '0', '""', 'null', '[]', '{"__proto__":{"belfryPolluted":true}}'];

/** A body for an operation that takes one: the example, mutated, random, malformed or oversized. */
function randomBody(r: Random, example: unknown): string | Uint8Array<ArrayBuffer> {
  const raw = createRawFragments();
  const choice = r.int(20);
  if (choice < 3) return JSON.stringify(example);
  if (choice < 11) return raw.splice(JSON.stringify(mutate(r, raw, example)));
  if (choice < 14) return raw.splice(JSON.stringify(randomJson(r, raw)));
  if (choice < 17) return r.chance(0.5) ? r.pick(MALFORMED_JSON) : JSON.stringify(example).slice(0, r.int(JSON.stringify(example).length));
  if (choice < 18) return Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]);
  return raw.splice(JSON.stringify({ ...(example as object), padding: 'z'.repeat(r.pick([250_000, 300_000, 1_000_000])) }));
}

//#endregion
//#region Requests

/** One documented operation, as the fuzzer drives it. */
interface Target {
  operationId: string;
  method: string;
  path: string;
  auth: 'backend' | 'client' | 'public';
  queries: string[];
  headers: string[];
  example: unknown;
}

/** The operations of the OpenAPI document, resolved into what a request needs. */
function targets(document: JsonSchema): Target[] {
  const parameters = (document['components'] as JsonSchema)['parameters'] as Record<string, JsonSchema>;
  const resolve = (p: JsonSchema) => (typeof p['$ref'] === 'string' ? parameters[p['$ref'].split('/').pop()!]! : p);
  return Object.entries(document['paths'] as Record<string, Record<string, JsonSchema>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => {
      const params = ((op['parameters'] as JsonSchema[] | undefined) ?? []).map(resolve);
      const security = op['security'] as Record<string, unknown>[];
      const media = (op['requestBody'] as { content: Record<string, { example: unknown }> } | undefined)?.content['application/json'];
      return {
        operationId: op['operationId'] as string,
        method: method.toUpperCase(),
        path,
        auth: security.length === 0 ? 'public' : Object.hasOwn(security[0]!, 'apiSecret') ? 'backend' : 'client',
        queries: params.filter((p) => p['in'] === 'query').map((p) => p['name'] as string),
        headers: params.filter((p) => p['in'] === 'header').map((p) => p['name'] as string),
        example: media?.example,
      } satisfies Target;
    }),
  );
}

/** What a request may name: the fuzzed service's apps, users, notifications and tokens. */
interface World {
  apiKey: string;
  apiSecret: string;
  secureApiKey: string;
  secureToken: string;
  /** Ids of ada's notifications and of another app's user's, refreshed as the run goes. */
  notificationIds: string[];
}

const SEGMENT_JUNK = ['%E0%A4%A', '%', '%%', '%00', '%C0%AF', '%F0%9F%92', '.', '..', '%2e%2e', '%2F', ';', 'a'.repeat(300), '%20', '~', '%7B%7D'];
const QUERY_VALUES: Record<string, string[]> = {
  limit: ['1', '20', '100', '200', '0', '101', '-1', '1.5', '1e2', '99999999999999999999', ' 5', '0x10'],
  cursor: ['0', '5', '999999999999999', '9999999999999999', '-1', 'abc'],
  status: ['unread', 'read', 'archived', 'all', 'ALL'],
  category: ['orders', 'default', '__proto__'],
  channel: ['email', 'sms', 'webhook', 'inApp', 'EMAIL'],
  recipient: ['ada', 'grace', 'x'.repeat(300)],
  after: ['0', '1', '3', '999999', '-1', '1.0'],
  // A valid wait above 0 holds a long-poll open for that long: only 0 answers at once.
  wait: ['0', '26', '-1', '1.5', 'abc', '99', '0x1'],
};

/** A value as a URL component: usually encoded, sometimes raw so percent junk reaches the router. */
function component(r: Random, value: string): string {
  if (r.chance(0.3)) return value;
  try {
    return encodeURIComponent(value);
  } catch {
    return value; // A lone surrogate: send it raw and let the URL parser cope.
  }
}

/** Keeps what a header value can carry (bytes, no CR/LF/NUL): the fetch API refuses the rest. */
function headerValue(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

function pathOf(r: Random, world: World, target: Target): string {
  return target.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (r.chance(0.25)) return r.chance(0.5) ? r.pick(SEGMENT_JUNK) : component(r, randomString(r));
    if (name === 'id') return r.pick([...world.notificationIds, 'no-such-notification']);
    if (target.path.startsWith('/v1/workflows')) return r.pick(['order-shipped', 'no-such-workflow']);
    // ada stays: the client API needs her. grace comes back with every trigger of the example.
    return target.method === 'DELETE' ? r.pick(['grace', 'nobody']) : r.pick(['ada', 'grace', 'nobody', 'secure-only']);
  });
}

function queryOf(r: Random, target: Target): string {
  const pairs: string[] = [];
  for (const name of target.queries) {
    if (!r.chance(0.4)) continue;
    pairs.push(`${name}=${component(r, r.chance(0.75) ? r.pick(QUERY_VALUES[name] ?? ['x']) : randomString(r))}`);
  }
  if (r.chance(0.1)) pairs.push(`${component(r, randomString(r))}=${component(r, randomString(r))}`);
  if (r.chance(0.05)) pairs.push(r.pick(['%E0%A4%A=%', '&&=', 'limit=1&limit=abc', '__proto__[x]=1', 'a[]=1&a[]=2', 'userId=ada', 'token=x.y.z']));
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

/** The credentials an operation wants, for the non-secure app (client requests act for `userId`). */
function validAuth(world: World, auth: Target['auth'], userId: string): Record<string, string> {
  if (auth === 'backend') return { 'X-API-Key': world.apiKey, 'X-API-Secret': world.apiSecret };
  return auth === 'client' ? { 'X-API-Key': world.apiKey, 'X-User-Id': userId } : {};
}

function authHeaders(r: Random, world: World, auth: Target['auth']): Record<string, string> {
  const userId = r.chance(0.7) ? 'ada' : r.chance(0.5) ? component(r, r.pick(['grace', `new-${r.int(50)}`])) : headerValue(randomString(r));
  const valid = validAuth(world, auth === 'public' ? 'client' : auth, userId);
  if (auth !== 'public' && r.chance(0.8)) return valid;
  if (auth === 'client' && r.chance(0.3)) return { 'X-API-Key': world.secureApiKey, Authorization: `Bearer ${world.secureToken}` };
  switch (r.int(9)) {
    case 0:
      return {};
    case 1:
      return { 'X-API-Key': world.apiKey };
    case 2:
      return { 'X-API-Key': world.apiKey, 'X-API-Secret': 'wrong-secret' };
    case 3:
      return { 'X-API-Key': headerValue(randomString(r)), 'X-API-Secret': world.apiSecret, 'X-User-Id': 'ada' };
    case 4:
      return { 'X-API-Key': world.secureApiKey, 'X-User-Id': 'ada' };
    case 5:
      return { 'X-API-Key': world.secureApiKey, Authorization: r.pick(['Bearer', 'Bearer x.y.z', 'Basic YTpi', `Bearer ${world.secureToken}x`, `Bearer ${unsignedToken()}`]) };
    case 6:
      return { 'X-API-Key': world.apiKey, 'X-User-Id': headerValue(r.pick(['%E0%A4%A', '%', '%00', '%0A', 'a'.repeat(300), '%C3%28', randomString(r)])) };
    case 7:
      return { ...valid, 'X-API-Secret': world.apiSecret };
    default:
      return valid;
  }
}

function unsignedToken(): string {
  const part = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'ada', iat: 1, exp: 4_000_000_000 })}.`;
}

/** One request, described so a failure can be replayed by hand. */
interface FuzzRequest {
  target: Target;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array<ArrayBuffer> | undefined;
}

function createRequest(r: Random, world: World, target: Target, all: Target[]): FuzzRequest {
  const headers: Record<string, string> = { ...authHeaders(r, world, target.auth) };
  let method = target.method;
  // Now and then a method this path does not serve (never one it does: DELETE ada would end the run's client API).
  if (r.chance(0.04)) {
    const served = all.filter((t) => t.path === target.path).map((t) => t.method);
    const others = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].filter((m) => !served.includes(m));
    if (others.length > 0) method = r.pick(others);
  }
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    if (target.example !== undefined) body = randomBody(r, target.example);
    else if (r.chance(0.2)) body = r.chance(0.5) ? r.pick(MALFORMED_JSON) : JSON.stringify(randomJson(r, createRawFragments()));
  }
  if (body !== undefined || r.chance(0.1)) headers['Content-Type'] = r.chance(0.85) ? 'application/json' : r.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', 'application/json; charset=latin1']);
  for (const name of target.headers) {
    if (!r.chance(0.5)) continue;
    headers[name] = headerValue(name === 'Idempotency-Key' && r.chance(0.7) ? r.pick(['key-1', 'key-2', 'key-3']) : r.chance(0.5) ? r.pick(['0', '1', '42', '-1', '1e3', '', ' ']) : randomString(r));
  }
  if (r.chance(0.05)) headers['Last-Event-ID'] = headerValue(randomString(r));
  if (r.chance(0.05)) headers['X-Request-Id'] = headerValue(randomString(r));
  if (r.chance(0.03)) headers['Content-Length'] = r.pick(['-1', 'abc', '999999999', '1e3', '0']);
  return { target, method, url: `http://localhost${pathOf(r, world, target)}${queryOf(r, target)}`, headers, body };
}

//#endregion
//#region Checks

/** Text shortened for a failure message: runs like `[[[[...` become `[×5000`, then cut at 400. */
function compact(text: string): string {
  return text.replace(/(.{1,6}?)\1{9,}/gs, (run: string, unit: string) => `(${unit})×${run.length / unit.length}`).slice(0, 400);
}

/** A failure in a form the lead can replay: request, then answer. */
function describeFailure(request: FuzzRequest, status: number, text: string, problem: string): string {
  const body = typeof request.body === 'string' ? request.body : request.body ? `<bytes ${Buffer.from(request.body).toString('hex')}>` : '';
  return `${problem}: ${request.method} ${compact(request.url)} headers=${JSON.stringify(request.headers)} body=${JSON.stringify(compact(body))} -> ${status} ${compact(text)}`;
}

const STACK_TRACE = /\n\s+at |\/server\/src\/|node_modules|\.ts:\d+/;

/** What is wrong with an answer, or null. */
function answerProblem(method: string, status: number, contentType: string, text: string): string | null {
  if (status >= 500) return 'a 5xx answer';
  if (STACK_TRACE.test(text)) return 'a stack trace or source path in the answer';
  if (status < 400 || method === 'HEAD' || (method === 'OPTIONS' && status === 204)) return null;
  if (!contentType.startsWith('application/json')) return `a ${status} that is not JSON`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `a ${status} whose body does not parse`;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!error || !(ERROR_CODES as readonly unknown[]).includes(error.code) || typeof error.message !== 'string') return `a ${status} without {"error": {code, message}}`;
  return null;
}

//#endregion

describe('createApp', () => {
  const document = createOpenApiDocument();
  const all = targets(document);
  const log = createRecordingLog();
  let storage: Storage;
  let hub: Hub;
  let app: ReturnType<typeof createApp>;
  let world: World;

  const request = async (req: FuzzRequest) => {
    const controller = new AbortController();
    // A long-poll may wait up to its `wait`: leave after a moment, as a client closing its tab would.
    const leave = setTimeout(() => controller.abort(), 50);
    const response = await app.request(new Request(req.url, { method: req.method, headers: req.headers, body: req.body, signal: controller.signal }));
    clearTimeout(leave);
    const contentType = response.headers.get('Content-Type') ?? '';
    // An open event stream never ends by itself: leave right after the headers, as a client would.
    if (contentType.startsWith('text/event-stream')) {
      controller.abort();
      await response.body?.cancel();
      return { status: response.status, contentType, text: '' };
    }
    return { status: response.status, contentType, text: await response.text() };
  };

  const refreshNotificationIds = async (otherIds: string[]) => {
    const user = await storage.findUser((await storage.findAppByApiKey(world.apiKey))!.id, 'ada');
    const rows = user ? await storage.listNotifications(user.id, { limit: 20, before: null, status: 'all', category: null }) : { items: [] };
    world.notificationIds = [...rows.items.map((n) => n.id), ...otherIds];
  };

  beforeAll(async () => {
    storage = await openStorage('sqlite::memory:');
    const bus = createMemoryBus();
    hub = createHub({ storage, bus, log });
    // Unlimited, so the fuzz reaches the routes instead of spending itself on 429s.
    app = createApp({ storage, bus, hub, log, rateLimits: false });
    const plain = await storage.createApp({ secureMode: false });
    const secure = await storage.createApp({ secureMode: true, signingSecret: SIGNING_SECRET });
    await storage.upsertUser(secure.app.id, 'ada', {});
    await storage.upsertUser(secure.app.id, 'secure-only', {});
    const now = Math.floor(Date.now() / 1000);
    const secureToken = await new SignJWT({ sub: 'ada', iat: now, exp: now + 3600 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SIGNING_SECRET));
    world = { apiKey: plain.app.apiKey, apiSecret: plain.apiSecret, secureApiKey: secure.app.apiKey, secureToken, notificationIds: [] };
  });
  afterAll(async () => {
    await hub.closeAll();
    await storage.close();
  });

  describe('every documented operation, fuzzed', () => {
    it('answers its documented example with a success', async () => {
      // Also checks the document: an example that the service refuses is a wrong example.
      const order = ['upsertUser', 'connect', 'upsertWorkflow', 'triggerNotification'];
      const byOrder = [...order.map((id) => all.find((t) => t.operationId === id)!), ...all.filter((t) => !order.includes(t.operationId))];
      const failures: string[] = [];
      for (const target of byOrder) {
        if (target.method === 'DELETE') continue;
        const headers = { ...validAuth(world, target.auth, 'ada'), 'Content-Type': 'application/json' };
        await refreshNotificationIds([]);
        const path = target.path.replace('{identifier}', target.path.startsWith('/v1/workflows') ? 'order-shipped' : 'ada').replace('{id}', world.notificationIds[0] ?? 'none');
        const req: FuzzRequest = { target, method: target.method, url: `http://localhost${path}`, headers, body: target.example === undefined ? undefined : JSON.stringify(target.example) };
        const answer = await request(req);
        if (answer.status >= 300) failures.push(describeFailure(req, answer.status, answer.text, `${target.operationId} refused its example`));
      }
      expect(failures).toEqual([]);
    });

    it(`answers ${RUNS} random requests below 500, with an error body for every 4xx and no stack trace`, async () => {
      const r = createRandom(SEED);
      // Another app's notification: as unknown to ada as a made-up id.
      const otherApp = await storage.createApp({ secureMode: false });
      const stranger = await storage.upsertUser(otherApp.app.id, 'ada', {});
      await storage.deliver(otherApp.app.id, [stranger.id], { category: null, workflow: null, title: 't', message: 'm', url: null, icon: null, actions: [], data: {} });
      const otherIds = (await storage.listNotifications(stranger.id, { limit: 5, before: null, status: 'all', category: null })).items.map((n) => n.id);
      await refreshNotificationIds(otherIds);

      const failures: string[] = [];
      const outcomes = new Map<string, { ok: number; refused: number }>(all.map((t) => [t.operationId, { ok: 0, refused: 0 }]));
      for (let run = 0; run < RUNS; run++) {
        if (run % 100 === 0) await refreshNotificationIds(otherIds);
        const req = createRequest(r, world, r.pick(all), all);
        const answer = await request(req);
        const problem = answerProblem(req.method, answer.status, answer.contentType, answer.text);
        if (problem) failures.push(describeFailure(req, answer.status, answer.text, problem));
        const outcome = outcomes.get(req.target.operationId)!;
        if (answer.status < 300 && req.method === req.target.method) outcome.ok++;
        else if (answer.status >= 400) outcome.refused++;
      }

      expect({ count: failures.length, first: failures.slice(0, 10) }).toEqual({ count: 0, first: [] });
      expect(log.entries.filter((entry) => entry.level === 'error').map((entry) => `${entry.message}: ${String(entry.fields?.['error'])}`)).toEqual([]);
      expect((Object.prototype as Record<string, unknown>)[POLLUTION_KEY]).toBeUndefined();
      expect(hub.openStreams).toBe(0);
      // The fuzz reached past auth and validation on every operation, and was refused on every one.
      const public_ = new Set(all.filter((t) => t.auth === 'public').map((t) => t.operationId));
      expect([...outcomes].filter(([id, o]) => o.ok === 0 || (o.refused === 0 && !public_.has(id)))).toEqual([]);
    });
  });
});
