// The official @engagespot/node SDK (1.7.0) against a running belfry-server at `<service>/v3`:
// every call the compatibility layer promises, its effects checked through Belfry's own API.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectResponse, NotificationPage } from 'belfry/protocol';
import { EngagespotClient } from '@engagespot/node';
import { openStream } from '../realtime/sse-client.ts';
import { belfry, createCompatService, createProfile, createRsaKeyPair, createWorkflowInput, responseOf } from './fixtures.ts';
import type { CompatService, PemKeyPair } from './fixtures.ts';

describe('compatRoutes (Engagespot v3 via @engagespot/node)', () => {
  let keys: PemKeyPair;
  let otherKeys: PemKeyPair;
  let service: CompatService;

  beforeAll(async () => {
    [keys, otherKeys] = await Promise.all([createRsaKeyPair(), createRsaKeyPair()]);
  });
  beforeEach(async () => {
    service = await createCompatService(keys);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await service.close();
  });

  // The SDK logs every failed call with console.error before rethrowing; keep the output clean
  // and let the test assert that it did fail.
  const quietly = () => vi.spyOn(console, 'error').mockImplementation(() => {});
  const inbox = async (identifier: string, query = '?status=all') =>
    belfry<NotificationPage>(service, 'GET', `/v1/me/notifications${query}`, { token: service.engagespot.generateUserToken(identifier) });
  const sendOrder = (recipients: unknown[], data: Record<string, unknown> = { order: 42 }) =>
    service.engagespot.send({ notification: { workflow: { identifier: 'order-shipped' } }, data, sendTo: { recipients: recipients as string[] } });
  const firstCompatId = async (identifier: string) => ((await service.engagespot.inAppInbox.fetch(identifier)) as { data: { id: string }[] }).data[0]!.id;

  beforeEach(async () => {
    await service.storage.workflows.upsert(service.app.id, 'order-shipped', createWorkflowInput());
  });

  describe('.createOrUpdateUser()', () => {
    it('creates the user with the profile attributes and merges later updates', async () => {
      const created = await service.engagespot.createOrUpdateUser('ada', createProfile({ phoneNumber: '+16020000000' }));
      expect(created).toMatchObject({ identifier: 'ada', attributes: { firstName: 'Ada', email: 'ada@example.com', phoneNumber: '+16020000000' } });
      // The SDK types `email` as a string; null (remove the attribute) passes through untyped.
      const removeEmail: Record<string, unknown> = { lastName: 'Lovelace', email: null };
      await service.engagespot.createOrUpdateUser('ada', removeEmail);
      const user = await belfry(service, 'GET', '/v1/users/ada');
      expect(user.body.attributes).toEqual({ firstName: 'Ada', lastName: 'Lovelace', phoneNumber: '+16020000000' });
    });

    it('creates a user when called without a profile', async () => {
      await service.engagespot.createOrUpdateUser('grace');
      expect((await belfry(service, 'GET', '/v1/users/grace')).body).toMatchObject({ identifier: 'grace', attributes: {} });
    });

    it('rejects an invalid email with a 400 naming the field', async () => {
      quietly();
      const error = await service.engagespot.createOrUpdateUser('ada', { email: 'not an email' }).catch((e: unknown) => e);
      expect(responseOf(error)).toMatchObject({ status: 400, data: { error: { code: 'invalid_request' } } });
      expect(responseOf(error).data.error.message).toContain('email');
      expect((await belfry(service, 'GET', '/v1/users/ada')).status).toBe(404);
    });
  });

  describe('.send()', () => {
    it('delivers a workflow with data to string and inline recipients, creating the inline ones', async () => {
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      const answer = await sendOrder(['ada', { identifier: 'grace', firstName: 'Grace', email: 'grace@example.com' }]);
      expect(answer).toMatchObject({ delivered: ['ada', 'grace'], discarded: [] });
      expect((await belfry(service, 'GET', '/v1/users/grace')).body.attributes).toEqual({ firstName: 'Grace', email: 'grace@example.com' });
      const page = await inbox('grace');
      expect(page.body.items).toHaveLength(1);
      expect(page.body.items[0]).toMatchObject({ workflow: 'order-shipped', category: 'orders', title: 'Hey <<recipient.firstName>>', data: { order: 42 } });
    });

    it('accepts the legacy top-level recipients', async () => {
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      const answer = await service.engagespot.send({ notification: { title: 'Legacy hello' }, recipients: ['ada'] });
      expect(answer).toMatchObject({ delivered: ['ada'] });
      expect((await inbox('ada')).body.items.map((n) => n.title)).toEqual(['Legacy hello']);
    });

    it('discards string recipients that were never created', async () => {
      const answer = await sendOrder(['nobody']);
      expect(answer).toMatchObject({ delivered: [], discarded: [{ identifier: 'nobody', reason: 'user_not_found' }] });
    });

    it('rejects an unknown workflow with a 4xx and delivers nothing', async () => {
      quietly();
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      const error = await service.engagespot
        .send({ notification: { workflow: { identifier: 'no-such-workflow' } }, sendTo: { recipients: ['ada'] } })
        .catch((e: unknown) => e);
      expect(responseOf(error).status).toBeGreaterThanOrEqual(400);
      expect(responseOf(error).status).toBeLessThan(500);
      expect(responseOf(error).data.error.message).toContain('no-such-workflow');
      expect((await inbox('ada')).body.items).toEqual([]);
    });

    it('refuses topics, which Belfry does not have, with a 400', async () => {
      quietly();
      const error = await service.engagespot.send({ notification: { title: 'Hi' }, sendTo: { topics: ['news'] } }).catch((e: unknown) => e);
      expect(responseOf(error)).toMatchObject({ status: 400, data: { error: { code: 'invalid_request' } } });
      expect(responseOf(error).data.error.message).toContain('sendTo.topics');
    });
  });

  describe('.inAppInbox.fetch()', () => {
    it('answers the notifications with title and message rendered for the user, newest first, with counts', async () => {
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      await sendOrder(['ada'], { order: 7 });
      await sendOrder(['ada'], { order: 8 });
      const page = await service.engagespot.inAppInbox.fetch('ada');
      expect(page).toMatchObject({ unreadCount: 2, unseenCount: 2, pagination: { totalCount: 2 } });
      expect(page.data).toHaveLength(2);
      expect(page.data[0]).toMatchObject({
        title: 'Hey Ada',
        message: 'Order #8 shipped',
        url: 'https://shop.example/orders',
        category: 'orders',
        data: { order: 8 },
        seenAt: null,
        clickedAt: null,
        state: 'delivered',
      });
      expect(page.data[1].message).toBe('Order #7 shipped');
    });

    it("renders the app's name where a template reads <<app.name>>", async () => {
      const named = await createCompatService(keys, { appName: 'Acme' });
      try {
        const welcome = createWorkflowInput({ channels: { inApp: { title: 'Welcome to <<app.name>>', message: '<<recipient.firstName>>, <<app.name>> says hi' } } });
        await named.storage.workflows.upsert(named.app.id, 'welcome', welcome);
        await named.engagespot.createOrUpdateUser('ada', createProfile());
        await named.engagespot.send({ notification: { workflow: { identifier: 'welcome' } }, sendTo: { recipients: ['ada'] } });
        const page = await named.engagespot.inAppInbox.fetch('ada');
        expect(page.data[0]).toMatchObject({ title: 'Welcome to Acme', message: 'Ada, Acme says hi' });
      } finally {
        await named.close();
      }
      // An app without a name renders it empty.
      await service.storage.workflows.upsert(service.app.id, 'welcome', createWorkflowInput({ channels: { inApp: { title: 'Welcome to <<app.name>>', message: 'm' } } }));
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      await service.engagespot.send({ notification: { workflow: { identifier: 'welcome' } }, sendTo: { recipients: ['ada'] } });
      expect((await service.engagespot.inAppInbox.fetch('ada')).data[0].title).toBe('Welcome to ');
    });

    it('renders values as plain text, never as formatting', async () => {
      await service.engagespot.createOrUpdateUser('ada', createProfile({ firstName: '**<img src=x onerror=alert(1)>**' }));
      await sendOrder(['ada']);
      const page = await service.engagespot.inAppInbox.fetch('ada');
      expect(page.data[0].title).toBe('Hey **<img src=x onerror=alert(1)>**');
    });

    it('pages by page number and limit', async () => {
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      for (let order = 1; order <= 5; order++) await sendOrder(['ada'], { order });
      const orders = async (pageNo: number) =>
        ((await service.engagespot.inAppInbox.fetch('ada', pageNo, 2)) as { data: { data: { order: number } }[]; pagination: { totalCount: number } });
      const pages = await Promise.all([orders(1), orders(2), orders(3), orders(4)]);
      expect(pages.map((p) => p.data.map((n) => n.data.order))).toEqual([[5, 4], [3, 2], [1], []]);
      expect(pages.map((p) => p.pagination.totalCount)).toEqual([5, 5, 5, 5]);
    });

    it('answers 404 for a user that was never created', async () => {
      quietly();
      const error = await service.engagespot.inAppInbox.fetch('nobody').catch((e: unknown) => e);
      expect(responseOf(error)).toMatchObject({ status: 404, data: { error: { code: 'user_not_found' } } });
    });
  });

  describe('.inAppInbox.markNotificationAsRead()', () => {
    it('marks the notification read in Belfry and lowers the unread count', async () => {
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      await sendOrder(['ada']);
      const answer = await service.engagespot.inAppInbox.markNotificationAsRead(await firstCompatId('ada'));
      expect(answer?.data).toMatchObject({ unreadCount: 0, notification: { state: 'clicked' } });
      const page = await inbox('ada');
      expect(page.body.items[0]!.readAt).not.toBeNull();
      expect(page.body.counts).toEqual({ unseen: 1, unread: 0 });
    });

    it('updates an open Belfry widget live', async () => {
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      await sendOrder(['ada']);
      const token = service.engagespot.generateUserToken('ada');
      const stream = await openStream(`${service.server.url}/v1/me/events?after=1`, { 'X-API-Key': service.apiKey, Authorization: `Bearer ${token}` });
      try {
        await service.engagespot.inAppInbox.markNotificationAsRead(await firstCompatId('ada'));
        const frames = await stream.until((frame) => frame.event === 'notification.updated');
        expect(frames.at(-1)!.data).toMatchObject({ seq: 2, counts: { unread: 0 } });
      } finally {
        stream.close();
      }
    });

    it('answers 404 for a made-up id and for an id used with another app, even one with a user of the same identifier', async () => {
      quietly();
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      await sendOrder(['ada']);
      const id = await firstCompatId('ada');
      const other = await service.storage.createApp();
      const stranger = EngagespotClient({ apiKey: other.app.apiKey, apiSecret: other.apiSecret, baseUrl: `${service.server.url}/v3` });
      await stranger.createOrUpdateUser('ada', createProfile());
      for (const attempt of [
        () => service.engagespot.inAppInbox.markNotificationAsRead('ntf_made_up'),
        () => service.engagespot.inAppInbox.markNotificationAsRead(`${id}x`),
        () => stranger.inAppInbox.markNotificationAsRead(id),
      ]) {
        const error = await attempt().catch((e: unknown) => e);
        expect(responseOf(error)).toMatchObject({ status: 404, data: { error: { code: 'notification_not_found' } } });
      }
      expect((await inbox('ada')).body.items[0]!.readAt).toBeNull();
    });
  });

  describe('identifiers', () => {
    it('serves a user whose identifier is an email address through every call', async () => {
      const identifier = 'ada+news@example.com';
      await service.engagespot.createOrUpdateUser(identifier, createProfile());
      expect(await sendOrder([identifier])).toMatchObject({ delivered: [identifier] });
      const id = await firstCompatId(identifier);
      await service.engagespot.inAppInbox.markNotificationAsRead(id);
      expect((await inbox(identifier)).body.counts.unread).toBe(0);
      await service.engagespot.inAppInbox.deleteNotification(id);
      expect((await inbox(identifier)).body.items).toEqual([]);
    });
  });

  describe('.inAppInbox.markNotificationAsUnRead()', () => {
    it('marks a read notification unread again', async () => {
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      await sendOrder(['ada']);
      const id = await firstCompatId('ada');
      await service.engagespot.inAppInbox.markNotificationAsRead(id);
      const answer = await service.engagespot.inAppInbox.markNotificationAsUnRead(id);
      expect(answer?.data).toMatchObject({ unreadCount: 1 });
      const page = await inbox('ada');
      expect(page.body.items[0]!.readAt).toBeNull();
      expect(page.body.counts.unread).toBe(1);
    });
  });

  describe('.inAppInbox.markNotificationAsUnseen()', () => {
    it('marks a seen notification unseen again', async () => {
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      await sendOrder(['ada']);
      const token = service.engagespot.generateUserToken('ada');
      const belfryId = (await inbox('ada')).body.items[0]!.id;
      await belfry(service, 'PATCH', `/v1/me/notifications/${belfryId}`, { token, body: { seen: true } });
      expect((await inbox('ada')).body.counts.unseen).toBe(0);
      const answer = await service.engagespot.inAppInbox.markNotificationAsUnseen(await firstCompatId('ada'));
      expect(answer?.data).toMatchObject({ unseenCount: 1, notification: { seenAt: null } });
      const page = await inbox('ada');
      expect(page.body.items[0]!.seenAt).toBeNull();
      expect(page.body.counts.unseen).toBe(1);
    });
  });

  describe('.inAppInbox.deleteNotification()', () => {
    it('deletes the notification from the user inbox', async () => {
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      await sendOrder(['ada'], { order: 1 });
      await sendOrder(['ada'], { order: 2 });
      const newest = await firstCompatId('ada');
      const answer = await service.engagespot.inAppInbox.deleteNotification(newest);
      expect(answer?.data).toEqual({ unreadCount: 1, unseenCount: 1 });
      expect((await inbox('ada')).body.items.map((n) => n.data)).toEqual([{ order: 1 }]);
      quietly();
      const again = await service.engagespot.inAppInbox.deleteNotification(newest).catch((e: unknown) => e);
      expect(responseOf(again)).toMatchObject({ status: 404, data: { error: { code: 'notification_not_found' } } });
    });
  });

  describe('.createCategory()', () => {
    it('creates or renames a category of the app', async () => {
      const created = await service.engagespot.createCategory('orders', 'Orders');
      expect(created?.status).toBe(201);
      expect(created?.data).toMatchObject({ identifier: 'orders', name: 'Orders' });
      await service.engagespot.createCategory('orders', 'Your orders');
      expect(await service.storage.categories.list(service.app.id)).toEqual([{ identifier: 'orders', name: 'Your orders' }]);
    });

    it('rejects a missing identifier with a 400', async () => {
      quietly();
      const error = await service.engagespot.createCategory('', 'Nameless').catch((e: unknown) => e);
      expect(responseOf(error)).toMatchObject({ status: 400, data: { error: { code: 'invalid_request' } } });
    });
  });

  describe('.generateUserToken()', () => {
    it('signs a token that opens the Belfry inbox in secure mode', async () => {
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      const token = service.engagespot.generateUserToken('ada');
      const connected = await belfry<ConnectResponse>(service, 'POST', '/v1/me/connect', { token });
      expect(connected.status).toBe(200);
      expect(connected.body).toMatchObject({ user: { identifier: 'ada', attributes: { firstName: 'Ada' } }, app: { secureMode: true } });
    });

    it('opens nothing for a user the backend never created', async () => {
      const connected = await belfry(service, 'POST', '/v1/me/connect', { token: service.engagespot.generateUserToken('nobody') });
      expect(connected).toMatchObject({ status: 404, body: { error: { code: 'user_not_found' } } });
    });

    it('opens nothing when signed with a key the app has not registered', async () => {
      await service.engagespot.createOrUpdateUser('ada', createProfile());
      const forger = EngagespotClient({ apiKey: service.apiKey, apiSecret: 'unused', baseUrl: `${service.server.url}/v3`, signingKey: otherKeys.privatePem });
      const connected = await belfry(service, 'POST', '/v1/me/connect', { token: forger.generateUserToken('ada') });
      expect(connected).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    });
  });

  describe('authentication', () => {
    it('rejects a wrong API secret with a 401, and the SDK call rejects', async () => {
      quietly();
      const wrong = EngagespotClient({ apiKey: service.apiKey, apiSecret: 'wrong-secret', baseUrl: `${service.server.url}/v3` });
      const error = await wrong.createOrUpdateUser('ada', createProfile()).catch((e: unknown) => e);
      expect(responseOf(error)).toMatchObject({ status: 401, data: { error: { code: 'unauthorized' } } });
      expect((await belfry(service, 'GET', '/v1/users/ada')).status).toBe(404);
    });

    it('rejects an unknown API key with the same 401', async () => {
      quietly();
      const unknown = EngagespotClient({ apiKey: 'bk_unknown', apiSecret: service.apiSecret, baseUrl: `${service.server.url}/v3` });
      const error = await unknown.send({ notification: { title: 'Hi' }, sendTo: { recipients: ['ada'] } }).catch((e: unknown) => e);
      expect(responseOf(error)).toMatchObject({ status: 401, data: { error: { code: 'unauthorized', message: 'unknown API key or wrong API secret' } } });
    });
  });
});
