// WAL checkpoints in a worker thread. SQLite's automatic checkpoint runs inside the commit that
// crosses the threshold, on the thread that commits: it copies every WAL page not yet copied into
// the database file and syncs both files, which blocks the event loop for tens of ms (the p99 of a
// busy service). A worker with its own connection runs PASSIVE checkpoints instead: they never
// block writers. But the WAL only starts over when a write begins with every frame copied, and
// under steady writes a passive checkpoint never catches up: commits land while it copies. So once
// the WAL is long and the worker's last pass left only a short tail, it asks the writer to hold
// its commits (`hold`; the event loop keeps running, writes wait in their queue), copies and syncs
// that tail, and lets the writer go (`release`): the writer's next commit starts the WAL over. A
// hold lasts a short copy and two syncs, and is released after `MAX_HOLD_MS` whatever happens.
// The committing connection keeps a high automatic threshold as a backstop in case the worker
// falls behind or dies.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The pause between the worker's checkpoints, in ms. Short on purpose: each checkpoint syncs the
 * database file, and while the file system commits that sync the writer's own WAL writes can wait
 * (seen on ext4), so many small syncs stall the event loop less than few large ones (at 100 ms
 * the half-load p99 was 38-48 ms, at 30 ms 25-30 ms, at 10 ms 22-24 ms).
 */
export const CHECKPOINT_INTERVAL_MS = 10;

/** The longest pause between checkpoints while nothing is written, in ms. */
export const MAX_IDLE_INTERVAL_MS = 1_000;

/** The automatic checkpoint threshold (pages) of the committing connection while the worker runs. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 20_000;

/** WAL length (frames) from which the worker tries to start the WAL over. */
export const RESTART_FRAMES = 8_000;

/** The longest tail (frames not yet copied) the worker copies while the writer holds. */
export const HOLD_TAIL_FRAMES = 1_000;

/** The writer resumes after this long even if the worker never releases it. */
export const MAX_HOLD_MS = 100;

// Plain JavaScript run with `eval`, so the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename);
db.pragma('busy_timeout = 0');
let holding = false;
let timer = null;
// Idle (nothing new in the WAL since the last pass, all of it copied): the pause doubles up to
// maxIdleMs, so an idle service does not wake the worker 100 times a second; a write resets it.
let pause = workerData.intervalMs;
let lastLog = -1;
function checkpoint() {
  try {
    return db.pragma('wal_checkpoint(PASSIVE)')[0];
  } catch {
    // Busy or closing: the next round tries again.
    return undefined;
  }
}
function round() {
  timer = null;
  const result = checkpoint();
  if (result && !result.busy && result.log >= workerData.restartFrames) {
    if (result.log - result.checkpointed <= workerData.tailFrames) {
      holding = true;
      parentPort.postMessage('hold');
      return;
    }
    // Too long a tail to hold the writer for: another pass now shortens it.
    timer = setTimeout(round, 0);
    return;
  }
  const idle = result !== undefined && result.log === lastLog && result.checkpointed === result.log;
  lastLog = result === undefined ? -1 : result.log;
  pause = idle ? Math.min(pause * 2, workerData.maxIdleMs) : workerData.intervalMs;
  timer = setTimeout(round, pause);
}
timer = setTimeout(round, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'held') {
    if (!holding) return;
    holding = false;
    // No commit can land now: this pass copies every frame, and the next commit restarts the WAL.
    checkpoint();
    parentPort.postMessage('release');
    timer = setTimeout(round, workerData.intervalMs);
    return;
  }
  if (timer) clearTimeout(timer);
  timer = null;
  db.close();
  parentPort.close();
});
`;

/** How the worker stops and resumes the writer's commits (both called on the writer's thread). */
export interface WriteHold {
  /** Commits wait until `resume`; a commit running now has finished (they are synchronous). */
  pause(): void;
  resume(): void;
}

/** A running checkpoint worker. */
export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing the WAL of the database file `filename` in a worker thread. */
export function startCheckpointer(filename: string, writes: WriteHold, intervalMs = CHECKPOINT_INTERVAL_MS): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { filename, driver, intervalMs, maxIdleMs: MAX_IDLE_INTERVAL_MS, restartFrames: RESTART_FRAMES, tailFrames: HOLD_TAIL_FRAMES },
  });
  let holdTimer: NodeJS.Timeout | null = null;
  const resume = () => {
    if (holdTimer === null) return;
    clearTimeout(holdTimer);
    holdTimer = null;
    writes.resume();
  };
  worker.on('message', (message: unknown) => {
    if (message === 'release') return resume();
    if (message !== 'hold' || holdTimer !== null) return;
    writes.pause();
    holdTimer = setTimeout(resume, MAX_HOLD_MS).unref();
    worker.postMessage('held');
  });
  // Never keeps the process alive; an error ends the worker and leaves the backstop in charge.
  worker.unref();
  worker.on('error', () => undefined);
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      resume();
      resolve();
    }),
  );
  return {
    async stop() {
      // Referenced again while it stops: the process must not exit before the worker has closed.
      worker.ref();
      resume();
      worker.postMessage('stop');
      await exited;
    },
  };
}
