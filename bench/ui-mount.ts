// Parse and execute `dist/belfry.iife.js` up to the bell mounted, with 4x CPU throttling: the
// script's text is already in the page, so the clock holds V8's parse and compile, the bundle's
// top level, defining `<belfry-inbox>`, upgrading the element and rendering the bell (and, to
// "painted", the frame that shows it). bench/ui-pages.ts defines the clock in the page.
import type { BrowserContext } from 'playwright-core';
import { calibrate, evaluateWithin, startProfile, stopProfile, throttle } from './client-browser.ts';
import type { StaticServer } from './client-serve.ts';
import { traceBetween } from './client-trace.ts';
import { mountPageHtml, type MountSubject } from './ui-pages.ts';

/** One load: ms from `exec-start`. */
interface MountSample {
  mounted: number;
  painted: number;
  bytes: number;
  bell: string;
}

/** Times of the loads, in ms from just before the script's insertion. */
export interface MountResult {
  /** Every load with a unique source (no compilation cache): to the bell in the shadow root. */
  mounted: number[];
  /** The same loads: to the task after the frame that shows the bell. */
  painted: number[];
  /** Loads with the same source each time (V8's in-memory compilation cache may serve the compile): to painted. */
  samePainted: number[];
  /** Characters of the script's text. */
  bytes: number;
  /** The bell's accessible name, as a check that the right thing was mounted. */
  bell: string;
  /** The calibration loop's ms without and with throttling, in this page. */
  calibration: { unthrottled: number; throttled: number };
  /** What the main thread did during one more fresh load, traced. */
  trace: string[];
  /** JS self time of that traced run, within the trace's window, from a CPU profile. */
  profile: string[];
}

/** How many loads, and the bell's accessible name, when it is known (a check that the right thing mounted). */
export interface MountOptions {
  runs: number;
  warmupRuns: number;
  bellName?: RegExp;
}

/** Loads `/mount.html` with `subject` `runs` times after `warmupRuns`, throttled; then the same-source loads and one traced load. */
export async function runMount(context: BrowserContext, server: StaticServer, subject: MountSubject, options: MountOptions): Promise<MountResult> {
  server.setPage('/mount.html', mountPageHtml(subject));
  const page = await context.newPage();
  try {
    await page.goto(`${server.url}/bare.html`);
    const unthrottled = await calibrate(page);
    const cdp = await throttle(page);
    const load = async (fresh: boolean): Promise<MountSample> => {
      await page.goto(`${server.url}/mount.html?fresh=${fresh ? 1 : 0}`);
      const sample = await evaluateWithin<MountSample & { error?: string }>(page, 'window.__mounted', 30_000, 'the bell was not painted');
      if (sample.error) throw new Error(sample.error);
      if (options.bellName && !options.bellName.test(sample.bell)) throw new Error(`the mounted bell is named ${JSON.stringify(sample.bell)}`);
      return sample;
    };
    for (let i = 0; i < options.warmupRuns; i++) await load(true);
    const fresh: MountSample[] = [];
    for (let i = 0; i < options.runs; i++) fresh.push(await load(true));
    const same: MountSample[] = [];
    for (let i = 0; i < options.runs; i++) same.push(await load(false));
    const throttled = await calibrate(page);
    await startProfile(cdp);
    const trace = await traceBetween(cdp, async () => void (await load(true)), 'exec-start', 'bell-painted');
    const profile = await stopProfile(cdp, { name: 'ui-mount', window: trace.window });
    await cdp.detach();
    return {
      mounted: fresh.map((s) => s.mounted),
      painted: fresh.map((s) => s.painted),
      samePainted: same.map((s) => s.painted),
      bytes: fresh[0]?.bytes ?? 0,
      bell: fresh[0]?.bell ?? '',
      calibration: { unthrottled, throttled },
      trace: trace.lines,
      profile,
    };
  } finally {
    await page.close();
  }
}
