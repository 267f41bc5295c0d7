// Opening the panel with its notifications already loaded, with 4x CPU throttling: a trusted click
// on the bell (Playwright's mouse, through the DevTools protocol's input events) to the first frame
// painted with the panel's items. Each run is a fresh page load, so it is the first opening, as a
// user's is. bench/ui-pages.ts defines the clock in the page.
import type { BrowserContext } from 'playwright-core';
import { evaluateWithin, startProfile, stopProfile, throttle } from './client-browser.ts';
import type { StaticServer } from './client-serve.ts';
import { traceBetween } from './client-trace.ts';
import { openPageHtml, type HostOptions } from './ui-pages.ts';

interface OpenSample {
  opened: number;
  inDom: number;
  items: number;
  eventTiming: number | null;
}

/** Times of the openings, in ms from the click event's timeStamp. */
export interface OpenResult {
  /** To the task after the first frame painted with the items. */
  opened: number[];
  /** To the items in the shadow root. */
  inDom: number[];
  /** The Event Timing API's duration of the click (8 ms granularity), where an entry came. */
  eventTiming: number[];
  /** Notifications the inbox held at the click. */
  held: number;
  /** Items rendered in the panel at the paint (the list is windowed). */
  items: number;
  /** What the main thread did during one more opening, from the click listener to the paint, traced. */
  trace: string[];
  /** JS self time of that traced run, within the trace's window, from a CPU profile. */
  profile: string[];
}

/** Opens the panel in `runs` fresh loads of `/open.html` after `warmupRuns`, throttled; then one traced opening. */
export async function runOpen(context: BrowserContext, server: StaticServer, host: HostOptions & { expected: number }, options: { runs: number; warmupRuns: number }): Promise<OpenResult> {
  server.setPage('/open.html', openPageHtml(host));
  const page = await context.newPage();
  try {
    const cdp = await throttle(page);
    let held = 0;
    const open = async (): Promise<OpenSample> => {
      await page.goto(`${server.url}/open.html`);
      held = (await evaluateWithin<{ held: number }>(page, 'new Promise((resolve) => { const poll = () => window.__ready ? resolve(window.__ready) : setTimeout(poll, 50); poll(); })', 60_000, 'the inbox did not load its notifications')).held;
      await page.getByRole('button', { name: /^Notifications/ }).click();
      const sample = await evaluateWithin<OpenSample>(page, 'window.__opened', 30_000, 'the panel was not painted');
      if (sample.items < 1) throw new Error('the panel showed no items');
      return sample;
    };
    for (let i = 0; i < options.warmupRuns; i++) await open();
    const samples: OpenSample[] = [];
    for (let i = 0; i < options.runs; i++) samples.push(await open());
    // The trace starts before the load; its summary is cut to the listener → paint window.
    await startProfile(cdp);
    const trace = await traceBetween(cdp, async () => void (await open()), 'click-handled', 'panel-painted');
    const profile = await stopProfile(cdp, { name: 'ui-open', window: trace.window });
    await cdp.detach();
    return {
      opened: samples.map((s) => s.opened),
      inDom: samples.map((s) => s.inDom),
      eventTiming: samples.flatMap((s) => (s.eventTiming === null ? [] : [s.eventTiming])),
      held,
      items: samples.at(-1)?.items ?? 0,
      trace: trace.lines,
      profile,
    };
  } finally {
    await page.close();
  }
}
