// The caches of authentication: the backend API's verified credentials (repeat requests skip the app
// lookup, wrong secrets never pass, a re-keyed app stops accepting its old secret within the TTL) and
// the client API's apps by key (a changed app takes effect within the TTL, unknown keys never stick).
import { Hono } from 'hono';
import type { Context, MiddlewareHandler } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH_CACHE_TTL_MS, backendAuth, clientAuth } from '../src/auth.ts';
import type { AuthEnv, BackendAuthOptions, ClientAuthOptions } from '../src/auth.ts';
import { HttpError } from '../src/errors.ts';
import { openSqliteStorage } from '../src/index.ts';
import type { Storage } from '../src/index.ts';

let storage: Storage;
let lookups: number;
let clock: number;

beforeEach(() => {
  storage = openSqliteStorage(':memory:');
  lookups = 0;
  clock = 1_000_000;
});
afterEach(() => storage.close());

/** A Hono app answering `answer` behind `middleware`, which sees a storage that counts app lookups. */
function createAuthApp(middleware: (storage: Storage) => MiddlewareHandler<AuthEnv>, answer: (c: Context<AuthEnv>) => Response) {
  const counted: Storage = { ...storage, findAppByApiKey: (apiKey) => (lookups++, storage.findAppByApiKey(apiKey)) };
  const app = new Hono<AuthEnv>();
  app.use('*', middleware(counted));
  app.get('/', answer);
  app.onError((error, c) => c.json({ code: error instanceof HttpError ? error.code : 'internal' }, (error instanceof HttpError ? error.status : 500) as 401));
  return app;
}

describe('backendAuth', () => {
  /** An app behind the middleware that answers the authenticated app's id; counts app lookups. */
  function createBackendApp(options: BackendAuthOptions = {}) {
    const app = createAuthApp((counted) => backendAuth(counted, { now: () => clock, ...options }), (c) => c.json({ appId: c.get('app').id }));
    return (apiKey: string, apiSecret: string) => app.request('/', { headers: { 'X-API-Key': apiKey, 'X-API-Secret': apiSecret } });
  }

  describe('verified-credentials cache', () => {
    it('answers a repeat request with the same credentials without reading the app again', async () => {
      const { app, apiSecret } = await storage.createApp({ apiKey: 'key-a' });
      const request = createBackendApp();
      for (let i = 0; i < 3; i++) expect(await (await request('key-a', apiSecret)).json()).toEqual({ appId: app.id });
      expect(lookups).toBe(1);
    });

    it('refuses a wrong secret for a cached key, and keeps the right one cached', async () => {
      const { apiSecret } = await storage.createApp({ apiKey: 'key-a' });
      const request = createBackendApp();
      await request('key-a', apiSecret);
      expect((await request('key-a', `${apiSecret}x`)).status).toBe(401);
      expect((await request('key-a', '')).status).toBe(401);
      expect((await request('key-a', apiSecret)).status).toBe(200);
      // The wrong secret was checked against the database (it could have been a new one); the right one was not.
      expect(lookups).toBe(2);
    });

    it('accepts a re-keyed app\'s new secret at once, which then replaces the old one in the cache', async () => {
      await storage.ensureApp({ apiKey: 'key-a', apiSecret: 'old-secret' });
      const request = createBackendApp();
      expect((await request('key-a', 'old-secret')).status).toBe(200);
      await storage.ensureApp({ apiKey: 'key-a', apiSecret: 'new-secret' });
      expect((await request('key-a', 'new-secret')).status).toBe(200);
      expect((await request('key-a', 'old-secret')).status).toBe(401);
    });

    it('keeps an old secret working for at most the TTL when it was the cached one', async () => {
      await storage.ensureApp({ apiKey: 'key-a', apiSecret: 'old-secret' });
      const request = createBackendApp();
      await request('key-a', 'old-secret');
      await storage.ensureApp({ apiKey: 'key-a', apiSecret: 'new-secret' });
      clock += AUTH_CACHE_TTL_MS - 1;
      expect((await request('key-a', 'old-secret')).status).toBe(200);
      clock += 1;
      expect((await request('key-a', 'old-secret')).status).toBe(401);
      expect((await request('key-a', 'new-secret')).status).toBe(200);
    });

    it('holds at most cacheSize keys, dropping the least recently used', async () => {
      const secrets = new Map<string, string>();
      for (const key of ['a', 'b', 'c']) secrets.set(key, (await storage.createApp({ apiKey: key })).apiSecret);
      const request = createBackendApp({ cacheSize: 2 });
      for (const key of ['a', 'b', 'a', 'c']) await request(key, secrets.get(key)!);
      expect(lookups).toBe(3);
      await request('a', secrets.get('a')!);
      expect(lookups).toBe(3);
      await request('b', secrets.get('b')!);
      expect(lookups).toBe(4);
    });

    it('reads the app on every request when the TTL is 0, and never caches an unknown key', async () => {
      const { apiSecret } = await storage.createApp({ apiKey: 'key-a' });
      const uncached = createBackendApp({ cacheTtlMs: 0 });
      await uncached('key-a', apiSecret);
      await uncached('key-a', apiSecret);
      expect(lookups).toBe(2);
      const request = createBackendApp();
      expect((await request('nobody', apiSecret)).status).toBe(401);
      expect((await request('nobody', apiSecret)).status).toBe(401);
      expect(lookups).toBe(4);
    });
  });
});

