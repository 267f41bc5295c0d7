// Chromium for the client benchmark: 4x CPU throttling through the DevTools protocol (as
// DevTools' "4x slowdown" does), a check that it took effect, and CPU profiles summed up by
// function so a missed target says where the time went.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';

/** Debian's Chromium version line, e.g. `Chromium 142.0.7444.175`, for the results' machine line. */
export function chromiumVersion(): string {
  try {
    // Debian's wrapper script prints a shell warning on stderr; the version is on stdout.
    return execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).replace(/ built on.*/s, '').trim();
  } catch {
    return 'Chromium (version unknown)';
  }
}

/** The slowdown the targets are stated for. */
export const CPU_THROTTLING_RATE = 4;

/** Opens a DevTools session on `page` and slows its CPU down `rate` times. */
export async function throttle(page: Page, rate = CPU_THROTTLING_RATE): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  return cdp;
}

// A fixed piece of plain JS work; the best of a few runs, in ms.
const CALIBRATION = `(() => {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    let x = 0;
    for (let i = 0; i < 2e6; i++) x = (x + i * i) % 1000003;
    best = Math.min(best, performance.now() - started + (x < 0 ? 1 : 0));
  }
  return best;
})()`;

/** How long the calibration loop takes in `page` right now, in ms. */
export function calibrate(page: Page): Promise<number> {
  return page.evaluate(CALIBRATION) as Promise<number>;
}

/** Evaluates `expression` in `page` (awaiting a promise it yields); rejects with `what` when that takes over `ms`. */
export function evaluateWithin<T>(page: Page, expression: string, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([page.evaluate(expression) as Promise<T>, timeout]).finally(() => clearTimeout(timer));
}

/** The JS heap in use after a full garbage collection, in bytes. */
export async function heapUsedAfterGc(cdp: CDPSession): Promise<number> {
  // Two rounds: the first may only free what finalizers of the second release.
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** Starts the sampling profiler (0.1 ms interval) on `cdp`'s page. */
export async function startProfile(cdp: CDPSession): Promise<void> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
}

/** Where `stopProfile` writes and what it sums: self time of samples within `window` (trace µs), when given. */
export interface StopProfileOptions {
  dir?: string | undefined;
  name: string;
  window?: { from: number; to: number } | undefined;
  top?: number;
}

/**
 * Stops the profiler, writes the `.cpuprofile` (open it in DevTools' Performance panel) into
 * `dir` when given, and answers the functions with the most self time as `ms (share) name (file:line)`
 * lines, the share being of the window (or of the whole profile).
 */
export async function stopProfile(cdp: CDPSession, options: StopProfileOptions): Promise<string[]> {
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
  await cdp.send('Profiler.disable');
  if (options.dir) writeFileSync(join(options.dir, `${options.name}.cpuprofile`), JSON.stringify(profile));
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const from = options.window?.from ?? -Infinity;
  const to = options.window?.to ?? Infinity;
  // Sample i is taken at startTime + deltas[0..i]; its time lasts until the next sample.
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (at < from || at > to) continue;
    const frame = byNode.get(samples[i]!)!.callFrame;
    const file = frame.url ? frame.url.replace(/^.*\//, '') : '';
    const key = `${frame.functionName || '(anonymous)'}${file ? ` (${file}:${frame.lineNumber + 1})` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  const total = options.window ? (to - from) / 1000 : (profile.endTime - profile.startTime) / 1000;
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, options.top ?? 12)
    .map(([key, ms]) => `${ms.toFixed(1)} ms (${((ms / total) * 100).toFixed(0)} %) ${key}`);
}
