// Authentication of the two APIs (design §4, §5). Backend requests carry the app's key and
// secret; client requests carry the key and the user (or, in secure mode, a user token).
import type { Context, MiddlewareHandler } from 'hono';
import { checkIdentifier, HEADER_API_KEY, HEADER_API_SECRET, HEADER_USER_ID } from 'belfry/protocol';
import { hashSecret, sameDigest, secretDigest } from './crypto.ts';
import { HttpError } from './errors.ts';
import { consoleLog } from './log.ts';
import type { Log } from './log.ts';
import type { AppRecord, Storage, UserRecord } from './storage/index.ts';
import { TokenRejectedError, verifyUserToken } from './tokens.ts';

/**
 * Hono environment of authenticated routes: the app, and for client routes the user's
 * identifier, whether it came from a verified token (`secure`), and when that token expires.
 */
export interface AuthEnv {
  Variables: { app: AppRecord; identifier: string; secure: boolean; tokenExpiresAt: number | null };
}

/** Options of `clientAuth`. */
export interface ClientAuthOptions {
  /** Where the reason a token was refused goes (the client only ever sees a generic 401). */
  log?: Log;
  /** How long an app found by its API key is used without reading it again (default 60 s; 0 turns the cache off). */
  cacheTtlMs?: number;
  /** How many API keys the cache holds at most (default 1,000; the least recently used go first). */
  cacheSize?: number;
  /** Clock of the cache, in ms; defaults to `Date.now`. */
  now?: () => number;
}

// Unknown keys are checked against this hash too, so the answer takes as long as for a known key.
const UNKNOWN_APP_HASH = hashSecret('belfry: no app has this key');

/** Options of `backendAuth`. */
export interface BackendAuthOptions {
  /** How long verified credentials are trusted without reading the app again (default 60 s; 0 turns the cache off). */
  cacheTtlMs?: number;
  /** How many API keys the cache holds at most (default 1,000; the least recently used go first). */
  cacheSize?: number;
  /** Clock of the cache, in ms; defaults to `Date.now`. */
  now?: () => number;
}

/** The default lifetime of a cached credential check: also the longest an old secret keeps working after a re-key. */
export const AUTH_CACHE_TTL_MS = 60_000;

interface VerifiedCredentials {
  secretHash: Buffer;
  app: AppRecord;
}

/** A map of at most `size` entries that forget after `ttl` ms, the least recently used going first. */
interface TtlCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
}

function createTtlCache<V>(ttl: number, size: number, now: () => number): TtlCache<V> {
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the least recently used.
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value) {
      if (ttl <= 0) return;
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + ttl });
      if (entries.size > size) entries.delete(entries.keys().next().value!);
    },
  };
}

/**
 * Middleware of the backend API: `X-API-Key` + `X-API-Secret`, the secret compared in constant time.
 * A successful check is remembered per API key for `cacheTtlMs` (the SHA-256 of the secret and the
 * app, never the secret itself), so a busy backend's repeat requests skip the app lookup; the
 * presented secret is still hashed and compared in constant time on every request. A re-keyed or
 * re-configured app takes effect within the TTL; failures are never cached.
 */
export function backendAuth(storage: Storage, options: BackendAuthOptions = {}): MiddlewareHandler<AuthEnv> {
  const verified = createTtlCache<VerifiedCredentials>(options.cacheTtlMs ?? AUTH_CACHE_TTL_MS, options.cacheSize ?? 1000, options.now ?? Date.now);

  async function authenticate(apiKey: string, apiSecret: string): Promise<AppRecord> {
    const given = secretDigest(apiSecret);
    const cached = verified.get(apiKey);
    if (cached && sameDigest(given, cached.secretHash)) return cached.app;
    // A secret that differs from the cached one may be the app's new one: the database decides.
    const app = await storage.findAppByApiKey(apiKey);
    const stored = Buffer.from(app?.apiSecretHash ?? UNKNOWN_APP_HASH, 'hex');
    if (!sameDigest(given, stored) || !app) throw new HttpError(401, 'unauthorized', 'unknown API key or wrong API secret');
    verified.set(apiKey, { secretHash: stored, app });
    return app;
  }

  return async (c, next) => {
    const apiKey = c.req.header(HEADER_API_KEY);
    const apiSecret = c.req.header(HEADER_API_SECRET);
    if (!apiKey || !apiSecret) throw new HttpError(401, 'unauthorized', `${HEADER_API_KEY} and ${HEADER_API_SECRET} headers are required`);
    c.set('app', await authenticate(apiKey, apiSecret));
    await next();
  };
}

