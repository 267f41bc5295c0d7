// Operations: rate limits, the request log, metrics and draining streams on shutdown.
export { createRateLimiter, rateLimit, rateSubject, DEFAULT_KEY_LIMIT, DEFAULT_USER_LIMIT, RATE_LIMIT_HEADERS } from './rate-limit.ts';
export type { RateLimit, RateLimitOptions, RateLimiter, RateDecision, RateSubject } from './rate-limit.ts';
export { createMetrics, METRICS_CONTENT_TYPE } from './metrics.ts';
export type { CounterName, Metrics } from './metrics.ts';
export { requestLog, routePattern, HEADER_REQUEST_ID } from './request-log.ts';
export { withReconnectHints, MAX_RECONNECT_JITTER_MS } from './drain.ts';
export type { DrainableHub, DrainOptions } from './drain.ts';
