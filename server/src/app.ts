// The HTTP app: a web-standard `(Request) => Response` Hono app (design §3, §4). Tests call
// `app.request()` in-process; `createServer` puts it on a port.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ErrorBody, ErrorCode } from 'belfry/protocol';
import { HEADER_API_KEY, HEADER_API_SECRET, HEADER_IDEMPOTENCY_KEY, HEADER_LAST_EVENT_ID, HEADER_USER_ID } from 'belfry/protocol';
import type { Bus } from './bus/index.ts';
import type { ChannelProviders } from './channels/index.ts';
import { HttpError } from './errors.ts';
import { cors } from './http/index.ts';
import { consoleLog } from './log.ts';
import type { Log } from './log.ts';
import { createMetrics, HEADER_REQUEST_ID, METRICS_CONTENT_TYPE, RATE_LIMIT_HEADERS, rateLimit, requestLog } from './ops/index.ts';
import type { Metrics, RateLimitOptions } from './ops/index.ts';
import { OPENAPI_PATH, openApiJson } from './openapi/index.ts';
import { createHub } from './realtime/index.ts';
import type { Hub } from './realtime/index.ts';
import { compatRoutes } from './compat/index.ts';
import { deliveryRoutes } from './routes/deliveries.ts';
import { meRoutes } from './routes/me.ts';
import { HEADER_IDEMPOTENT_REPLAYED } from './routes/idempotency.ts';
import { notificationRoutes } from './routes/notifications.ts';
import type { RouteDeps } from './routes/deps.ts';
import { userRoutes } from './routes/users.ts';
import { workflowRoutes } from './routes/workflows.ts';
import type { Storage } from './storage/index.ts';

/** Options of `createApp`. */
export interface AppOptions {
  storage: Storage;
  bus: Bus;
  /** The realtime hub; created from the other options when absent. */
  hub?: Hub;
  /** Milliseconds between heartbeats on event streams (default 15 s); used when `hub` is absent. */
  heartbeatMs?: number;
  log?: Log;
  /** Counters and gauges behind `GET /metrics`; a fresh registry when absent. */
  metrics?: Metrics;
  /** Limits per API key and per user (generous defaults); `false` turns limiting off. */
  rateLimits?: RateLimitOptions | false;
  /** Email and SMS providers and webhook options; the built-in record-only provider when absent. */
  providers?: ChannelProviders;
}

function errorJson(c: Context, status: number, code: ErrorCode, message: string): Response {
  const body: ErrorBody = { error: { code, message } };
  return c.json(body, status as 400);
}

// Hono's own exceptions (e.g. from its middleware) keep their status with a fitting code.
function codeOf(status: number): ErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 413) return 'payload_too_large';
  return status >= 500 ? 'internal' : 'invalid_request';
}

/**
 * Creates the service's HTTP app.
 * @example
 * const app = createApp({ storage: await openStorage('sqlite::memory:'), bus: createMemoryBus() });
 * const res = await app.request('/healthz');
 */
export function createApp(options: AppOptions): Hono {
  const log = options.log ?? consoleLog;
  const hub = options.hub ?? createHub({ storage: options.storage, bus: options.bus, heartbeatMs: options.heartbeatMs, log });
  const metrics = options.metrics ?? createMetrics();
  metrics.gauge('belfry_streams_open', 'Event streams open in this process.', () => hub.openStreams);
  const deps: RouteDeps = { storage: options.storage, bus: options.bus, hub, log, metrics, providers: options.providers };
  const app = new Hono();

  // Operations (first, so they see every request): the request log and metrics, then /metrics.
  app.use('*', requestLog(log, metrics));
  app.get('/metrics', (c) => c.body(metrics.render(), 200, { 'Content-Type': METRICS_CONTENT_TYPE }));
  app.get('/healthz', (c) => c.json({ ok: true }));

  // Any origin may call the API: auth is by header, never by cookie, so CORS protects nothing here.
  app.use(
    '/v1/*',
    cors({
      allowHeaders: ['Content-Type', HEADER_API_KEY, HEADER_API_SECRET, HEADER_USER_ID, 'Authorization', HEADER_LAST_EVENT_ID, HEADER_IDEMPOTENCY_KEY],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposeHeaders: [...RATE_LIMIT_HEADERS, HEADER_REQUEST_ID, HEADER_IDEMPOTENT_REPLAYED],
      maxAge: 86_400,
    }),
  );
  // After CORS, so a 429 still carries the CORS headers a browser needs to read it.
  if (options.rateLimits !== false) {
    const limiter = rateLimit(options.rateLimits);
    app.use('/v1/*', limiter);
    app.use('/v3/*', limiter);
  }
  app.get(OPENAPI_PATH, (c) => c.body(openApiJson(), 200, { 'Content-Type': 'application/json; charset=utf-8' }));
  app.route('/v1/users', userRoutes(deps));
  app.route('/v1/notifications', notificationRoutes(deps));
  app.route('/v1/me', meRoutes(deps));
  app.route('/v1/workflows', workflowRoutes(deps));
  app.route('/v1/deliveries', deliveryRoutes(deps));
  app.route('/v3', compatRoutes(deps));

  app.notFound((c) => errorJson(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof HttpError) return errorJson(c, error.status, error.code, error.message);
    if (error instanceof HTTPException && error.status < 500) return errorJson(c, error.status, codeOf(error.status), error.message);
    log('error', `unexpected error in ${c.req.method} ${c.req.path}`, { error });
    return errorJson(c, 500, 'internal', 'internal error');
  });
  return app;
}
