import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxChangeEvent } from 'belfry/protocol';
import { openPostgresStorage, openStorage, POSTGRES_SCHEMA_VERSION } from '../../src/storage/index.ts';
import type { PostgresStorageOptions, Storage, UserRecord } from '../../src/storage/index.ts';
import { createContent, describeStorageContract } from './contract.ts';
import { describeCountersContract } from './contract-counters.ts';
import { describeStoresContract, createWorkflowInput } from './contract-stores.ts';
import { adminQuery, closeAdmin, createSchemaName, createSharedSchema, dropSchema, requirePostgres, TEST_STORAGE_URL } from './postgres-fixtures.ts';

const shared = createSharedSchema();
afterAll(async () => {
  await shared.drop();
  await closeAdmin();
});

describeStorageContract('postgres', shared.open);
describeStoresContract('postgres', shared.open);
describeCountersContract('postgres', shared.open);

/** Opens another storage on `schema`, like a second belfry-server instance on the same database. */
const openInstance = (schema: string, options: PostgresStorageOptions = {}) =>
  openPostgresStorage(TEST_STORAGE_URL, { poolSize: 4, ...options, schema });

describe('openPostgresStorage', () => {
  describe('()', () => {
    let schema: string;
    beforeEach(async () => {
      await requirePostgres();
      schema = createSchemaName();
    });
    afterEach(() => dropSchema(schema));

    it('migrates one empty schema from several instances starting at once', async () => {
      const opened = await Promise.allSettled([1, 2, 3, 4].map(() => openInstance(schema, { poolSize: 1 })));
      const storages = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      try {
        expect(opened.filter((result) => result.status === 'rejected')).toEqual([]);
        expect(await adminQuery(`SELECT version FROM "${schema}".schema_version`)).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
        const { app } = await storages[0]!.createApp();
        expect((await storages[3]!.findAppByApiKey(app.apiKey))?.id).toBe(app.id);
      } finally {
        await Promise.all(storages.map((storage) => storage.close()));
      }
    });

    it('keeps data across reopening', async () => {
      const first = await openInstance(schema);
      const { app } = await first.createApp();
      await first.upsertUser(app.id, 'ada', { firstName: 'Ada' });
      await first.close();
      const second = await openInstance(schema);
      expect((await second.findUser(app.id, 'ada'))!.attributes).toEqual({ firstName: 'Ada' });
      await second.close();
    });

    it('migrates a version 1 schema (apps without a name) forward, keeping its data', async () => {
      const first = await openInstance(schema);
      const { app, apiSecret } = await first.createApp({ apiKey: 'old-key', secureMode: true, signingSecret: 's3cret' });
      const ada = await first.upsertUser(app.id, 'ada', { firstName: 'Ada' });
      await first.deliver(app.id, [ada.id], createContent({ title: 'kept' }));
      await first.close();
      // Version 1 is exactly this schema without apps.name, the column version 2 adds.
      await adminQuery(`ALTER TABLE "${schema}".apps DROP COLUMN name`);
      await adminQuery(`UPDATE "${schema}".schema_version SET version = 1`);

      const second = await openInstance(schema);
      try {
        expect(await second.findAppByApiKey('old-key')).toEqual({ ...app, name: null });
        expect((await second.findUser(app.id, 'ada'))!.attributes).toEqual({ firstName: 'Ada' });
        const page = await second.listNotifications(ada.id, { limit: 10, before: null, status: null, category: null });
        expect(page.items.map((n) => n.title)).toEqual(['kept']);
        expect((await second.ensureApp({ apiKey: 'old-key', apiSecret, name: 'Acme' })).name).toBe('Acme');
      } finally {
        await second.close();
      }
      expect(await adminQuery(`SELECT version FROM "${schema}".schema_version`)).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
      expect(await adminQuery(`SELECT name FROM "${schema}".apps`)).toEqual([{ name: 'Acme' }]);
    });

    it('migrates a version 2 schema (app keys on notifications and events, full user pages) forward, deleting an app still taking its inboxes', async () => {
      const first = await openInstance(schema);
      const { app } = await first.createApp();
      const ada = await first.upsertUser(app.id, 'ada', {});
      await first.deliver(app.id, [ada.id], createContent({ title: 'kept' }));
      await first.close();
      // Version 2 is exactly this schema with the foreign keys to apps that version 3 drops.
      await adminQuery(`ALTER TABLE "${schema}".notifications ADD CONSTRAINT notifications_app_id_fkey FOREIGN KEY (app_id) REFERENCES "${schema}".apps(id) ON DELETE CASCADE`);
      await adminQuery(`ALTER TABLE "${schema}".events ADD CONSTRAINT events_app_id_fkey FOREIGN KEY (app_id) REFERENCES "${schema}".apps(id) ON DELETE CASCADE`);
      await adminQuery(`UPDATE "${schema}".schema_version SET version = 2`);

      const second = await openInstance(schema);
      try {
        const [delivered] = await second.deliver(app.id, [ada.id], createContent({ title: 'after' }));
        expect(delivered!.event.seq).toBe(2);
        expect((await second.listEvents(ada.id, 0, 10)).map((e) => e.type === 'notification.created' && e.notification.title)).toEqual(['kept', 'after']);
      } finally {
        await second.close();
      }
      expect(await adminQuery(`SELECT version FROM "${schema}".schema_version`)).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
      const keys = await adminQuery(
        `SELECT conname FROM pg_constraint WHERE contype = 'f' AND connamespace = $1::regnamespace AND confrelid = $2::regclass ORDER BY conname`,
        [schema, `"${schema}".apps`],
      );
      expect(keys.map((row) => row['conname'])).not.toContain('notifications_app_id_fkey');
      expect(keys.map((row) => row['conname'])).not.toContain('events_app_id_fkey');
      expect(await adminQuery(`SELECT reloptions FROM pg_class WHERE oid = $1::regclass`, [`"${schema}".users`])).toEqual([{ reloptions: ['fillfactor=70'] }]);
      // The app's notifications and events still go with it, through its users.
      await adminQuery(`DELETE FROM "${schema}".apps WHERE id = $1`, [app.id]);
      expect(await adminQuery(`SELECT (SELECT count(*) FROM "${schema}".notifications)::int AS n, (SELECT count(*) FROM "${schema}".events)::int AS e`)).toEqual([
        { n: 0, e: 0 },
      ]);
    });

    it('migrates a version 3 schema (user keys on notifications and events) forward, a deleted user or app still taking its inbox', async () => {
      const first = await openInstance(schema);
      const { app } = await first.createApp();
      const [ada, bob] = [await first.upsertUser(app.id, 'ada', {}), await first.upsertUser(app.id, 'bob', {})];
      await first.deliver(app.id, [ada.id, bob.id], createContent({ title: 'kept' }));
      await first.close();
      // Version 3 is exactly this schema with the keys to users and without the trigger that 4 swaps them for.
      await adminQuery(`DROP TRIGGER users_delete_inboxes ON "${schema}".users; DROP FUNCTION "${schema}".belfry_delete_inboxes()`);
      await adminQuery(`ALTER TABLE "${schema}".notifications ADD CONSTRAINT notifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES "${schema}".users(id) ON DELETE CASCADE`);
      await adminQuery(`ALTER TABLE "${schema}".events ADD CONSTRAINT events_user_id_fkey FOREIGN KEY (user_id) REFERENCES "${schema}".users(id) ON DELETE CASCADE`);
      await adminQuery(`UPDATE "${schema}".schema_version SET version = 3`);

      const second = await openInstance(schema);
      const inboxes = () =>
        adminQuery(`SELECT user_id::int, (SELECT count(*)::int FROM "${schema}".events e WHERE e.user_id = n.user_id) AS events FROM "${schema}".notifications n ORDER BY user_id`);
      try {
        expect((await second.deliver(app.id, [ada.id], createContent({ title: 'after' })))[0]!.event.seq).toBe(2);
        expect(await inboxes()).toEqual([
          { user_id: ada.id, events: 2 },
          { user_id: ada.id, events: 2 },
          { user_id: bob.id, events: 1 },
        ]);
        expect(await second.deleteUser(app.id, 'ada')).toBe(true);
        expect(await inboxes()).toEqual([{ user_id: bob.id, events: 1 }]);
      } finally {
        await second.close();
      }
      expect(await adminQuery(`SELECT version FROM "${schema}".schema_version`)).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
      const keys = await adminQuery(`SELECT conname FROM pg_constraint WHERE contype = 'f' AND confrelid = $1::regclass`, [`"${schema}".users`]);
      expect(keys.map((row) => row['conname'])).toEqual(['preferences_user_id_fkey']);
      // Deleted with its app (the users go by their key to apps), from a session on another search path.
      await adminQuery(`DELETE FROM "${schema}".apps WHERE id = $1`, [app.id]);
      expect(await adminQuery(`SELECT (SELECT count(*) FROM "${schema}".notifications)::int AS n, (SELECT count(*) FROM "${schema}".events)::int AS e`)).toEqual([
        { n: 0, e: 0 },
      ]);
    });

    it('refuses a schema written by a newer version', async () => {
      await (await openInstance(schema)).close();
      await adminQuery(`UPDATE "${schema}".schema_version SET version = $1`, [POSTGRES_SCHEMA_VERSION + 1]);
      await expect(openInstance(schema)).rejects.toThrow(/newer/);
    });

    it('refuses a schema name that is not a plain lower-case name', async () => {
      await expect(openInstance('Belfry; DROP TABLE apps')).rejects.toThrow(/schema must be/);
    });
  });

  it('fails with a message naming the server but not the password when PostgreSQL is unreachable', async () => {
    const failure = openPostgresStorage('postgres://belfry:hunter2@127.0.0.1:1/belfry');
    await expect(failure).rejects.toThrow(/cannot open the PostgreSQL storage at postgres:\/\/belfry:\*\*\*@127\.0\.0\.1:1\/belfry/);
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });
});

