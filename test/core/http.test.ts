import { describe, expect, it } from 'vitest';
import { createTransport, errorFromResponse, tokenSubject } from '../../src/core/http.ts';
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
});
