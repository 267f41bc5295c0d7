// The SDK against the real service, in-process: its fetch is the app's `request`, so requests go
// through the same routes, auth and storage as over a port, without opening one.
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, createMemoryBus, openStorage } from '../../server/src/index.ts';
import type { Storage } from '../../server/src/index.ts';
import { BelfryApiError, createClient } from '../../src/node/index.ts';
import type { BelfryClient, ClientOptions } from '../../src/node/index.ts';

const SIGNING_SECRET = 'hs256-secret-of-the-service-test';

describe('createClient against the service', () => {
  let storage: Storage;
  let request: (url: string, init: RequestInit) => Promise<Response>;
  let apiKey: string;
  let apiSecret: string;

  beforeEach(async () => {
    storage = await openStorage('sqlite::memory:');
    const app = createApp({ storage, bus: createMemoryBus(), log: () => {} });
    request = async (url, init) => app.request(url, init);
    ({
      app: { apiKey },
      apiSecret,
    } = await storage.createApp({ secureMode: true, signingSecret: SIGNING_SECRET }));
  });
  afterEach(async () => storage.close());

  function createTestClient(overrides: Partial<ClientOptions> = {}): BelfryClient {
    return createClient({ apiKey, apiSecret, baseUrl: 'http://belfry.test', fetch: request, signingKey: SIGNING_SECRET, ...overrides });
  }

  /** POST /v1/me/connect as the widget does in secure mode. */
  async function connectWith(token: string) {
    const response = await request('http://belfry.test/v1/me/connect', { method: 'POST', headers: { 'X-API-Key': apiKey, Authorization: `Bearer ${token}` } });
    return { status: response.status, body: await response.json() };
  }

  describe('.createOrUpdateUser()', () => {
    it('creates a user with the seed example attributes and merges later changes', async () => {
      const belfry = createTestClient();
      await belfry.createOrUpdateUser('identifier', { email: 'ada@example.com', phoneNumber: '+16020000000' });
      const updated = await belfry.createOrUpdateUser('identifier', { firstName: 'Ada', phoneNumber: null });
      expect(updated.attributes).toEqual({ email: 'ada@example.com', firstName: 'Ada' });
      await expect(belfry.getUser('identifier')).resolves.toMatchObject({ identifier: 'identifier', attributes: updated.attributes });
    });

    it('rejects bad input with BelfryApiError naming the field', async () => {
      const error = await createTestClient().createOrUpdateUser('ada', { email: 'not an email' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BelfryApiError);
      expect(error).toMatchObject({ status: 400, code: 'invalid_request', message: expect.stringContaining('email') });
    });
  });

  describe('.deleteUser()', () => {
    it('deletes the user, after which getUser rejects with user_not_found', async () => {
      const belfry = createTestClient();
      await belfry.createOrUpdateUser('ada', { firstName: 'Ada' });
      await expect(belfry.deleteUser('ada')).resolves.toBeUndefined();
      await expect(belfry.getUser('ada')).rejects.toMatchObject({ status: 404, code: 'user_not_found' });
    });
  });

  describe('.send()', () => {
    it('delivers to known and inline recipients, discards unknown ones, and lists the inbox', async () => {
      const belfry = createTestClient();
      await belfry.createOrUpdateUser('ada', { firstName: 'Ada' });
      const answer = await belfry.send({
        notification: { title: 'Hey <<recipient.firstName>>', message: 'Order **#<<data.order>>** shipped' },
        data: { order: 42 },
        sendTo: { recipients: ['ada', { identifier: 'grace', firstName: 'Grace', email: 'grace@example.com' }, 'ghost'] },
      });
      expect(answer.delivered).toEqual(['ada', 'grace']);
      expect(answer.discarded).toEqual([{ identifier: 'ghost', reason: 'user_not_found' }]);
      const page = await belfry.notifications.list('grace', { limit: 10 });
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({ title: 'Hey <<recipient.firstName>>', data: { order: 42 } });
      expect(page.counts).toEqual({ unseen: 1, unread: 1 });
    });

    it('runs the seed example: a stored workflow sent to a created user and an inline recipient', async () => {
      const belfry = createTestClient();
      await belfry.workflows.upsert('order_shipped', {
        name: 'Order shipped',
        category: 'orders',
        channels: {
          inApp: { title: 'Hey <<recipient.firstName | default: "there">>', message: 'Order #<<data.orderId>> shipped' },
          email: { subject: 'Order #<<data.orderId>>', body: 'Hi <<recipient.firstName>>' },
          sms: { text: 'Order <<data.orderId>> shipped' },
        },
      });
      await expect(belfry.workflows.get('order_shipped')).resolves.toMatchObject({ identifier: 'order_shipped', category: 'orders' });

      await belfry.createOrUpdateUser('identifier', { email: 'hello@example.com', phoneNumber: '+16020000000' });
      const answer = await belfry.send({
        notification: { workflow: { identifier: 'order_shipped' } },
        data: { orderId: 7 },
        sendTo: { recipients: ['identifier', { identifier: 'user2', firstName: 'Grace', email: 'grace@example.com' }] },
      });
      expect(answer.delivered).toEqual(['identifier', 'user2']);
      expect(answer.skipped).toEqual([{ identifier: 'user2', channel: 'sms', reason: 'missing_attribute' }]);
      const { items } = await belfry.deliveries.list({ limit: 10 });
      expect(items.map((d) => [d.channel, d.to, d.subject ?? d.body]).sort()).toEqual([
        ['email', 'grace@example.com', 'Order #7'],
        ['email', 'hello@example.com', 'Order #7'],
        ['sms', '+16020000000', 'Order 7 shipped'],
      ]);
      expect((await belfry.notifications.list('user2')).items[0]).toMatchObject({ workflow: 'order_shipped', category: 'orders' });

      await belfry.workflows.remove('order_shipped');
      await expect(belfry.workflows.get('order_shipped')).rejects.toMatchObject({ status: 404, code: 'workflow_not_found' });
    });

    it('rejects with unauthorized for a wrong API secret', async () => {
      await expect(createTestClient({ apiSecret: 'wrong' }).getUser('ada')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    });
  });

  describe('.generateUserToken()', () => {
    it("signs a token that opens POST /v1/me/connect of a secure-mode app as the user", async () => {
      const belfry = createTestClient();
      await belfry.createOrUpdateUser('ada', { firstName: 'Ada' });
      const answer = await connectWith(await belfry.generateUserToken('ada', { expiresIn: '5m' }));
      expect(answer).toMatchObject({ status: 200, body: { user: { identifier: 'ada', attributes: { firstName: 'Ada' } }, app: { secureMode: true } } });
    });

    it('signs with a registered RS256 key by kid, and reaches identifiers that start with "user:"', async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
      await storage.ensureApp({ apiKey, apiSecret, publicKeys: [{ kid: 'k1', alg: 'RS256', pem: await exportSPKI(publicKey) }] });
      const belfry = createTestClient({ signingKey: await exportPKCS8(privateKey), kid: 'k1' });
      await belfry.createOrUpdateUser('user:42', {});
      const answer = await connectWith(await belfry.generateUserToken('user:42'));
      expect(answer.status).toBe(200);
      expect(answer.body.user.identifier).toBe('user:42');
    });

    it('is refused for a user the backend never created, and a token of another app is refused', async () => {
      const belfry = createTestClient();
      expect(await connectWith(await belfry.generateUserToken('carol'))).toMatchObject({ status: 404, body: { error: { code: 'user_not_found' } } });
      await belfry.createOrUpdateUser('ada', {});
      const foreign = createTestClient({ apiKey: 'bk_another_app' });
      expect(await connectWith(await foreign.generateUserToken('ada'))).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    });
  });
});
