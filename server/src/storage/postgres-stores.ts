// Preferences, idempotency keys and the deliveries log in PostgreSQL.
import type pg from 'pg';
import type { Preferences } from 'belfry/protocol';
import { createId } from '../crypto.ts';
import { query, toJsonParam } from './postgres-pool.ts';
import { IDEMPOTENCY_TTL_MS } from './sqlite-stores.ts';
import type { DeliveryStore, IdempotencyBegin, IdempotencyStore, PreferenceStore } from './types.ts';
import { toPreferences } from './preferences.ts';
import type { PreferenceRow } from './preferences.ts';
import { toDeliveryRecord } from './deliveries.ts';
import type { DeliveryRow } from './deliveries.ts';

/** The PostgreSQL `PreferenceStore`: one row per user × category × channel that was ever set. */
export function createPostgresPreferenceStore(pool: pg.Pool): PreferenceStore {
  const read = async (userId: number): Promise<Preferences> =>
    toPreferences(
      await query<PreferenceRow>(
        pool,
        'SELECT category, channel, enabled FROM preferences WHERE user_id = $1 ORDER BY category COLLATE "C", channel COLLATE "C"',
        [userId],
      ),
    );
  return {
    get: read,
    getMany: async (userIds) => {
      const rowsByUser = new Map<number, PreferenceRow[]>(userIds.map((id) => [id, []]));
      if (userIds.length > 0) {
        // Prepared (named): every trigger runs it once.
        const rows = await query<PreferenceRow & { user_id: number }>(pool, {
          name: 'belfry_preferences_of_users',
          text: `SELECT user_id, category, channel, enabled FROM preferences WHERE user_id = ANY($1::bigint[])
           ORDER BY user_id, category COLLATE "C", channel COLLATE "C"`,
          values: [userIds],
        });
        for (const row of rows) rowsByUser.get(row.user_id)?.push(row);
      }
      return new Map([...rowsByUser].map(([id, rows]) => [id, toPreferences(rows)]));
    },
    set: async (userId, patch) => {
      const categories: string[] = [];
      const channels: string[] = [];
      const switches: boolean[] = [];
      for (const [category, byChannel] of Object.entries(patch)) {
        for (const [channel, enabled] of Object.entries(byChannel)) {
          categories.push(category);
          channels.push(channel);
          switches.push(enabled === true);
        }
      }
      // One statement writes the whole patch, so it is applied entirely or not at all.
      if (categories.length > 0) {
        await query(
          pool,
          `INSERT INTO preferences (user_id, category, channel, enabled)
           SELECT $1, category, channel, enabled FROM unnest($2::text[], $3::text[], $4::boolean[]) AS p (category, channel, enabled)
           ON CONFLICT (user_id, category, channel) DO UPDATE SET enabled = excluded.enabled`,
          [userId, categories, channels, switches],
        );
      }
      return read(userId);
    },
  };
}

// A claim can vanish between the INSERT that found it and the SELECT that reads it (released or
// expired just then); the claim is retried, a few times at most.
const MAX_CLAIM_ATTEMPTS = 5;

/** The PostgreSQL `IdempotencyStore`; `clock` decides when a key has expired. */
export function createPostgresIdempotencyStore(pool: pg.Pool, clock: () => Date): IdempotencyStore {
  async function begin(appId: string, key: string, fingerprint: string): Promise<IdempotencyBegin> {
    const at = clock();
    const expiredBefore = new Date(at.getTime() - IDEMPOTENCY_TTL_MS).toISOString();
    for (let attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
      // Atomic across instances: the primary key makes concurrent claims conflict, and a
      // conflicting claim is only taken over when it has expired. A claim another transaction
      // is writing right now is waited for, then judged by its committed state.
      const claimed = await query(
        pool,
        `INSERT INTO idempotency_keys (app_id, key, fingerprint, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (app_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, status = NULL, body = NULL,
           created_at = excluded.created_at
         WHERE idempotency_keys.created_at <= $5
         RETURNING 1`,
        [appId, key, fingerprint, at.toISOString(), expiredBefore],
      );
      if (claimed.length > 0) return { state: 'started' };
      const [row] = await query<{ fingerprint: string; status: number | null; body: unknown }>(
        pool,
        'SELECT fingerprint, status, body FROM idempotency_keys WHERE app_id = $1 AND key = $2 AND created_at > $3',
        [appId, key, expiredBefore],
      );
      if (!row) continue;
      if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
      if (row.status === null) return { state: 'in_flight' };
      return { state: 'done', status: row.status, body: row.body };
    }
    throw new Error(`idempotency key ${JSON.stringify(key)} kept changing while it was claimed`);
  }

  let claims = 0;
  return {
    begin: async (appId, key, fingerprint) => {
      // Expired keys are swept now and then, not on every request.
      if (++claims % 1000 === 1) {
        await query(pool, 'DELETE FROM idempotency_keys WHERE created_at < $1', [
          new Date(clock().getTime() - IDEMPOTENCY_TTL_MS).toISOString(),
        ]);
      }
      return begin(appId, key, fingerprint);
    },
    complete: async (appId, key, status, body) => {
      await query(pool, 'UPDATE idempotency_keys SET status = $1, body = $2::jsonb WHERE app_id = $3 AND key = $4 AND status IS NULL', [
        status,
        toJsonParam(body ?? null),
        appId,
        key,
      ]);
    },
    release: async (appId, key) => {
      await query(pool, 'DELETE FROM idempotency_keys WHERE app_id = $1 AND key = $2 AND status IS NULL', [appId, key]);
    },
  };
}

const DELIVERY_COLUMNS = 'id, trigger_id, channel, recipient, address, subject, body, status, error, created_at';

/** The PostgreSQL `DeliveryStore`. */
export function createPostgresDeliveryStore(pool: pg.Pool, now: () => string): DeliveryStore {
  return {
    record: async (appId, d) => {
      const [row] = await query<DeliveryRow>(
        pool,
        `INSERT INTO deliveries (id, app_id, trigger_id, channel, recipient, address, subject, body, status, error, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${DELIVERY_COLUMNS}`,
        [createId('dlv'), appId, d.triggerId, d.channel, d.recipient, d.to, d.subject, d.body, d.status, d.error, now()],
      );
      return toDeliveryRecord(row!);
    },
    list: async (appId, q) =>
      (
        await query<DeliveryRow>(
          pool,
          `SELECT ${DELIVERY_COLUMNS} FROM deliveries
           WHERE app_id = $1 AND ($2::text IS NULL OR channel = $2) AND ($3::text IS NULL OR recipient = $3)
           ORDER BY created_at DESC, ord DESC LIMIT $4`,
          [appId, q.channel ?? null, q.recipient ?? null, q.limit],
        )
      ).map(toDeliveryRecord),
  };
}
