import { describe, expect, it } from 'vitest';
import { BelfryApiError, createClient } from '../../src/node/index.ts';

interface Recorded {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that records each request and answers with the scripted responses in order. */
function createFakeFetch(...responses: Array<Response | Error>) {
  const requests: Recorded[] = [];
  const fakeFetch: typeof fetch = async (input, init = {}) => {
    requests.push({
      url: String(input),
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
    });
    const next = responses.shift();
    if (!next) throw new Error('no scripted response left');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fakeFetch, requests };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function createTestClient(...responses: Array<Response | Error>) {
  const { fakeFetch, requests } = createFakeFetch(...responses);
  const client = createClient({ apiKey: 'pk_1', apiSecret: 'sk_1', baseUrl: 'http://svc.test/', fetch: fakeFetch });
  return { client, requests };
}

describe('createClient', () => {
  describe('.createOrUpdateUser()', () => {
    it('PUTs the attributes to the encoded identifier with both credentials', async () => {
      const user = { identifier: 'a/b c', attributes: { firstName: 'Ada' }, createdAt: 't', updatedAt: 't' };
      const { client, requests } = createTestClient(json(200, user));
      await expect(client.createOrUpdateUser('a/b c', { firstName: 'Ada' })).resolves.toEqual(user);
      expect(requests).toEqual([
        {
          url: 'http://svc.test/v1/users/a%2Fb%20c',
          method: 'PUT',
          headers: { 'x-api-key': 'pk_1', 'x-api-secret': 'sk_1', 'content-type': 'application/json' },
          body: { firstName: 'Ada' },
        },
      ]);
    });
  });

  describe('.send()', () => {
    it('POSTs the trigger with the idempotency key and resolves with the answer', async () => {
      const answer = { id: 'trg_1', delivered: ['ada'], discarded: [{ identifier: 'ghost', reason: 'user_not_found' }] };
      const { client, requests } = createTestClient(json(202, answer));
      const params = { notification: { title: 'Hi' }, sendTo: { recipients: ['ada', 'ghost'] } };
      await expect(client.send(params, { idempotencyKey: 'k1' })).resolves.toEqual(answer);
      expect(requests[0]).toMatchObject({
        url: 'http://svc.test/v1/notifications',
        method: 'POST',
        headers: { 'idempotency-key': 'k1' },
        body: params,
      });
    });

    it('rejects with BelfryApiError carrying the service error code', async () => {
      const { client } = createTestClient(json(400, { error: { code: 'invalid_request', message: 'title: must be a string' } }));
      const error = await client.send({ notification: {}, sendTo: { recipients: [] } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BelfryApiError);
      expect(error).toMatchObject({ status: 400, code: 'invalid_request', message: 'title: must be a string' });
    });

    it('rejects with code "http" when the answer is not JSON', async () => {
      const { client } = createTestClient(new Response('<html>bad gateway</html>', { status: 502 }));
      await expect(client.getUser('ada')).rejects.toMatchObject({ status: 502, code: 'http' });
    });

    it('rejects with code "network" when the service is unreachable', async () => {
      const { client } = createTestClient(new TypeError('fetch failed'));
      await expect(client.getUser('ada')).rejects.toMatchObject({ status: 0, code: 'network' });
    });
  });
});
