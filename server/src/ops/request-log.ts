// One structured log line and one request count per answered request. Only fields known to be
// safe are collected: never headers, bodies, query strings or credentials.
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { setResponseHeader } from '../http/index.ts';
import type { Log } from '../log.ts';
import type { Metrics } from './metrics.ts';

/** Header carrying the request id, both ways. */
export const HEADER_REQUEST_ID = 'X-Request-Id';
// An incoming id is kept only if it is this tame, so a caller cannot forge odd log content.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The pattern of the route that answers, e.g. `/v1/users/:identifier`, or `unmatched`. The first
 * matched handler (not middleware, which Hono registers as `ALL`) is the one that answers, also
 * when a middleware in front of it threw.
 */
export function routePattern(c: Context): string {
  for (const route of matchedRoutes(c)) if (route.method !== 'ALL') return route.path;
  return 'unmatched';
}

/**
 * Middleware, registered first: gives each request an id (`X-Request-Id`, kept from the caller
 * when well formed), then logs `request` with method, route, status, durationMs, requestId and
 * appId (once authentication found the app), and counts it in `metrics`. For an event stream the
 * duration is the time to its first byte.
 */
export function requestLog(log: Log, metrics: Metrics, now: () => number = performance.now.bind(performance)): MiddlewareHandler {
  return async (c, next) => {
    const started = now();
    const incoming = c.req.header(HEADER_REQUEST_ID);
    const requestId = incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    setResponseHeader(c, HEADER_REQUEST_ID, requestId);
    try {
      await next();
    } finally {
      const route = routePattern(c);
      const status = c.res.status;
      const method = c.req.method;
      const appId = (c.get('app') as { id?: unknown } | undefined)?.id;
      metrics.countRequest(route, method, status);
      const durationMs = Math.round((now() - started) * 100) / 100;
      // Always `info`: a 500 already has its own `error` entry (with the cause) from onError.
      log('info', 'request', typeof appId === 'string' ? { method, route, status, durationMs, requestId, appId } : { method, route, status, durationMs, requestId });
    }
  };
}
