// Picks a storage implementation from a database URL (design §10).
import { openSqliteStorage } from './sqlite.ts';
import type { SqliteStorageOptions } from './sqlite.ts';
import type { Storage } from './types.ts';

/**
 * Opens the storage a database URL names: `sqlite:./path.db`, `sqlite::memory:`, or a plain file
 * path. PostgreSQL URLs are recognised and refused until that implementation exists.
 */
export async function openStorage(databaseUrl: string, options: SqliteStorageOptions = {}): Promise<Storage> {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new Error('PostgreSQL storage is not available in this version of belfry-server; use a sqlite: URL');
  }
  const filename = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : databaseUrl;
  // `sqlite:///abs/path.db` is the URL spelling of an absolute path.
  const path = filename.startsWith('//') ? filename.slice(2) : filename;
  if (path.length === 0) throw new Error(`no database file in ${JSON.stringify(databaseUrl)}`);
  return openSqliteStorage(path, options);
}
