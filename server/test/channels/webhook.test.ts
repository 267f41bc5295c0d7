import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { postWebhook, signWebhook, webhookSecret } from '../../src/channels/index.ts';

/** A fetch that records its calls and answers `respond()`. */
function createFetch(respond: () => Promise<Response> | Response): typeof fetch & { calls: { url: string; init: RequestInit }[] } {
  const calls: { url: string; init: RequestInit }[] = [];
  const fake = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return respond();
  }) as typeof fetch & { calls: typeof calls };
  fake.calls = calls;
  return fake;
}

describe('webhook channel', () => {
  describe('.signWebhook()', () => {
    it('signs "<t>.<body>" with HMAC-SHA256 in the t=,v1= format', () => {
      const expected = createHmac('sha256', 'secret').update('1700000000.{"a":1}').digest('hex');
      expect(signWebhook('secret', '{"a":1}', 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
    });
  });

  describe('.webhookSecret()', () => {
    it('uses the signing secret when the app has one', () => {
      expect(webhookSecret({ signingSecret: 'shh', apiSecretHash: 'abc' })).toBe('shh');
    });

    it('derives a per-app secret from the hash of the API secret otherwise', () => {
      const apiSecretHash = createHash('sha256').update('bs_secret').digest('hex');
      const derived = createHmac('sha256', apiSecretHash).update('belfry-webhook-v1').digest('hex');
      expect(webhookSecret({ signingSecret: null, apiSecretHash })).toBe(derived);
      expect(webhookSecret({ signingSecret: null, apiSecretHash: createHash('sha256').update('other').digest('hex') })).not.toBe(derived);
    });
  });

  describe('.postWebhook()', () => {
    it('POSTs the body as JSON with the signature header and refuses redirects', async () => {
      const fetch = createFetch(() => new Response(null, { status: 204 }));
      expect(await postWebhook('https://example.com/hook', '{"a":1}', 'secret', { fetch })).toEqual({ status: 'sent' });
      const [call] = fetch.calls;
      expect(call!.url).toBe('https://example.com/hook');
      expect(call!.init).toMatchObject({ method: 'POST', body: '{"a":1}', redirect: 'manual' });
      const headers = call!.init.headers as Record<string, string>;
      expect(headers['Content-Type']).toBe('application/json');
      expect(headers['Belfry-Signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    });

    it('reports a non-2xx answer, a redirect and a network error as failed', async () => {
      expect(await postWebhook('https://x.test/', '{}', 's', { fetch: createFetch(() => new Response('no', { status: 503 })) })).toEqual({ status: 'failed', error: 'the webhook answered 503' });
      expect((await postWebhook('https://x.test/', '{}', 's', { fetch: createFetch(() => new Response(null, { status: 302, headers: { Location: '/' } })) })).status).toBe('failed');
      const refused = createFetch(() => Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') })));
      expect(await postWebhook('https://x.test/', '{}', 's', { fetch: refused })).toEqual({ status: 'failed', error: 'the webhook could not be reached: connect ECONNREFUSED' });
    });

    it('abandons a webhook that does not answer within the timeout', async () => {
      // Answers only by rejecting when the request is aborted, as fetch does.
      const never = ((_url: string | URL | Request, init?: RequestInit) =>
        new Promise<Response>((_, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)))) as typeof fetch;
      expect(await postWebhook('https://x.test/', '{}', 's', { fetch: never, timeoutMs: 20 })).toEqual({ status: 'failed', error: 'the webhook did not answer within 20 ms' });
    });
  });
});
