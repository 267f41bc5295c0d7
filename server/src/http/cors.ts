// CORS for an API that any origin may call: auth is by header, never by cookie, so CORS protects
// nothing here. The headers never go through `c.res`: touching `c.res` before the handler answers
// makes Hono build the answer twice (once as a stream) and copy its headers.
import type { MiddlewareHandler } from 'hono';
import { setResponseHeader } from './headers.ts';

/** What a preflight allows and what scripts may read. */
export interface CorsOptions {
  allowHeaders: readonly string[];
  allowMethods: readonly string[];
  exposeHeaders: readonly string[];
  /** How long a browser may cache a preflight answer, in seconds. */
  maxAge: number;
}

/** Middleware answering preflights (204) and adding `Access-Control-*` headers to every answer, for any origin. */
export function cors(options: CorsOptions): MiddlewareHandler {
  const allowHeaders = options.allowHeaders.join(',');
  const allowMethods = options.allowMethods.join(',');
  const exposeHeaders = options.exposeHeaders.join(',');
  const maxAge = String(options.maxAge);
  // Not `async`: the common path hands back `next()`'s promise instead of wrapping it in another.
  return (c, next) => {
    setResponseHeader(c, 'Access-Control-Allow-Origin', '*');
    setResponseHeader(c, 'Access-Control-Expose-Headers', exposeHeaders);
    if (c.req.method !== 'OPTIONS') return next();
    c.header('Access-Control-Max-Age', maxAge);
    c.header('Access-Control-Allow-Methods', allowMethods);
    c.header('Access-Control-Allow-Headers', allowHeaders);
    c.header('Vary', 'Access-Control-Request-Headers', { append: true });
    return Promise.resolve(c.body(null, 204));
  };
}
