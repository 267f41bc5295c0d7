import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStorage, openStorage, SCHEMA_VERSION } from '../../src/index.ts';
import type { Storage } from '../../src/index.ts';
import { IDEMPOTENCY_TTL_MS } from '../../src/storage/index.ts';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, MAX_IDLE_INTERVAL_MS, RESTART_FRAMES } from '../../src/storage/sqlite-checkpointer.ts';
import { createTempDir } from '../fixtures.ts';
import { createContent, describeStorageContract } from './contract.ts';
import { describeCountersContract } from './contract-counters.ts';
import { describeStoresContract } from './contract-stores.ts';

describeStorageContract('sqlite file', async () => {
  const temp = createTempDir();
  const storage = await openStorage(`sqlite:${join(temp.dir, 'belfry.db')}`);
  return { storage, cleanup: async () => (await storage.close(), temp.cleanup()) };
});

describeStorageContract('sqlite memory', async () => {
  const storage = await openStorage('sqlite::memory:');
  return { storage, cleanup: () => storage.close() };
});

describeCountersContract('sqlite file', async () => {
  const temp = createTempDir();
  const storage = await openStorage(`sqlite:${join(temp.dir, 'belfry.db')}`);
  return { storage, cleanup: async () => (await storage.close(), temp.cleanup()) };
});

describeStoresContract('sqlite file', async () => {
  const temp = createTempDir();
  const storage = await openStorage(`sqlite:${join(temp.dir, 'belfry.db')}`);
  return { storage, cleanup: async () => (await storage.close(), temp.cleanup()) };
});

describe('openSqliteStorage deliveries', () => {
  it('commits concurrent deliveries together, failing only the one that broke, with gap-free seqs', async () => {
    const storage = openSqliteStorage(':memory:');
    const appId = (await storage.createApp()).app.id;
    const ada = await storage.upsertUser(appId, 'ada', {});
    // A NULL title violates NOT NULL inside the shared transaction, after this delivery took its seq.
    const broken = { ...createContent(), title: null as unknown as string };
    const outcomes = await Promise.allSettled([
      storage.deliver(appId, [ada.id], createContent({ title: 'first' })),
      storage.deliver(appId, [ada.id, ada.id], broken),
      storage.deliver(appId, [ada.id], createContent({ title: 'second' })),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const seqs = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value.map((d) => d.event.seq) : []));
    expect(seqs).toEqual([1, 2]);
    const page = await storage.listNotifications(ada.id, { limit: 10, before: null, status: 'all', category: null });
    expect(page.items.map((n) => n.title)).toEqual(['second', 'first']);
    expect(page).toMatchObject({ seq: 2, counts: { unseen: 2, unread: 2 } });
    await storage.close();
  });

  it('fails a delivery that breaks alone without writing any of it', async () => {
    const storage = openSqliteStorage(':memory:');
    const appId = (await storage.createApp()).app.id;
    const ada = await storage.upsertUser(appId, 'ada', {});
    const broken = { ...createContent(), title: null as unknown as string };
    await expect(storage.deliver(appId, [ada.id, ada.id], broken)).rejects.toThrow(/NOT NULL/);
    expect(await storage.getInboxState(ada.id)).toEqual({ seq: 0, counts: { unseen: 0, unread: 0 } });
    expect(await storage.listEvents(ada.id, 0, 10)).toEqual([]);
    expect((await storage.deliver(appId, [ada.id], createContent()))[0]!.event.seq).toBe(1);
    await storage.close();
  });

  it('writes deliveries still queued when it closes', async () => {
    const temp = createTempDir();
    const file = join(temp.dir, 'queued.db');
    const storage = openSqliteStorage(file);
    const appId = (await storage.createApp()).app.id;
    const ada = await storage.upsertUser(appId, 'ada', {});
    const queued = storage.deliver(appId, [ada.id], createContent());
    await storage.close();
    expect(await queued).toHaveLength(1);
    const reopened = openSqliteStorage(file);
    expect((await reopened.getInboxState(ada.id)).seq).toBe(1);
    await reopened.close();
    temp.cleanup();
  });
});

