import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/index.ts';
import { createRateLimiter } from '../../src/ops/index.ts';
import type { RateLimitOptions } from '../../src/ops/index.ts';
import { backendHeaders, clientHeaders, connect, createTestService, send } from '../fixtures.ts';
import type { TestService } from '../fixtures.ts';

/** A clock the test moves by hand. */
function createClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

describe('createRateLimiter', () => {
  describe('.take()', () => {
    it('allows a burst, then refuses with the wait until the next token', () => {
      const clock = createClock();
      const limiter = createRateLimiter({ rate: 2, burst: 3 }, { now: clock.now });
      const decisions = [1, 2, 3, 4].map(() => limiter.take('k'));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
      expect(decisions[3]).toMatchObject({ limit: 3, retryAfterSeconds: 1, resetSeconds: 2 });
    });

    it('refills at the rate and never above the burst', () => {
      const clock = createClock();
      const limiter = createRateLimiter({ rate: 10, burst: 5 }, { now: clock.now });
      for (let i = 0; i < 5; i++) limiter.take('k');
      expect(limiter.take('k').allowed).toBe(false);
      clock.advance(100); // one token at 10/s
      expect(limiter.take('k')).toMatchObject({ allowed: true, remaining: 0 });
      clock.advance(60_000);
      expect(limiter.take('k')).toMatchObject({ allowed: true, remaining: 4, resetSeconds: 1 });
    });

    it('keeps one bucket per subject', () => {
      const limiter = createRateLimiter({ rate: 1, burst: 1 }, { now: createClock().now });
      expect(limiter.take('a').allowed).toBe(true);
      expect(limiter.take('a').allowed).toBe(false);
      expect(limiter.take('b').allowed).toBe(true);
    });

    it('holds at most maxBuckets, forgetting full buckets first', () => {
      const clock = createClock();
      const limiter = createRateLimiter({ rate: 1, burst: 2 }, { now: clock.now, maxBuckets: 100 });
      for (let i = 0; i < 1000; i++) limiter.take(`subject-${i}`);
      expect(limiter.size).toBeLessThanOrEqual(100);
      // The newest subject's bucket survived the eviction of older ones.
      limiter.take('subject-999');
      expect(limiter.take('subject-999').allowed).toBe(false);
    });

    it('refuses a limit that cannot allow anything', () => {
      expect(() => createRateLimiter({ rate: 0, burst: 10 })).toThrow(/rate > 0/);
    });
  });
});

