// The storage contract, second part: app token settings, user deletion, workflows, categories,
// preferences, idempotency keys and the deliveries log. Every Storage implementation runs it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowInput } from 'belfry/protocol';
import type { Storage, UserRecord } from '../../src/index.ts';
import { createContent } from './contract.ts';

/** A workflow with an in-app and an email template. */
export function createWorkflowInput(overrides: Partial<WorkflowInput> = {}): WorkflowInput {
  return {
    name: 'Order shipped',
    category: 'orders',
    channels: {
      inApp: { title: 'Hey <<recipient.firstName>>', message: 'Order **#<<data.order>>** shipped' },
      email: { subject: 'Your order shipped', body: 'Hi <<recipient.firstName>>' },
    },
    ...overrides,
  };
}

/** Registers the contract tests of the stores for one implementation. */
export function describeStoresContract(name: string, open: () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>): void {
  describe(`Storage contract (stores): ${name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    let appId: string;
    let otherAppId: string;
    let user: UserRecord;

    beforeEach(async () => {
      ({ storage, cleanup } = await open());
      appId = (await storage.createApp()).app.id;
      otherAppId = (await storage.createApp()).app.id;
      user = await storage.upsertUser(appId, 'ada', { firstName: 'Ada' });
    });
    afterEach(async () => cleanup());

    describe('app settings', () => {
      it('stores token settings on create and keeps what ensureApp leaves undefined', async () => {
        const publicKeys = [{ kid: 'k1', alg: 'RS256' as const, pem: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----' }];
        const { app } = await storage.createApp({ apiKey: 'key-s', secureMode: true, signingSecret: 's3cret', publicKeys });
        expect(app).toMatchObject({ secureMode: true, signingSecret: 's3cret', publicKeys, allowNonExpiringTokens: false });
        const again = await storage.ensureApp({ apiKey: 'key-s', apiSecret: 'new', allowNonExpiringTokens: true });
        expect(again).toMatchObject({ id: app.id, secureMode: true, signingSecret: 's3cret', publicKeys, allowNonExpiringTokens: true });
        const cleared = await storage.ensureApp({ apiKey: 'key-s', apiSecret: 'new', signingSecret: null, publicKeys: [] });
        expect(cleared).toMatchObject({ signingSecret: null, publicKeys: [] });
        expect(await storage.findAppByApiKey('key-s')).toEqual(cleared);
      });

      it('creates apps without token settings or a name by default', async () => {
        const { app } = await storage.createApp();
        expect(app).toMatchObject({ secureMode: false, signingSecret: null, publicKeys: [], allowNonExpiringTokens: false, name: null });
      });

      it('stores the name on create, keeps it when ensureApp leaves it undefined, and clears it with null', async () => {
        const { app } = await storage.createApp({ apiKey: 'key-n', name: 'Acme Ünïcode 🛎' });
        expect(app.name).toBe('Acme Ünïcode 🛎');
        expect((await storage.findAppByApiKey('key-n'))!.name).toBe('Acme Ünïcode 🛎');
        expect((await storage.ensureApp({ apiKey: 'key-n', apiSecret: 's', secureMode: true })).name).toBe('Acme Ünïcode 🛎');
        expect((await storage.ensureApp({ apiKey: 'key-n', apiSecret: 's', name: 'Acme 2' })).name).toBe('Acme 2');
        expect((await storage.listApps()).find((a) => a.id === app.id)!.name).toBe('Acme 2');
        expect((await storage.ensureApp({ apiKey: 'key-n', apiSecret: 's', name: null })).name).toBeNull();
        expect((await storage.findAppByApiKey('key-n'))!.name).toBeNull();
        expect((await storage.ensureApp({ apiKey: 'key-new', apiSecret: 's', name: 'Fresh' })).name).toBe('Fresh');
      });
    });

    describe('.deleteUser()', () => {
      it('removes the user with their notifications, events and preferences', async () => {
        await storage.deliver(appId, [user.id], createContent());
        await storage.preferences.set(user.id, { orders: { email: false } });
        expect(await storage.deleteUser(appId, 'ada')).toBe(true);
        expect(await storage.findUser(appId, 'ada')).toBeNull();
        expect(await storage.listEvents(user.id, 0, 100)).toEqual([]);
        expect(await storage.preferences.get(user.id)).toEqual({});
        const again = await storage.upsertUser(appId, 'ada', {});
        expect((await storage.listNotifications(again.id, { limit: 10, before: null, status: 'all', category: null })).items).toEqual([]);
      });

      it('never gives a deleted user\'s id to a new user (stream topics are named by id)', async () => {
        const newest = await storage.upsertUser(appId, 'newest', {});
        await storage.deleteUser(appId, 'newest');
        const next = await storage.upsertUser(otherAppId, 'someone', {});
        expect(next.id).not.toBe(newest.id);
      });

      it('answers false for an unknown user or another app\'s user', async () => {
        expect(await storage.deleteUser(appId, 'nobody')).toBe(false);
        expect(await storage.deleteUser(otherAppId, 'ada')).toBe(false);
        expect(await storage.findUser(appId, 'ada')).not.toBeNull();
      });
    });

    describe('.findUsers()', () => {
      it('finds the app\'s users by exact identifier in one call and leaves out unknown ones', async () => {
        // Identifiers are compared exactly, whatever characters they hold.
        const odd = ['Ada', 'émile "q" \\', 'x\u{1F600}y', 'lone\ud800'];
        for (const identifier of odd) await storage.upsertUser(appId, identifier, { name: identifier });
        await storage.upsertUser(otherAppId, 'bob', {});
        const found = await storage.findUsers(appId, ['nobody', 'ada', ...odd, 'bob', 'ADA']);
        // Compared with what .findUser() answers: a lone surrogate is stored as each database stores it.
        const expected = await Promise.all(['ada', ...odd].map(async (identifier) => (await storage.findUser(appId, identifier))!));
        const byId = (a: UserRecord, b: UserRecord) => a.id - b.id;
        expect([...found].sort(byId)).toEqual(expected.sort(byId));
        expect(await storage.findUsers(appId, [])).toEqual([]);
      });
    });

    describe('.workflows', () => {
      it('creates, replaces, reads, lists and removes workflows per app', async () => {
        const created = await storage.workflows.upsert(appId, 'shipped', createWorkflowInput());
        expect(created).toMatchObject({ identifier: 'shipped', name: 'Order shipped', category: 'orders', channels: createWorkflowInput().channels });
        const replaced = await storage.workflows.upsert(appId, 'shipped', createWorkflowInput({ name: 'Shipped', category: null, channels: { sms: { text: 'x' } } }));
        expect(replaced).toMatchObject({ name: 'Shipped', category: null, channels: { sms: { text: 'x' } }, createdAt: created.createdAt });
        expect(await storage.workflows.get(appId, 'shipped')).toEqual(replaced);
        expect(await storage.workflows.get(otherAppId, 'shipped')).toBeNull();
        await storage.workflows.upsert(appId, 'another', createWorkflowInput());
        expect((await storage.workflows.list(appId)).map((w) => w.identifier)).toEqual(['another', 'shipped']);
        expect(await storage.workflows.remove(appId, 'shipped')).toBe(true);
        expect(await storage.workflows.remove(appId, 'shipped')).toBe(false);
        expect(await storage.workflows.get(appId, 'shipped')).toBeNull();
      });
    });

    describe('.categories', () => {
      it('upserts and lists categories per app', async () => {
        await storage.categories.upsert(appId, 'orders', 'Orders');
        await storage.categories.upsert(appId, 'billing', 'Billing');
        expect(await storage.categories.upsert(appId, 'orders', 'Your orders')).toEqual({ identifier: 'orders', name: 'Your orders' });
        expect(await storage.categories.list(appId)).toEqual([
          { identifier: 'billing', name: 'Billing' },
          { identifier: 'orders', name: 'Your orders' },
        ]);
        expect(await storage.categories.list(otherAppId)).toEqual([]);
      });
    });

    describe('.preferences', () => {
      it('merges category × channel switches and reads them back', async () => {
        expect(await storage.preferences.get(user.id)).toEqual({});
        await storage.preferences.set(user.id, { orders: { email: false, inApp: true } });
        const merged = await storage.preferences.set(user.id, { orders: { email: true }, default: { sms: false } });
        expect(merged).toEqual({ default: { sms: false }, orders: { email: true, inApp: true } });
        expect(await storage.preferences.get(user.id)).toEqual(merged);
      });

      it('reads several users at once with .getMany(), giving users without preferences {}', async () => {
        const bob = await storage.upsertUser(appId, 'bob', {});
        const cy = await storage.upsertUser(appId, 'cy', {});
        await storage.preferences.set(user.id, { orders: { email: false } });
        await storage.preferences.set(cy.id, { default: { inApp: false, sms: true } });
        const many = await storage.preferences.getMany([cy.id, user.id, bob.id]);
        expect([...many]).toEqual([
          [cy.id, { default: { inApp: false, sms: true } }],
          [user.id, { orders: { email: false } }],
          [bob.id, {}],
        ]);
        expect(many.get(user.id)).toEqual(await storage.preferences.get(user.id));
        expect(await storage.preferences.getMany([])).toEqual(new Map());
      });

      it('keeps a category named like a prototype member as plain data', async () => {
        const patch = JSON.parse('{"__proto__": {"email": false}}') as Record<string, { email: boolean }>;
        const stored = await storage.preferences.set(user.id, patch);
        expect(Object.hasOwn(stored, '__proto__')).toBe(true);
        expect(({} as Record<string, unknown>)['email']).toBeUndefined();
      });
    });

    describe('.idempotency', () => {
      it('starts once, reports in-flight and mismatched bodies, then answers the stored response', async () => {
        expect(await storage.idempotency.begin(appId, 'k1', 'body-a')).toEqual({ state: 'started' });
        expect(await storage.idempotency.begin(appId, 'k1', 'body-a')).toEqual({ state: 'in_flight' });
        expect(await storage.idempotency.begin(appId, 'k1', 'body-b')).toEqual({ state: 'mismatch' });
        expect(await storage.idempotency.begin(otherAppId, 'k1', 'body-b')).toEqual({ state: 'started' });
        await storage.idempotency.complete(appId, 'k1', 202, { id: 'trg_1' });
        expect(await storage.idempotency.begin(appId, 'k1', 'body-a')).toEqual({ state: 'done', status: 202, body: { id: 'trg_1' } });
        expect(await storage.idempotency.begin(appId, 'k1', 'body-b')).toEqual({ state: 'mismatch' });
      });

      it('lets a retry start after the first attempt released its claim', async () => {
        await storage.idempotency.begin(appId, 'k2', 'body');
        await storage.idempotency.release(appId, 'k2');
        expect(await storage.idempotency.begin(appId, 'k2', 'body')).toEqual({ state: 'started' });
      });
    });

    describe('.deliveries', () => {
      it('records deliveries and lists them newest first, filtered by channel and recipient', async () => {
        const base = { triggerId: 'trg_1', subject: null, body: 'Hi', status: 'sent' as const, error: null };
        const first = await storage.deliveries.record(appId, { ...base, channel: 'email', recipient: 'ada', to: 'ada@example.com', subject: 'S' });
        expect(first).toMatchObject({ id: expect.any(String), channel: 'email', to: 'ada@example.com', subject: 'S', createdAt: expect.any(String) });
        await storage.deliveries.record(appId, { ...base, channel: 'sms', recipient: 'ada', to: '+16020000000' });
        await storage.deliveries.record(appId, { ...base, channel: 'sms', recipient: 'bob', to: '+16020000001', status: 'failed', error: 'x' });
        expect((await storage.deliveries.list(appId, { limit: 10 })).map((d) => d.to)).toEqual(['+16020000001', '+16020000000', 'ada@example.com']);
        expect((await storage.deliveries.list(appId, { limit: 10, channel: 'sms', recipient: 'ada' })).map((d) => d.to)).toEqual(['+16020000000']);
        expect(await storage.deliveries.list(appId, { limit: 1 })).toHaveLength(1);
        expect(await storage.deliveries.list(otherAppId, { limit: 10 })).toEqual([]);
      });
    });
  });
}
