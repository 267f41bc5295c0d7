// Cached first paint: the script-tag widget in a host page, its IndexedDB cache filled by a first
// visit while the real service (the `belfry-server` bin) runs, then the service stopped and the page
// loaded again and again. Each load is timed from just before the `<script src>` to the cached
// items painted in the shadow root, with the service unreachable (connection refused).
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { TEST_APP, createScratchDir, startService, type RunningService } from '../test/e2e/harness.ts';
import { CPU_THROTTLING_RATE, calibrate, evaluateWithin, startProfile, stopProfile, throttle } from './client-browser.ts';
import { traceBetween } from './client-trace.ts';
import { paintPageHtml, type StaticServer } from './client-serve.ts';
import { seedInbox } from './seed-inbox.ts';

/** One load of the page, times in ms from `script-start`. */
export interface PaintSample {
  scriptFromCache: boolean | null;
  scriptEvaluated: number;
  itemsInDom: number;
  painted: number;
  items: number;
  offline: boolean;
}

export interface PaintOptions {
  runs: number;
  warmupRuns: number;
  /** Notifications the user has on the service (page 1 of them is cached). */
  notifications: number;
  profileDir?: string | undefined;
}

export interface PaintResult {
  /** How many items the first visit showed, and so each cached load waits for. */
  cachedItems: number;
  samples: PaintSample[];
  /** The same loads without CPU throttling: ms to painted, per load. */
  unthrottled: number[];
  /** The same host page without the widget: ms from the mark to its first frame painted, per load. */
  bare: number[];
  /** The calibration loop's ms without and with throttling, in this page. */
  calibration: { unthrottled: number; throttled: number };
  /** The long animation frames (over 50 ms) of the last load, up to the paint, as text lines. */
  longFrames: string[];
  /** What the main thread did during one more load, traced (not one of the measured ones). */
  trace: string[];
  /** JS self time of that load between script start and paint, from a CPU profile. */
  profile: string[];
}

// Each long frame's span, its script time, and its rendering part (style, layout, paint), relative to script-start.
const LONG_FRAMES = `(() => {
  const start = performance.getEntriesByName('script-start', 'mark')[0].startTime;
  const end = performance.getEntriesByName('painted', 'mark')[0].startTime;
  const f1 = (n) => n.toFixed(1);
  return window.__longFrames.filter((f) => f.startTime + f.duration >= start && f.startTime <= end).map((f) => {
    const scripts = f.scripts.map((s) => s.invoker + ' ' + f1(s.duration) + ' ms' + (s.forcedStyleAndLayoutDuration ? ' (forced style/layout ' + f1(s.forcedStyleAndLayoutDuration) + ' ms)' : ''));
    const render = f.renderStart ? f.startTime + f.duration - f.renderStart : 0;
    const styleLayout = f.styleAndLayoutStart ? f.startTime + f.duration - f.styleAndLayoutStart : 0;
    return 'frame ' + f1(f.startTime - start) + '–' + f1(f.startTime + f.duration - start) + ' ms: rendering ' + f1(render) + ' ms (style, layout and paint ' + f1(styleLayout) + ' ms); scripts: ' + (scripts.join(', ') || 'none');
  });
})()`;

/** Resolves with the page's paint times; rejects when the page has not painted within 30 s. */
function painted(page: Page): Promise<PaintSample & { error?: string }> {
  return evaluateWithin(page, 'window.__painted', 30_000, 'the cached items were not painted');
}

/** Runs the cached-first-paint benchmark in `context` (a persistent profile, so IndexedDB stays). */
export async function runCachedPaint(context: BrowserContext, server: StaticServer, options: PaintOptions, progress: (line: string) => void): Promise<PaintResult> {
  const scratch = createScratchDir('bench-client');
  let service: RunningService | undefined;
  const page = await context.newPage();
  try {
    service = await startService({ database: `sqlite:${join(scratch.dir, 'belfry.db')}` });
    const userId = 'bench-paint-user';
    await seedInbox({ url: service.url, ...TEST_APP }, userId, options.notifications);
    const pageOptions = { apiKey: TEST_APP.apiKey, userId, baseUrl: service.url };
    // The first visit reports at the first item; what it shows once settled is what the cache holds.
    server.setPaintPage(paintPageHtml({ ...pageOptions, expectedItems: 1 }));
    const url = `${server.url}/paint.html`;
    await page.goto(`${server.url}/core.html`);
    const unthrottled = await calibrate(page);
    const cdp = await throttle(page);

    // First visit, service up: connect, page 1, and the debounced cache write.
    progress(`first visit with ${service.url} running, ${options.notifications} notifications`);
    await page.goto(url);
    await painted(page);
    await page.waitForTimeout(2_000);
    const cachedItems = (await page.evaluate(`document.querySelector('belfry-inbox').shadowRoot.querySelectorAll('[part~="item"]').length`)) as number;
    if (cachedItems < 1 || cachedItems > options.notifications) throw new Error(`the first visit shows ${cachedItems} items`);
    server.setPaintPage(paintPageHtml({ ...pageOptions, expectedItems: cachedItems }));
    const databases = (await page.evaluate('indexedDB.databases().then((list) => list.map((d) => d.name))')) as string[];
    if (!databases.some((name) => name.startsWith('belfry-'))) throw new Error(`no belfry IndexedDB database after the first visit: ${databases.join(', ')}`);
    await service.stop();
    progress('service stopped; loading the page from the cache');

    const samples: PaintSample[] = [];
    const load = async (): Promise<PaintSample> => {
      await page.goto(url);
      const sample = await painted(page);
      if (sample.error) throw new Error(sample.error);
      if (sample.items < cachedItems) throw new Error(`only ${sample.items} of ${cachedItems} cached items painted`);
      return sample;
    };
    for (let i = 0; i < options.warmupRuns; i++) await load();
    for (let i = 0; i < options.runs; i++) samples.push(await load());
    // The observer delivers the last frame's entry after it ended.
    await page.waitForTimeout(200);
    const longFrames = (await page.evaluate(LONG_FRAMES)) as string[];
    const bare: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      await page.goto(`${server.url}/bare.html`);
      bare.push((await painted(page)).painted);
    }
    const throttled = await calibrate(page);
    // The same loads without throttling: how much of the time is CPU the throttling multiplies.
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    const unthrottledSamples: PaintSample[] = [];
    for (let i = 0; i < options.runs; i++) unthrottledSamples.push(await load());
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING_RATE });
    // One more load, traced and profiled; the profile's samples are summed within the trace's window.
    await startProfile(cdp);
    const trace = await traceBetween(cdp, async () => void (await load()), 'script-start', 'painted');
    const traceProfile = await stopProfile(cdp, { dir: options.profileDir, name: 'client-cached-paint', window: trace.window });

    await cdp.detach();
    return { cachedItems, samples, bare, unthrottled: unthrottledSamples.map((sample) => sample.painted), calibration: { unthrottled, throttled }, longFrames, trace: trace.lines, profile: traceProfile };
  } finally {
    await page.close();
    await service?.stop();
    scratch.remove();
  }
}
