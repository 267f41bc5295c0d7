// A timeline trace of one page load (the DevTools Performance panel's categories), summed up by
// what the renderer's main thread did between two `performance.mark`s: script, HTML parsing,
// style, layout, paint, and the time it sat waiting (IndexedDB, the next frame).
import type { CDPSession } from 'playwright-core';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { url?: string; functionName?: string } };
}

const CATEGORIES = ['devtools.timeline', 'blink.user_timing', 'v8.execute', 'disabled-by-default-devtools.timeline'].join(',');

/** The main thread's time between two marks, and where the marks are on the trace clock (µs). */
export interface TraceSummary {
  lines: string[];
  window: { from: number; to: number } | undefined;
}

/** Records a trace around `run` and answers the main thread's time between marks `from` and `to`, by task kind. */
export async function traceBetween(cdp: CDPSession, run: () => Promise<void>, from: string, to: string): Promise<TraceSummary> {
  const events: TraceEvent[] = [];
  const collect = (data: { value: object[] }) => events.push(...(data.value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', collect);
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  try {
    await run();
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', collect);
  }
  const markAt = (name: string) => events.filter((e) => e.name === name && e.cat.includes('blink.user_timing')).at(-1);
  const start = markAt(from);
  const end = markAt(to);
  if (!start || !end) return { lines: [`(no ${from}/${to} marks in the trace)`], window: undefined };
  // The thread that ran the marks is the page's main thread.
  const main = events.filter((e) => e.pid === start.pid && e.tid === start.tid && e.ph === 'X' && e.dur !== undefined && e.ts + e.dur! > start.ts && e.ts < end.ts);
  main.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // Self time per event name: a parent's time less its children's, clipped to the window.
  const self = new Map<string, number>();
  const clip = (e: TraceEvent) => Math.max(0, Math.min(e.ts + e.dur!, end.ts) - Math.max(e.ts, start.ts));
  const stack: { event: TraceEvent; children: number }[] = [];
  // The top-level tasks in order, each with its self time by kind: when each piece of work ran.
  const tasks: { event: TraceEvent; self: Map<string, number> }[] = [];
  const close = (upTo: number) => {
    while (stack.length && stack.at(-1)!.event.ts + stack.at(-1)!.event.dur! <= upTo) {
      const { event, children } = stack.pop()!;
      const key = labelOf(event);
      const own = clip(event) - children;
      self.set(key, (self.get(key) ?? 0) + own);
      const task = tasks.at(-1)!.self;
      task.set(key, (task.get(key) ?? 0) + own);
      if (stack.length) stack.at(-1)!.children += clip(event);
    }
  };
  let busy = 0;
  for (const event of main) {
    close(event.ts);
    if (!stack.length) {
      busy += clip(event);
      tasks.push({ event, self: new Map() });
    }
    stack.push({ event, children: 0 });
  }
  close(Infinity);
  const ms = (us: number) => (us / 1000).toFixed(1);
  const timeline = tasks
    .filter((task) => clip(task.event) >= 2000)
    .map((task) => {
      const kinds = [...task.self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([name, us]) => `${name} ${ms(us)}`);
      return `  at ${ms(Math.max(0, task.event.ts - start.ts))} ms, ${ms(clip(task.event))} ms: ${kinds.join(', ')}`;
    });
  const total = (end.ts - start.ts) / 1000;
  const lines = [...self.entries()]
    .filter(([, us]) => us >= 500)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 14)
    .map(([name, us]) => `${(us / 1000).toFixed(1)} ms ${name}`);
  const head = `${from} → ${to}: ${total.toFixed(1)} ms, main thread busy ${(busy / 1000).toFixed(1)} ms, waiting ${(total - busy / 1000).toFixed(1)} ms; self time by kind:`;
  return { lines: [head, ...lines, 'tasks of 2 ms or more, in order (their largest parts, ms):', ...timeline], window: { from: start.ts, to: end.ts } };
}

function labelOf(event: TraceEvent): string {
  const data = event.args?.data;
  // A task's own time: work no traced child covers, and, throttled, the time the CPU throttler held the thread.
  if (event.name === 'RunTask' || event.name === 'ThreadControllerImpl::RunTask') return 'RunTask (untraced work and throttling)';
  if (event.name === 'FunctionCall' && data?.functionName) return `FunctionCall ${data.functionName}`;
  if ((event.name === 'EvaluateScript' || event.name === 'v8.compile') && data?.url) return `${event.name} ${data.url.replace(/^.*\//, '') || '(inline)'}`;
  return event.name;
}
