// The headless core in Chromium, with an injected fetch playing the service (bench/client-serve.ts
// has the in-page code): 1,000 realtime events from the stream's bytes into the store, and the JS
// heap an inbox of 10,000 notifications holds.
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { heapUsedAfterGc, startProfile, stopProfile, throttle } from './client-browser.ts';
import type { StaticServer } from './client-serve.ts';
import { traceBetween } from './client-trace.ts';

export interface EventsOptions {
  events: number;
  /** How many chunks the frames come in (all handed over at once, read one after another). */
  chunks: number;
  runs: number;
  warmupRuns: number;
  profileDir?: string | undefined;
}

export interface EventsResult {
  /** ms from the first byte handed to the stream to the store holding every event, per run. */
  samples: number[];
  /** Size of the frames of one run, bytes. */
  bytes: number;
  /** What the main thread did during one more run, traced (not one of the measured ones). */
  trace: string[];
  /** JS self time of that run, from a CPU profile. */
  profile: string[];
}

export interface MemoryOptions {
  notifications: number;
  pageSize: number;
  runs: number;
}

export interface MemoryResult {
  /** Heap held by the filled inbox, bytes, per run (each in a fresh page). */
  held: number[];
  /** Further heap held once every notification was rendered with `inbox.render()`, bytes, per run. */
  rendered: number[];
}

async function openCorePage(context: BrowserContext, server: StaticServer): Promise<{ page: Page; cdp: CDPSession }> {
  const page = await context.newPage();
  await page.goto(`${server.url}/core.html`);
  await page.waitForFunction('window.benchReady', undefined, { timeout: 10_000 });
  return { page, cdp: await throttle(page) };
}

interface EventsRun {
  ms: number | null;
  held: number;
  unseen: number;
  bytes: number;
}

/** Streams `events` notification.created frames into a connected inbox, `runs` times in one page. */
export async function runEvents(context: BrowserContext, server: StaticServer, options: EventsOptions): Promise<EventsResult> {
  const { page, cdp } = await openCorePage(context, server);
  let bytes = 0;
  try {
    const run = async (i: number): Promise<number> => {
      const args = { count: options.events, chunks: options.chunks, userId: `bench-events-${options.chunks}-${i}` };
      const result = (await page.evaluate(`window.bench.events(${JSON.stringify(args)})`)) as EventsRun;
      if (result.ms === null || result.held !== options.events || result.unseen !== options.events) {
        throw new Error(`the store did not take every event: ${JSON.stringify(result)}`);
      }
      bytes = result.bytes;
      return result.ms;
    };
    for (let i = 0; i < options.warmupRuns; i++) await run(-1 - i);
    const samples: number[] = [];
    for (let i = 0; i < options.runs; i++) samples.push(await run(i));
    // One more run, traced and profiled; the profile's samples are summed within the trace's window.
    await startProfile(cdp);
    const trace = await traceBetween(cdp, async () => void (await run(options.runs)), 'events-start', 'events-held');
    const profile = await stopProfile(cdp, { dir: options.profileDir, name: `client-events-${options.chunks}-chunks`, window: trace.window });
    return { samples, bytes, trace: trace.lines, profile };
  } finally {
    await page.close();
  }
}

/** Fills an inbox with `notifications` through `loadMore` and weighs the heap before and after. */
export async function runMemory(context: BrowserContext, server: StaticServer, options: MemoryOptions): Promise<MemoryResult> {
  const held: number[] = [];
  const rendered: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const { page, cdp } = await openCorePage(context, server);
    try {
      const before = await heapUsedAfterGc(cdp);
      const args = { total: options.notifications, pageSize: options.pageSize, userId: `bench-memory-${Date.now()}-${i}` };
      const filled = (await page.evaluate(`window.bench.fill(${JSON.stringify(args)})`)) as { held: number };
      if (filled.held !== options.notifications) throw new Error(`the inbox holds ${filled.held} of ${options.notifications} notifications`);
      // The debounced cache write (300 ms) lands and its copy is counted too.
      await page.waitForTimeout(1_500);
      const after = await heapUsedAfterGc(cdp);
      await page.evaluate('window.bench.renderAll()');
      const afterRender = await heapUsedAfterGc(cdp);
      held.push(after - before);
      rendered.push(afterRender - after);
    } finally {
      await page.close();
    }
  }
  return { held, rendered };
}
