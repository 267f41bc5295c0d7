// Scrolling a list of 10,000 notifications without CPU throttling: the widget's inbox is filled
// from the real service (pages of 100 through `inbox.loadMore()`, before any timing, so the list
// holds all of them and the measure is the list, not the network), the panel opened, and the list
// scrolled with trusted wheel input (`Input.synthesizeScrollGesture`, a mouse) for a few seconds per
// run. Frame times are the intervals between requestAnimationFrame timestamps while the list moved.
import type { BrowserContext } from 'playwright-core';
import { evaluateWithin } from './client-browser.ts';
import type { StaticServer } from './client-serve.ts';
import { percentile } from './herd-report.ts';
import { scrollPageHtml, type HostOptions } from './ui-pages.ts';

/** How far and how fast each run scrolls. */
export interface ScrollOptions {
  runs: number;
  warmupRuns: number;
  /** Pixels per run (downwards). */
  distance: number;
  /** Pixels per second. */
  speed: number;
}

/** The frames of the runs. */
export interface ScrollResult {
  /** ms between consecutive frames while the list moved, all runs pooled. */
  intervals: number[];
  /** The 95th percentile of each run's intervals. */
  perRunP95: number[];
  /** Notifications in the list. */
  held: number;
  /** Pixels scrolled over all measured runs, and the highest item position rendered at the end. */
  scrolled: number;
  lastPosition: number;
}

interface FramesStop {
  intervals: number[];
  scrollEvents: number;
  scrollTop: number;
  lastPosition: number;
}

/** Fills the inbox, opens the panel and scrolls its list `runs` times after `warmupRuns`. */
export async function runScroll(context: BrowserContext, server: StaticServer, host: HostOptions & { expected: number }, options: ScrollOptions): Promise<ScrollResult> {
  server.setPage('/scroll.html', scrollPageHtml(host));
  const page = await context.newPage();
  try {
    await page.goto(`${server.url}/scroll.html`);
    await page.waitForFunction('window.__fill && document.querySelector("belfry-inbox").inbox', undefined, { timeout: 30_000 });
    const { held } = await evaluateWithin<{ held: number }>(page, 'window.__fill()', 300_000, 'the inbox did not load every page');
    if (held !== host.expected) throw new Error(`the inbox holds ${held} of ${host.expected} notifications`);
    await page.getByRole('button', { name: /^Notifications/ }).click();
    await page.locator('[part~="panel"] [part~="item"]').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    const box = await page.locator('[part~="panel"] .body').boundingBox();
    if (!box || box.height < 100) throw new Error(`the list's scroller is ${box ? box.height : 'not'} px tall`);
    const cdp = await context.newCDPSession(page);
    const scroll = async (): Promise<FramesStop & { from: number }> => {
      const { scrollTop: from } = (await page.evaluate('window.__frames.start()')) as { scrollTop: number };
      await cdp.send('Input.synthesizeScrollGesture', {
        x: Math.round(box.x + box.width / 2),
        y: Math.round(box.y + box.height / 2),
        yDistance: -options.distance,
        speed: options.speed,
        gestureSourceType: 'mouse',
      });
      // The last wheel events' scroll may land a frame or two after the gesture's promise.
      await page.waitForTimeout(200);
      const stopped = (await page.evaluate('window.__frames.stop()')) as FramesStop;
      if (stopped.scrollTop - from < options.distance / 2) throw new Error(`the list scrolled ${stopped.scrollTop - from} of ${options.distance} px`);
      return { ...stopped, from };
    };
    for (let i = 0; i < options.warmupRuns; i++) await scroll();
    const runs: (FramesStop & { from: number })[] = [];
    for (let i = 0; i < options.runs; i++) runs.push(await scroll());
    await cdp.detach();
    return {
      intervals: runs.flatMap((r) => r.intervals),
      perRunP95: runs.map((r) => percentile(r.intervals, 95)),
      held,
      scrolled: runs.reduce((sum, r) => sum + r.scrollTop - r.from, 0),
      lastPosition: runs.at(-1)?.lastPosition ?? 0,
    };
  } finally {
    await page.close();
  }
}
