// The PostgreSQL the tests run against: `BELFRY_TEST_DATABASE_URL`, or the local server. Every
// storage lives in a schema of its own test or suite, dropped at cleanup, so test files can run
// in parallel on one database. A missing server fails the tests, with how to start it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStorage } from '../../src/storage/index.ts';
import type { PostgresStorageOptions, Storage } from '../../src/storage/index.ts';

/** The database the PostgreSQL tests use. */
export const TEST_DATABASE_URL = process.env['BELFRY_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The URL the tests' storages connect with: the test database with commits not waiting for the
 * disk (`synchronous_commit=off`, per session). Visibility and locking are unchanged; a test
 * database only loses its last few commits in a crash, and each commit stops costing an fsync.
 */
export const TEST_STORAGE_URL = (() => {
  const url = new URL(TEST_DATABASE_URL);
  if (!url.searchParams.has('options')) url.searchParams.set('options', '-c synchronous_commit=off');
  return url.toString();
})();

let reachable: Promise<void> | undefined;

/** Resolves when PostgreSQL answers; otherwise rejects with a message saying how to start it. */
export function requirePostgres(): Promise<void> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
    } catch (error) {
      throw new Error(
        `PostgreSQL is not reachable at ${TEST_DATABASE_URL} (${error instanceof Error ? error.message : String(error)}). ` +
          'The storage tests need it: start it with `pg_ctlcluster --skip-systemctl-redirect 15 main start` ' +
          '(see `ls /etc/postgresql` for the version), or set BELFRY_TEST_DATABASE_URL to a server you can use.',
      );
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/** A new, unused schema name for one test. */
export function createSchemaName(): string {
  return `belfry_test_${randomBytes(8).toString('hex')}`;
}

// One small pool for inspecting and tampering: a new PostgreSQL connection costs far more than a
// query (a backend process starts for it), so the tests reuse these.
let adminPool: pg.Pool | undefined;

/** Runs `sql` on the test database, outside any storage; call `closeAdmin` in `afterAll`. */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
  adminPool ??= new pg.Pool({ connectionString: TEST_STORAGE_URL, max: 2 }).on('error', () => undefined);
  return (await adminPool.query<R>(sql, params)).rows;
}

/** Closes the connections `adminQuery` opened. */
export async function closeAdmin(): Promise<void> {
  const pool = adminPool;
  adminPool = undefined;
  await pool?.end();
}

/** Drops a test schema with everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** A PostgreSQL storage in a fresh schema; `cleanup` closes it and drops the schema. */
export interface TestPostgresStorage {
  storage: Storage;
  schema: string;
  cleanup(): Promise<void>;
}

/** Opens a `TestPostgresStorage`, failing clearly when PostgreSQL is not running. */
export async function openTestPostgresStorage(options: PostgresStorageOptions = {}): Promise<TestPostgresStorage> {
  await requirePostgres();
  const schema = options.schema ?? createSchemaName();
  const storage = await openPostgresStorage(TEST_STORAGE_URL, { poolSize: 4, ...options, schema });
  return {
    storage,
    schema,
    cleanup: async () => {
      await storage.close();
      await dropSchema(schema);
    },
  };
}

/** One storage for a contract suite: a schema migrated once, emptied before each test. */
export interface SharedSchema {
  /** The schema's name, for opening more storages (other "instances") on it. */
  schema: string;
  /** Answers the suite's storage with every table empty; its `cleanup` leaves it open. */
  open(): Promise<{ storage: Storage; cleanup: () => Promise<void> }>;
  /** Closes the storage and drops the schema; call in `afterAll`. */
  drop(): Promise<void>;
}

/**
 * Creates a `SharedSchema`. A schema costs a few hundred milliseconds of DDL and every pooled
 * connection a backend process, so a suite keeps one of each and empties the tables per test.
 */
export function createSharedSchema(): SharedSchema {
  const schema = createSchemaName();
  let opened: Promise<Storage> | undefined;
  return {
    schema,
    open: async () => {
      await requirePostgres();
      const storage = await (opened ??= openPostgresStorage(TEST_STORAGE_URL, { poolSize: 4, schema }));
      // Every table hangs off apps with ON DELETE CASCADE, so this empties them all.
      await adminQuery(`DELETE FROM "${schema}".apps`);
      return { storage, cleanup: async () => undefined };
    },
    drop: async () => {
      if (!opened) return;
      await (await opened.catch(() => null))?.close();
      await dropSchema(schema);
    },
  };
}
