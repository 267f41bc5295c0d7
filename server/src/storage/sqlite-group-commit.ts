// Group commit for SQLite writes. Every commit appends each page the transaction touched to the
// WAL (4 KB each, whatever the change's size), which is most of what a small delivery costs. Calls
// made while the event loop is busy (concurrent requests) are queued and run together in one
// transaction at the next turn of the loop, so they share one commit and every page they both
// touch is written once. Each call still succeeds or fails on its own: it runs in a savepoint of
// the shared transaction, and its promise settles only once that transaction has committed.
import { setImmediate } from 'node:timers';
import type Database from 'better-sqlite3';

interface Job<A extends unknown[], R> {
  args: A;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/** A write whose calls commit in groups; `flush` runs what is queued now (before closing). */
export interface GroupCommit<A extends unknown[], R> {
  run(...args: A): Promise<R>;
  flush(): void;
}

/** Wraps `work` (synchronous statements on `db`) so concurrent calls share one transaction. */
export function createGroupCommit<A extends unknown[], R>(db: Database.Database, work: (...args: A) => R): GroupCommit<A, R> {
  // Called inside the group's transaction, a better-sqlite3 transaction function uses a SAVEPOINT:
  // a call that throws rolls back its own changes only.
  const one = db.transaction(work);
  const group = db.transaction((jobs: readonly Job<A, R>[]) =>
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

  function flush(): void {
    scheduled = false;
    const jobs = queue;
    queue = [];
    if (jobs.length === 0) return;
    let outcomes: ReturnType<typeof group>;
    try {
      outcomes = group(jobs);
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
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      }),
    flush,
  };
}
