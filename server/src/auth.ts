// Authentication of the two APIs (design §4, §5). Backend requests carry the app's key and
// secret; client requests carry the key and the user (or, in secure mode, a user token).
import type { Context, MiddlewareHandler } from 'hono';
import { checkIdentifier, HEADER_API_KEY, HEADER_API_SECRET, HEADER_USER_ID } from 'belfry/protocol';
import { hashSecret, verifySecret } from './crypto.ts';
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
}

// Unknown keys are checked against this hash too, so the answer takes as long as for a known key.
const UNKNOWN_APP_HASH = hashSecret('belfry: no app has this key');

/** Middleware of the backend API: `X-API-Key` + `X-API-Secret`, the secret compared in constant time. */
export function backendAuth(storage: Storage): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const apiKey = c.req.header(HEADER_API_KEY);
    const apiSecret = c.req.header(HEADER_API_SECRET);
    if (!apiKey || !apiSecret) throw new HttpError(401, 'unauthorized', `${HEADER_API_KEY} and ${HEADER_API_SECRET} headers are required`);
    const app = await storage.findAppByApiKey(apiKey);
    const matches = verifySecret(apiSecret, app?.apiSecretHash ?? UNKNOWN_APP_HASH);
    if (!app || !matches) throw new HttpError(401, 'unauthorized', 'unknown API key or wrong API secret');
    c.set('app', app);
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
  return async (c, next) => {
    const apiKey = c.req.header(HEADER_API_KEY);
    if (!apiKey) throw new HttpError(401, 'unauthorized', `the ${HEADER_API_KEY} header is required`);
    const app = await storage.findAppByApiKey(apiKey);
    if (!app) throw new HttpError(401, 'unauthorized', 'unknown API key');
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
