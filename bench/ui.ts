// `npm run bench:ui`: the widget's speed targets of issue 5 in Debian's Chromium, against the built
// files (`npm run build`, which the npm script runs first): parse and execute the script-tag file
// up to the bell, opening the panel with 50 notifications (both with 4x CPU throttling), and
// scrolling a list of 10,000 (unthrottled). The widget talks to the real service (bench/serve.ts:
// `createServer` on a SQLite file, rate limits off so 10,000 triggers and 100 pages are not
// throttled). Prints a table and appends it, with the machine, the load average and the date, to
// bench/RESULTS.md (BENCH_NO_RECORD=1 skips that). Knobs: BENCH_UI_RUNS (15 per measure, after
// 2 warm-up runs), BENCH_UI_SCROLL_PX (9,000 px per scroll run) at BENCH_UI_SCROLL_SPEED (3,000 px/s),
// BENCH_UI_PEERS=dir also measures Courier's and Novu's inboxes installed there (bench/ui-peers.ts).

import { loadavg } from 'node:os';
import type { BrowserContext } from 'playwright-core';
import { createScratchDir, launchChromium, requireE2ePrerequisites } from '../test/e2e/harness.ts';
import { CPU_THROTTLING_RATE, chromiumVersion } from './client-browser.ts';
import { requireBuild, startStaticServer, type StaticServer } from './client-serve.ts';
import { BENCH_API_KEY, BENCH_API_SECRET } from './credentials.ts';
import { machine } from './fanout-report.ts';
import { seedInbox } from './seed-inbox.ts';
import { positive, record } from './stats.ts';
import { startServer, type BenchServer } from './trigger.ts';
import { runMount } from './ui-mount.ts';
import { runOpen } from './ui-open.ts';
import { table, targets, type UiBenchResult } from './ui-report.ts';
import { belfryMountSubject } from './ui-pages.ts';
import { bundlePeers } from './ui-peers.ts';
import { runScroll } from './ui-scroll.ts';

const RUNS = positive('BENCH_UI_RUNS', 15);
const WARMUP_RUNS = 2;
const OPEN_NOTIFICATIONS = 50;
const SCROLL_NOTIFICATIONS = 10_000;
const SCROLL_PAGE_SIZE = 100;
const SCROLL_PX = positive('BENCH_UI_SCROLL_PX', 9_000);
const SCROLL_SPEED = positive('BENCH_UI_SCROLL_SPEED', 3_000);
const PEERS_DIR = process.env['BENCH_UI_PEERS'] || undefined;
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

