// The hub's batched reads. Pokes are not served one by one: the users poked since the last read
// are collected and read together with one `listEventsForUsers` query, then each stream gets one
// write with all its frames. A burst of 10,000 pokes costs a handful of queries instead of 10,000.
import type { InboxChangeEvent } from 'belfry/protocol';
import type { Log } from '../log.ts';
import type { Storage } from '../storage/index.ts';
import { frameOf } from './frames.ts';
import type { Stream } from './streams.ts';
import type { Members } from './subscriptions.ts';

// Events read per user per query while catching up; a user with more is read again right after.
const READ_BATCH = 200;
// Users per `listEventsForUsers` query.
const USERS_PER_READ = 1000;

/** Options of `createReads`. */
export interface ReadsOptions {
  storage: Storage;
  log: Log;
  members: Members;
  /** Ends a stream (its client reconnects and resumes from its cursor). */
  end: (stream: Stream) => void;
}

/** Asks for a read of the user's streams: poked, heartbeat due, just opened with a backlog, ... */
export type QueueRead = (userId: number) => void;

/** Creates a hub's batched reads; answers the function that queues a user for the next one. */
export function createReads(options: ReadsOptions): QueueRead {
  const { storage, log, members, end } = options;
  // Users whose streams need a read.
  const pending = new Set<number>();
  let reading = false;
  let scheduled = false;

  function queue(userId: number): void {
    pending.add(userId);
    if (reading || scheduled) return;
    scheduled = true;
    // Next turn, so the pokes of this moment (one trigger pokes all its recipients) share a read.
    setImmediate(readPending);
  }

  /**
   * Reads the events of every pending user and writes them to their streams. Only one read runs
   * at a time; users poked meanwhile wait in `pending` for the next round, so under load the
   * rounds grow instead of the queries multiplying. Each user's read starts after the smallest
   * `lastSent` of its streams, and a stream writes only events above its own `lastSent`: a user
   * read twice, or poked while being read, never gets an event twice or misses one. A stream
   * that joined during the read with a `lastSent` below the read's start waits for the next one.
   */
  async function readPending(): Promise<void> {
    scheduled = false;
    if (reading) return;
    reading = true;
    try {
      while (pending.size > 0) {
        const cursors: { userId: number; after: number }[] = [];
        for (const userId of pending) {
          pending.delete(userId);
          const member = members.get(userId);
          if (!member || member.streams.size === 0) continue;
          let after = Infinity;
          for (const stream of member.streams) after = Math.min(after, stream.lastSent);
          cursors.push({ userId, after });
          if (cursors.length === USERS_PER_READ) break;
        }
        if (cursors.length === 0) continue;
        let found: Map<number, InboxChangeEvent[]>;
        try {
          found = await storage.listEventsForUsers(cursors, READ_BATCH);
        } catch (error) {
          // Ended streams reconnect and resume from their cursors, on a healthier database maybe.
          log('error', 'event stream read failed', { error, users: cursors.length });
          for (const { userId } of cursors) for (const stream of [...(members.get(userId)?.streams ?? [])]) end(stream);
          continue;
        }
        for (const { userId, after } of cursors) {
          const member = members.get(userId);
          if (!member) continue;
          const events = found.get(userId) ?? [];
          const complete = events.length < READ_BATCH;
          const frames = events.length > 0 ? events.map(frameOf) : [];
          for (const stream of [...member.streams]) {
            // A stream opened during the read, behind its cursor: these events would skip some
            // of its own. It is read again, from its `lastSent`.
            if (stream.lastSent < after) pending.add(userId);
            else send(stream, events, frames, complete);
          }
          if (!complete) pending.add(userId);
        }
      }
    } finally {
      reading = false;
    }
  }

  /** Writes what `stream` has not had of `events`, then its due heartbeat/reauth, in one write. */
  function send(stream: Stream, events: readonly InboxChangeEvent[], frames: readonly string[], complete: boolean): void {
    if (stream.ended) return;
    let text = '';
    for (let i = 0; i < events.length; i++) {
      if (events[i]!.seq <= stream.lastSent) continue;
      text += frames[i];
      stream.lastSent = events[i]!.seq;
    }
    // After a complete read, so `seq` is the user's latest: a client behind it catches up.
    if (complete && stream.heartbeatDue) {
      stream.heartbeatDue = false;
      text += frameOf({ type: 'heartbeat', seq: stream.lastSent });
    }
    if (complete && stream.reauthDue) {
      stream.reauthDue = false;
      text += frameOf({ type: 'reauth', seq: stream.lastSent });
    }
    if (text !== '' && !stream.sink.write(text)) {
      end(stream);
      return;
    }
    if (complete && stream.expired) end(stream);
  }

  return queue;
}
