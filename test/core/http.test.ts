import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTransport, errorFromResponse, TOKEN_REFRESH_LEAD_MS, tokenSubject } from '../../src/core/http.ts';
import { createFakeService, errorResponse, json } from './fixtures.ts';

const base64url = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

describe('errorFromResponse()', () => {
  it('maps user_token_required to its own code with a message for developers', async () => {
    const error = await errorFromResponse(errorResponse(401, 'user_token_required'), 0);
    expect(error).toMatchObject({ code: 'user_token_required', status: 401 });
    expect(error.message).toContain('getUserToken');
  });

  it('maps other 401 and 403 answers to unauthorized', async () => {
    expect(await errorFromResponse(errorResponse(401, 'unauthorized'), 0)).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(await errorFromResponse(errorResponse(403, 'forbidden'), 0)).toMatchObject({ code: 'unauthorized', status: 403 });
  });

  it('keeps the status, message and Retry-After of other answers', async () => {
    const error = await errorFromResponse(errorResponse(429, 'rate_limited', { 'Retry-After': '3' }), 0);
    expect(error).toMatchObject({ code: 'http', status: 429, message: 'rate_limited happened', retryAfterMs: 3000 });
  });

  it('copes with a body that is not JSON', async () => {
    expect(await errorFromResponse(new Response('<html>', { status: 502 }), 0)).toMatchObject({ code: 'http', status: 502 });
  });
});

describe('tokenSubject()', () => {
  it('reads sub, without the user: prefix', () => {
    expect(tokenSubject(`h.${base64url({ sub: 'ada' })}.s`)).toBe('ada');
    expect(tokenSubject(`h.${base64url({ sub: 'user:bob' })}.s`)).toBe('bob');
  });

  it('answers undefined for anything that is not a JWT with a sub', () => {
    expect(tokenSubject('garbage')).toBeUndefined();
    expect(tokenSubject(`h.${base64url({ iat: 1 })}.s`)).toBeUndefined();
    expect(tokenSubject('h.!!!.s')).toBeUndefined();
  });
});

