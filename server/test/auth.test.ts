// Secure mode over HTTP (design §5): every way a user token can be wrong answers the same 401,
// the user always comes from the token, and event streams end with their token.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { base64url, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, createHub, createMemoryBus, openStorage } from '../src/index.ts';
import type { AppRecord, Storage } from '../src/index.ts';
import type { AppSettings, PublicKeyRecord } from '../src/storage/index.ts';
import { createRecordingLog, createTempDir } from './fixtures.ts';
import { openStream } from './realtime/sse-client.ts';
import type { TestStream } from './realtime/sse-client.ts';

const SECRET = 'hs256-signing-secret-of-the-test-app';
const INVALID = { error: { code: 'unauthorized', message: 'the user token is not valid' } };
// Short, so a stream test sees its reauth frame within a few seconds.
const REAUTH_LEAD_MS = 1500;
const nowSeconds = () => Math.floor(Date.now() / 1000);

interface KeyPair {
  privateKey: CryptoKey;
  publicPem: string;
}

async function createKeyPair(alg: 'RS256' | 'ES256'): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicPem: await exportSPKI(publicKey) };
}

/** Signs `claims` (defaults: sub ada, iat now, exp in an hour) with `key` as `alg`. */
async function signToken(
  key: CryptoKey | Uint8Array,
  options: { alg?: string; kid?: string; claims?: Record<string, unknown>; omit?: (keyof JWTPayload)[] } = {},
): Promise<string> {
  const claims: Record<string, unknown> = { sub: 'ada', iat: nowSeconds(), exp: nowSeconds() + 3600, ...options.claims };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256', ...(options.kid ? { kid: options.kid } : {}) }).sign(key);
}

const secretKey = (secret: string) => new TextEncoder().encode(secret);

/** A token with `alg: none` and no signature. */
function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