describe('rate limits', () => {
  let service: TestService;
  let clock: ReturnType<typeof createClock>;
  const limited = (rateLimits: RateLimitOptions) => ({ ...service, app: createApp({ storage: service.storage, bus: service.bus, hub: service.hub, log: service.log, rateLimits }) });

  beforeEach(async () => {
    service = await createTestService();
    clock = createClock();
  });
  afterEach(() => service.close());

  describe('backend API (per API key)', () => {
    it('answers 429 rate_limited with Retry-After and RateLimit-* once the key is out of tokens', async () => {
      const app = limited({ perKey: { rate: 1, burst: 2 }, now: clock.now });
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await send(app, 'GET', '/v1/users/nobody', { headers: backendHeaders(service) }));
      expect(answers.map((a) => a.status)).toEqual([404, 404, 429]);
      expect(answers.map((a) => a.headers.get('RateLimit-Remaining'))).toEqual(['1', '0', '0']);
      expect(answers[0]!.headers.get('RateLimit-Limit')).toBe('2');
      expect(answers[0]!.headers.get('RateLimit-Reset')).toBe('1');
      expect(answers[0]!.headers.get('Retry-After')).toBeNull();
      expect(answers[2]!.headers.get('Retry-After')).toBe('1');
      expect(answers[2]!.body).toEqual({ error: { code: 'rate_limited', message: 'too many requests for this API key: retry after 1 s' } });

      clock.advance(1000);
      expect((await send(app, 'GET', '/v1/users/nobody', { headers: backendHeaders(service) })).status).toBe(404);
    });

    it('counts each API key on its own, also keys that do not authenticate', async () => {
      const app = limited({ perKey: { rate: 1, burst: 1 }, now: clock.now });
      const wrong = { ...backendHeaders(service), 'X-API-Secret': 'guess' };
      expect((await send(app, 'GET', '/v1/users/nobody', { headers: wrong })).status).toBe(401);
      // Guessing secrets spends the key's tokens too.
      expect((await send(app, 'GET', '/v1/users/nobody', { headers: wrong })).status).toBe(429);
      const other = { ...backendHeaders(service), 'X-API-Key': 'another-key' };
      expect((await send(app, 'GET', '/v1/users/nobody', { headers: other })).status).toBe(401);
    });
  });

  describe('client API (per user)', () => {
    it('limits each user on its own and says whom it limited', async () => {
      const app = limited({ perUser: { rate: 1, burst: 2 }, now: clock.now });
      await connect(app, 'ada');
      expect((await send(app, 'GET', '/v1/me/notifications', { headers: clientHeaders(service, 'ada') })).status).toBe(200);
      const refused = await send(app, 'GET', '/v1/me/notifications', { headers: clientHeaders(service, 'ada') });
      expect(refused.status).toBe(429);
      expect(refused.body.error.message).toContain('this user');
      expect((await connect(app, 'bob')).status).toBe(200);
    });

    it('does not count the backend API against users, nor users against the key', async () => {
      const app = limited({ perKey: { rate: 1, burst: 1 }, perUser: { rate: 1, burst: 1 }, now: clock.now });
      expect((await connect(app, 'ada')).status).toBe(200);
      expect((await send(app, 'GET', '/v1/users/ada', { headers: backendHeaders(service) })).status).toBe(200);
    });

    it('counts an event stream once, when it opens', async () => {
      const app = limited({ perUser: { rate: 1, burst: 2 }, now: clock.now });
      await connect(app, 'ada');
      const stream = await app.app.request('/v1/me/events', { headers: clientHeaders(service, 'ada') });
      expect(stream.status).toBe(200);
      expect(stream.headers.get('RateLimit-Remaining')).toBe('0');
      await stream.body!.cancel();
      expect((await connect(app, 'ada')).status).toBe(429);
    });
  });

  describe('CORS', () => {
    it('lets browsers read the rate limit headers and never limits preflights', async () => {
      const app = limited({ perUser: { rate: 1, burst: 1 }, now: clock.now });
      await connect(app, 'ada');
      const headers = { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-api-key,x-user-id' };
      for (let i = 0; i < 3; i++) {
        const preflight = await app.app.request('/v1/me/notifications', { method: 'OPTIONS', headers: { ...headers, ...clientHeaders(service, 'ada') } });
        expect(preflight.status).toBe(204);
      }
      const refused = await app.app.request('/v1/me/notifications', { headers: { Origin: 'https://app.example', ...clientHeaders(service, 'ada') } });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('Access-Control-Allow-Origin')).toBe('*');
      const exposed = refused.headers.get('Access-Control-Expose-Headers')!.split(/,\s*/);
      expect(exposed).toEqual(expect.arrayContaining(['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'X-Request-Id', 'Idempotent-Replayed']));
    });
  });

  describe('defaults', () => {
    it('are generous: 200 backend requests in a burst pass, the 201st does not', async () => {
      const app = limited({ now: clock.now });
      const statuses = new Set<number>();
      for (let i = 0; i < 200; i++) statuses.add((await send(app, 'GET', '/v1/users/nobody', { headers: backendHeaders(service) })).status);
      expect([...statuses]).toEqual([404]);
      expect((await send(app, 'GET', '/v1/users/nobody', { headers: backendHeaders(service) })).status).toBe(429);
    });

    it('can be turned off', async () => {
      const app = { ...service, app: createApp({ storage: service.storage, bus: service.bus, hub: service.hub, log: service.log, rateLimits: false }) };
      const answer = await send(app, 'GET', '/v1/users/nobody', { headers: backendHeaders(service) });
      expect(answer.headers.get('RateLimit-Limit')).toBeNull();
    });
  });
});
