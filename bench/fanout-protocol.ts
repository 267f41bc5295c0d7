// What the fan-out benchmark's processes say to each other over IPC, and the names they share.

/** What the parent asks of a client process. */
export type ClientRequestMessage =
  | { type: 'connect'; url: string; first: number; count: number; localAddress: string }
  | { type: 'open'; from: number; to: number }
  /** Forget the arrival times so far: the next `notification.created` of each stream is timed. */
  | { type: 'arm' }
  | { type: 'report' }
  | { type: 'close' };

/** What a client process answers. */
export type ClientReply =
  | { type: 'connected'; failed: number }
  | { type: 'opened'; failed: number }
  | { type: 'all-received' }
  | { type: 'times'; first: number; times: number[] };

/** The identifier of the benchmark's user number `index`. */
export function fanoutUser(index: number): string {
  return `f-${index}`;
}

/** Milliseconds on the machine's monotonic clock (comparable across processes on Linux). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** What the parent asks of a server process. */
export type ServeRequest = { type: 'memory' } | { type: 'snapshot'; path: string } | { type: 'streams' } | { type: 'stop' };

/** Memory of a server process after a forced GC, in bytes. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
}