describe('createTransport', () => {
  const setup = (options: Partial<Parameters<typeof createTransport>[0]> = {}) => {
    const service = createFakeService();
    const transport = createTransport({ baseUrl: 'https://svc.test//', apiKey: 'pk_1', userId: 'ada', fetch: () => service.fetch, now: () => 0, ...options });
    return { service, transport };
  };

  describe('.request()', () => {
    it('resolves with the JSON answer', async () => {
      const { service, transport } = setup();
      service.answer('POST /v1/me/connect', json(200, { ok: 1 }));
      await expect(transport.request('POST', '/v1/me/connect', {}, new AbortController().signal)).resolves.toEqual({ ok: 1 });
      expect(service.requests[0]!.url).toBe('https://svc.test/v1/me/connect');
    });

    it('rejects with network when fetch fails and aborted when the signal aborts', async () => {
      const { service, transport } = setup();
      service.answer('GET /v1/me/x', new TypeError('fetch failed'));
      await expect(transport.request('GET', '/v1/me/x', undefined, new AbortController().signal)).rejects.toMatchObject({ code: 'network' });
      const controller = new AbortController();
      controller.abort();
      await expect(transport.request('GET', '/v1/me/x', undefined, controller.signal)).rejects.toMatchObject({ code: 'aborted' });
    });

    it('rejects with protocol on a malformed JSON answer', async () => {
      const { service, transport } = setup();
      service.answer('GET /v1/me/x', new Response('{', { status: 200 }));
      await expect(transport.request('GET', '/v1/me/x', undefined, new AbortController().signal)).rejects.toMatchObject({ code: 'protocol' });
    });

    it('does not retry a 401 when the token is static', async () => {
      const { service, transport } = setup({ userToken: 't' });
      service.answer('GET /v1/me/x', errorResponse(401, 'unauthorized'), json(200, {}));
      await expect(transport.request('GET', '/v1/me/x', undefined, new AbortController().signal)).rejects.toMatchObject({ code: 'unauthorized' });
      expect(service.requests).toHaveLength(1);
    });

    it('turns a failing getUserToken into a retryable network error and asks again next time', async () => {
      let calls = 0;
      const { service, transport } = setup({ getUserToken: () => (++calls === 1 ? Promise.reject(new Error('offline')) : 'tok') });
      service.answer('GET /v1/me/x', json(200, {}));
      await expect(transport.request('GET', '/v1/me/x', undefined, new AbortController().signal)).rejects.toMatchObject({ code: 'network' });
      await transport.request('GET', '/v1/me/x', undefined, new AbortController().signal);
      expect(service.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok']);
    });
  });

  describe('.token()', () => {
    afterEach(() => vi.useRealTimers());

    /** A JWT-shaped token (unsigned: the client never verifies) with `iat` and `exp` in seconds. */
    const jwt = (name: string, iat: number, lifeS: number) => `${base64url({ alg: 'HS256' })}.${base64url({ sub: 'ada', iat, exp: iat + lifeS, name })}.sig`;

    /** getUserToken handing out tokens t1, t2... of `lifeS`, issued by a server whose clock is `skewS` off ours. */
    function setupTokens(lifeS: number, skewS = 0) {
      vi.useFakeTimers();
      let issued = 0;
      const getUserToken = vi.fn(async () => jwt(`t${++issued}`, Math.floor(Date.now() / 1000) + skewS, lifeS));
      const controller = new AbortController();
      const { service, transport } = setup({ getUserToken, userId: undefined, now: () => Date.now(), signal: controller.signal });
      const nameOf = async () => JSON.parse(atob((await transport.token())!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).name;
      return { service, transport, getUserToken, controller, nameOf };
    }

    it('asks for the next token a minute before the kept one expires, without waiting for a request', async () => {
      const { getUserToken, nameOf } = setupTokens(600);
      expect(await nameOf()).toBe('t1');
      await vi.advanceTimersByTimeAsync(600_000 - TOKEN_REFRESH_LEAD_MS - 1);
      expect(getUserToken).toHaveBeenCalledTimes(1);
      expect(await nameOf()).toBe('t1');
      await vi.advanceTimersByTimeAsync(1);
      expect(getUserToken).toHaveBeenCalledTimes(2);
      expect(await nameOf()).toBe('t2');
      await vi.advanceTimersByTimeAsync(600_000 - TOKEN_REFRESH_LEAD_MS);
      expect(getUserToken).toHaveBeenCalledTimes(3);
    });

    it('replaces short-lived tokens halfway through their life, and counts it from receipt when clocks differ', async () => {
      const { getUserToken, nameOf } = setupTokens(40, -3600); // issued by a clock an hour behind
      expect(await nameOf()).toBe('t1');
      await vi.advanceTimersByTimeAsync(19_999);
      expect(getUserToken).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(await nameOf()).toBe('t2');
    });

    it('keeps a token without exp, and stops planning when the inbox is destroyed', async () => {
      const opaque = setupTokens(600);
      opaque.getUserToken.mockResolvedValueOnce('opaque');
      expect(await opaque.transport.token()).toBe('opaque');
      await vi.advanceTimersByTimeAsync(24 * 3600_000);
      expect(opaque.getUserToken).toHaveBeenCalledTimes(1);

      const destroyed = setupTokens(600);
      await destroyed.transport.token();
      destroyed.controller.abort();
      await vi.advanceTimersByTimeAsync(24 * 3600_000);
      expect(destroyed.getUserToken).toHaveBeenCalledTimes(1);
    });

    it('sends the refreshed token with the next request', async () => {
      const { service, transport } = setupTokens(120);
      service.answer('GET /v1/me/x', json(200, {}), json(200, {}));
      await transport.request('GET', '/v1/me/x', undefined, new AbortController().signal);
      await vi.advanceTimersByTimeAsync(60_000);
      await transport.request('GET', '/v1/me/x', undefined, new AbortController().signal);
      const [first, second] = service.requests.map((r) => r.headers.authorization);
      expect(first).not.toBe(second);
      expect(second).toBe(`Bearer ${await transport.token()}`);
    });
  });
});
