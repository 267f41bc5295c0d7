// Picks a storage implementation from a database URL (design §10).
import { openPostgresStorage } from './postgres.ts';
import type { PostgresStorageOptions } from './postgres.ts';
import { openSqliteStorage } from './sqlite.ts';
import type { SqliteStorageOptions } from './sqlite.ts';
import type { Storage } from './types.ts';

/** Options of `openStorage`; the PostgreSQL ones are ignored for SQLite. */
export type StorageOptions = SqliteStorageOptions & PostgresStorageOptions;

/**
 * Opens the storage a database URL names: `postgres://...` or `postgresql://...` (PostgreSQL;
 * `?schema=name` puts the tables in that schema), `sqlite:./path.db`, `sqlite::memory:`, or a
 * plain file path (SQLite).
 */
export async function openStorage(databaseUrl: string, options: StorageOptions = {}): Promise<Storage> {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return openPostgresStorage(databaseUrl, options);
  const filename = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : databaseUrl;
  // `sqlite:///abs/path.db` is the URL spelling of an absolute path.
  const path = filename.startsWith('//') ? filename.slice(2) : filename;
  if (path.length === 0) throw new Error(`no database file in ${JSON.stringify(databaseUrl)}`);
  return openSqliteStorage(path, { now: options.now });
}
