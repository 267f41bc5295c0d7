// WAL checkpoints in a worker thread. SQLite's automatic checkpoint runs inside the commit that
// crosses the threshold, on the thread that commits: it copies every WAL page into the database
// file and syncs it, which blocks the event loop for milliseconds (the p99 of a busy service).
// A worker with its own connection runs PASSIVE checkpoints instead: they never block writers,
// and the writer starts the WAL over once a checkpoint has caught up. The committing connection
// keeps a high automatic threshold as a backstop in case the worker falls behind or dies.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints, in ms. */
export const CHECKPOINT_INTERVAL_MS = 100;

/** The automatic checkpoint threshold (pages) of the committing connection while the worker runs. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 20_000;

// Plain JavaScript run with `eval`, so the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next round tries again.
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** A running checkpoint worker. */
export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing the WAL of the database file `filename` in a worker thread. */
export function startCheckpointer(filename: string, intervalMs = CHECKPOINT_INTERVAL_MS): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { filename, driver, intervalMs } });
  // Never keeps the process alive; an error ends the worker and leaves the backstop in charge.
  worker.unref();
  worker.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Referenced again while it stops: the process must not exit before the worker has closed.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
