// The SQLite schema as an ordered list of migrations. `schema_version` records how many have run;
// opening a database applies the rest in one transaction, so later versions only append here.
import type Database from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE apps (
    id TEXT PRIMARY KEY,
    api_key TEXT NOT NULL UNIQUE,
    api_secret_hash TEXT NOT NULL,
    secure_mode INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  );
  -- identifier uses SQLite's default BINARY collation: exact and case-sensitive.
  CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    identifier TEXT NOT NULL,
    attributes TEXT NOT NULL DEFAULT '{}',
    seq INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (app_id, identifier)
  );
  -- seq is the seq of the notification's creation event: the per-user pagination key.
  CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    seen_at TEXT,
    read_at TEXT,
    archived_at TEXT,
    category TEXT,
    workflow TEXT,
    title TEXT NOT NULL,
    message TEXT NOT NULL,
    url TEXT,
    icon TEXT,
    actions TEXT NOT NULL DEFAULT '[]',
    data TEXT NOT NULL DEFAULT '{}'
  );
  CREATE UNIQUE INDEX notifications_user_seq ON notifications (user_id, seq);
  CREATE TABLE events (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, seq)
  ) WITHOUT ROWID;
  `,
  // 2: user tokens (secure mode), inbox counters, workflows, categories, preferences, idempotency, deliveries.
  `
  ALTER TABLE apps ADD COLUMN signing_secret TEXT;
  ALTER TABLE apps ADD COLUMN public_keys TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE apps ADD COLUMN allow_non_expiring_tokens INTEGER NOT NULL DEFAULT 0;
  -- The inbox counters, kept exact by every change in the change's own transaction, so reading
  -- them costs one row instead of a scan of the inbox.
  ALTER TABLE users ADD COLUMN unseen_count INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE users ADD COLUMN unread_count INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE workflows (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    identifier TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT,
    channels TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (app_id, identifier)
  ) WITHOUT ROWID;
  CREATE TABLE categories (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    identifier TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (app_id, identifier)
  ) WITHOUT ROWID;
  CREATE TABLE preferences (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    channel TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    PRIMARY KEY (user_id, category, channel)
  ) WITHOUT ROWID;
  -- status is NULL while the first request runs, then the answer's HTTP status.
  CREATE TABLE idempotency_keys (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER,
    body TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (app_id, key)
  ) WITHOUT ROWID;
  CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    trigger_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    address TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX deliveries_app_created ON deliveries (app_id, created_at);
  `,
  // 3: no table changes. From here on a notification.created event row stores only its seq and
  // counts (the notification is read from \`notifications\` on replay); the version makes an older
  // belfry-server, which expects the notification in the row, refuse the database.
  `SELECT 1;`,
  // 4: the app's display name, read by templates as <<app.name>>; NULL for existing apps.
  `ALTER TABLE apps ADD COLUMN name TEXT;`,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to `SCHEMA_VERSION`; refuses a database written by a newer version. */
export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  db.transaction(() => {
    const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(`database schema version ${current} is newer than this belfry-server (${SCHEMA_VERSION})`);
    }
    for (const sql of MIGRATIONS.slice(current)) db.exec(sql);
    if (row) db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION);
    else db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
  }).immediate();
}