// The one answer to every refused token, so a client cannot probe which check failed.
const INVALID_TOKEN = 'the user token is not valid';

/**
 * Middleware of the client API: `X-API-Key` plus the user. In secure mode the user comes only
 * from a verified `Authorization: Bearer` token; `X-User-Id` and anything in the URL are ignored.
 */
export function clientAuth(storage: Storage, options: ClientAuthOptions = {}): MiddlewareHandler<AuthEnv> {
  const log = options.log ?? consoleLog;
  // Apps found by key, as the backend caches verified credentials: a stream opened or a page read
  // costs no app lookup, and a changed app (secure mode, signing keys) takes effect within the TTL.
  // Unknown keys are never cached, so an app created a moment ago works at once.
  const apps = createTtlCache<AppRecord>(options.cacheTtlMs ?? AUTH_CACHE_TTL_MS, options.cacheSize ?? 1000, options.now ?? Date.now);
  return async (c, next) => {
    const apiKey = c.req.header(HEADER_API_KEY);
    if (!apiKey) throw new HttpError(401, 'unauthorized', `the ${HEADER_API_KEY} header is required`);
    let app = apps.get(apiKey);
    if (!app) {
      app = (await storage.findAppByApiKey(apiKey)) ?? undefined;
      if (!app) throw new HttpError(401, 'unauthorized', 'unknown API key');
      apps.set(apiKey, app);
    }
    c.set('app', app);
    if (app.secureMode) {
      // Checked before X-User-Id: a secure-mode app never trusts a user named by header. Only the
      // header carries tokens: URLs end up in logs, proxies and browser history.
      const token = /^Bearer\s+(\S.*)$/i.exec(c.req.header('Authorization') ?? '')?.[1]?.trim();
      if (!token) throw new HttpError(401, 'user_token_required', 'this app is in secure mode: send a user token as Authorization: Bearer <token>');
      try {
        const verified = await verifyUserToken(app, token);
        c.set('identifier', verified.identifier);
        c.set('tokenExpiresAt', verified.expiresAt);
      } catch (error) {
        if (!(error instanceof TokenRejectedError)) throw error;
        // The reason, never the token: a logged token would be a usable credential.
        log('warn', 'user token refused', { reason: error.message, appId: app.id });
        throw new HttpError(401, 'unauthorized', INVALID_TOKEN);
      }
      c.set('secure', true);
      await next();
      return;
    }
    const raw = c.req.header(HEADER_USER_ID);
    if (raw === undefined || raw === '') throw new HttpError(401, 'unauthorized', `the ${HEADER_USER_ID} header is required`);
    let identifier: string;
    try {
      // Percent-encoded so identifiers outside Latin-1 survive HTTP header encoding.
      identifier = decodeURIComponent(raw);
    } catch {
      throw new HttpError(400, 'invalid_request', `${HEADER_USER_ID} must be percent-encoded UTF-8`);
    }
    const problem = checkIdentifier(identifier);
    if (problem) throw new HttpError(400, 'invalid_request', `${HEADER_USER_ID} ${problem}`);
    c.set('identifier', identifier);
    c.set('secure', false);
    c.set('tokenExpiresAt', null);
    await next();
  };
}

/**
 * The user of `POST /v1/me/connect`: created on first load, except in secure mode, where the
 * app's backend creates users and a token for an unknown one is 404 `user_not_found`.
 */
export async function connectUser(c: Context<AuthEnv>, storage: Storage): Promise<UserRecord> {
  if (!c.get('secure')) return storage.upsertUser(c.get('app').id, c.get('identifier'), {});
  const user = await storage.findUser(c.get('app').id, c.get('identifier'));
  if (!user) throw new HttpError(404, 'user_not_found', 'no such user: in secure mode the app creates users from its backend (PUT /v1/users/{identifier})');
  return user;
}

/** The authenticated client's user; 404 `user_not_found` until it has connected once. */
export async function requireUser(c: Context<AuthEnv>, storage: Storage): Promise<UserRecord> {
  const user = await storage.findUser(c.get('app').id, c.get('identifier'));
  if (!user) throw new HttpError(404, 'user_not_found', 'this user has not connected yet: call POST /v1/me/connect first');
  return user;
}
