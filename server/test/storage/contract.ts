// The storage contract suite: every Storage implementation runs it (Hono's common-case pattern).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxChangeEvent } from 'belfry/protocol';
import { hashSecret } from '../../src/crypto.ts';
import type { NotificationContent, Storage, UserRecord } from '../../src/index.ts';

/** Notification content with sensible defaults. */
export function createContent(overrides: Partial<NotificationContent> = {}): NotificationContent {
  return { category: null, workflow: null, title: 'Hi <<recipient.firstName>>', message: 'Body', url: null, icon: null, actions: [], data: {}, ...overrides };
}

/** Registers the contract tests for one implementation; `open` gives a fresh, empty storage. */
export function describeStorageContract(name: string, open: () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    let appId: string;
    let user: UserRecord;

    beforeEach(async () => {
      ({ storage, cleanup } = await open());
      appId = (await storage.createApp()).app.id;
      user = await storage.upsertUser(appId, 'ada', { firstName: 'Ada' });
    });
    afterEach(async () => cleanup());

    const deliverTo = async (target: UserRecord, content: Partial<NotificationContent> = {}) =>
      (await storage.deliver(appId, [target.id], createContent(content)))[0]!.event.notification;
    const eventsOf = (target: UserRecord) => storage.listEvents(target.id, 0, 10_000);

    describe('.createApp()', () => {
      it('stores only the hash of a random secret and finds the app by key', async () => {
        const { app, apiSecret } = await storage.createApp({ secureMode: true });
        expect(apiSecret.length).toBeGreaterThan(40);
        expect(app.apiSecretHash).toBe(hashSecret(apiSecret));
        expect(await storage.findAppByApiKey(app.apiKey)).toEqual(app);
        expect((await storage.findAppByApiKey(app.apiKey))!.secureMode).toBe(true);
        expect(await storage.findAppByApiKey('nope')).toBeNull();
      });
    });

    describe('.ensureApp()', () => {
      it('creates the app once and re-keys it when the secret changes', async () => {
        const first = await storage.ensureApp({ apiKey: 'key-1', apiSecret: 'secret-1' });
        const again = await storage.ensureApp({ apiKey: 'key-1', apiSecret: 'secret-2', secureMode: true });
        expect(again.id).toBe(first.id);
        expect(again.apiSecretHash).toBe(hashSecret('secret-2'));
        expect(again.secureMode).toBe(true);
        expect((await storage.listApps()).filter((a) => a.apiKey === 'key-1')).toHaveLength(1);
      });
    });

    describe('.upsertUser()', () => {
      it('merges attributes and removes the ones set to null', async () => {
        const updated = await storage.upsertUser(appId, 'ada', { lastName: 'Lovelace', firstName: null });
        expect(updated.attributes).toEqual({ lastName: 'Lovelace' });
        expect(updated.id).toBe(user.id);
        expect((await storage.findUser(appId, 'ada'))!.attributes).toEqual({ lastName: 'Lovelace' });
      });

      it('writes a user.updated event with the merged attributes when an existing user changes', async () => {
        const updated = await storage.upsertUser(appId, 'ada', { firstName: 'Augusta', email: 'ada@example.com' });
        expect(updated.seq).toBe(1);
        expect(await eventsOf(user)).toEqual([
          {
            type: 'user.updated',
            seq: 1,
            user: { identifier: 'ada', attributes: { firstName: 'Augusta', email: 'ada@example.com' } },
            counts: { unseen: 0, unread: 0 },
          },
        ]);
      });

      it('writes no event for a new user or a patch that changes nothing', async () => {
        await storage.upsertUser(appId, 'ada', { firstName: 'Ada' });
        const bob = await storage.upsertUser(appId, 'bob', { firstName: 'Bob' });
        expect(await eventsOf(user)).toEqual([]);
        expect(await eventsOf(bob)).toEqual([]);
        expect(bob.seq).toBe(0);
      });

      it('treats identifiers as exact and case-sensitive', async () => {
        const other = await storage.upsertUser(appId, 'Ada', {});
        expect(other.id).not.toBe(user.id);
        expect(await storage.findUser(appId, 'ADA')).toBeNull();
      });

      it('keeps a __proto__ attribute as plain data', async () => {
        const patch = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, never>;
        const updated = await storage.upsertUser(appId, 'ada', patch);
        expect(Object.keys(updated.attributes)).toContain('__proto__');
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      });
    });

    describe('.deliver()', () => {
      it('writes each notification with its creation event at seq = previous seq + 1', async () => {
        const bob = await storage.upsertUser(appId, 'bob', {});
        await deliverTo(user);
        const deliveries = await storage.deliver(appId, [user.id, bob.id], createContent({ title: 'second' }));
        expect(deliveries.map((d) => [d.userId, d.event.seq])).toEqual([
          [user.id, 2],
          [bob.id, 1],
        ]);
        expect(deliveries[0]!.event.counts).toEqual({ unseen: 2, unread: 2 });
        expect((await eventsOf(user)).map((e) => e.seq)).toEqual([1, 2]);
        expect(await eventsOf(user)).toContainEqual(deliveries[0]!.event);
      });

      it('skips users of another app', async () => {
        const otherApp = (await storage.createApp()).app.id;
        expect(await storage.deliver(otherApp, [user.id], createContent())).toEqual([]);
        expect(await eventsOf(user)).toEqual([]);
      });
    });

    describe('.listNotifications()', () => {
      it('pages newest first by seq and reads the counts and seq with the page', async () => {
        for (const title of ['a', 'b', 'c']) await deliverTo(user, { title });
        const first = await storage.listNotifications(user.id, { limit: 2, before: null, status: null, category: null });
        expect(first.items.map((n) => n.title)).toEqual(['c', 'b']);
        expect(first.nextSeq).toBe(2);
        expect(first.seq).toBe(3);
        expect(first.counts).toEqual({ unseen: 3, unread: 3 });
        const second = await storage.listNotifications(user.id, { limit: 2, before: first.nextSeq, status: null, category: null });
        expect(second.items.map((n) => n.title)).toEqual(['a']);
        expect(second.nextSeq).toBeNull();
      });

      it('filters by status and category', async () => {
        const read = await deliverTo(user, { title: 'read', category: 'billing' });
        const archived = await deliverTo(user, { title: 'archived' });
        await deliverTo(user, { title: 'unread', category: 'billing' });
        await storage.updateNotification(user.id, read.id, { read: true });
        await storage.updateNotification(user.id, archived.id, { archived: true });
        const titles = async (status: 'unread' | 'read' | 'archived' | 'all' | null, category: string | null = null) =>
          (await storage.listNotifications(user.id, { limit: 10, before: null, status, category })).items.map((n) => n.title);
        expect(await titles(null)).toEqual(['unread', 'read']);
        expect(await titles('unread')).toEqual(['unread']);
        expect(await titles('read')).toEqual(['read']);
        expect(await titles('archived')).toEqual(['archived']);
        expect(await titles('all')).toEqual(['unread', 'archived', 'read']);
        expect(await titles('all', 'billing')).toEqual(['unread', 'read']);
      });
    });

    describe('.countTabs()', () => {
      it('counts the archived total and the unread, unarchived notifications per category asked for, with the state', async () => {
        const read = await deliverTo(user, { category: 'billing' });
        const archived = await deliverTo(user, { category: 'billing' });
        await deliverTo(user, { category: 'billing' });
        await deliverTo(user, { category: 'social' });
        await deliverTo(user);
        await storage.updateNotification(user.id, read.id, { read: true });
        await storage.updateNotification(user.id, archived.id, { archived: true });
        const tabs = await storage.countTabs(user.id, ['billing', 'social', 'empty', '__proto__']);
        expect(tabs).toEqual({ counts: { unseen: 4, unread: 3 }, archived: 1, categories: { billing: 1, social: 1, empty: 0, ['__proto__']: 0 }, seq: 7 });
        expect(Object.keys(tabs.categories)).toEqual(['billing', 'social', 'empty', '__proto__']);
      });

      it('answers zeros for no categories and for a user without notifications', async () => {
        const bob = await storage.upsertUser(appId, 'bob', {});
        await deliverTo(user, { category: 'billing' });
        expect(await storage.countTabs(bob.id, ['billing'])).toEqual({ counts: { unseen: 0, unread: 0 }, archived: 0, categories: { billing: 0 }, seq: 0 });
        expect(await storage.countTabs(user.id, [])).toEqual({ counts: { unseen: 1, unread: 1 }, archived: 0, categories: {}, seq: 1 });
      });
    });

    describe('.updateNotification()', () => {
      it('writes an updated event with the counts after the change', async () => {
        const notification = await deliverTo(user);
        const result = (await storage.updateNotification(user.id, notification.id, { read: true, seen: true }))!;
        expect(result.notification!.readAt).not.toBeNull();
        expect(result.event).toMatchObject({ type: 'notification.updated', seq: 2, counts: { unseen: 0, unread: 0 } });
        const unread = (await storage.updateNotification(user.id, notification.id, { read: false }))!;
        expect(unread.notification!.readAt).toBeNull();
        expect(unread.counts).toEqual({ unseen: 0, unread: 1 });
      });

      it('writes nothing when nothing changes', async () => {
        const notification = await deliverTo(user);
        const result = (await storage.updateNotification(user.id, notification.id, { read: false, archived: false }))!;
        expect(result.event).toBeNull();
        expect(result.seq).toBe(1);
        expect(await eventsOf(user)).toHaveLength(1);
      });

      it("answers null for another user's notification", async () => {
        const bob = await storage.upsertUser(appId, 'bob', {});
        const notification = await deliverTo(bob);
        expect(await storage.updateNotification(user.id, notification.id, { read: true })).toBeNull();
        expect(await storage.deleteNotification(user.id, notification.id)).toBeNull();
      });
    });

    describe('.deleteNotification()', () => {
      it('removes the notification and writes a deleted event', async () => {
        const notification = await deliverTo(user);
        const result = (await storage.deleteNotification(user.id, notification.id))!;
        expect(result.event).toEqual({ type: 'notification.deleted', seq: 2, id: notification.id, counts: { unseen: 0, unread: 0 } });
        expect(await storage.deleteNotification(user.id, notification.id)).toBeNull();
      });
    });

    describe('.applyBulk()', () => {
      it('applies to the named ids only and names the ones that changed', async () => {
        const a = await deliverTo(user);
        const b = await deliverTo(user);
        await deliverTo(user);
        await storage.updateNotification(user.id, b.id, { read: true });
        const result = await storage.applyBulk(user.id, { action: 'read', ids: [a.id, b.id, 'ntf_unknown'], category: null });
        expect(result.event).toMatchObject({ type: 'notifications.bulk', action: 'read', ids: [a.id], category: null, counts: { unread: 1 } });
      });

      it('applies to every notification in a category when no ids are given', async () => {
        await deliverTo(user, { category: 'billing' });
        await deliverTo(user, { category: 'social' });
        const result = await storage.applyBulk(user.id, { action: 'delete', ids: null, category: 'billing' });
        expect(result.event).toMatchObject({ ids: null, category: 'billing', counts: { unseen: 1, unread: 1 } });
        const left = await storage.listNotifications(user.id, { limit: 10, before: null, status: 'all', category: null });
        expect(left.items.map((n) => n.category)).toEqual(['social']);
      });

      it('writes nothing when nothing changes', async () => {
        await deliverTo(user);
        await storage.applyBulk(user.id, { action: 'seen', ids: null, category: null });
        const again = await storage.applyBulk(user.id, { action: 'seen', ids: null, category: null });
        expect(again).toEqual({ event: null, counts: { unseen: 0, unread: 1 }, seq: 2 });
      });
    });

    describe('.listEvents()', () => {
      it('answers events after a seq, oldest first, up to a limit, with gap-free seqs', async () => {
        const n = await deliverTo(user);
        await storage.updateNotification(user.id, n.id, { seen: true });
        await storage.applyBulk(user.id, { action: 'archive', ids: null, category: null });
        await storage.deleteNotification(user.id, n.id);
        const all = await eventsOf(user);
        expect(all.map((e: InboxChangeEvent) => [e.seq, e.type])).toEqual([
          [1, 'notification.created'],
          [2, 'notification.updated'],
          [3, 'notifications.bulk'],
          [4, 'notification.deleted'],
        ]);
        expect((await storage.listEvents(user.id, 1, 2)).map((e) => e.seq)).toEqual([2, 3]);
        expect((await storage.getInboxState(user.id)).seq).toBe(4);
      });

      it('replays a created event as it was delivered, also after its notification changed or went', async () => {
        const content = { category: 'orders', url: '/orders/7', icon: 'https://cdn.example/i.png', actions: [{ id: 'open', label: 'Open', url: '/o' }], data: { order: 7, tags: ['a'] } };
        const [first, second, third] = await Promise.all([1, 2, 3].map(async (n) => (await storage.deliver(appId, [user.id], createContent({ ...content, title: `n${n}` })))[0]!.event));
        await storage.updateNotification(user.id, first!.notification.id, { read: true, archived: true });
        await storage.deleteNotification(user.id, second!.notification.id);
        await storage.applyBulk(user.id, { action: 'delete', ids: [third!.notification.id], category: null });
        const created = (await eventsOf(user)).filter((e) => e.type === 'notification.created');
        expect(created).toEqual([first, second, third].sort((a, b) => a!.seq - b!.seq));
        expect(created[0]!.counts).toEqual({ unseen: 1, unread: 1 });
      });
    });

    describe('.listEventsForUsers()', () => {
      it('answers each user\'s events after its own cursor, oldest first, up to a limit per user', async () => {
        const bob = await storage.upsertUser(appId, 'bob', {});
        const carol = await storage.upsertUser(appId, 'carol', {});
        for (let i = 0; i < 3; i++) await deliverTo(user);
        await deliverTo(bob);
        await deliverTo(bob);
        await deliverTo(carol);
        const found = await storage.listEventsForUsers(
          [
            { userId: user.id, after: 0 },
            { userId: bob.id, after: 1 },
            { userId: carol.id, after: 1 },
          ],
          2,
        );
        expect([...found.keys()].sort()).toEqual([user.id, bob.id].sort());
        expect(found.get(user.id)!.map((e) => e.seq)).toEqual([1, 2]);
        expect(found.get(bob.id)!.map((e) => [e.seq, e.type])).toEqual([[2, 'notification.created']]);
        // The same events listEvents answers, byte for byte.
        expect(found.get(user.id)).toEqual(await storage.listEvents(user.id, 0, 2));
        expect(await storage.listEventsForUsers([], 10)).toEqual(new Map());
      });
    });
  });
}