requireE2ePrerequisites();
requireBuild();
const loadBefore = loadavg().map((n) => n.toFixed(2)).join(' ');
const scratch = createScratchDir('bench-ui');
let context: BrowserContext | undefined;
let server: StaticServer | undefined;
let service: BenchServer | undefined;
let failed = false;
try {
  service = await startServer('belfry', undefined);
  const target = { url: service.url, apiKey: BENCH_API_KEY, apiSecret: BENCH_API_SECRET };
  const base = { apiKey: BENCH_API_KEY, baseUrl: service.url };
  progress(`seeding ${OPEN_NOTIFICATIONS} and ${SCROLL_NOTIFICATIONS.toLocaleString('en')} notifications on ${service.url}`);
  const seedStarted = performance.now();
  await seedInbox(target, 'bench-ui-50', OPEN_NOTIFICATIONS, 4);
  await seedInbox(target, 'bench-ui-10k', SCROLL_NOTIFICATIONS, 8);
  progress(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  server = await startStaticServer();
  context = await launchChromium(scratch.dir);
  const fifty = { ...base, userId: 'bench-ui-50', pageSize: OPEN_NOTIFICATIONS, expected: OPEN_NOTIFICATIONS };
  progress(`parse+execute: ${RUNS} fresh-source loads and ${RUNS} same-source loads after ${WARMUP_RUNS} warm-up loads`);
  const mount = await runMount(context, server, belfryMountSubject(fifty), { runs: RUNS, warmupRuns: WARMUP_RUNS, bellName: /^Notifications/ });
  const peers: UiBenchResult['peers'] = [];
  for (const bundle of PEERS_DIR ? await bundlePeers(PEERS_DIR) : []) {
    server.setPage(bundle.subject.script, bundle.text, 'text/javascript');
    progress(`parse+execute, ${bundle.label}: the same loads`);
    peers.push({ label: bundle.label, result: await runMount(context, server, bundle.subject, { runs: RUNS, warmupRuns: WARMUP_RUNS }) });
  }
  progress(`open panel: ${RUNS} loads after ${WARMUP_RUNS} warm-up loads`);
  const open = await runOpen(context, server, fifty, { runs: RUNS, warmupRuns: WARMUP_RUNS });
  progress(`scroll: filling the list with ${SCROLL_NOTIFICATIONS.toLocaleString('en')}, then ${RUNS} gestures of ${SCROLL_PX} px after ${WARMUP_RUNS} warm-up gestures`);
  const ten = { ...base, userId: 'bench-ui-10k', pageSize: SCROLL_PAGE_SIZE, expected: SCROLL_NOTIFICATIONS };
  const scroll = await runScroll(context, server, ten, { runs: RUNS, warmupRuns: WARMUP_RUNS, distance: SCROLL_PX, speed: SCROLL_SPEED });
  const result: UiBenchResult = { mount, peers, open, scroll };
  const loadAfter = loadavg().map((n) => n.toFixed(2)).join(' ');
  const { unthrottled, throttled } = mount.calibration;
  const where = (title: string, lines: string[]) => [``, `${title}:`, ...lines.map((l) => `    ${l}`)];
  const section = [
    `## ${new Date().toISOString()} — widget UI in Chromium`,
    '',
    `Machine: ${machine()}, ${chromiumVersion()} headless; load average (1, 5, 15 min) ${loadBefore} before the run, ${loadAfter} after. ` +
      `CPU throttling ${CPU_THROTTLING_RATE}x (\`Emulation.setCPUThrottlingRate\`) for the first two: a fixed JS loop took ${unthrottled.toFixed(1)} ms unthrottled and ${throttled.toFixed(1)} ms throttled (${(throttled / unthrottled).toFixed(1)}x).`,
    `Run: \`npm run bench:ui\` (builds first). Pages from a node:http server on loopback; the widget (\`<belfry-inbox>\`, popover mode) talks to the real service (bench/serve.ts, SQLite, rate limits off) on loopback. ` +
      `Parse+execute: the page fetches \`dist/belfry.iife.js\` (${(mount.bytes / 1000).toFixed(1)} k characters) as text, paints, waits 100 ms, then inserts it as an inline \`<script>\` with a unique trailing comment (so no compilation cache serves it); ` +
      `from a \`performance.mark\` just before the insertion to the bell (named "${mount.bell}") in the shadow root, and to the task after the next animation frame (painted); a fresh page load per run. ` +
      (peers.length ? `Other inboxes (rows named after them): their npm packages bundled with esbuild into one minified IIFE each that mounts the inbox (Courier: importing \`@trycourier/courier-ui-inbox\` upgrades a \`<courier-inbox-popup-menu>\` in the page; Novu: \`new NovuUI(...).mountComponent({ name: 'Inbox' })\`), no backend reachable, the same page and clock to their bell button; each bell is found when the script returns or at a later timer turn. ` : '') +
      `Open panel: the user has ${OPEN_NOTIFICATIONS} notifications, loaded as one page before the click (connection online); Playwright clicks the bell (trusted CDP mouse input); from the click event's \`timeStamp\` to the task after the first animation frame with the panel's items in the shadow root (${open.items} rendered: the list is windowed); a fresh page load per run, so each is a first opening. ` +
      `Scroll: the user has ${SCROLL_NOTIFICATIONS.toLocaleString('en')} notifications; the inbox loads all of them (pages of ${SCROLL_PAGE_SIZE}, \`inbox.loadMore()\`) before the panel is opened, so the list holds ${scroll.held.toLocaleString('en')} and no page loads during the timing; ` +
      `each run is one \`Input.synthesizeScrollGesture\` (mouse wheel) of ${SCROLL_PX} px at ${SCROLL_SPEED} px/s over the list, continuing down (${Math.round(scroll.scrolled).toLocaleString('en')} px in all, down to item ${scroll.lastPosition.toLocaleString('en')}); frame time = the interval between consecutive \`requestAnimationFrame\` timestamps while the list moved (a frame the main thread misses shows as 33 ms or more).`,
    '',
    table(result),
    '',
    targets(result),
    ...where('Trace of one more parse+execute load (main thread, exec-start → bell-painted)', mount.trace),
    ...where('JS self time in that load (CPU profile; names and lines of the minified file)', mount.profile),
    ...where('Trace of one more opening (main thread, from the click listener → panel-painted)', open.trace),
    ...where('JS self time in that opening (CPU profile)', open.profile),
    '',
  ].join('\n');
  record(section);
} catch (error) {
  failed = true;
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  await context?.close();
  await server?.close();
  await service?.stop();
  scratch.remove();
}
process.exit(failed ? 1 : 0);
