// The durable outbox (design §7): user actions the service could not be reached for, kept in the
// user's cache database (memory when IndexedDB fails) and sent again, in order, when it is back.
//
// Exactly once: every action gets its Idempotency-Key before its first attempt and keeps it, so a
// request that did reach the service (only its answer was lost), or one replayed by a reloaded tab
// or by a second tab reading the same outbox, is answered with the first answer and not applied
// again. An entry leaves the outbox only after the service answered it.
//
// Tabs of one user share the stored outbox: each adds and removes only its own entries, by key,
// in one transaction with the read (never by writing its whole list), so one tab's write cannot
// drop an entry another tab just added.
import { isString, shape } from './validate.ts';
import type { Optimistic } from './reducer.ts';

/**
 * One action waiting for the service: its request and key. What it changes optimistically is
 * derived from the request, so nothing read back from storage is ever rendered.
 */
export interface OutboxEntry {
  key: string;
  method: string;
  path: string;
  body?: unknown;
  /** How to undo it; in memory only in effect: recomputed every time it is applied, before it is sent. */
  undo?: Optimistic;
}

/** Where the outbox is kept: read, and changed atomically (`change` gets what is stored now). */
export interface OutboxStorage {
  read(): Promise<unknown>;
  update(change: (stored: unknown) => OutboxEntry[]): Promise<void>;
}

/** The outbox of one inbox. */
export interface Outbox {
  /** The waiting entries, oldest first. */
  readonly entries: readonly OutboxEntry[];
  /** Adds the stored entries (of an earlier page load, so older) before the ones already here. */
  load(): Promise<void>;
  add(entry: OutboxEntry): Promise<void>;
  /** Sends the entries in order until one answers 'retry' (the service is still unreachable). */
  flush(): Promise<void>;
}

/** Keeps the well-formed entries of what was read back; anything else is dropped, never sent. */
export const parseOutbox = (value: unknown): OutboxEntry[] => (Array.isArray(value) ? value.filter(isEntry) : []);

// Only requests to the client API are replayed, whatever else storage holds.
const isEntry = shape<OutboxEntry>({ key: isString, method: isString, path: (v) => isString(v) && v.startsWith('/v1/me/') });

/** A fresh idempotency key; `crypto.randomUUID` needs a secure context (https, localhost), hence the fallback. */
export const newIdempotencyKey = (): string => globalThis.crypto?.randomUUID?.() ?? `${Math.random()}${Date.now()}`;

/** Creates an outbox; `send` answers 'retry' to keep an entry and stop, 'done' to drop it. */
export function createOutbox(storage: OutboxStorage, send: (entry: OutboxEntry) => Promise<'done' | 'retry'>): Outbox {
  let entries: OutboxEntry[] = [];
  let flushing: Promise<void> | undefined;

  return {
    get entries() {
      return entries;
    },
    async load() {
      // What was added meanwhile is stored too: each entry once.
      const stored = parseOutbox(await storage.read()).filter((e) => !entries.some((held) => held.key === e.key));
      entries = [...stored, ...entries];
    },
    async add(entry) {
      // The list is replaced, never changed in place, so it can be handed over as it is.
      entries = [...entries, entry];
      await storage.update((stored) => [...parseOutbox(stored), entry]);
    },
    flush() {
      // `finally` runs after the assignment even when there is nothing to send (a `finally` inside
      // the async function would run before it, and leave a settled promise here for good).
      return (flushing ??= (async () => {
        for (let entry = entries[0]; entry; entry = entries[0]) {
          if ((await send(entry)) === 'retry') return;
          entries = entries.filter((e) => e !== entry);
          await storage.update((stored) => parseOutbox(stored).filter((e) => e.key !== entry.key));
        }
      })().finally(() => (flushing = undefined)));
    },
  };
}