describe('clientAuth', () => {
  let temp: ReturnType<typeof createTempDir>;
  let storage: Storage;
  let log: ReturnType<typeof createRecordingLog>;
  let rsa1: KeyPair;
  let rsa2: KeyPair;
  let ec: KeyPair;
  let stranger: KeyPair;

  beforeAll(async () => {
    [rsa1, rsa2, ec, stranger] = await Promise.all([createKeyPair('RS256'), createKeyPair('RS256'), createKeyPair('ES256'), createKeyPair('RS256')]);
  });
  beforeEach(async () => {
    temp = createTempDir();
    storage = await openStorage(`sqlite:${join(temp.dir, 'belfry.db')}`);
    log = createRecordingLog();
  });
  afterEach(async () => {
    await storage.close();
    temp.cleanup();
  });

  /** A secure-mode app with users ada and bob, and its HTTP app. */
  async function createSecureApp(settings: AppSettings = {}) {
    const { app: record } = await storage.createApp({ secureMode: true, signingSecret: SECRET, ...settings });
    await storage.upsertUser(record.id, 'ada', { firstName: 'Ada' });
    await storage.upsertUser(record.id, 'bob', { firstName: 'Bob' });
    const hub = createHub({ storage, bus: createMemoryBus(), log });
    const http = createApp({ storage, bus: createMemoryBus(), hub, log });
    /** POST /v1/me/connect with the token as a bearer (unless null) and extra headers. */
    const connect = async (token: string | null, init: { headers?: Record<string, string>; query?: string; apiKey?: string } = {}) => {
      const headers: Record<string, string> = { 'X-API-Key': init.apiKey ?? record.apiKey, ...init.headers };
      if (token !== null) headers['Authorization'] = `Bearer ${token}`;
      const response = await http.request(`/v1/me/connect${init.query ?? ''}`, { method: 'POST', headers });
      return { status: response.status, body: await response.json() };
    };
    return { record, connect };
  }

  const keysOf = (...pairs: [string, 'RS256' | 'ES256', KeyPair][]): PublicKeyRecord[] => pairs.map(([kid, alg, pair]) => ({ kid, alg, pem: pair.publicPem }));

  describe('secure mode', () => {
    // Each case: the app's settings, and the token (built once the app's key is known).
    const refused: { name: string; settings?: () => AppSettings; token: (app: AppRecord) => Promise<string> | string }[] = [
      { name: 'a token signed with another secret', token: () => signToken(secretKey('not-the-secret')) },
      { name: 'a token signed with a key that is not registered', settings: () => ({ publicKeys: keysOf(['k1', 'RS256', rsa1]) }), token: () => signToken(stranger.privateKey, { alg: 'RS256', kid: 'k1' }) },
      { name: 'alg none', token: () => unsignedToken({ sub: 'ada', iat: nowSeconds(), exp: nowSeconds() + 3600 }) },
      {
        name: 'a tampered payload',
        token: async () => {
          const [header, , signature] = (await signToken(secretKey(SECRET))).split('.');
          const forged = base64url.encode(JSON.stringify({ sub: 'bob', iat: nowSeconds(), exp: nowSeconds() + 3600 }));
          return `${header}.${forged}.${signature}`;
        },
      },
      {
        name: 'an HS256 token against an app with only RS256 keys',
        settings: () => ({ signingSecret: null, publicKeys: keysOf(['k1', 'RS256', rsa1]) }),
        token: () => signToken(secretKey(SECRET)),
      },
      {
        name: "an HS256 token using the public key's PEM as the HMAC secret",
        settings: () => ({ signingSecret: null, publicKeys: keysOf(['k1', 'RS256', rsa1]) }),
        token: () => signToken(secretKey(rsa1.publicPem), { kid: 'k1' }),
      },
      {
        name: 'the PEM-as-secret confusion when the app also has a signing secret',
        settings: () => ({ publicKeys: keysOf(['k1', 'RS256', rsa1]) }),
        token: () => signToken(secretKey(rsa1.publicPem), { kid: 'k1' }),
      },
      { name: 'an RS256 token against an app with only a signing secret', token: () => signToken(rsa1.privateKey, { alg: 'RS256' }) },
      {
        name: 'an RS256 token naming an ES256 key',
        settings: () => ({ publicKeys: keysOf(['k1', 'RS256', rsa1], ['e1', 'ES256', ec]) }),
        token: () => signToken(rsa1.privateKey, { alg: 'RS256', kid: 'e1' }),
      },
      { name: 'an expired token (beyond the 60 s tolerance)', token: () => signToken(secretKey(SECRET), { claims: { iat: nowSeconds() - 7200, exp: nowSeconds() - 61 } }) },
      { name: 'a token without exp', token: () => signToken(secretKey(SECRET), { omit: ['exp'] }) },
      { name: 'a token without iat', token: () => signToken(secretKey(SECRET), { omit: ['iat'] }) },
      { name: 'a token without sub', token: () => signToken(secretKey(SECRET), { omit: ['sub'] }) },
      { name: 'a sub that is not a valid identifier', token: () => signToken(secretKey(SECRET), { claims: { sub: 'user:' } }) },
      { name: 'an iat in the future (beyond the tolerance)', token: () => signToken(secretKey(SECRET), { claims: { iat: nowSeconds() + 120 } }) },
      { name: 'an aud of another app', token: () => signToken(secretKey(SECRET), { claims: { aud: 'bk_other_app' } }) },
      { name: 'an apiKey claim of another app', token: () => signToken(secretKey(SECRET), { claims: { apiKey: 'bk_other_app' } }) },
      { name: 'a string that is not a JWT', token: () => 'not.a.jwt' },
      {
        name: 'an unknown kid',
        settings: () => ({ publicKeys: keysOf(['k1', 'RS256', rsa1], ['k2', 'RS256', rsa2]) }),
        token: () => signToken(rsa1.privateKey, { alg: 'RS256', kid: 'k3' }),
      },
      {
        name: 'no kid when several keys are registered',
        settings: () => ({ publicKeys: keysOf(['k1', 'RS256', rsa1], ['k2', 'RS256', rsa2]) }),
        token: () => signToken(rsa1.privateKey, { alg: 'RS256' }),
      },
    ];

    for (const { name, settings, token } of refused) {
      it(`refuses ${name} with the generic 401 and logs the reason, not the token`, async () => {
        const { record, connect } = await createSecureApp(settings?.());
        const jwt = await token(record);
        const answer = await connect(jwt);
        expect(answer).toEqual({ status: 401, body: INVALID });
        const entry = log.entries.find((e) => e.message === 'user token refused');
        expect(entry?.fields).toMatchObject({ reason: expect.any(String), appId: record.id });
        expect(JSON.stringify(log.entries)).not.toContain(jwt.split('.')[2] || jwt);
      });
    }

    it('answers 401 user_token_required without a bearer token', async () => {
      const { connect } = await createSecureApp();
      const answer = await connect(null, { headers: { 'X-User-Id': 'ada' } });
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('user_token_required');
    });

    it('ignores a valid token in the URL', async () => {
      const { connect } = await createSecureApp();
      const token = await signToken(secretKey(SECRET));
      for (const query of [`?token=${token}`, `?userToken=${token}`, `?userId=ada`]) {
        const answer = await connect(null, { query });
        expect(answer.status, query).toBe(401);
        expect(answer.body.error.code).toBe('user_token_required');
      }
    });

    it("refuses a valid token sent with another app's API key", async () => {
      const { record } = await createSecureApp();
      const other = await createSecureApp();
      const token = await signToken(secretKey(SECRET), { claims: { aud: record.apiKey } });
      expect(await other.connect(token)).toEqual({ status: 401, body: INVALID });
      const unknown = await other.connect(token, { apiKey: 'bk_unknown' });
      expect(unknown.status).toBe(401);
    });

    it("acts as the token's user whatever X-User-Id or ?userId= say", async () => {
      const { connect } = await createSecureApp();
      const token = await signToken(secretKey(SECRET), { claims: { sub: 'bob' } });
      const answer = await connect(token, { headers: { 'X-User-Id': 'ada' }, query: '?userId=ada&user=ada' });
      expect(answer.status).toBe(200);
      expect(answer.body.user).toEqual({ identifier: 'bob', attributes: { firstName: 'Bob' } });
    });

    it('accepts an HS256 token with the signing secret and answers the user', async () => {
      const { record, connect } = await createSecureApp();
      const answer = await connect(await signToken(secretKey(SECRET), { claims: { aud: record.apiKey } }));
      expect(answer).toEqual({ status: 200, body: { user: { identifier: 'ada', attributes: { firstName: 'Ada' } }, app: { secureMode: true, name: null }, counts: { unseen: 0, unread: 0 }, seq: 0 } });
    });

    it('accepts tokens of both rotated RS256 keys by kid', async () => {
      const { connect } = await createSecureApp({ publicKeys: keysOf(['k1', 'RS256', rsa1], ['k2', 'RS256', rsa2]) });
      expect((await connect(await signToken(rsa1.privateKey, { alg: 'RS256', kid: 'k1' }))).status).toBe(200);
      expect((await connect(await signToken(rsa2.privateKey, { alg: 'RS256', kid: 'k2' }))).status).toBe(200);
      // The right key under the wrong kid does not verify.
      expect((await connect(await signToken(rsa1.privateKey, { alg: 'RS256', kid: 'k2' }))).status).toBe(401);
    });

    it('accepts an ES256 token, and a token without kid when exactly one key is registered', async () => {
      const { connect } = await createSecureApp({ signingSecret: null, publicKeys: keysOf(['e1', 'ES256', ec]) });
      expect((await connect(await signToken(ec.privateKey, { alg: 'ES256', kid: 'e1' }))).status).toBe(200);
      expect((await connect(await signToken(ec.privateKey, { alg: 'ES256' }))).status).toBe(200);
    });

    it('accepts sub "user:<identifier>" with a matching apiKey claim and no exp when the app allows it', async () => {
      const settings = { signingSecret: null, publicKeys: keysOf(['k1', 'RS256', rsa1]), allowNonExpiringTokens: true };
      const { record, connect } = await createSecureApp(settings);
      // The shape of an Engagespot SDK token: RS256, no kid, no exp.
      const token = await signToken(rsa1.privateKey, { alg: 'RS256', claims: { sub: 'user:bob', apiKey: record.apiKey }, omit: ['exp'] });
      const answer = await connect(token);
      expect(answer.status).toBe(200);
      expect(answer.body.user.identifier).toBe('bob');
    });

    it('accepts exp and iat within the 60 s clock tolerance', async () => {
      const { connect } = await createSecureApp();
      expect((await connect(await signToken(secretKey(SECRET), { claims: { iat: nowSeconds() - 600, exp: nowSeconds() - 30 } }))).status).toBe(200);
      expect((await connect(await signToken(secretKey(SECRET), { claims: { iat: nowSeconds() + 30 } }))).status).toBe(200);
    });

    it('answers 404 user_not_found on connect for an unknown user and does not create it', async () => {
      const { record, connect } = await createSecureApp();
      const answer = await connect(await signToken(secretKey(SECRET), { claims: { sub: 'carol' } }));
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('user_not_found');
      expect(await storage.findUser(record.id, 'carol')).toBeNull();
    });
  });

  describe('GET /v1/me/events', () => {
    let server: Server;
    let url: string;
    let stream: TestStream | undefined;
    let record: AppRecord;

    beforeEach(async () => {
      const { app } = await storage.createApp({ secureMode: true, signingSecret: SECRET });
      record = app;
      await storage.upsertUser(record.id, 'ada', {});
      const bus = createMemoryBus();
      const hub = createHub({ storage, bus, log, heartbeatMs: 60_000, reauthLeadMs: REAUTH_LEAD_MS });
      const http = createApp({ storage, bus, hub, log });
      server = await new Promise<Server>((resolve) => {
        const s = serve({ fetch: http.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
      });
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterEach(async () => {
      stream?.close();
      stream = undefined;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    });

    const open = async (token: string) => (stream = await openStream(`${url}/v1/me/events`, { 'X-API-Key': record.apiKey, Authorization: `Bearer ${token}` }));

    it('sends reauth shortly before the token expires and closes the stream at exp', async () => {
      const exp = nowSeconds() + 3;
      const opened = Date.now();
      await open(await signToken(secretKey(SECRET), { claims: { exp } }));
      const frame = await stream!.next(5000);
      const reauthAt = Date.now();
      expect(frame).toMatchObject({ event: 'reauth', data: { type: 'reauth', seq: 0 } });
      // Due one lead before exp; allow for timer and network delay.
      expect(reauthAt).toBeGreaterThanOrEqual(exp * 1000 - REAUTH_LEAD_MS - 50);
      expect(reauthAt).toBeLessThan(exp * 1000 - REAUTH_LEAD_MS / 2);
      await stream!.ended;
      const endedAt = Date.now();
      expect(endedAt).toBeGreaterThanOrEqual(exp * 1000 - 50);
      expect(endedAt - opened).toBeLessThan(4500);
    });

    it('sends reauth at once and closes a stream whose token expired within the tolerance', async () => {
      await open(await signToken(secretKey(SECRET), { claims: { exp: nowSeconds() - 10 } }));
      expect(await stream!.next(2000)).toMatchObject({ event: 'reauth' });
      await stream!.ended;
    });

    it('keeps streaming a non-expiring token without reauth', async () => {
      await storage.ensureApp({ apiKey: record.apiKey, apiSecret: 'unused-secret', allowNonExpiringTokens: true });
      await open(await signToken(secretKey(SECRET), { omit: ['exp'] }));
      // Heartbeats are a minute apart here, so any frame within the wait would be a reauth.
      await expect(stream!.next(1500)).rejects.toThrow('no frame');
    });
  });
});