describe('openSqliteStorage checkpoints', () => {
  it('copies the WAL into the database file from a worker thread once deliveries pass the threshold', async () => {
    const temp = createTempDir();
    const file = join(temp.dir, 'checkpointed.db');
    const storage = openSqliteStorage(file, { backgroundCheckpointAfter: 100 });
    const appId = (await storage.createApp()).app.id;
    const users = await Promise.all(Array.from({ length: 50 }, (_, i) => storage.upsertUser(appId, `u-${i}`, {})));
    // Before the threshold SQLite's own checkpoint (every 1,000 pages) has not run yet either.
    await storage.deliver(appId, users.map((u) => u.id), createContent());
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = statSync(file).size;
    for (let i = 0; i < 3; i++) await storage.deliver(appId, users.map((u) => u.id), createContent());
    const deadline = Date.now() + 5000;
    while (statSync(file).size === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statSync(file).size).toBeGreaterThan(before);
    await storage.close();
    const reopened = openSqliteStorage(file);
    expect((await reopened.getInboxState(users[0]!.id)).seq).toBe(4);
    await reopened.close();
    temp.cleanup();
  });
});

describe('openSqliteStorage WAL restarts', () => {
  /** Delivers without pause until the WAL started over three times; answers its largest size. */
  async function restartsUnderLoad(file: string, storage: Storage, appId: string, ids: number[]) {
    // The WAL header's first salt changes every time a writer starts the WAL over.
    const salt = () => readFileSync(`${file}-wal`).readUInt32BE(16);
    let restarts = 0;
    let last = salt();
    let largest = 0;
    const deadline = Date.now() + 30_000;
    while (restarts < 3 && Date.now() < deadline) {
      // Two deliveries always in flight: the writer never leaves the WAL alone for long.
      await Promise.all([storage.deliver(appId, ids, createContent()), storage.deliver(appId, ids, createContent())]);
      const now = salt();
      if (now !== last) restarts++;
      last = now;
      largest = Math.max(largest, statSync(`${file}-wal`).size);
    }
    return { restarts, largest };
  }

  async function openWithUsers() {
    const temp = createTempDir();
    const file = join(temp.dir, 'restarts.db');
    const storage = openSqliteStorage(file, { backgroundCheckpointAfter: 0 });
    const appId = (await storage.createApp()).app.id;
    const users = await Promise.all(Array.from({ length: 200 }, (_, i) => storage.upsertUser(appId, `u-${i}`, {})));
    return { temp, file, storage, appId, ids: users.map((u) => u.id) };
  }

  it('starts the WAL over long before the backstop checkpoint while deliveries never stop', async () => {
    const { temp, file, storage, appId, ids } = await openWithUsers();
    const { restarts, largest } = await restartsUnderLoad(file, storage, appId, ids);
    expect(restarts).toBe(3);
    // Each restart came from the worker's hold, near RESTART_FRAMES, not from the backstop.
    expect(largest).toBeLessThan(((RESTART_FRAMES + BACKSTOP_AUTOCHECKPOINT_PAGES) / 2) * 4120);
    await storage.close();
    temp.cleanup();
  }, 40_000);

  it('keeps doing so when deliveries resume after an idle spell, in which the worker slows down', async () => {
    const { temp, file, storage, appId, ids } = await openWithUsers();
    await storage.deliver(appId, ids, createContent());
    // Long enough for the idle worker's pause to reach its longest.
    await new Promise((resolve) => setTimeout(resolve, 3 * MAX_IDLE_INTERVAL_MS));
    const { restarts, largest } = await restartsUnderLoad(file, storage, appId, ids);
    expect(restarts).toBe(3);
    expect(largest).toBeLessThan(((RESTART_FRAMES + BACKSTOP_AUTOCHECKPOINT_PAGES) / 2) * 4120);
    await storage.close();
    temp.cleanup();
  }, 45_000);
});

