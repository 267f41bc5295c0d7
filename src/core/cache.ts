// The offline copy of one user's inbox: IndexedDB through idb-keyval, one database per
// app + user + schema version, so a cache is never read by another user or another schema.
// IndexedDB can be missing (SSR, old WebViews), blocked (an old tab holds an upgrade), full or
// broken (Firefox private mode, Safari dropping connections); then the copy lives in memory.
//
// Opening IndexedDB and reading from it takes tens of milliseconds on a slow phone, longer than
// everything else before the first paint together. So the newest items are also kept as a small
// snapshot in localStorage, under the database's name: read synchronously, it lets the first
// render show them in the very task that creates the inbox. It is the same data, scoped to the
// same origin, checked the same way, and dropped with the rest on logout; IndexedDB stays the
// full copy and replaces the snapshot as soon as it answers.
import { createStore, get, update } from 'idb-keyval';
import type { UseStore } from 'idb-keyval';
import { isCounts, isSeq, isString, isUser, shape, validNotifications } from './validate.ts';
import type { CachedInbox, InboxState } from './reducer.ts';

/** Bump when the stored shape changes: the old databases are then simply never read. */
export const CACHE_SCHEMA_VERSION = 1;
/** How many of the newest notifications are kept offline. */
export const CACHED_ITEMS = 200;
/** How many of them the first-screen snapshot keeps: more than a screenful, a page. */
export const SNAPSHOT_ITEMS = 20;
// Larger snapshots (notifications with big `data`) are not kept: localStorage is the host page's
// too, and its few megabytes are not ours to fill.
const SNAPSHOT_MAX_CHARS = 1e5;
// A blocked open never settles; waiting longer than this would delay the first paint for nothing.
const IDB_TIMEOUT_MS = 1000;
const KEY = 'inbox';
const OUTBOX_KEY = 'outbox';

// Per page, shared by the inboxes of that page (a remount finds its copy); never global state
// across users, because the key names the user.
const memory = new Map<string, unknown>();

/** Reads and writes one user's cached inbox and outbox. */
export interface InboxCache {
  /** The first-screen snapshot (the newest items), read synchronously; none when missing or malformed (then dropped). */
  snapshot(): CachedInbox | null | void;
  /** The cached inbox, or null when none (or when what is stored is malformed). */
  read(): Promise<CachedInbox | null>;
  /** Stores the inbox; never rejects (a cache that cannot write is only slower). */
  write(cached: CachedInbox): Promise<void>;
  /** The stored outbox as read back, unchecked (outbox.ts checks it). */
  readOutbox(): Promise<unknown>;
  /**
   * Replaces the stored outbox by `change(stored)` in one IndexedDB transaction, so two tabs
   * adding and removing entries at once cannot overwrite each other's; never rejects.
   */
  updateOutbox(change: (stored: unknown) => unknown): Promise<void>;
  /** Forgets the cached inbox and the outbox (logout). */
  clear(): Promise<void>;
}

/** The name of the cache database of one app + user. */
export function cacheName(apiKey: string, userKey: string): string {
  return `belfry-v${CACHE_SCHEMA_VERSION}:${apiKey}:${userKey}`;
}

/** The part of the state worth keeping offline. */
export function toCached(state: InboxState): CachedInbox | null {
  if (!state.user) return null;
  return { items: state.items.slice(0, CACHED_ITEMS), counts: state.counts, seq: state.seq, user: state.user, appName: state.appName };
}

/** Checks what was read back; null when it is not a cached inbox of `userKey`. */
export function parseCachedInbox(value: unknown, userKey: string | undefined): CachedInbox | null {
  if (!isCachedInbox(value) || (userKey !== undefined && value.user.identifier !== userKey)) return null;
  const { items, counts, seq, user, appName } = value;
  return { items: validNotifications(items), counts, seq, user, appName: isString(appName) ? appName : null };
}

const isCachedInbox = shape<CachedInbox>({ version: (v) => v === CACHE_SCHEMA_VERSION, items: Array.isArray, counts: isCounts, seq: isSeq, user: isUser });

// localStorage throws where it is disabled (SecurityError) and when full: no snapshot then.
function local<T>(run: (storage: Storage) => T): T | undefined {
  try {
    return run(localStorage);
  } catch {}
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(reject, IDB_TIMEOUT_MS); // caught by idb() below, like any failure
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** Creates the cache of one app + user; `userKey` also guards against reading another user's copy. */
export function createInboxCache(name: string, userKey: string | undefined): InboxCache {
  let store: UseStore | undefined;
  let idbBroken = false;

  // Every IndexedDB call goes through here: one failure switches this inbox to memory for good.
  async function idb<T>(run: (s: UseStore) => Promise<T>): Promise<T | undefined> {
    if (idbBroken) return undefined;
    try {
      if (typeof indexedDB === 'undefined') throw 0; // caught just below: memory it is
      store ??= createStore(name, 'inbox');
      return await withTimeout(run(store));
    } catch {
      idbBroken = true;
      return undefined;
    }
  }

  // Memory first, then IndexedDB: after a failure the memory copy is what this page still has.
  // Every write reads, changes and writes in one transaction (idb-keyval's update), so two tabs
  // changing the outbox at once cannot overwrite each other's entries; undefined is no value.
  const change = async (key: string, next: (stored: unknown) => unknown) => {
    memory.set(name + key, next(memory.get(name + key)));
    await idb((s) => update(key, next, s));
  };
  const load = async (key: string) => (await idb((s) => get<unknown>(key, s))) ?? memory.get(name + key);
  const drop = (key: string) => change(key, () => undefined);

  // Any failure (storage disabled or full, a snapshot too big or malformed) leaves no snapshot
  // behind, rather than one older than the IndexedDB copy or a bad one read again next time.
  const forget = () => local((s) => s.removeItem(name));

  return {
    snapshot: () => local((s) => parseCachedInbox(JSON.parse(s.getItem(name)!), userKey)) || forget(),
    async read() {
      const stored = await load(KEY);
      const cached = parseCachedInbox(stored, userKey);
      if (!cached && stored !== undefined) await drop(KEY); // malformed: drop it, never render it
      return cached;
    },
    write(cached) {
      const stored = { version: CACHE_SCHEMA_VERSION, ...cached };
      const json = JSON.stringify({ ...stored, items: cached.items.slice(0, SNAPSHOT_ITEMS) });
      if (!local((s) => json.length < SNAPSHOT_MAX_CHARS && (s.setItem(name, json), 1))) forget();
      return change(KEY, () => stored);
    },
    readOutbox: () => load(OUTBOX_KEY),
    updateOutbox: (next) => change(OUTBOX_KEY, next),
    clear: async () => void (forget(), await Promise.all([drop(KEY), drop(OUTBOX_KEY)])),
  };
}
