// The long-poll fallback of `GET /v1/me/events` (design §4), over a real port on a real SQLite file.
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryBus, createServer, openStorage, userTopic } from '../../src/index.ts';
import type { Bus, RunningServer, Storage, UserRecord } from '../../src/index.ts';
import { createRecordingLog, createTempDir } from '../fixtures.ts';
import { createContent } from '../storage/contract.ts';

const SECRET = 'hs256-signing-secret-of-the-long-poll-test';

describe('GET /v1/me/events?wait= (long-poll)', () => {
  let temp: ReturnType<typeof createTempDir>;
  let server: RunningServer;
  let storage: Storage;
  let bus: Bus;
  let appId: string;
  let ada: UserRecord;

  let log: ReturnType<typeof createRecordingLog>;

  async function start(options: { secureMode?: boolean } = {}): Promise<void> {
    log = createRecordingLog();
    storage = await openStorage(`sqlite:${join(temp.dir, 'belfry.db')}`);
    bus = createMemoryBus();
    server = await createServer({
      port: 0,
      storage,
      bus,
      log,
      rateLimits: false,
      ...(options.secureMode ? { secureMode: true, signingSecret: SECRET } : {}),
    });
    appId = (await storage.findAppByApiKey(server.app.apiKey))!.id;
    ada = await storage.upsertUser(appId, 'ada', {});
  }

  /** Writes `count` notifications for a user and pokes, as the trigger route does. */
  async function deliver(user: UserRecord, count = 1): Promise<void> {
    for (const d of await storage.deliver(appId, Array<number>(count).fill(user.id), createContent())) await bus.publish(userTopic(user.id), d.event.seq);
  }

  function poll(query: string, headers: Record<string, string> = { 'X-User-Id': 'ada' }): Promise<Response> {
    return fetch(`${server.url}/v1/me/events${query}`, { headers: { Accept: 'application/json', 'X-API-Key': server.app.apiKey, ...headers } });
  }

  beforeEach(() => {
    temp = createTempDir();
  });
  afterEach(async () => {
    await server?.close();
    temp.cleanup();
  });

  it('answers the events after the cursor at once, in seq order, with the latest seq', async () => {
    await start();
    await deliver(ada, 3);
    const started = Date.now();
    const response = await poll('?after=1&wait=25');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    const body = await response.json();
    expect(body.events.map((e: { seq: number; type: string }) => [e.seq, e.type])).toEqual([
      [2, 'notification.created'],
      [3, 'notification.created'],
    ]);
    expect(body.seq).toBe(3);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.hub.openStreams).toBe(0);
  });

  it('answers at most 100 events, with the seq telling the client there is more', async () => {
    await start();
    await deliver(ada, 130);
    const body = await (await poll('?after=0&wait=0')).json();
    expect(body.events).toHaveLength(100);
    expect(body.events.at(-1).seq).toBe(100);
    expect(body.seq).toBe(130);
  });

  it('takes the cursor from Last-Event-ID too', async () => {
    await start();
    await deliver(ada, 2);
    const body = await (await poll('?wait=0', { 'X-User-Id': 'ada', 'Last-Event-ID': '1' })).json();
    expect(body.events.map((e: { seq: number }) => e.seq)).toEqual([2]);
  });

  it('waits for a change and answers as soon as a trigger delivers one', async () => {
    await start();
    await deliver(ada, 1);
    const started = Date.now();
    const pending = poll('?after=1&wait=10');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const triggered = await fetch(`${server.url}/v1/notifications`, {
      method: 'POST',
      headers: { 'X-API-Key': server.app.apiKey, 'X-API-Secret': server.app.apiSecret!, 'Content-Type': 'application/json' },
      body: JSON.stringify({ notification: { title: 'Hi' }, sendTo: { recipients: ['ada'] } }),
    });
    expect(triggered.status).toBe(202);
    const body = await (await pending).json();
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(body.events.map((e: { seq: number; type: string }) => [e.seq, e.type])).toEqual([[2, 'notification.created']]);
    expect(body.events[0].notification.title).toBe('Hi');
    expect(body.seq).toBe(2);
  });

  it('answers [] with the unchanged seq when nothing arrives in time', async () => {
    await start();
    await deliver(ada, 1);
    const started = Date.now();
    const body = await (await poll('?after=1&wait=1')).json();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(body).toEqual({ events: [], seq: 1 });
  });

  it('stops waiting when its client leaves', async () => {
    await start();
    const leaving = new AbortController();
    const request = fetch(`${server.url}/v1/me/events?wait=25`, { headers: { Accept: 'application/json', 'X-API-Key': server.app.apiKey, 'X-User-Id': 'ada' }, signal: leaving.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    leaving.abort();
    await expect(request).rejects.toThrow();
    // The handler finished (its request line is logged) long before the 25 s wait ran out.
    const deadline = Date.now() + 3000;
    const finished = () => log.entries.some((e) => e.message === 'request' && e.fields?.['route'] === '/v1/me/events');
    while (!finished() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(finished()).toBe(true);
  });

  it('never answers another user\'s events, nor wakes for them', async () => {
    await start();
    const bob = await storage.upsertUser(appId, 'bob', {});
    await deliver(bob, 2);
    const pending = poll('?after=0&wait=1');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await deliver(bob, 1);
    const body = await (await pending).json();
    expect(body).toEqual({ events: [], seq: 0 });
  });

  it('answers one resync event for a gap too large to replay, and for a cursor from the future', async () => {
    await start();
    await deliver(ada, 1001);
    expect(await (await poll('?after=0&wait=0')).json()).toEqual({ events: [{ type: 'resync', seq: 1001 }], seq: 1001 });
    expect(await (await poll('?after=5000&wait=0')).json()).toEqual({ events: [{ type: 'resync', seq: 1001 }], seq: 1001 });
  });

  it('answers 400 invalid_request for a bad wait or after', async () => {
    await start();
    for (const query of ['?wait=26', '?wait=-1', '?wait=1.5', '?wait=abc', '?wait=100', '?after=x&wait=1', '?after=-2&wait=1']) {
      const response = await poll(query);
      expect(response.status, query).toBe(400);
      expect((await response.json()).error.code, query).toBe('invalid_request');
    }
  });

  it('answers waiting long-polls at once when the server drains', async () => {
    await start();
    const started = Date.now();
    const pending = poll('?wait=25');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closed = server.close();
    const response = await pending;
    expect(await response.json()).toEqual({ events: [], seq: 0 });
    expect(Date.now() - started).toBeLessThan(3000);
    await closed;
  });

  it('is counted by route, not as an open stream', async () => {
    await start();
    await poll('?wait=0');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('belfry_http_requests_total{route="/v1/me/events",method="GET",status="200"} 1');
    expect(metrics).toMatch(/^belfry_streams_open 0$/m);
  });

  describe('in secure mode', () => {
    const token = (sub: string) =>
      new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));

    it('needs a Bearer token and answers the token\'s user only', async () => {
      await start({ secureMode: true });
      const bob = await storage.upsertUser(appId, 'bob', {});
      await deliver(ada, 1);
      await deliver(bob, 1);
      const refused = await poll('?after=0&wait=0', { 'X-User-Id': 'ada' });
      expect(refused.status).toBe(401);
      expect((await refused.json()).error.code).toBe('user_token_required');
      // X-User-Id cannot pick another user than the token's.
      const answer = await poll('?after=0&wait=0', { Authorization: `Bearer ${await token('bob')}`, 'X-User-Id': 'ada' });
      expect(answer.status).toBe(200);
      const body = await answer.json();
      expect(body.events).toHaveLength(1);
      expect((await storage.listEvents(bob.id, 0, 1))[0]).toEqual(body.events[0]);
    });
  });
});
