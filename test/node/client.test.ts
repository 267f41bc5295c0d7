import { decodeProtectedHeader, exportPKCS8, exportSPKI, generateKeyPair, importSPKI, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { BelfryApiError, createClient } from '../../src/node/index.ts';
import type { ClientOptions } from '../../src/node/index.ts';

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

/** A client that only signs tokens (no requests). */
function createSigningClient(overrides: Partial<ClientOptions> = {}) {
  return createClient({ apiKey: 'pk_1', apiSecret: 'sk_1', baseUrl: 'http://svc.test', fetch: createFakeFetch().fakeFetch, ...overrides });
}

const credentials = { 'x-api-key': 'pk_1', 'x-api-secret': 'sk_1' };
const createWorkflow = (overrides: Record<string, unknown> = {}) => ({
  identifier: 'order-shipped',
  name: 'Order shipped',
  category: 'orders',
  channels: { inApp: { title: 'Shipped', message: 'Order <<data.id>>' }, email: { subject: 'Shipped', body: 'Order <<data.id>>' } },
  createdAt: 't',
  updatedAt: 't',
  ...overrides,
});
const nowSeconds = () => Math.floor(Date.now() / 1000);

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

  describe('.getUser()', () => {
    it('GETs the encoded identifier without a body', async () => {
      const user = { identifier: 'ada', attributes: {}, createdAt: 't', updatedAt: 't' };
      const { client, requests } = createTestClient(json(200, user));
      await expect(client.getUser('ada')).resolves.toEqual(user);
      expect(requests).toEqual([{ url: 'http://svc.test/v1/users/ada', method: 'GET', headers: credentials, body: undefined }]);
    });
  });

  describe('.deleteUser()', () => {
    it('DELETEs the user and resolves on 204', async () => {
      const { client, requests } = createTestClient(new Response(null, { status: 204 }));
      await expect(client.deleteUser('a/b')).resolves.toBeUndefined();
      expect(requests).toEqual([{ url: 'http://svc.test/v1/users/a%2Fb', method: 'DELETE', headers: credentials, body: undefined }]);
    });

    it('rejects with user_not_found for an unknown user', async () => {
      const { client } = createTestClient(json(404, { error: { code: 'user_not_found', message: 'no such user' } }));
      await expect(client.deleteUser('ghost')).rejects.toMatchObject({ name: 'BelfryApiError', status: 404, code: 'user_not_found' });
    });
  });

  describe('.workflows', () => {
    it('PUTs, GETs and DELETEs the encoded workflow identifier', async () => {
      const workflow = createWorkflow();
      const { client, requests } = createTestClient(json(200, workflow), json(200, workflow), new Response(null, { status: 204 }));
      const input = { name: workflow.name, category: workflow.category, channels: workflow.channels };
      await expect(client.workflows.upsert('order shipped', input)).resolves.toEqual(workflow);
      await expect(client.workflows.get('order shipped')).resolves.toEqual(workflow);
      await expect(client.workflows.remove('order shipped')).resolves.toBeUndefined();
      expect(requests).toEqual([
        { url: 'http://svc.test/v1/workflows/order%20shipped', method: 'PUT', headers: { ...credentials, 'content-type': 'application/json' }, body: input },
        { url: 'http://svc.test/v1/workflows/order%20shipped', method: 'GET', headers: credentials, body: undefined },
        { url: 'http://svc.test/v1/workflows/order%20shipped', method: 'DELETE', headers: credentials, body: undefined },
      ]);
    });

    it('rejects a template syntax error with the service message', async () => {
      const message = 'channels.inApp.title: unclosed placeholder at 5';
      const { client } = createTestClient(json(400, { error: { code: 'invalid_request', message } }));
      await expect(client.workflows.upsert('w', { name: 'W', channels: { inApp: { title: 'Hey <<x', message: '' } } })).rejects.toMatchObject({ status: 400, code: 'invalid_request', message });
    });
  });

  describe('.notifications.list()', () => {
    it("GETs the user's inbox with only the query parameters given", async () => {
      const page = { items: [], nextCursor: null, counts: { unseen: 0, unread: 0 }, seq: 0 };
      const { client, requests } = createTestClient(json(200, page), json(200, page));
      await expect(client.notifications.list('ada')).resolves.toEqual(page);
      await client.notifications.list('ada b', { limit: 5, cursor: '17', status: 'unread', category: 'a&b' });
      expect(requests.map((r) => [r.method, r.url])).toEqual([
        ['GET', 'http://svc.test/v1/users/ada/notifications'],
        ['GET', 'http://svc.test/v1/users/ada%20b/notifications?limit=5&cursor=17&status=unread&category=a%26b'],
      ]);
    });
  });

  describe('.deliveries.list()', () => {
    it('GETs the deliveries log with the filters given', async () => {
      const list = { items: [{ id: 'dlv_1', triggerId: 'trg_1', channel: 'email', recipient: 'ada', to: 'ada@example.com', subject: 'Hi', body: 'Hello', status: 'sent', error: null, createdAt: 't' }] };
      const { client, requests } = createTestClient(json(200, list), json(200, { items: [] }));
      await expect(client.deliveries.list({ limit: 10, channel: 'email', recipient: 'ada' })).resolves.toEqual(list);
      await client.deliveries.list();
      expect(requests.map((r) => [r.method, r.url, r.headers])).toEqual([
        ['GET', 'http://svc.test/v1/deliveries?limit=10&channel=email&recipient=ada', credentials],
        ['GET', 'http://svc.test/v1/deliveries', credentials],
      ]);
    });
  });

  describe('.generateUserToken()', () => {
    it('signs HS256 with a secret: sub, aud = apiKey, iat and exp one hour later by default', async () => {
      const token = await createSigningClient({ signingKey: 'the-signing-secret' }).generateUserToken('ada');
      const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode('the-signing-secret'), { algorithms: ['HS256'] });
      expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(payload).toEqual({ sub: 'ada', aud: 'pk_1', iat: expect.any(Number), exp: payload.iat! + 3600 });
      expect(Math.abs(payload.iat! - nowSeconds())).toBeLessThanOrEqual(1);
    });

    it('takes expiresIn as seconds or as a span string', async () => {
      const client = createSigningClient({ signingKey: 's' });
      const lifetime = async (expiresIn: number | string) => {
        const { payload } = await jwtVerify(await client.generateUserToken('ada', { expiresIn }), new TextEncoder().encode('s'));
        return payload.exp! - payload.iat!;
      };
      expect(await lifetime(90)).toBe(90);
      expect(await lifetime('15m')).toBe(900);
      expect(await lifetime('2h')).toBe(7200);
      await expect(client.generateUserToken('ada', { expiresIn: 0 })).rejects.toThrow(TypeError);
      await expect(client.generateUserToken('ada', { expiresIn: 'soon' })).rejects.toThrow();
    });

    it('signs RS256 with a PKCS#8 PEM key and its kid', async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
      const client = createSigningClient({ signingKey: await exportPKCS8(privateKey), kid: 'k2' });
      const token = await client.generateUserToken('ada', { expiresIn: 60 });
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'k2' });
      const { payload } = await jwtVerify(token, await importSPKI(await exportSPKI(publicKey), 'RS256'), { audience: 'pk_1' });
      expect(payload.sub).toBe('ada');
    });

    it('signs ES256 with a PEM key when the algorithm says so', async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
      const client = createSigningClient({ signingKey: await exportPKCS8(privateKey), algorithm: 'ES256' });
      const token = await client.generateUserToken('ada');
      expect(decodeProtectedHeader(token).alg).toBe('ES256');
      await expect(jwtVerify(token, publicKey)).resolves.toMatchObject({ payload: { sub: 'ada' } });
    });

    it('prefixes identifiers that start with "user:", so the service reads them unchanged', async () => {
      const { payload } = await jwtVerify(await createSigningClient({ signingKey: 's' }).generateUserToken('user:ada'), new TextEncoder().encode('s'));
      expect(payload.sub).toBe('user:user:ada');
    });

    it('rejects without a signingKey, and for an invalid identifier', async () => {
      await expect(createSigningClient().generateUserToken('ada')).rejects.toThrow('signingKey');
      await expect(createSigningClient({ signingKey: 's' }).generateUserToken('')).rejects.toThrow(TypeError);
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
