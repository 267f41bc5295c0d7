// `npm run bench:client`: the client's speed targets in Debian's Chromium with 4x CPU throttling
// (the cached first paint of the script-tag widget, 1,000 realtime events into the store, the heap
// of 10,000 notifications), against the built files (`npm run build`, which the npm script runs
// first). Prints a table and appends it, with the machine and the date, to bench/RESULTS.md
// (BENCH_NO_RECORD=1 skips that).
//
// Each timed scenario gets one more run, traced and CPU-profiled, summed up under the table: where
// the time went. Knobs: BENCH_CLIENT_RUNS (20 page loads; event runs likewise),
// BENCH_CLIENT_PROFILE=dir also writes those runs' `.cpuprofile` files there.
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { BrowserContext } from 'playwright-core';
import { createScratchDir, launchChromium, requireE2ePrerequisites } from '../test/e2e/harness.ts';
import { CPU_THROTTLING_RATE, chromiumVersion } from './client-browser.ts';
import { runEvents, runMemory } from './client-core.ts';
import { runCachedPaint } from './client-paint.ts';
import { table, targets, type ClientBenchResult } from './client-report.ts';
import { requireBuild, startStaticServer, type StaticServer } from './client-serve.ts';
import { machine } from './fanout-report.ts';
import { positive, record } from './stats.ts';

const RUNS = positive('BENCH_CLIENT_RUNS', 20);
const EVENTS = 1000;
const NOTIFICATIONS = 10_000;
const SEEDED = 50;
const MEMORY_PAGE_SIZE = 100;
const profileDir = process.env['BENCH_CLIENT_PROFILE'] || undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

requireE2ePrerequisites();
requireBuild();
const loadBefore = loadavg()[0]!.toFixed(2);
const scratch = createScratchDir('bench-client-profile');
let context: BrowserContext | undefined;
let server: StaticServer | undefined;
let failed = false;
try {
  server = await startStaticServer();
  context = await launchChromium(scratch.dir);
  progress(`cached first paint: ${RUNS} loads after 2 warm-up loads`);
  const paint = await runCachedPaint(context, server, { runs: RUNS, warmupRuns: 2, notifications: SEEDED, profileDir }, progress);
  progress(`${EVENTS} events, one chunk: ${RUNS} runs`);
  const events = await runEvents(context, server, { events: EVENTS, chunks: 1, runs: RUNS, warmupRuns: 2, profileDir });
  progress(`${EVENTS} events, one frame per chunk: ${RUNS} runs`);
  const eventsChunked = await runEvents(context, server, { events: EVENTS, chunks: EVENTS, runs: RUNS, warmupRuns: 2, profileDir });
  progress(`${NOTIFICATIONS} notifications in memory: 3 fresh pages`);
  const memory = await runMemory(context, server, { notifications: NOTIFICATIONS, pageSize: MEMORY_PAGE_SIZE, runs: 3 });
  const result: ClientBenchResult = { paint, events, eventsChunked, memory, eventCount: EVENTS, notifications: NOTIFICATIONS };
  const loadAfter = loadavg()[0]!.toFixed(2);
  const { unthrottled, throttled } = paint.calibration;
  const where = (title: string, lines: string[]) => [``, `${title}:`, ...lines.map((l) => `    ${l}`)];
  const diagnosis = [
    ...where('Trace of one more cached load (the page\'s main thread)', paint.trace),
    ...where('JS self time in that load, script start → painted (CPU profile)', paint.profile),
    ...(paint.longFrames.length ? where('Long animation frames of the last measured cached load, ms from script start', paint.longFrames) : []),
    ...where('Trace of one more run of the events, one chunk', events.trace),
    ...where('JS self time in that run (CPU profile)', events.profile),
    ...where('Trace of one more run of the events, one frame per chunk', eventsChunked.trace),
    ...where('JS self time in that run (CPU profile)', eventsChunked.profile),
    ...(profileDir ? ['', `CPU profiles of those runs: ${profileDir}/*.cpuprofile`] : []),
  ];
  const section = [
    `## ${new Date().toISOString()} — client core in Chromium`,
    '',
    `Machine: ${machine()}, ${chromiumVersion()} headless; load average ${loadBefore} before the run, ${loadAfter} after. ` +
      `CPU throttling ${CPU_THROTTLING_RATE}x (\`Emulation.setCPUThrottlingRate\`): a fixed JS loop took ${unthrottled.toFixed(1)} ms unthrottled and ${throttled.toFixed(1)} ms throttled in the paint page (${(throttled / unthrottled).toFixed(1)}x).`,
    `Run: \`npm run bench:client\` (builds first). One Chromium user-data folder, pages from a node:http server on loopback (scripts with \`max-age=3600\`). ` +
      `Cached first paint: \`<belfry-inbox mode="inline">\` from \`dist/belfry.iife.js\`; a first visit with \`belfry-server serve\` (SQLite, ${SEEDED} notifications for the user) fills IndexedDB, then the service is stopped (connection refused) and the page loaded ${RUNS} times after 2 warm-up loads; ` +
      `from a \`performance.mark\` just before the \`<script src>\` to the task after the animation frame in which a MutationObserver in the shadow root saw all ${paint.cachedItems} cached items (as many as the first visit showed: page 1). ` +
      `Events: \`createInbox\` from \`dist/belfry.js\` (import map for its two dependencies, cache off) with an injected fetch answering connect and an empty page 1, then ${EVENTS} \`notification.created\` SSE frames (${(events.bytes / 1000).toFixed(0)} KB) handed to the open stream at once; from the handover to an \`effect\` seeing all ${EVENTS} in \`inbox.notifications\`, ${RUNS} runs after 2 warm-up runs in one page. ` +
      `Memory: an inbox (cache on) filled with ${NOTIFICATIONS.toLocaleString('en')} notifications through \`loadMore\` (pages of ${MEMORY_PAGE_SIZE} from an injected fetch, JSON parsed by \`Response.json()\`); \`Runtime.getHeapUsage\` after \`HeapProfiler.collectGarbage\` before creating it and after filling, in 3 fresh pages. MB = 10^6 bytes.`,
    '',
    table(result),
    '',
    targets(result),
    ...diagnosis,
    '',
  ].join('\n');
  record(section);
} catch (error) {
  failed = true;
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await context?.close();
  await server?.close();
  scratch.remove();
}
process.exit(failed ? 1 : 0);