describe('clientAuth', () => {
  /** An app behind the middleware that answers the app's id and the user's identifier; counts app lookups. */
  function createClientApp(options: ClientAuthOptions = {}) {
    const app = createAuthApp(
      (counted) => clientAuth(counted, { now: () => clock, log: () => {}, ...options }),
      (c) => c.json({ appId: c.get('app').id, identifier: c.get('identifier') }),
    );
    return (apiKey: string) => app.request('/', { headers: { 'X-API-Key': apiKey, 'X-User-Id': 'ada' } });
  }

  describe('app cache', () => {
    it('answers repeat requests with the same key without reading the app again', async () => {
      const { app } = await storage.createApp({ apiKey: 'key-a' });
      const request = createClientApp();
      for (let i = 0; i < 3; i++) expect(await (await request('key-a')).json()).toEqual({ appId: app.id, identifier: 'ada' });
      expect(lookups).toBe(1);
    });

    it('applies a change to the app (secure mode) within the TTL', async () => {
      await storage.createApp({ apiKey: 'key-a' });
      const request = createClientApp();
      expect((await request('key-a')).status).toBe(200);
      await storage.ensureApp({ apiKey: 'key-a', apiSecret: 'secret', secureMode: true });
      clock += AUTH_CACHE_TTL_MS - 1;
      expect((await request('key-a')).status).toBe(200);
      clock += 1;
      const refused = await request('key-a');
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ code: 'user_token_required' });
    });

    it('never caches an unknown key, so an app created after a refusal works at once', async () => {
      const request = createClientApp();
      expect((await request('key-a')).status).toBe(401);
      await storage.createApp({ apiKey: 'key-a' });
      expect((await request('key-a')).status).toBe(200);
      expect(lookups).toBe(2);
    });

    it('holds at most cacheSize keys, and reads the app every time when the TTL is 0', async () => {
      for (const key of ['a', 'b', 'c']) await storage.createApp({ apiKey: key });
      const request = createClientApp({ cacheSize: 2 });
      for (const key of ['a', 'b', 'a', 'c', 'a']) await request(key);
      expect(lookups).toBe(3);
      await request('b');
      expect(lookups).toBe(4);
      const uncached = createClientApp({ cacheTtlMs: 0 });
      await uncached('a');
      await uncached('a');
      expect(lookups).toBe(6);
    });
  });
});
