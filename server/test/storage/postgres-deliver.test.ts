import { afterAll, afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { InboxChangeEvent, NotificationCreatedEvent } from 'belfry/protocol';
import type { Delivery, PostgresStorageOptions, Storage, UserRecord } from '../../src/storage/index.ts';
import { createContent } from './contract.ts';
import { adminQuery, closeAdmin, openTestPostgresStorage, TEST_STORAGE_URL } from './postgres-fixtures.ts';
import type { TestPostgresStorage } from './postgres-fixtures.ts';

afterAll(() => closeAdmin());

let opened: TestPostgresStorage | undefined;
afterEach(async () => {
  await opened?.cleanup();
  opened = undefined;
});

async function open(options: PostgresStorageOptions = {}): Promise<{ storage: Storage; schema: string; appId: string; users: UserRecord[] }> {
  opened = await openTestPostgresStorage(options);
  const { storage, schema } = opened;
  const appId = (await storage.createApp()).app.id;
  const users = await Promise.all(Array.from({ length: 8 }, (_, i) => storage.upsertUser(appId, `user-${i}`, {})));
  return { storage, schema, appId, users };
}

/**
 * Holds `userId`'s row lock from another connection until the answered function is called: a
 * delivery to that user waits, and deliveries called meanwhile queue behind it.
 */
async function holdRowLock(schema: string, userId: number): Promise<{ release: () => Promise<void>; pid: number }> {
  const client = new pg.Client({ connectionString: TEST_STORAGE_URL });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`SELECT 1 FROM "${schema}".users WHERE id = $1 FOR UPDATE`, [userId]);
  const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
  return {
    pid,
    release: async () => {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

/**
 * How many notifications each transaction wrote, oldest first: rows inserted by one transaction
 * share its id (`xmin`), and ids grow in the order transactions first write.
 */
async function notificationsPerTransaction(schema: string): Promise<number[]> {
  const rows = await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".notifications GROUP BY xmin::text::bigint ORDER BY xmin::text::bigint`);
  return rows.map((row) => row.n);
}

const seqsOf = (events: InboxChangeEvent[]) => events.map((event) => event.seq);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const titlesOf = (deliveries: Delivery[]) => deliveries.map((d) => d.event.notification.title);

describe('PostgreSQL storage', () => {
  describe('.deliver()', () => {
    it('commits deliveries called while one is running together, in one transaction', async () => {
      const { storage, schema, appId, users } = await open();
      const { release } = await holdRowLock(schema, users[0]!.id);
      const first = storage.deliver(appId, [users[0]!.id], createContent());
      const queued = users.slice(1).map((user) => storage.deliver(appId, [user.id, users[0]!.id], createContent()));
      await release();
      await Promise.all([first, ...queued]);
      // The first ran alone; the seven called while it waited for the lock shared one commit.
      expect(await notificationsPerTransaction(schema)).toEqual([1, 14]);
    });

    it('gives concurrent deliveries to overlapping users consecutive seqs in call order, with the counts after each', async () => {
      const { storage, appId, users } = await open();
      // Every call names an overlapping slice of the users, some of them twice.
      const lists = Array.from({ length: 40 }, (_, i) => {
        const slice = users.slice(i % 5, (i % 5) + 3 + (i % 4)).map((user) => user.id);
        return i % 3 === 0 ? [...slice, slice[0]!] : slice;
      });
      const results = await Promise.all(lists.map((ids, i) => storage.deliver(appId, ids, createContent({ title: `call ${i}` }))));

      results.forEach((deliveries, i) => {
        expect(deliveries.map((d) => d.userId)).toEqual(lists[i]);
        expect(titlesOf(deliveries)).toEqual(lists[i]!.map(() => `call ${i}`));
      });
      for (const user of users) {
        const expected = lists.flatMap((ids, i) => ids.filter((id) => id === user.id).map(() => `call ${i}`));
        const answered = results.flatMap((deliveries) => deliveries.filter((d) => d.userId === user.id).map((d) => d.event));
        const events = (await storage.listEvents(user.id, 0, 1000)) as NotificationCreatedEvent[];
        // No gap and no duplicate; each event carries the counts right after its own change.
        expect(seqsOf(events)).toEqual(range(expected.length));
        expect(events.map((event) => event.counts)).toEqual(range(expected.length).map((n) => ({ unseen: n, unread: n })));
        // Calls queue in order and are delivered in that order.
        expect(events.map((event) => event.notification.title)).toEqual(expected);
        expect([...answered].sort((a, b) => a.seq - b.seq)).toEqual(events);
        expect(await storage.getInboxState(user.id)).toEqual({ counts: { unseen: expected.length, unread: expected.length }, seq: expected.length });
      }
    });

    it('answers each call of a group with only its own notifications, leaving out users of other apps and deleted users', async () => {
      const { storage, schema, appId, users } = await open();
      const otherApp = (await storage.createApp()).app.id;
      const stranger = await storage.upsertUser(otherApp, 'stranger', {});
      const [blocker, ada, bob, gone] = users as [UserRecord, UserRecord, UserRecord, UserRecord];
      await storage.deleteUser(appId, gone.identifier);

      const { release } = await holdRowLock(schema, blocker.id);
      const first = storage.deliver(appId, [blocker.id], createContent());
      const mine = storage.deliver(appId, [bob.id, stranger.id, ada.id, gone.id, bob.id], createContent({ title: 'mine' }));
      const theirs = storage.deliver(otherApp, [ada.id, stranger.id], createContent({ title: 'theirs' }));
      const empty = storage.deliver(appId, [], createContent());
      const again = storage.deliver(appId, [ada.id], createContent({ title: 'again' }));
      await release();
      await first;

      expect((await mine).map((d) => [d.userId, d.event.seq, d.event.notification.title])).toEqual([
        [bob.id, 1, 'mine'],
        [ada.id, 1, 'mine'],
        [bob.id, 2, 'mine'],
      ]);
      expect((await theirs).map((d) => [d.userId, d.event.seq, d.event.notification.title])).toEqual([[stranger.id, 1, 'theirs']]);
      expect(await empty).toEqual([]);
      expect((await again).map((d) => [d.userId, d.event.seq])).toEqual([[ada.id, 2]]);
      expect(await notificationsPerTransaction(schema)).toEqual([1, 5]);
      const stored = await adminQuery(`SELECT app_id, user_id FROM "${schema}".notifications WHERE user_id = $1`, [stranger.id]);
      expect(stored).toEqual([{ app_id: otherApp, user_id: String(stranger.id) }]);
    });

    it('fails only the call that breaks a group; the others commit with gap-free seqs', async () => {
      const { storage, schema, appId, users } = await open();
      const [blocker, ada, bob] = users as [UserRecord, UserRecord, UserRecord];
      const { release } = await holdRowLock(schema, blocker.id);
      const first = storage.deliver(appId, [blocker.id], createContent());
      const calls = [
        storage.deliver(appId, [ada.id, bob.id], createContent({ title: 'one' })),
        // PostgreSQL cannot store U+0000: the whole grouped statement fails on this one.
        storage.deliver(appId, [ada.id], createContent({ title: 'bad\u0000' })),
        storage.deliver(appId, [bob.id, ada.id], createContent({ title: 'three' })),
      ];
      await release();
      await first;
      const [one, bad, three] = await Promise.allSettled(calls);

      expect(bad).toMatchObject({ status: 'rejected', reason: { status: 400, code: 'invalid_request' } });
      expect(one).toMatchObject({ status: 'fulfilled' });
      expect(three).toMatchObject({ status: 'fulfilled' });
      expect(titlesOf((one as PromiseFulfilledResult<Delivery[]>).value)).toEqual(['one', 'one']);
      expect(titlesOf((three as PromiseFulfilledResult<Delivery[]>).value)).toEqual(['three', 'three']);
      for (const user of [ada, bob]) {
        const events = (await storage.listEvents(user.id, 0, 100)) as NotificationCreatedEvent[];
        expect(events.map((event) => [event.seq, event.notification.title, event.counts.unseen])).toEqual([
          [1, 'one', 1],
          [2, 'three', 2],
        ]);
      }
    });

    it('rejects every call of a group whose connection is lost, without running them again', async () => {
      const { storage, schema, appId, users } = await open();
      const [blocker, held, ada] = users as [UserRecord, UserRecord, UserRecord];
      const first = await holdRowLock(schema, blocker.id);
      const second = await holdRowLock(schema, held.id);
      const alone = storage.deliver(appId, [blocker.id], createContent());
      // Queued behind the first, these two run as one group, which then waits for `held`.
      const group = Promise.allSettled([storage.deliver(appId, [held.id, ada.id], createContent()), storage.deliver(appId, [ada.id], createContent())]);
      await first.release();
      await alone;
      // The group's connection is cut while it waits: its outcome is unknown to the client (a
      // connection can as well break after the commit), so running it again could deliver twice.
      const waiting = `SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`;
      await expect.poll(() => adminQuery(waiting, [second.pid])).toHaveLength(1);
      await adminQuery(`SELECT pg_terminate_backend(pid) FROM (${waiting}) AS w`, [second.pid]);
      await second.release();

      expect((await group).map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
      expect(await adminQuery(`SELECT user_id FROM "${schema}".notifications`)).toEqual([{ user_id: String(blocker.id) }]);
      // The storage goes on delivering, on a fresh connection.
      expect((await storage.deliver(appId, [ada.id], createContent())).map((d) => d.event.seq)).toEqual([1]);
    });

    it('sends the next group to the database before the calls of the previous one get their answers', async () => {
      const { storage, schema, appId, users } = await open();
      const [blocker, held] = users as [UserRecord, UserRecord];
      const first = await holdRowLock(schema, blocker.id);
      const second = await holdRowLock(schema, held.id);
      let answeredAt = 0;
      // The caller of the first group works for 100 ms on its answer before it yields, as a
      // trigger writing to many streams does.
      const alone = storage.deliver(appId, [blocker.id], createContent()).then(() => {
        const start = Date.now();
        while (Date.now() - start < 100);
        answeredAt = start;
      });
      const next = storage.deliver(appId, [held.id], createContent());
      await first.release();
      await alone;
      const waiting = `SELECT (extract(epoch FROM query_start) * 1000)::float8 AS started FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`;
      await expect.poll(() => adminQuery(waiting, [second.pid])).toHaveLength(1);
      const [{ started }] = (await adminQuery<{ started: number }>(waiting, [second.pid])) as [{ started: number }];
      await second.release();
      await next;
      expect(started).toBeLessThan(answeredAt + 50);
    });

    it('puts at most `maxRows` notifications in one group, and a bigger delivery in a group of its own', async () => {
      const { storage, schema, appId, users } = await open({ deliveryGrouping: { maxRows: 5 } });
      const [blocker, ...rest] = users as [UserRecord, ...UserRecord[]];
      const { release } = await holdRowLock(schema, blocker.id);
      const first = storage.deliver(appId, [blocker.id], createContent());
      const pairs = Array.from({ length: 5 }, (_, i) => storage.deliver(appId, [rest[i]!.id, rest[i + 1]!.id], createContent()));
      const big = storage.deliver(appId, rest.map((user) => user.id), createContent());
      const last = storage.deliver(appId, [rest[0]!.id], createContent());
      await release();
      await Promise.all([first, ...pairs, big, last]);
      // 1 alone, then pairs two by two (a third would make 6 rows), then the 7 alone, then the last.
      expect(await notificationsPerTransaction(schema)).toEqual([1, 4, 4, 2, 7, 1]);
    });

    it('commits deliveries still queued when the storage closes before closing it', async () => {
      const { storage, schema, appId, users } = await open();
      const { release } = await holdRowLock(schema, users[0]!.id);
      const calls = Promise.all(users.map((user) => storage.deliver(appId, [user.id], createContent())));
      const closed = storage.close();
      await release();
      expect((await calls).map((deliveries) => deliveries.map((d) => d.event.seq))).toEqual(users.map(() => [1]));
      await closed;
      expect(await adminQuery(`SELECT count(*)::int AS n FROM "${schema}".notifications`)).toEqual([{ n: users.length }]);
    });

    it('refuses a grouping that is not a positive integer', async () => {
      await expect(open({ deliveryGrouping: { maxRows: 0 } })).rejects.toThrow(/deliveryGrouping.maxRows must be a positive integer/);
      await expect(open({ deliveryGrouping: { maxInFlight: 1.5 } })).rejects.toThrow(/deliveryGrouping.maxInFlight must be a positive integer/);
    });
  });
});
