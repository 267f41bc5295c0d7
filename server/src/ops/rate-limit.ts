// Rate limits per API key (backend API) and per user (client API), design §9. Token buckets held
// in this process's memory: each instance limits on its own, so N instances allow N times the
// rate. A Redis-backed limiter shared by all instances comes with the multi-instance work.
import type { Context, MiddlewareHandler } from 'hono';
import { HEADER_API_KEY, HEADER_USER_ID } from 'belfry/protocol';
import { HttpError } from '../errors.ts';
import { setResponseHeader } from '../http/index.ts';

/** A token bucket: `rate` requests per second sustained, up to `burst` at once. */
export interface RateLimit {
  rate: number;
  burst: number;
}

/** Limits of `createApp`; `false` turns one (or both) off. */
export interface RateLimitOptions {
  /** Per API key on the backend API. Default 100 req/s, burst 200. */
  perKey?: RateLimit | false;
  /** Per user on the client API. Default 20 req/s, burst 60. */
  perUser?: RateLimit | false;
  /** Most buckets kept; beyond it the least recently created go first. Default 100,000. */
  maxBuckets?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
}

/** Default backend limit per API key. */
export const DEFAULT_KEY_LIMIT: RateLimit = { rate: 100, burst: 200 };
/** Default client limit per user. */
export const DEFAULT_USER_LIMIT: RateLimit = { rate: 20, burst: 60 };
const DEFAULT_MAX_BUCKETS = 100_000;
// Full buckets carry no state worth keeping; they are swept at most this often.
const SWEEP_INTERVAL_MS = 10_000;

/** What one request taking a token learned: allowed or not, and the numbers for the headers. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until the next token, when refused. */
  retryAfterSeconds: number;
}

/** A set of token buckets with one limit, keyed by subject. */
export interface RateLimiter {
  take(subject: string): RateDecision;
  readonly size: number;
}

/** Creates token buckets for `limit`; `now` is the clock in ms. */
export function createRateLimiter(limit: RateLimit, options: { now?: () => number; maxBuckets?: number } = {}): RateLimiter {
  if (!(limit.rate > 0) || !(limit.burst >= 1)) throw new Error('a rate limit needs rate > 0 and burst >= 1');
  const now = options.now ?? Date.now;
  const maxBuckets = options.maxBuckets ?? DEFAULT_MAX_BUCKETS;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let lastSweep = now();
  const perMs = limit.rate / 1000;

  function sweep(at: number): void {
    lastSweep = at;
    for (const [subject, bucket] of buckets) {
      if (bucket.tokens + (at - bucket.at) * perMs >= limit.burst) buckets.delete(subject);
    }
    // Still too many (a flood of distinct subjects): drop the oldest. A dropped bucket starts
    // full again, so this can only ever be more lenient, never refuse someone wrongly.
    for (const subject of buckets.keys()) {
      if (buckets.size < maxBuckets) break;
      buckets.delete(subject);
    }
  }

  return {
    get size() {
      return buckets.size;
    },
    take(subject) {
      const at = now();
      if (at - lastSweep >= SWEEP_INTERVAL_MS || buckets.size >= maxBuckets) sweep(at);
      let bucket = buckets.get(subject);
      if (!bucket) {
        bucket = { tokens: limit.burst, at };
        buckets.set(subject, bucket);
      }
      bucket.tokens = Math.min(limit.burst, bucket.tokens + Math.max(0, at - bucket.at) * perMs);
      bucket.at = at;
      const allowed = bucket.tokens >= 1;
      if (allowed) bucket.tokens -= 1;
      return {
        allowed,
        limit: limit.burst,
        remaining: Math.floor(bucket.tokens),
        resetSeconds: Math.ceil((limit.burst - bucket.tokens) / limit.rate),
        retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / limit.rate)),
      };
    },
  };
}

/** Which bucket a request draws from, or null when it is not limited here. */
export interface RateSubject {
  scope: 'key' | 'user';
  subject: string;
}

// Engagespot v3 compatibility headers (design §4): same split, other names.
const COMPAT_API_KEY = 'X-ENGAGESPOT-API-KEY';
const COMPAT_API_SECRET = 'X-ENGAGESPOT-API-SECRET';
const COMPAT_USER_ID = 'X-ENGAGESPOT-USER-ID';

/**
 * Picks the bucket from the credentials the request claims, before they are checked: limiting
 * ahead of authentication also slows down guessing secrets and tokens. A client request's user
 * is its `X-User-Id`, or its bearer token in secure mode (one token, one user).
 */
export function rateSubject(c: Context): RateSubject | null {
  const v3 = c.req.path.startsWith('/v3/');
  const apiKey = c.req.header(v3 ? COMPAT_API_KEY : HEADER_API_KEY);
  if (!apiKey) return null;
  const backend = v3 ? c.req.header(COMPAT_API_SECRET) !== undefined : !c.req.path.startsWith('/v1/me/') && c.req.path !== '/v1/me';
  if (backend) return { scope: 'key', subject: apiKey };
  const user = c.req.header('Authorization') ?? c.req.header(v3 ? COMPAT_USER_ID : HEADER_USER_ID);
  if (!user) return null;
  return { scope: 'user', subject: `${apiKey}\n${user}` };
}

/** Names of the response headers the limiter sets, for CORS `exposeHeaders`. */
export const RATE_LIMIT_HEADERS = ['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'] as const;

/**
 * Middleware that answers 429 `rate_limited` once a key's or user's bucket is empty. Every
 * limited answer (also errors) carries the IETF `RateLimit-Limit` (the burst), `-Remaining` and
 * `-Reset` (seconds until full); a 429 also carries `Retry-After` (seconds until the next token).
 * A request counts once when it arrives, so an event stream costs one token however long it runs.
 */
export function rateLimit(options: RateLimitOptions = {}): MiddlewareHandler {
  const shared = { now: options.now, maxBuckets: options.maxBuckets };
  const perKey = options.perKey === false ? null : createRateLimiter(options.perKey ?? DEFAULT_KEY_LIMIT, shared);
  const perUser = options.perUser === false ? null : createRateLimiter(options.perUser ?? DEFAULT_USER_LIMIT, shared);
  return async (c, next) => {
    const found = c.req.method === 'OPTIONS' ? null : rateSubject(c);
    const limiter = found && (found.scope === 'key' ? perKey : perUser);
    if (!found || !limiter) return next();
    const decision = limiter.take(found.subject);
    setResponseHeader(c, 'RateLimit-Limit', String(decision.limit));
    setResponseHeader(c, 'RateLimit-Remaining', String(decision.remaining));
    setResponseHeader(c, 'RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      setResponseHeader(c, 'Retry-After', String(decision.retryAfterSeconds));
      const who = found.scope === 'key' ? 'this API key' : 'this user';
      throw new HttpError(429, 'rate_limited', `too many requests for ${who}: retry after ${decision.retryAfterSeconds} s`);
    }
    return next();
  };
}
