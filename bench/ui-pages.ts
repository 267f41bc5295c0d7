// The UI benchmark's host pages: an app bar with `<belfry-inbox>` (popover mode, the bell) as an app
// embeds it, or another vendor's inbox for the parse-and-execute comparison. The in-page code is plain JavaScript in strings, so it reaches Chromium as written.
// Every clock is read in the page (`performance.now()`, event timestamps), never across the
// DevTools protocol; the harness only awaits the promises the pages expose.

/** Who the widget is for and where the service is. */
export interface HostOptions {
  apiKey: string;
  userId: string;
  baseUrl: string;
  /** The inbox's page size (`options.pageSize`, set before the element is defined). */
  pageSize: number;
}

const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

// The bell sits at the inline end of an app bar, where apps put it; the panel opens below it.
const head = (title: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title>
<style>body{margin:0;font:16px system-ui}header{display:flex;justify-content:space-between;align-items:center;padding:8px 24px;border-bottom:1px solid #ddd}</style>`;

const element = (o: HostOptions) =>
  `<belfry-inbox api-key="${attr(o.apiKey)}" user-id="${attr(o.userId)}" base-url="${attr(o.baseUrl)}"></belfry-inbox>
<script>document.querySelector('belfry-inbox').options = { pageSize: ${Number(o.pageSize)} };</script>`;
const appBar = (o: HostOptions) => `<header><h1>Host app</h1>${element(o)}</header>`;

// In-page helpers: the widget's shadow root, waiting for a selector to match (checked at once, then
// on every mutation of the shadow tree), "the next frame has been painted" (a task queued from
// requestAnimationFrame runs after the main thread produced that frame: style, layout, paint), and
// polling for a condition outside any clock.
const HELPERS = `
const host = () => document.querySelector('belfry-inbox');
const whenPresent = (root, selector) => new Promise((resolve) => {
  if (root.querySelector(selector)) return resolve();
  const observer = new MutationObserver(() => {
    if (!root.querySelector(selector)) return;
    observer.disconnect();
    resolve();
  });
  observer.observe(root, { childList: true, subtree: true });
});
const nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
const until = (test) => new Promise((resolve) => { const poll = () => (test() ? resolve() : setTimeout(poll, 20)); poll(); });
`;

/** What the parse-and-execute page runs and waits for: Belfry's widget, or another inbox measured the same way. */
export interface MountSubject {
  /** Where the page fetches the script's text from. */
  script: string;
  /** Markup in the app bar before the script runs: what the script mounts into. */
  markup: string;
  /** A page-side JavaScript expression that yields the bell button once it is mounted (falsy before). */
  findBell: string;
}

/** Belfry's script-tag file and `<belfry-inbox>`, its bell found in the element's shadow root. */
export function belfryMountSubject(o: HostOptions): MountSubject {
  return { script: '/belfry.iife.js', markup: element(o), findBell: `host().shadowRoot && host().shadowRoot.querySelector('[part~="bell"]')` };
}

/**
 * Parse and execute up to the bell (`/mount.html`). The page fetches the script (Belfry's
 * `/belfry.iife.js`) as text first (so no network time is counted), lets the host page paint and
 * settle, then inserts a `<script>` holding that text, which runs synchronously: parse, compile,
 * run the bundle; for Belfry that defines `<belfry-inbox>`, upgrades the element already in the
 * page and renders its bell into the shadow root before the insertion returns.
 * Clock: `exec-start` (just before the insertion) to `bell-mounted` (the bell button is in the
 * DOM: checked when the insertion returns, then, for renderers that mount later, at every timer
 * turn) and to `bell-painted` (the task after the next frame).
 * With `?fresh=1` the text gets a unique trailing comment per load, so V8's in-memory compilation
 * cache (keyed by the source) cannot serve an earlier load's compile: every load parses from scratch,
 * like a first visit. `window.__mounted` resolves with the times in ms.
 */
export function mountPageHtml(subject: MountSubject): string {
  return `${head('Parse and execute')}</head><body>
<header><h1>Host app</h1>${subject.markup}</header>
<script>
${HELPERS}
const findBell = () => (${subject.findBell});
window.__mounted = (async () => {
  const source = await (await fetch(${JSON.stringify(subject.script)})).text();
  const fresh = new URLSearchParams(location.search).get('fresh') === '1';
  const text = fresh ? source + '\\n// load ' + performance.timeOrigin + '-' + Math.random() : source;
  await nextPaint();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const script = document.createElement('script');
  script.textContent = text;
  performance.mark('exec-start');
  document.body.appendChild(script);
  const bell = findBell() || (await new Promise((resolve) => {
    const poll = () => { const found = findBell(); found ? resolve(found) : setTimeout(poll, 0); };
    poll();
  }));
  performance.mark('bell-mounted');
  await nextPaint();
  performance.mark('bell-painted');
  const at = (name) => performance.getEntriesByName(name, 'mark')[0].startTime;
  return {
    mounted: at('bell-mounted') - at('exec-start'),
    painted: at('bell-painted') - at('exec-start'),
    bytes: source.length,
    bell: bell.getAttribute('aria-label') || bell.textContent.trim().slice(0, 40) || bell.tagName,
  };
})();
</script>
</body></html>`;
}

/**
 * Opening the panel (`/open.html`). The widget loads as a script tag; once its inbox holds
 * `expected` notifications and the connection is online, `window.__ready` is set. A capturing
 * listener on the window takes the bell's click: the clock starts at the click event's
 * `timeStamp` (when the browser received the input) and stops at `panel-painted`, the task after
 * the first frame painted with the panel's items in the shadow root. The Event Timing API's
 * `duration` for the same click (from its timeStamp to the next paint after its handlers, rounded
 * to 8 ms) is read as a cross-check. Marks `click-handled` (the listener ran) and `panel-painted`
 * bound a trace's window. `window.__opened` resolves with the times in ms.
 */
export function openPageHtml(o: HostOptions & { expected: number }): string {
  return `${head('Open the panel')}
<script>
window.__eventTimings = [];
try {
  new PerformanceObserver((list) => window.__eventTimings.push(...list.getEntries())).observe({ type: 'event', durationThreshold: 16, buffered: true });
} catch {}
</script>
<script src="/belfry.iife.js"></script></head><body>
${appBar(o)}
<script>
${HELPERS}
const expected = ${Number(o.expected)};
window.__opened = new Promise((resolve) => {
  window.addEventListener('click', async (event) => {
    if (!event.isTrusted || !event.composedPath().some((node) => node.getAttribute && node.getAttribute('part') === 'bell')) return;
    const clicked = event.timeStamp;
    performance.mark('click-handled');
    const root = host().shadowRoot;
    await whenPresent(root, '[part~="panel"] [part~="item"]');
    const inDom = performance.now();
    await nextPaint();
    const painted = performance.now();
    performance.mark('panel-painted');
    const items = root.querySelectorAll('[part~="panel"] [part~="item"]').length;
    // Event Timing entries arrive after the frame is presented; give them a moment.
    await new Promise((done) => setTimeout(done, 300));
    const entry = window.__eventTimings.find((e) => e.name === 'click' && Math.abs(e.startTime - clicked) < 1);
    resolve({ opened: painted - clicked, inDom: inDom - clicked, items, eventTiming: entry ? entry.duration : null });
  }, true);
});
(async () => {
  await until(() => host().inbox && host().inbox.notifications.value.length >= expected && host().inbox.connection.value === 'online');
  // Let the connect, the first page and the cache write settle before the click.
  await new Promise((resolve) => setTimeout(resolve, 500));
  window.__ready = { held: host().inbox.notifications.value.length };
})();
</script>
</body></html>`;
}

/**
 * Scrolling the list (`/scroll.html`). The widget loads as a script tag with pages of
 * `pageSize`; `window.__fill()` calls `inbox.loadMore()` until the service has no more, so the list
 * holds every notification before any frame is timed. `window.__frames.start()` records the
 * timestamp requestAnimationFrame passes each frame (the frame's begin time, on the vsync grid) and
 * the time of each scroll event of the list's scroller; `stop()` answers the intervals between
 * consecutive frames while the list moved, in ms, where the scroller stood, and the highest item
 * position rendered. A frame the main thread misses (a render of the list that overran) shows as
 * an interval of two or more vsync periods.
 */
export function scrollPageHtml(o: HostOptions): string {
  return `${head('Scroll the list')}
<script src="/belfry.iife.js"></script></head><body>
${appBar(o)}
<script>
${HELPERS}
window.__fill = async () => {
  const inbox = host().inbox;
  await until(() => inbox.status.value === 'ready' && inbox.notifications.value.length > 0);
  while (inbox.hasMore.value) await inbox.loadMore();
  return { held: inbox.notifications.value.length };
};
const scroller = () => host().shadowRoot.querySelector('[part~="panel"] .body');
const lastPosition = () => Math.max(0, ...[...host().shadowRoot.querySelectorAll('[part~="item"]')].map((li) => Number(li.getAttribute('aria-posinset'))));
let times = [];
let scrolls = [];
let recording = false;
// One chain of frame callbacks per start(): a chain from the run before that has not yet seen
// \`recording\` go false would otherwise go on beside the new one and record every frame twice.
let chain = 0;
const onScroll = () => scrolls.push(performance.now());
const tick = (id) => (time) => {
  if (!recording || id !== chain) return;
  times.push(time);
  requestAnimationFrame(tick(id));
};
window.__frames = {
  start() {
    times = [];
    scrolls = [];
    recording = true;
    scroller().addEventListener('scroll', onScroll, { passive: true });
    requestAnimationFrame(tick(++chain));
    return { scrollTop: scroller().scrollTop };
  },
  stop() {
    recording = false;
    scroller().removeEventListener('scroll', onScroll);
    // Only the frames while the list moved: from the frame before the first scroll event to the
    // first frame after the last one (idle frames before and after would flatter the result).
    const first = scrolls[0] ?? Infinity;
    const last = scrolls.at(-1) ?? -Infinity;
    const from = Math.max(0, times.findLastIndex((t) => t <= first));
    const to = times.findIndex((t) => t > last);
    const moving = times.slice(from, to < 0 ? times.length : to + 1);
    const intervals = moving.slice(1).map((t, i) => t - moving[i]);
    return { intervals, scrollEvents: scrolls.length, scrollTop: scroller().scrollTop, lastPosition: lastPosition() };
  },
};
</script>
</body></html>`;
}