describe('openSqliteStorage idempotency keys', () => {
  it('forgets a key after 24 hours', async () => {
    let clock = new Date('2030-01-01T00:00:00Z');
    const storage = openSqliteStorage(':memory:', { now: () => clock });
    const appId = (await storage.createApp()).app.id;
    await storage.idempotency.begin(appId, 'k', 'a');
    await storage.idempotency.complete(appId, 'k', 202, {});
    clock = new Date(clock.getTime() + IDEMPOTENCY_TTL_MS - 1000);
    expect((await storage.idempotency.begin(appId, 'k', 'b')).state).toBe('mismatch');
    clock = new Date(clock.getTime() + 2000);
    expect(await storage.idempotency.begin(appId, 'k', 'b')).toEqual({ state: 'started' });
    await storage.close();
  });
});

describe('openStorage', () => {
  let temp: ReturnType<typeof createTempDir>;
  beforeEach(() => (temp = createTempDir()));
  afterEach(() => temp.cleanup());

  describe('()', () => {
    it('accepts a plain path, uses WAL and records the schema version', async () => {
      const file = join(temp.dir, 'plain.db');
      const storage = await openStorage(file);
      await storage.createApp({ apiKey: 'k' });
      await storage.close();
      const db = new Database(file, { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT version FROM schema_version').get()).toEqual({ version: SCHEMA_VERSION });
      db.close();
    });

    it('keeps data across reopening', async () => {
      const url = `sqlite:${join(temp.dir, 'again.db')}`;
      const first = await openStorage(url);
      const { app } = await first.createApp();
      await first.upsertUser(app.id, 'ada', { firstName: 'Ada' });
      await first.close();
      const second = await openStorage(url);
      expect((await second.findUser(app.id, 'ada'))!.attributes).toEqual({ firstName: 'Ada' });
      await second.close();
    });

    it('refuses a database from a newer schema version', async () => {
      const file = join(temp.dir, 'newer.db');
      await (await openStorage(file)).close();
      const db = new Database(file);
      db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1);
      db.close();
      await expect(openStorage(file)).rejects.toThrow(/newer/);
    });

    it('migrates a version 3 database (apps without a name) forward, keeping its data', async () => {
      const file = join(temp.dir, 'v3.db');
      const first = await openStorage(file);
      const { app, apiSecret } = await first.createApp({ apiKey: 'old-key', secureMode: true, signingSecret: 's3cret' });
      const ada = await first.upsertUser(app.id, 'ada', { firstName: 'Ada' });
      await first.deliver(app.id, [ada.id], createContent({ title: 'kept' }));
      await first.close();
      // Version 3 is exactly this schema without apps.name, the column version 4 adds.
      const db = new Database(file);
      db.exec('ALTER TABLE apps DROP COLUMN name; UPDATE schema_version SET version = 3');
      db.close();

      const second = await openStorage(file);
      expect(await second.findAppByApiKey('old-key')).toEqual({ ...app, name: null });
      expect((await second.findUser(app.id, 'ada'))!.attributes).toEqual({ firstName: 'Ada' });
      const page = await second.listNotifications(ada.id, { limit: 10, before: null, status: null, category: null });
      expect(page.items.map((n) => n.title)).toEqual(['kept']);
      expect((await second.ensureApp({ apiKey: 'old-key', apiSecret, name: 'Acme' })).name).toBe('Acme');
      await second.close();
      const migrated = new Database(file, { readonly: true });
      expect(migrated.prepare('SELECT version FROM schema_version').get()).toEqual({ version: SCHEMA_VERSION });
      expect(migrated.prepare('SELECT name FROM apps').get()).toEqual({ name: 'Acme' });
      migrated.close();
    });
  });
});
