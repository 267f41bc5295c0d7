// The networked storage: PostgreSQL through a `pg.Pool`, for several stateless belfry-server
// instances on one database (design §9). Every method is one statement or one transaction; the
// per-user seq discipline is described in postgres-inbox.ts.
import type { Attributes, UserUpdatedEvent } from 'belfry/protocol';
import { createApiKey, createApiSecret, createId, hashSecret } from '../crypto.ts';
import { mergeAttributes } from './attributes.ts';
import { createPool, query, takeUrlParam, toJsonParam, transaction } from './postgres-pool.ts';
import { createPostgresDeliverer, DEFAULT_DELIVERY_GROUPING } from './postgres-deliver.ts';
import type { DeliveryGrouping } from './postgres-deliver.ts';
import { appendEvent, createPostgresInbox } from './postgres-inbox.ts';
import { APP_COLUMNS, toAppRecord, toUserRecord } from './postgres-rows.ts';
import type { PgAppRow, PgUserRow } from './postgres-rows.ts';
import { migrate } from './postgres-schema.ts';
import { createPostgresDeliveryStore, createPostgresIdempotencyStore, createPostgresPreferenceStore } from './postgres-stores.ts';
import { createPostgresCategoryStore, createPostgresWorkflowStore } from './postgres-workflows.ts';
import type { AppInput, Storage, UserRecord } from './types.ts';

/** Options of `openPostgresStorage`. */
export interface PostgresStorageOptions {
  /** Clock for timestamps; defaults to the system clock. */
  now?: () => Date;
  /**
   * Schema for Belfry's tables (created if missing), also settable as the URL's `schema`
   * parameter; the connection's default search path otherwise.
   */
  schema?: string;
  /** Maximum connections of the pool (default 10). */
  poolSize?: number;
  /** Called when an idle pooled connection breaks; the pool replaces it by itself. */
  onError?: (error: Error) => void;
  /**
   * How concurrent deliveries share statements: notifications per statement at most (default
   * 1000) and statements running at once (default 1).
   */
  deliveryGrouping?: Partial<DeliveryGrouping>;
}

/** The default maximum number of pooled connections. */
export const DEFAULT_POOL_SIZE = 10;

// Lower-case only: the schema goes unquoted into the search path, which folds case.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const USER_COLUMNS = 'id, app_id, identifier, attributes, seq, created_at, updated_at';

// A user can be deleted between the INSERT that found it and the SELECT that reads it.
const MAX_UPSERT_ATTEMPTS = 3;

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the given URL';
  }
}

/**
 * Connects to PostgreSQL at `databaseUrl` (`postgres://user:password@host:port/database`, with an
 * optional `?schema=name`), brings the schema up to date under an advisory lock, and answers it
 * as a `Storage`.
 * @example
 * const storage = await openPostgresStorage('postgres://belfry@db.internal/belfry?schema=belfry', { poolSize: 20 });
 */
