// The hub's direct delivery: changes written by this process need no read at all. The writer
// hands its committed events to `deliver`, and a stream whose next seq is exactly the event's
// gets the frame at once; anything else falls back to a batched read (reads.ts).
import type { InboxChangeEvent } from 'belfry/protocol';
import { createFrameEncoder } from './frames.ts';
import type { QueueRead } from './reads.ts';
import type { Stream } from './streams.ts';
import type { Members } from './subscriptions.ts';

/** A change to one user's inbox committed by this process: its seq, and its event when the writer has it. */
export interface CommittedChange {
  userId: number;
  seq: number;
  event?: InboxChangeEvent | null;
}

/**
 * Creates a hub's `deliver`. It writes each change's event to the user's streams here, without a
 * read, when that is exact: the event is the next one the stream needs (`seq === lastSent + 1`),
 * so nothing before it can be missing and nothing is written twice. Anything else falls back to
 * the batched read, which starts from `lastSent`: a gap (an earlier event still on its way, from
 * a concurrent writer or another process, or a stream still replaying its backlog) is read from
 * the database in order, and an event the stream already has (`seq <= lastSent`) is skipped. A
 * change without an event is read too. Each event is encoded once, however many streams the user
 * has open, and the content a trigger's events share once for all of them (frames.ts).
 */
export function createDelivery(members: Members, queue: QueueRead, end: (stream: Stream) => void): (changes: readonly CommittedChange[]) => void {
  return (changes) => {
    const encode = createFrameEncoder();
    for (const { userId, seq, event } of changes) {
      const member = members.get(userId);
      if (!member || member.streams.size === 0) continue;
      member.seq = Math.max(member.seq, seq);
      let frame: string | null = null;
      for (const stream of member.streams) {
        if (stream.ended || seq <= stream.lastSent) continue;
        if (!event || seq !== stream.lastSent + 1) {
          queue(userId);
          continue;
        }
        frame ??= encode(event);
        stream.lastSent = seq;
        if (!stream.sink.write(frame)) end(stream);
      }
    }
  };
}
