// Group commit for SQLite writes. Every commit appends each page the transaction touched to the
// WAL (4 KB each, whatever the change's size), which is most of what a small delivery costs. Calls
// made while the event loop is busy (concurrent requests) are queued and run together in one
// transaction at the next turn of the loop, so they share one commit and every page they both
// touch is written once. Each call still succeeds or fails on its own, and its promise settles only
// once the transaction holding it has committed. A savepoint per call would cost about as much as
// the call itself, so a group first runs without them; only when a call throws is the group rolled
// back and run again with each call in its own savepoint, where the one that broke fails alone.
// A group is capped by `maxWeight` (e.g. rows written): the transaction blocks the event loop
// while it runs, so a backlog after a stall commits in slices, a turn of the loop each, and the
// first slice's answers go out before the next slice starts instead of after the whole backlog.
// `pause` keeps calls queued (not committed) until `resume`, e.g. while a WAL checkpoint finishes.
import { setImmediate } from 'node:timers';
import type Database from 'better-sqlite3';

interface Job<A extends unknown[], R> {
  args: A;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/** A write whose calls commit in groups; `flush` runs everything queued now (before closing). */
export interface GroupCommit<A extends unknown[], R> {
  run(...args: A): Promise<R>;
  flush(): void;
  /** Calls wait in the queue, uncommitted, until `resume`. */
  pause(): void;
  resume(): void;
}

/** How big a group may grow: calls are added while their summed `weight` stays within `maxWeight`. */
export interface GroupLimit<A extends unknown[]> {
  weight: (...args: A) => number;
  maxWeight: number;
}

/** Wraps `work` (synchronous statements on `db`) so concurrent calls share one transaction. */
export function createGroupCommit<A extends unknown[], R>(db: Database.Database, work: (...args: A) => R, limit?: GroupLimit<A>): GroupCommit<A, R> {
  // The fast way: every call in one transaction; the first that throws rolls all of them back.
  const together = db.transaction((jobs: readonly Job<A, R>[]) => jobs.map((job) => work(...job.args)));
  // The careful way, after a failure. Called inside a transaction, a better-sqlite3 transaction
  // function uses a SAVEPOINT: a call that throws rolls back its own changes only.
  const one = db.transaction(work);
  const isolated = db.transaction((jobs: readonly Job<A, R>[]) =>
    jobs.map((job): { ok: true; value: R } | { ok: false; error: unknown } => {
      try {
        return { ok: true, value: one(...job.args) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );
  let queue: Job<A, R>[] = [];
  let scheduled = false;
  let paused = false;

  function schedule(): void {
    if (scheduled || paused || queue.length === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (paused) return;
      commitGroup(takeGroup());
      // The rest waits for the next turn, after the answers of this group.
      schedule();
    });
  }

  // The longest head of the queue within the limit (at least one call).
  function takeGroup(): Job<A, R>[] {
    if (!limit) return queue.splice(0);
    let count = 0;
    let weight = 0;
    while (count < queue.length) {
      weight += limit.weight(...queue[count]!.args);
      if (count > 0 && weight > limit.maxWeight) break;
      count++;
    }
    return queue.splice(0, count);
  }

  function commitGroup(jobs: Job<A, R>[]): void {
    if (jobs.length === 0) return;
    let values: R[];
    try {
      values = together(jobs);
    } catch (error) {
      // Rolled back: nothing of the group was written. Alone, the call is the one that broke;
      // otherwise the careful run below finds out which.
      if (jobs.length === 1) return jobs[0]!.reject(error);
      return runIsolated(jobs);
    }
    values.forEach((value, i) => jobs[i]!.resolve(value));
  }

  function runIsolated(jobs: readonly Job<A, R>[]): void {
    let outcomes: ReturnType<typeof isolated>;
    try {
      outcomes = isolated(jobs);
    } catch (error) {
      // The commit itself failed: nothing of the group was written.
      for (const job of jobs) job.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => (outcome.ok ? jobs[i]!.resolve(outcome.value) : jobs[i]!.reject(outcome.error)));
  }

  return {
    run: (...args) =>
      new Promise<R>((resolve, reject) => {
        queue.push({ args, resolve, reject });
        schedule();
      }),
    flush: () => {
      while (queue.length > 0) commitGroup(takeGroup());
    },
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      schedule();
    },
  };
}
