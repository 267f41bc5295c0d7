// The hub's bus subscriptions: one per user, not per stream, shared by the user's streams and
// long-polls in this process, and what a poke on it wakes.
import { userTopic } from '../bus/index.ts';
import type { Bus } from '../bus/index.ts';
import type { Log } from '../log.ts';
import type { Stream } from './streams.ts';

/** One waiting long-poll. */
export interface Poll {
  after: number;
  /** Latest seq poked while waiting. */
  seq: number;
  wake: (() => void) | null;
}

/** One user's subscription, shared by its streams and long-polls in this process. */
export interface Member {
  streams: Set<Stream>;
  polls: Set<Poll>;
  /** Streams waiting for the subscription to join `streams`; the member stays while any do. */
  joining: number;
  /** Latest seq poked since the subscription became active. */
  seq: number;
  /** Whether the subscription is active (pokes arrive). */
  active: boolean;
  subscribed: Promise<(() => void) | null>;
}

/** The subscribed users of a hub. */
export interface Members {
  get(userId: number): Member | undefined;
  /**
   * The user's member entry, subscribing on first use; `fresh` when its subscription was not
   * active yet, so changes committed just before may have poked nobody.
   */
  join(userId: number): { member: Member; fresh: boolean };
  /** Unsubscribes the user when nothing of theirs is left (no stream, poll or joining stream). */
  leave(userId: number, member: Member): void;
  values(): IterableIterator<Member>;
}

/** Creates a hub's subscriptions; a poke that finds a stream behind asks for a read with `queue`. */
export function createMembers(bus: Bus, log: Log, queue: (userId: number) => void): Members {
  const members = new Map<number, Member>();

  function join(userId: number): { member: Member; fresh: boolean } {
    let member = members.get(userId);
    if (!member) {
      const created: Member = { streams: new Set(), polls: new Set(), joining: 0, seq: 0, active: false, subscribed: Promise.resolve(null) };
      created.subscribed = bus.subscribe(userTopic(userId), (seq, missed) => poke(userId, seq, missed === true)).then(
        (unsubscribe) => {
          created.active = true;
          return unsubscribe;
        },
        (error: unknown) => {
          // Streams still heal on their heartbeats; a long-poll waits out its time.
          log('error', 'event stream could not subscribe', { error, userId });
          return null;
        },
      );
      members.set(userId, (member = created));
    }
    return { member, fresh: !member.active };
  }

  function leave(userId: number, member: Member): void {
    if (member.streams.size > 0 || member.polls.size > 0 || member.joining > 0 || members.get(userId) !== member) return;
    members.delete(userId);
    void member.subscribed.then((unsubscribe) => unsubscribe?.());
  }

  function poke(userId: number, seq: number, missed: boolean): void {
    const member = members.get(userId);
    if (!member) return;
    member.seq = Math.max(member.seq, seq);
    for (const poll of member.polls) {
      if (seq <= poll.after) continue;
      poll.seq = Math.max(poll.seq, seq);
      poll.wake?.();
    }
    // Streams that already have `seq` (written by `deliver`: the poke of this process's own
    // change comes back from the bus) need no read, unless pokes were lost before this one.
    for (const stream of member.streams) {
      if (missed || stream.lastSent < seq) {
        queue(userId);
        break;
      }
    }
  }

  return { get: (userId) => members.get(userId), join, leave, values: () => members.values() };
}
