// Preferences, idempotency keys and the deliveries log in SQLite.
import type Database from 'better-sqlite3';
import type { Preferences } from 'belfry/protocol';
import { createId } from '../crypto.ts';
import type { DeliveryStore, IdempotencyStore, PreferenceStore } from './types.ts';
import { toPreferences } from './preferences.ts';
import type { PreferenceRow } from './preferences.ts';
import { toDeliveryRecord } from './deliveries.ts';
import type { DeliveryRow } from './deliveries.ts';

/** How long an idempotency key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** The SQLite `PreferenceStore`: one row per user × category × channel that was ever set. */
export function createSqlitePreferenceStore(db: Database.Database): PreferenceStore {
  const stmt = {
    rows: db.prepare<[number], PreferenceRow>('SELECT category, channel, enabled FROM preferences WHERE user_id = ? ORDER BY category, channel'),
    many: db.prepare<[string], PreferenceRow & { user_id: number }>(
      `SELECT user_id, category, channel, enabled FROM preferences
       WHERE user_id IN (SELECT value FROM json_each(?)) ORDER BY user_id, category, channel`,
    ),
    set: db.prepare(
      `INSERT INTO preferences (user_id, category, channel, enabled) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, category, channel) DO UPDATE SET enabled = excluded.enabled`,
    ),
  };
  const read = (userId: number): Preferences => toPreferences(stmt.rows.all(userId));
  const readMany = (userIds: readonly number[]): Map<number, Preferences> => {
    // One user (the common trigger) skips the JSON round trip of `json_each`.
    if (userIds.length === 1) return new Map([[userIds[0]!, read(userIds[0]!)]]);
    const rowsByUser = new Map<number, PreferenceRow[]>(userIds.map((id) => [id, []]));
    if (userIds.length > 0) for (const row of stmt.many.all(JSON.stringify(userIds))) rowsByUser.get(row.user_id)?.push(row);
    return new Map([...rowsByUser].map(([id, rows]) => [id, toPreferences(rows)]));
  };
  const set = db.transaction((userId: number, patch: Preferences) => {
    for (const [category, channels] of Object.entries(patch)) {
      for (const [channel, enabled] of Object.entries(channels)) stmt.set.run(userId, category, channel, enabled ? 1 : 0);
    }
    return read(userId);
  });
  return {
    get: async (userId) => read(userId),
    getMany: async (userIds) => readMany(userIds),
    set: async (userId, patch) => set(userId, patch),
  };
}

/** The SQLite `IdempotencyStore`; `clock` decides when a key has expired. */
export function createSqliteIdempotencyStore(db: Database.Database, clock: () => Date): IdempotencyStore {
  const stmt = {
    get: db.prepare<[string, string], { fingerprint: string; status: number | null; body: string | null; created_at: string }>(
      'SELECT fingerprint, status, body, created_at FROM idempotency_keys WHERE app_id = ? AND key = ?',
    ),
    claim: db.prepare(
      `INSERT INTO idempotency_keys (app_id, key, fingerprint, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (app_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, status = NULL, body = NULL,
         created_at = excluded.created_at`,
    ),
    complete: db.prepare('UPDATE idempotency_keys SET status = ?, body = ? WHERE app_id = ? AND key = ? AND status IS NULL'),
    release: db.prepare('DELETE FROM idempotency_keys WHERE app_id = ? AND key = ? AND status IS NULL'),
    expire: db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?'),
  };
  // Look-up and claim in one transaction: two requests with the same key cannot both start.
  const begin = db.transaction((appId: string, key: string, fingerprint: string) => {
    const at = clock();
    const row = stmt.get.get(appId, key);
    if (row && Date.parse(row.created_at) > at.getTime() - IDEMPOTENCY_TTL_MS) {
      if (row.fingerprint !== fingerprint) return { state: 'mismatch' } as const;
      if (row.status === null) return { state: 'in_flight' } as const;
      return { state: 'done', status: row.status, body: JSON.parse(row.body ?? 'null') as unknown } as const;
    }
    stmt.claim.run(appId, key, fingerprint, at.toISOString());
    return { state: 'started' } as const;
  });
  let claims = 0;
  return {
    begin: async (appId, key, fingerprint) => {
      // Expired keys are swept now and then, not on every request.
      if (++claims % 1000 === 1) stmt.expire.run(new Date(clock().getTime() - IDEMPOTENCY_TTL_MS).toISOString());
      return begin(appId, key, fingerprint);
    },
    complete: async (appId, key, status, body) => {
      stmt.complete.run(status, JSON.stringify(body), appId, key);
    },
    release: async (appId, key) => {
      stmt.release.run(appId, key);
    },
  };
}

/** The SQLite `DeliveryStore`. */
export function createSqliteDeliveryStore(db: Database.Database, now: () => string): DeliveryStore {
  const stmt = {
    insert: db.prepare<unknown[], DeliveryRow>(
      `INSERT INTO deliveries (id, app_id, trigger_id, channel, recipient, address, subject, body, status, error, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ),
    list: db.prepare<{ appId: string; channel: string | null; recipient: string | null; limit: number }, DeliveryRow>(
      `SELECT * FROM deliveries WHERE app_id = @appId AND (@channel IS NULL OR channel = @channel)
         AND (@recipient IS NULL OR recipient = @recipient)
       ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
    ),
  };
  return {
    record: async (appId, d) =>
      toDeliveryRecord(
        stmt.insert.get(createId('dlv'), appId, d.triggerId, d.channel, d.recipient, d.to, d.subject, d.body, d.status, d.error, now())!,
      ),
    list: async (appId, query) =>
      stmt.list.all({ appId, channel: query.channel ?? null, recipient: query.recipient ?? null, limit: query.limit }).map(toDeliveryRecord),
  };
}
