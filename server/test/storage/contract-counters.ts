// The storage contract, third part: the inbox counters a storage keeps on the user's row stay
// equal to a fresh count of the notifications through a seeded random mix of every kind of change.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BulkAction, Counts, NotificationPatch } from 'belfry/protocol';
import type { Storage, UserRecord } from '../../src/index.ts';
import { createContent } from './contract.ts';
import { createRandom } from '../fixtures.ts';
import type { Random } from '../fixtures.ts';

const SEED = 20261128;
const OPERATIONS = 200;


const CATEGORIES = ['billing', 'social', null] as const;
const BULK_ACTIONS: readonly BulkAction[] = ['read', 'seen', 'archive', 'delete'];

function randomPatch(r: Random): NotificationPatch {
  const patch: NotificationPatch = {};
  if (r.chance(0.5)) patch.read = r.chance(0.5);
  if (r.chance(0.5)) patch.seen = r.chance(0.5);
  if (r.chance(0.4)) patch.archived = r.chance(0.5);
  return patch;
}

/** Registers the counter tests for one implementation; `open` gives a fresh, empty storage. */
export function describeCountersContract(name: string, open: () => Promise<{ storage: Storage; cleanup: () => Promise<void> }>): void {
  describe(`Storage contract (counters): ${name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    let appId: string;
    let users: UserRecord[];

    beforeEach(async () => {
      ({ storage, cleanup } = await open());
      appId = (await storage.createApp()).app.id;
      users = [];
      for (const identifier of ['ada', 'bob', 'cy']) users.push(await storage.upsertUser(appId, identifier, {}));
    });
    afterEach(async () => cleanup());

    // What a scan of the user's whole inbox counts, independent of the stored counters.
    const scan = async (user: UserRecord): Promise<Counts> => {
      const { items } = await storage.listNotifications(user.id, { limit: 100_000, before: null, status: 'all', category: null });
      const open = items.filter((n) => n.archivedAt === null);
      return { unseen: open.filter((n) => n.seenAt === null).length, unread: open.filter((n) => n.readAt === null).length };
    };

    describe('counts', () => {
      it('equal a fresh scan after a seeded random mix of deliveries, changes, deletes and bulk actions', async () => {
        const r = createRandom(SEED);
        // Every id ever delivered, with its owner; deleted ones stay so changes to them are tried too.
        const delivered: { id: string; user: UserRecord }[] = [];
        const pickId = () => (delivered.length === 0 ? 'ntf_none' : r.pick(delivered).id);
        for (let op = 0; op < OPERATIONS; op++) {
          const user = r.pick(users);
          const kind = r.int(10);
          let answered: Counts | undefined;
          if (kind < 3) {
            // Some deliveries name a user twice; the user gets two notifications.
            const targets = users.filter(() => r.chance(0.6));
            if (r.chance(0.2)) targets.push(user);
            const deliveries = await storage.deliver(appId, targets.map((u) => u.id), createContent({ category: r.pick(CATEGORIES) }));
            for (const d of deliveries) delivered.push({ id: d.event.notification.id, user: users.find((u) => u.id === d.userId)! });
            const own = deliveries.filter((d) => d.userId === user.id).at(-1);
            answered = own?.event.counts;
          } else if (kind < 6) {
            answered = (await storage.updateNotification(user.id, pickId(), randomPatch(r)))?.counts;
          } else if (kind < 7) {
            answered = (await storage.deleteNotification(user.id, pickId()))?.counts;
          } else if (kind < 9) {
            const ids = r.chance(0.5) ? Array.from({ length: r.int(4) }, pickId) : null;
            const category = r.chance(0.4) ? r.pick(CATEGORIES.filter((c) => c !== null)) : null;
            answered = (await storage.applyBulk(user.id, { action: r.pick(BULK_ACTIONS), ids, category })).counts;
          } else {
            // An attribute change writes an event too, which must carry the counts unchanged.
            const saved = await storage.upsertUser(appId, user.identifier, { step: op });
            answered = (await storage.listEvents(user.id, saved.seq - 1, 1))[0]?.counts;
          }
          const fresh = await scan(user);
          if (answered !== undefined) expect(answered, `operation ${op} (kind ${kind})`).toEqual(fresh);
          expect((await storage.getInboxState(user.id)).counts, `operation ${op} (kind ${kind})`).toEqual(fresh);
        }
        for (const user of users) {
          const page = await storage.listNotifications(user.id, { limit: 1, before: null, status: null, category: null });
          expect(page.counts).toEqual(await scan(user));
        }
        // The mix did exercise every path that changes the counters.
        expect(delivered.length).toBeGreaterThan(50);
      });

      it('carry the counters in every event, ending at the stored counts', async () => {
        const [ada] = users as [UserRecord];
        const [a, b] = (await storage.deliver(appId, [ada.id, ada.id], createContent())).map((d) => d.event.notification);
        await storage.updateNotification(ada.id, a!.id, { archived: true });
        await storage.applyBulk(ada.id, { action: 'seen', ids: null, category: null });
        await storage.updateNotification(ada.id, a!.id, { archived: false, read: true });
        await storage.deleteNotification(ada.id, b!.id);
        const counts = (await storage.listEvents(ada.id, 0, 100)).map((event) => event.counts);
        expect(counts).toEqual([
          { unseen: 1, unread: 1 },
          { unseen: 2, unread: 2 },
          { unseen: 1, unread: 1 },
          { unseen: 0, unread: 1 },
          // The bulk action marked the archived one seen too, without changing the counts then;
          // unarchived and read now, it adds nothing.
          { unseen: 0, unread: 1 },
          { unseen: 0, unread: 0 },
        ]);
        expect((await storage.getInboxState(ada.id)).counts).toEqual({ unseen: 0, unread: 0 });
      });
    });
  });
}
