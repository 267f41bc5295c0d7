// Authentication of the Engagespot v3 API: the app's key and secret under Engagespot's header
// names. It mirrors `backendAuth` in ../auth.ts (same lookup, same constant-time check, same
// answers) rather than wrapping it, because that middleware reads Belfry's header names.
import type { MiddlewareHandler } from 'hono';
import type { AuthEnv } from '../auth.ts';
import { hashSecret, verifySecret } from '../crypto.ts';
import { HttpError } from '../errors.ts';
import type { Storage } from '../storage/index.ts';

/** The header carrying the app's public API key, as the Engagespot SDK sends it. */
export const HEADER_ENGAGESPOT_API_KEY = 'X-ENGAGESPOT-API-KEY';
/** The header carrying the app's API secret, as the Engagespot SDK sends it. */
export const HEADER_ENGAGESPOT_API_SECRET = 'X-ENGAGESPOT-API-SECRET';

// Unknown keys are checked against this hash too, so the answer takes as long as for a known key.
const UNKNOWN_APP_HASH = hashSecret('belfry compat: no app has this key');

/** Middleware of the `/v3` routes: `X-ENGAGESPOT-API-KEY` + `X-ENGAGESPOT-API-SECRET`, the secret compared in constant time. */
export function compatAuth(storage: Storage): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const apiKey = c.req.header(HEADER_ENGAGESPOT_API_KEY);
    const apiSecret = c.req.header(HEADER_ENGAGESPOT_API_SECRET);
    if (!apiKey || !apiSecret) {
      throw new HttpError(401, 'unauthorized', `${HEADER_ENGAGESPOT_API_KEY} and ${HEADER_ENGAGESPOT_API_SECRET} headers are required`);
    }
    const app = await storage.findAppByApiKey(apiKey);
    const matches = verifySecret(apiSecret, app?.apiSecretHash ?? UNKNOWN_APP_HASH);
    if (!app || !matches) throw new HttpError(401, 'unauthorized', 'unknown API key or wrong API secret');
    c.set('app', app);
    await next();
  };
}