describe('openStorage', () => {
  describe('()', () => {
    it('opens PostgreSQL for postgres:// and postgresql:// URLs', async () => {
      await requirePostgres();
      const schema = createSchemaName();
      try {
        const first = await openStorage(TEST_STORAGE_URL, { schema });
        const { app } = await first.createApp();
        await first.close();
        const second = await openStorage(TEST_STORAGE_URL.replace(/^postgres:/, 'postgresql:'), { schema });
        expect((await second.findAppByApiKey(app.apiKey))?.id).toBe(app.id);
        await second.close();
      } finally {
        await dropSchema(schema);
      }
    });

    it('puts the tables in the schema a ?schema= parameter names', async () => {
      await requirePostgres();
      const schema = createSchemaName();
      const url = new URL(TEST_STORAGE_URL);
      url.searchParams.set('schema', schema);
      try {
        const storage = await openStorage(url.toString());
        const { app } = await storage.createApp();
        await storage.close();
        expect(await adminQuery(`SELECT id FROM "${schema}".apps`)).toEqual([{ id: app.id }]);
      } finally {
        await dropSchema(schema);
      }
    });
  });
});

describe('PostgreSQL storage', () => {
  let storage: Storage;
  let appId: string;
  let ada: UserRecord;

  beforeEach(async () => {
    ({ storage } = await shared.open());
    appId = (await storage.createApp()).app.id;
    ada = await storage.upsertUser(appId, 'ada', { firstName: 'Ada' });
  });

  describe('.deliver()', () => {
    it('gives concurrent deliveries to one user from two instances gap-free seqs that a concurrent reader never skips', async () => {
      const other = await openInstance(shared.schema);
      try {
        const seen: number[] = [];
        let writing = true;
        // The reader follows the log as a stream's catch-up does: everything after the last seq.
        const reader = (async () => {
          while (writing || seen.length < 50) {
            const events = await storage.listEvents(ada.id, seen.at(-1) ?? 0, 1000);
            seen.push(...events.map((event) => event.seq));
            if (!writing && events.length === 0) break;
          }
        })();
        const deliveries = await Promise.all(
          Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? storage : other).deliver(appId, [ada.id], createContent({ title: `n${i}` }))),
        );
        writing = false;
        await reader;
        const range = Array.from({ length: 50 }, (_, i) => i + 1);
        expect(deliveries.map((d) => d[0]!.event.seq).sort((a, b) => a - b)).toEqual(range);
        expect(seen).toEqual(range);
        // Each event carries the counts right after its own change.
        const events = await storage.listEvents(ada.id, 0, 1000);
        expect(events.map((event) => (event as Extract<InboxChangeEvent, { counts: unknown }>).counts.unseen)).toEqual(range);
        expect((await storage.getInboxState(ada.id)).seq).toBe(50);
      } finally {
        await other.close();
      }
    });

    it('does not deadlock when deliveries lock overlapping users in opposite orders', async () => {
      const other = await openInstance(shared.schema);
      try {
        const bob = await storage.upsertUser(appId, 'bob', {});
        const cy = await storage.upsertUser(appId, 'cy', {});
        const forward = [ada.id, bob.id, cy.id];
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            i % 2 === 0 ? storage.deliver(appId, forward, createContent()) : other.deliver(appId, [...forward].reverse(), createContent()),
          ),
        );
        for (const user of [ada, bob, cy]) {
          expect((await storage.listEvents(user.id, 0, 100)).map((event) => event.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        }
      } finally {
        await other.close();
      }
    });

    it('delivers twice to a user listed twice, each event with the counts after its own change', async () => {
      const deliveries = await storage.deliver(appId, [ada.id, ada.id], createContent());
      expect(deliveries.map((d) => [d.event.seq, d.event.counts])).toEqual([
        [1, { unseen: 1, unread: 1 }],
        [2, { unseen: 2, unread: 2 }],
      ]);
      expect(await storage.listEvents(ada.id, 0, 10)).toEqual(deliveries.map((d) => d.event));
    });
  });

  describe('.listEvents()', () => {
    const richContent = (title: string) =>
      createContent({ title, category: 'orders', url: '/orders/7', icon: 'https://cdn.example/i.png', actions: [{ id: 'open', label: 'Open', url: '/o' }], data: { order: 7, tags: ['a'] } });
    const storedPayloads = (userId: number) =>
      adminQuery<{ seq: number; payload: Record<string, unknown> }>(`SELECT seq::int, payload FROM "${shared.schema}".events WHERE user_id = $1 ORDER BY seq`, [userId]);

    it('stores a created event without its notification and replays it as delivered', async () => {
      const bob = await storage.upsertUser(appId, 'bob', {});
      const [toAda, toBob] = (await storage.deliver(appId, [ada.id, bob.id], richContent('slim'))).map((d) => d.event);
      expect(await storedPayloads(ada.id)).toEqual([{ seq: 1, payload: { type: 'notification.created', seq: 1, counts: { unseen: 1, unread: 1 } } }]);
      // Changes after the delivery do not show in the replay of the creation.
      await storage.updateNotification(ada.id, toAda!.notification.id, { read: true, seen: true, archived: true });
      const replayed = await storage.listEvents(ada.id, 0, 10);
      expect(replayed[0]).toEqual(toAda);
      expect(replayed.map((e) => e.type)).toEqual(['notification.created', 'notification.updated']);
      const found = await storage.listEventsForUsers([{ userId: ada.id, after: 0 }, { userId: bob.id, after: 0 }], 10);
      expect(found.get(ada.id)).toEqual(replayed);
      expect(found.get(bob.id)).toEqual([toBob]);
    });

    it('replays the created event of a notification deleted alone or in bulk, from the copy the delete wrote into it', async () => {
      const [first, second, third] = (await storage.deliver(appId, [ada.id, ada.id, ada.id], richContent('gone'))).map((d) => d.event);
      await storage.updateNotification(ada.id, first!.notification.id, { read: true });
      await storage.deleteNotification(ada.id, first!.notification.id);
      await storage.applyBulk(ada.id, { action: 'delete', ids: [second!.notification.id, third!.notification.id], category: null });
      const stored = await storedPayloads(ada.id);
      expect(stored.slice(0, 3).map((row) => row.payload['notification'])).toEqual([first, second, third].map((e) => e!.notification));
      const created = (await storage.listEvents(ada.id, 0, 10)).filter((e) => e.type === 'notification.created');
      expect(created).toEqual([first, second, third]);
      expect((await storage.listEventsForUsers([{ userId: ada.id, after: 0 }], 10)).get(ada.id)!.slice(0, 3)).toEqual([first, second, third]);
    });

    it('replays a created event stored with its notification as stored', async () => {
      const [delivery] = await storage.deliver(appId, [ada.id], richContent('row'));
      // As every created event was written before they were stored slim.
      const full = { ...delivery!.event, notification: { ...delivery!.event.notification, title: 'payload' } };
      await adminQuery(`UPDATE "${shared.schema}".events SET payload = $1::jsonb WHERE user_id = $2 AND seq = 1`, [JSON.stringify(full), ada.id]);
      expect(await storage.listEvents(ada.id, 0, 10)).toEqual([full]);
      expect((await storage.listEventsForUsers([{ userId: ada.id, after: 0 }], 10)).get(ada.id)).toEqual([full]);
    });
  });

  describe('.upsertUser()', () => {
    it('applies concurrent patches of one user from two instances one after the other', async () => {
      const other = await openInstance(shared.schema);
      try {
        await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? storage : other).upsertUser(appId, 'ada', { [`k${i}`]: i })));
        const merged = (await storage.findUser(appId, 'ada'))!;
        expect(merged.attributes).toEqual({ firstName: 'Ada', ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i])) });
        expect((await storage.listEvents(ada.id, 0, 100)).map((event) => event.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
        expect(merged.seq).toBe(10);
      } finally {
        await other.close();
      }
    });
  });

  describe('.idempotency', () => {
    it('lets exactly one of concurrent claims from two instances start', async () => {
      const other = await openInstance(shared.schema);
      try {
        const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? storage : other).idempotency.begin(appId, 'k', 'body')));
        expect(claims.filter((claim) => claim.state === 'started')).toHaveLength(1);
        expect(claims.filter((claim) => claim.state === 'in_flight')).toHaveLength(9);
      } finally {
        await other.close();
      }
    });

    it('forgets a key after 24 hours', async () => {
      let clock = new Date('2030-01-01T00:00:00Z');
      const clocked = await openInstance(shared.schema, { now: () => clock });
      try {
        await clocked.idempotency.begin(appId, 'k', 'a');
        await clocked.idempotency.complete(appId, 'k', 202, { id: 'trg_1' });
        clock = new Date(clock.getTime() + 24 * 60 * 60 * 1000 - 1000);
        expect(await clocked.idempotency.begin(appId, 'k', 'a')).toEqual({ state: 'done', status: 202, body: { id: 'trg_1' } });
        expect((await clocked.idempotency.begin(appId, 'k', 'b')).state).toBe('mismatch');
        clock = new Date(clock.getTime() + 2000);
        expect(await clocked.idempotency.begin(appId, 'k', 'b')).toEqual({ state: 'started' });
      } finally {
        await clocked.close();
      }
    });
  });

  describe('timestamps', () => {
    it('answers every time exactly as written, in toISOString() form', async () => {
      const at = '2030-01-02T03:04:05.678Z';
      const clocked = await openInstance(shared.schema, { now: () => new Date(at) });
      try {
        const { app } = await clocked.createApp();
        expect(app.createdAt).toBe(at);
        expect((await clocked.findAppByApiKey(app.apiKey))!.createdAt).toBe(at);
        const user = await clocked.upsertUser(app.id, 'ada', {});
        expect([user.createdAt, user.updatedAt]).toEqual([at, at]);
        const [delivery] = await clocked.deliver(app.id, [user.id], createContent());
        const read = await clocked.updateNotification(user.id, delivery!.event.notification.id, { read: true });
        expect(read!.notification).toMatchObject({ createdAt: at, readAt: at, seenAt: null });
        const page = await clocked.listNotifications(user.id, { limit: 10, before: null, status: null, category: null });
        expect(page.items[0]).toMatchObject({ createdAt: at, readAt: at });
        expect(await clocked.listEvents(user.id, 0, 10)).toMatchObject([{ notification: { createdAt: at } }, { notification: { readAt: at } }]);
        expect(await clocked.workflows.upsert(app.id, 'w', createWorkflowInput())).toMatchObject({ createdAt: at, updatedAt: at });
      } finally {
        await clocked.close();
      }
    });
  });

  describe('text', () => {
    it('refuses the NUL character with a 400 and leaves nothing half-written', async () => {
      const invalid = { status: 400, code: 'invalid_request' };
      await expect(storage.upsertUser(appId, 'ada', { note: 'a\u0000b' })).rejects.toMatchObject(invalid);
      await expect(storage.deliver(appId, [ada.id], createContent({ title: 'a\u0000b' }))).rejects.toMatchObject(invalid);
      await expect(storage.deliver(appId, [ada.id], createContent({ data: { x: 'a\u0000b' } }))).rejects.toMatchObject(invalid);
      const [delivery] = await storage.deliver(appId, [ada.id], createContent());
      expect(delivery!.event.seq).toBe(1);
      expect((await storage.findUser(appId, 'ada'))!.attributes).toEqual({ firstName: 'Ada' });
    });

    it('stores a lone UTF-16 surrogate as U+FFFD, in text and JSON alike', async () => {
      const updated = await storage.upsertUser(appId, 'ada', { note: 'a\ud800b' });
      expect(updated.attributes['note']).toBe('a\ufffdb');
      const [delivery] = await storage.deliver(appId, [ada.id], createContent({ title: 'x\udc00', data: { y: '\ud800' } }));
      const [stored] = (await storage.listNotifications(ada.id, { limit: 1, before: null, status: null, category: null })).items;
      expect(stored).toMatchObject({ id: delivery!.event.notification.id, title: 'x\ufffd', data: { y: '\ufffd' } });
    });
  });
});