export async function openPostgresStorage(databaseUrl: string, options: PostgresStorageOptions = {}): Promise<Storage> {
  const { url, value: urlSchema } = takeUrlParam(databaseUrl, 'schema');
  const schema = options.schema ?? urlSchema;
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    throw new Error(`schema must be a lower-case SQL name (letters, digits, _), not ${JSON.stringify(schema)}`);
  }
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new Error(`poolSize must be a positive integer, not ${poolSize}`);
  const grouping = { ...DEFAULT_DELIVERY_GROUPING, ...options.deliveryGrouping };
  for (const [name, value] of Object.entries(grouping)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`deliveryGrouping.${name} must be a positive integer, not ${value}`);
  }
  const pool = createPool({ connectionString: url, poolSize, schema, onError: options.onError ?? (() => undefined) });
  try {
    const client = await pool.connect();
    try {
      await migrate(client, schema);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open the PostgreSQL storage at ${redact(url)}: ${message}`, { cause: error });
  }

  const clock = () => (options.now ?? (() => new Date()))();
  const now = () => clock().toISOString();
  let closed = false;
  // Concurrent deliveries share one statement and one commit (see postgres-deliver.ts).
  const deliverer = createPostgresDeliverer(pool, now, grouping);

  async function createApp(input: AppInput = {}) {
    const apiSecret = input.apiSecret ?? createApiSecret();
    const [row] = await query<PgAppRow>(
      pool,
      `INSERT INTO apps (id, api_key, api_secret_hash, secure_mode, signing_secret, public_keys, allow_non_expiring_tokens, name, created_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9) RETURNING ${APP_COLUMNS}`,
      [
        createId('app'),
        input.apiKey ?? createApiKey(),
        hashSecret(apiSecret),
        input.secureMode ?? false,
        input.signingSecret ?? null,
        toJsonParam(input.publicKeys ?? []),
        input.allowNonExpiringTokens ?? false,
        input.name ?? null,
        now(),
      ],
    );
    return { app: toAppRecord(row!), apiSecret };
  }

  async function upsertUser(appId: string, identifier: string, patch: Attributes): Promise<UserRecord> {
    const changes = Object.keys(patch).length > 0;
    return transaction(pool, async (client) => {
      const at = now();
      for (let attempt = 1; attempt <= MAX_UPSERT_ATTEMPTS; attempt++) {
        const [created] = await query<PgUserRow>(
          client,
          `INSERT INTO users (app_id, identifier, attributes, created_at, updated_at) VALUES ($1, $2, '{}', $3, $3)
           ON CONFLICT (app_id, identifier) DO NOTHING RETURNING ${USER_COLUMNS}`,
          [appId, identifier, at],
        );
        // Merging locks the row, so concurrent patches of one user apply one after the other.
        const [row] = created
          ? [created]
          : await query<PgUserRow>(
              client,
              `SELECT ${USER_COLUMNS} FROM users WHERE app_id = $1 AND identifier = $2${changes ? ' FOR NO KEY UPDATE' : ''}`,
              [appId, identifier],
            );
        if (!row) continue;
        if (!changes) return toUserRecord(row);
        const attributes = mergeAttributes(row.attributes, patch);
        // A user created just now has no widget open yet (connect creates users without
        // attributes), so only a change to an existing user takes a seq and writes an event.
        const [updated] = await query<PgUserRow>(
          client,
          `UPDATE users SET attributes = $1::jsonb, updated_at = $2, seq = seq + $3
           WHERE id = $4 AND attributes IS DISTINCT FROM $1::jsonb RETURNING ${USER_COLUMNS}`,
          [toJsonParam(attributes), at, created ? 0 : 1, row.id],
        );
        if (!updated) return toUserRecord(row);
        if (created) return toUserRecord(updated);
        // Widgets render templates with the user's current attributes: tell open ones, in order.
        await appendEvent<UserUpdatedEvent>(client, appId, row.id, { type: 'user.updated', seq: updated.seq, user: { identifier, attributes } }, at);
        return toUserRecord(updated);
      }
      throw new Error(`user ${JSON.stringify(identifier)} kept being deleted while it was updated`);
    });
  }

  return {
    createApp,
    ensureApp: async (input) => {
      // INSERT ... ON CONFLICT: instances starting at once with the same key create one app.
      const [inserted] = await query<PgAppRow>(
        pool,
        `INSERT INTO apps (id, api_key, api_secret_hash, secure_mode, signing_secret, public_keys, allow_non_expiring_tokens, name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9) ON CONFLICT (api_key) DO NOTHING RETURNING ${APP_COLUMNS}`,
        [
          createId('app'),
          input.apiKey,
          hashSecret(input.apiSecret),
          input.secureMode ?? false,
          input.signingSecret ?? null,
          toJsonParam(input.publicKeys ?? []),
          input.allowNonExpiringTokens ?? false,
          input.name ?? null,
          now(),
        ],
      );
      if (inserted) return toAppRecord(inserted);
      // NULL parameters keep the stored value; `signing_secret` and `name` have explicit flags since null clears them.
      const [row] = await query<PgAppRow>(
        pool,
        `UPDATE apps SET api_secret_hash = $2, secure_mode = COALESCE($3, secure_mode),
           signing_secret = CASE WHEN $4 THEN $5 ELSE signing_secret END,
           public_keys = COALESCE($6::jsonb, public_keys),
           allow_non_expiring_tokens = COALESCE($7, allow_non_expiring_tokens),
           name = CASE WHEN $8 THEN $9 ELSE name END
         WHERE api_key = $1 RETURNING ${APP_COLUMNS}`,
        [
          input.apiKey,
          hashSecret(input.apiSecret),
          input.secureMode ?? null,
          input.signingSecret !== undefined,
          input.signingSecret ?? null,
          input.publicKeys === undefined ? null : toJsonParam(input.publicKeys),
          input.allowNonExpiringTokens ?? null,
          input.name !== undefined,
          input.name ?? null,
        ],
      );
      return toAppRecord(row!);
    },
    findAppByApiKey: async (apiKey) => {
      const [row] = await query<PgAppRow>(pool, `SELECT ${APP_COLUMNS} FROM apps WHERE api_key = $1`, [apiKey]);
      return row ? toAppRecord(row) : null;
    },
    listApps: async () => (await query<PgAppRow>(pool, `SELECT ${APP_COLUMNS} FROM apps ORDER BY created_at, ord`)).map(toAppRecord),
    upsertUser,
    findUser: async (appId, identifier) => {
      const [row] = await query<PgUserRow>(pool, `SELECT ${USER_COLUMNS} FROM users WHERE app_id = $1 AND identifier = $2`, [appId, identifier]);
      return row ? toUserRecord(row) : null;
    },
    findUsers: async (appId, identifiers) => {
      if (identifiers.length === 0) return [];
      // Prepared (named): every trigger runs it once.
      const rows = await query<PgUserRow>(pool, {
        name: 'belfry_find_users',
        text: `SELECT ${USER_COLUMNS} FROM users WHERE app_id = $1 AND identifier = ANY($2::text[])`,
        values: [appId, identifiers],
      });
      return rows.map(toUserRecord);
    },
    // Notifications, events and preferences go with the user (ON DELETE CASCADE).
    deleteUser: async (appId, identifier) =>
      (await query(pool, 'DELETE FROM users WHERE app_id = $1 AND identifier = $2 RETURNING 1', [appId, identifier])).length > 0,
    ...createPostgresInbox(pool, now, deliverer.deliver),
    workflows: createPostgresWorkflowStore(pool, now),
    categories: createPostgresCategoryStore(pool, now),
    preferences: createPostgresPreferenceStore(pool),
    idempotency: createPostgresIdempotencyStore(pool, clock),
    deliveries: createPostgresDeliveryStore(pool, now),
    close: async () => {
      // pg.Pool#end refuses a second call; closing twice is harmless here, as with SQLite.
      if (closed) return;
      closed = true;
      // Deliveries already called still commit (or fail) and answer; only then do connections go.
      await deliverer.idle();
      await pool.end();
    },
  };
}
