// The connection pool of the PostgreSQL storage: type parsing so rows carry the values SQLite's
// rows map to (numbers, ISO time strings), transactions, JSON parameters, and the mapping of
// errors caused by the stored text to a 400.
import pg from 'pg';
import { HttpError } from '../errors.ts';

/** What a query runs on: the pool (one statement, autocommit) or a client inside a transaction. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

// Type OIDs (pg_type) of the columns whose default parsing differs from what the records hold.
const INT8 = 20;
const TIMESTAMPTZ = 1184;

// User ids, seqs and counts are BIGINT; they stay far below 2^53, so a number is exact.
// Timestamps become `toISOString()` strings, exactly what the SQLite storage stores and answers;
// both keep milliseconds, so the value written is the value read.
function createTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  const parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ) as (value: string) => Date;
  types.setTypeParser(INT8, Number);
  types.setTypeParser(TIMESTAMPTZ, (value: string) => parseTimestamp(value).toISOString());
  return types;
}

// How long a query waits for a connection (a new one, or a free one from a busy pool) before it
// fails, so an unreachable database answers errors instead of hanging requests.
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Takes a parameter out of a connection URL, answering the URL without it and the value (null
 * when absent). pg lets the URL's parameters override the pool's config, so parameters the
 * storage combines with its own settings come out first.
 */
export function takeUrlParam(url: string, name: string): { url: string; value: string | null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, value: null };
  }
  const value = parsed.searchParams.get(name);
  if (value === null) return { url, value: null };
  parsed.searchParams.delete(name);
  return { url: parsed.toString(), value };
}

/** Options of `createPool`. */
export interface PoolOptions {
  connectionString: string;
  /** Maximum connections. */
  poolSize: number;
  /** Schema to put first on the search path of every connection; null keeps the server's default. */
  schema: string | null;
  onError: (error: Error) => void;
}

/** A `pg.Pool` whose connections parse types as the storage expects and use `schema`. */
export function createPool(options: PoolOptions): pg.Pool {
  // `options` carries server settings (`-c statement_timeout=5000`) into the startup packet.
  const { url: connectionString, value: sessionOptions } = takeUrlParam(options.connectionString, 'options');
  // The search path goes in the startup packet, so every pooled connection has it from the start.
  // A later `-c` wins, so the schema overrides a search_path the URL's `options` may set.
  const settings = [sessionOptions, options.schema === null ? null : `-c search_path=${options.schema}`].filter((part) => part);
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: createTypes(),
    application_name: 'belfry-server',
    ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
  });
  // An idle connection that breaks (a server restart, a network blip) emits 'error' on the pool;
  // without a listener that would crash the process. The pool replaces the connection by itself.
  pool.on('error', options.onError);
  return pool;
}

/** The answer of a transaction's work that should be rolled back rather than committed. */
export class Rollback<T> {
  readonly value: T;
  constructor(value: T) {
    this.value = value;
  }
}

/**
 * Runs `work` in a transaction on one pooled connection: COMMIT when it answers a value, ROLLBACK
 * when it throws or answers a `Rollback`. A connection whose ROLLBACK fails is discarded.
 */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T | Rollback<T>>): Promise<T> {
  const client = await pool.connect();
  // A connection that breaks between two queries of the transaction emits 'error' on the client.
  const onError = () => undefined;
  client.on('error', onError);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query(result instanceof Rollback ? 'ROLLBACK' : 'COMMIT');
    return result instanceof Rollback ? result.value : result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw toStorageError(error);
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/**
 * Runs one statement, with the storage's error mapping. A config with a `name` is a prepared
 * statement: each connection parses and plans it once, later runs send only the values.
 */
export async function query<R extends pg.QueryResultRow>(db: Queryable, sql: string | pg.QueryConfig, params: unknown[] = []): Promise<R[]> {
  try {
    return (typeof sql === 'string' ? await db.query<R>(sql, params) : await db.query<R>(sql)).rows;
  } catch (error) {
    throw toStorageError(error);
  }
}

// 22021: a NUL byte in text; 22P05: a \u0000 escape in JSON. PostgreSQL cannot store U+0000 in
// either, while every other character round-trips; that is the caller's input, so it is a 400.
const NUL_ERRORS = new Set(['22021', '22P05']);

/** Maps errors caused by stored values to an `HttpError` 400; anything else passes unchanged. */
export function toStorageError(error: unknown): unknown {
  if (error instanceof pg.DatabaseError && error.code !== undefined && NUL_ERRORS.has(error.code)) {
    return new HttpError(400, 'invalid_request', 'text must not contain the NUL character (U+0000)');
  }
  return error;
}

// A lone UTF-16 surrogate (no valid pair): JSON.stringify writes it as an escape that JSONB
// refuses. Text columns turn it into U+FFFD on the way to UTF-8; JSON values do the same here.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const wellFormed = (text: string) => text.replace(LONE_SURROGATE, '\ufffd');

/** Serializes a value for a JSONB parameter (`$n::jsonb`). */
export function toJsonParam(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'string') return wellFormed(item);
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).some((key) => wellFormed(key) !== key)) {
      // Object.fromEntries defines own properties, so a `__proto__` key stays data.
      return Object.fromEntries(Object.entries(item).map(([key, entry]) => [wellFormed(key), entry]));
    }
    return item;
  });
}
