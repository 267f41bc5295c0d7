// The PostgreSQL schema as an ordered list of migrations, like SQLite's: `schema_version` records
// how many have run. Several instances may start at once against one database, so `migrate` runs
// inside one transaction holding an advisory lock; DDL is transactional in PostgreSQL, so a
// failed migration leaves nothing half-applied.
import type pg from 'pg';

const MIGRATIONS: readonly string[] = [
  `
  -- ord keeps "oldest first" stable for apps created within the same millisecond.
  CREATE TABLE apps (
    id TEXT PRIMARY KEY,
    ord BIGINT GENERATED ALWAYS AS IDENTITY,
    api_key TEXT NOT NULL UNIQUE,
    api_secret_hash TEXT NOT NULL,
    secure_mode BOOLEAN NOT NULL DEFAULT false,
    signing_secret TEXT,
    public_keys JSONB NOT NULL DEFAULT '[]',
    allow_non_expiring_tokens BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL
  );
  -- identifier is TEXT with exact equality: compared byte for byte, case-sensitive.
  -- seq is the user's latest event; UPDATE ... SET seq = seq + 1 takes the user's row lock,
  -- which serialises every change to one inbox.
  CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    identifier TEXT NOT NULL,
    attributes JSONB NOT NULL DEFAULT '{}',
    seq BIGINT NOT NULL DEFAULT 0,
    -- The inbox counters, kept exact by every change in the change's own transaction (under the
    -- same row lock as seq), so reading them costs one row instead of a scan of the inbox.
    unseen_count INTEGER NOT NULL DEFAULT 0,
    unread_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (app_id, identifier)
  );
  -- seq is the seq of the notification's creation event: the per-user pagination key.
  CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    seen_at TIMESTAMPTZ,
    read_at TIMESTAMPTZ,
    archived_at TIMESTAMPTZ,
    category TEXT,
    workflow TEXT,
    title TEXT NOT NULL,
    message TEXT NOT NULL,
    url TEXT,
    icon TEXT,
    actions JSONB NOT NULL DEFAULT '[]',
    data JSONB NOT NULL DEFAULT '{}'
  );
  CREATE UNIQUE INDEX notifications_user_seq ON notifications (user_id, seq);
  CREATE TABLE events (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    type TEXT NOT NULL,
    payload JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, seq)
  );
  CREATE TABLE workflows (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    identifier TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT,
    channels JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (app_id, identifier)
  );
  CREATE TABLE categories (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    identifier TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (app_id, identifier)
  );
  CREATE TABLE preferences (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    channel TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, category, channel)
  );
  -- status is NULL while the first request runs, then the answer's HTTP status.
  CREATE TABLE idempotency_keys (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER,
    body JSONB,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (app_id, key)
  );
  CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
  CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    ord BIGINT GENERATED ALWAYS AS IDENTITY,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    trigger_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    address TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    created_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX deliveries_app_created ON deliveries (app_id, created_at, ord);
  `,
  // 2: the app's display name, read by templates as <<app.name>>; NULL for existing apps.
  `ALTER TABLE apps ADD COLUMN name TEXT;`,
  // 3: no foreign key from notifications and events to apps. Each row already belongs to a user,
  // which belongs to its app and goes with it (ON DELETE CASCADE through users), so the key only
  // added a check per written row: a delivery to 100 users ran 200 of them, each locking the
  // app's row (FOR KEY SHARE) that every concurrent delivery of the app locks too.
  // Users' pages keep 30 % free: every change to an inbox updates its user's row (seq and
  // counters), and with room on the same page PostgreSQL writes that version without touching the
  // two indexes (a HOT update), one WAL record instead of three. Pages written from now on.
  `ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_app_id_fkey;
   ALTER TABLE events DROP CONSTRAINT IF EXISTS events_app_id_fkey;
   ALTER TABLE users SET (fillfactor = 70);`,
  // 4: no foreign keys from notifications and events to users either. Every write to them already
  // holds the user's row lock (the seq discipline in postgres-inbox.ts), so the user exists and
  // cannot be deleted before the write commits, while the keys checked every written row again, one
  // query each: about a fifth of a delivery's database CPU, measured. The inbox of deleted users
  // goes with them through a trigger instead, once per statement (also when users go with their
  // app); its search path is fixed at creation, so it finds the tables whoever deletes. Written to
  // run again on a schema that has it, as 3 is.
  `ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_user_id_fkey;
   ALTER TABLE events DROP CONSTRAINT IF EXISTS events_user_id_fkey;
   CREATE OR REPLACE FUNCTION belfry_delete_inboxes() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
   BEGIN
     DELETE FROM notifications WHERE user_id IN (SELECT id FROM deleted_users);
     DELETE FROM events WHERE user_id IN (SELECT id FROM deleted_users);
     RETURN NULL;
   END $$;
   DROP TRIGGER IF EXISTS users_delete_inboxes ON users;
   CREATE TRIGGER users_delete_inboxes AFTER DELETE ON users REFERENCING OLD TABLE AS deleted_users
     FOR EACH STATEMENT EXECUTE FUNCTION belfry_delete_inboxes();`,
];

/** The PostgreSQL schema version this code writes. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

// The first key of the two-key advisory lock: "belf" in ASCII, so the lock is recognisable in
// pg_locks and does not collide with an application's one-key locks.
const LOCK_NAMESPACE = 0x62656c66;

/**
 * Brings the schema to `POSTGRES_SCHEMA_VERSION`, creating `schema` first when given; refuses a
 * schema written by a newer version. Safe to run from several processes at once.
 */
export async function migrate(client: pg.ClientBase, schema: string | null): Promise<void> {
  await client.query('BEGIN');
  try {
    // One lock per schema: instances of one deployment wait for each other, while test runs in
    // their own schemas do not. `CREATE SCHEMA IF NOT EXISTS` itself can fail when two sessions
    // race, so it runs under the lock too.
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE, schema ?? '']);
    if (schema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    const current = rows[0]?.version ?? 0;
    if (current > POSTGRES_SCHEMA_VERSION) {
      throw new Error(`database schema version ${current} is newer than this belfry-server (${POSTGRES_SCHEMA_VERSION})`);
    }
    for (const sql of MIGRATIONS.slice(current)) await client.query(sql);
    if (rows.length > 0) await client.query('UPDATE schema_version SET version = $1', [POSTGRES_SCHEMA_VERSION]);
    else await client.query('INSERT INTO schema_version (version) VALUES ($1)', [POSTGRES_SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Quotes a schema name for SQL; names are checked to be plain identifiers before they get here. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
