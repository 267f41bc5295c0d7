// The client benchmark's pages and the tiny static server that serves them with the built files
// (`npm run build`): the script-tag file for the cached first paint, the ESM entry with an import
// map for its two dependencies for the headless-core runs. The in-page code is plain JavaScript in
// strings, so it reaches Chromium as written (no compiler helpers in `page.evaluate`).
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { root } from '../test/e2e/harness.ts';

const DIST = join(root, 'dist');
// The ESM build leaves these bare imports to the app's bundler; the import map points at their ESM files.
const MODULES: Record<string, string> = {
  '/modules/signals-core.mjs': join(root, 'node_modules/@preact/signals-core/dist/signals-core.mjs'),
  '/modules/idb-keyval.js': join(root, 'node_modules/idb-keyval/dist/index.js'),
};

/** Fails with what to do when the build or Chromium's dependencies are missing. */
export function requireBuild(): void {
  for (const file of [join(DIST, 'belfry.iife.js'), join(DIST, 'belfry.js'), ...Object.values(MODULES)]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm run bench:client does)`);
  }
}

const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** What the cached-first-paint page embeds. */
export interface PaintPageOptions {
  apiKey: string;
  userId: string;
  baseUrl: string;
  /** How many items the cache holds: the page reports once that many are painted. */
  expectedItems: number;
}

/**
 * A host page with the script-tag widget in inline mode. Marks: `script-start` just before the
 * `<script src>`, `script-evaluated` after it ran, `items-in-dom` when a MutationObserver in the
 * shadow root sees all expected items, `painted` after the next animation frame has been produced
 * (a task queued from the frame's requestAnimationFrame runs after that frame's paint).
 * `window.__painted` resolves with the times, relative to `script-start`, once painted.
 */
export function paintPageHtml(o: PaintPageOptions): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host app</title>
<script>
performance.mark('script-start');
// Long animation frames (over 50 ms), to tell where a slow first frame spent its time.
window.__longFrames = [];
// Resolves with window.__paint: the harness awaits it instead of polling, which would add work to every frame.
window.__painted = new Promise((resolve) => (window.__resolvePainted = resolve));
try {
  new PerformanceObserver((list) => window.__longFrames.push(...list.getEntries())).observe({ type: 'long-animation-frame', buffered: true });
} catch {}
</script>
<script src="/belfry.iife.js"></script>
<script>performance.mark('script-evaluated')</script>
</head><body><h1>Host app</h1>
<belfry-inbox mode="inline" api-key="${attr(o.apiKey)}" user-id="${attr(o.userId)}" base-url="${attr(o.baseUrl)}"></belfry-inbox>
<script>
(() => {
  const expected = ${Number(o.expectedItems)};
  const root = document.querySelector('belfry-inbox').shadowRoot;
  const at = (name) => performance.getEntriesByName(name, 'mark')[0].startTime;
  let observer;
  const check = () => {
    if (root.querySelectorAll('[part~="item"]').length < expected) return;
    observer.disconnect();
    performance.mark('items-in-dom');
    requestAnimationFrame(() => setTimeout(() => {
      performance.mark('painted');
      const script = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/belfry.iife.js'));
      const start = at('script-start');
      window.__paint = {
        scriptFromCache: script ? script.transferSize === 0 : null,
        scriptEvaluated: at('script-evaluated') - start,
        itemsInDom: at('items-in-dom') - start,
        painted: at('painted') - start,
        items: root.querySelectorAll('[part~="item"]').length,
        offline: root.textContent.includes('Offline'),
      };
      window.__resolvePainted(window.__paint);
    }, 0));
  };
  if (!root) { window.__resolvePainted({ error: 'no shadow root after <belfry-inbox>' }); return; }
  observer = new MutationObserver(check);
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  check();
})();
</script>
</body></html>`;
}

/**
 * The same host page without the widget: from the mark to the task after its first frame. The
 * floor under the cached first paint (HTML parsing and producing a frame at this throttling).
 */
export const BARE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host app</title>
<script>
performance.mark('script-start');
window.__painted = new Promise((resolve) => (window.__resolvePainted = resolve));
</script>
</head><body><h1>Host app</h1>
<script>
requestAnimationFrame(() => setTimeout(() => {
  performance.mark('painted');
  const at = (name) => performance.getEntriesByName(name, 'mark')[0].startTime;
  window.__resolvePainted({ scriptFromCache: null, scriptEvaluated: 0, itemsInDom: 0, painted: at('painted') - at('script-start'), items: 0, offline: false });
}, 0));
</script>
</body></html>`;

// The headless-core page: `createInbox` from the ESM build with an injected fetch that plays the
// service. `window.bench.events()` streams SSE frames into a connected inbox and times them into
// the store; `window.bench.fill()` loads pages until the inbox holds `total` notifications.
const CORE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Core</title>
<script type="importmap">{"imports":{"@preact/signals-core":"/modules/signals-core.mjs","idb-keyval":"/modules/idb-keyval.js"}}</script>
<script type="module">
import { createInbox } from '/dist/belfry.js';
import { effect } from '@preact/signals-core';

const counts0 = { unseen: 0, unread: 0 };
const json = (value) => new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } });
const user = (userId) => ({ identifier: userId, attributes: { firstName: 'Ada', locale: 'en' } });
const pathOf = (url) => new URL(url).pathname;
const until = (test) => new Promise((resolve, reject) => {
  const started = performance.now();
  const poll = () => test() ? resolve() : performance.now() - started > 10000 ? reject(new Error('timed out')) : setTimeout(poll, 5);
  poll();
});

/** One notification as the service sends it, with placeholders and formatting like real ones. */
function notification(i, createdAt) {
  return {
    id: 'n' + String(i).padStart(8, '0') + '-' + Math.random().toString(36).slice(2, 12),
    createdAt: new Date(createdAt).toISOString(),
    seenAt: null,
    readAt: i % 3 === 0 ? new Date(createdAt + 60000).toISOString() : null,
    archivedAt: null,
    category: i % 2 ? 'orders' : 'comments',
    workflow: i % 2 ? 'order-shipped' : 'comment-added',
    title: i % 2 ? 'Hey <<recipient.firstName>>, order #<<data.order>> shipped' : '<<data.author>> commented on <<data.post>>',
    message: i % 2 ? 'Your order **#<<data.order>>** is on its way to <<data.city>>.' : '*<<data.excerpt | truncate: 60>>*',
    url: 'https://app.example.com/items/' + i,
    icon: null,
    actions: i % 5 === 0 ? [{ id: 'open', label: 'Open', url: 'https://app.example.com/items/' + i }] : [],
    data: i % 2 ? { order: 10000 + i, city: 'Lisbon' } : { author: 'Grace Hopper', post: 'Compilers ' + i, excerpt: 'Looks good to me, one question about the second paragraph though' },
  };
}

/** The given number of notification.created frames, oldest first, as the service writes them (design §4). */
function createdFrames(count) {
  const start = Date.UTC(2026, 10, 28, 12);
  const frames = [];
  for (let i = 0; i < count; i++) {
    const event = { type: 'notification.created', seq: i + 1, notification: notification(i, start + i * 1000), counts: { unseen: i + 1, unread: i + 1 } };
    frames.push('id: ' + event.seq + '\\nevent: ' + event.type + '\\ndata: ' + JSON.stringify(event) + '\\n\\n');
  }
  return frames;
}

async function events({ count, chunks, userId }) {
  const frames = createdFrames(count);
  const encoder = new TextEncoder();
  const per = Math.ceil(frames.length / chunks);
  const bytes = [];
  for (let i = 0; i < frames.length; i += per) bytes.push(encoder.encode(frames.slice(i, i + per).join('')));
  let controller;
  const body = new ReadableStream({ start(c) { controller = c; } });
  const fetch = async (url) => {
    const path = pathOf(url);
    if (path === '/v1/me/connect') return json({ user: user(userId), app: { secureMode: false }, counts: counts0, seq: 0 });
    if (path === '/v1/me/notifications') return json({ items: [], nextCursor: null, counts: counts0, seq: 0 });
    if (path === '/v1/me/events') return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    return new Response('{"error":{"code":"not_found","message":"no such route"}}', { status: 404 });
  };
  const inbox = createInbox({ apiKey: 'bench-key', userId, baseUrl: 'https://belfry.invalid', fetch, cache: false });
  await until(() => inbox.connection.value === 'online');
  // Let the stream's reader reach its first read(), so the clock starts with the bytes only.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const total = frames.length;
  let held = 0;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  const dispose = effect(() => {
    const length = inbox.notifications.value.length;
    if (length >= total && !held) { held = performance.now(); performance.mark('events-held'); done(); }
  });
  performance.mark('events-start');
  const started = performance.now();
  for (const chunk of bytes) controller.enqueue(chunk);
  await Promise.race([finished, until(() => held).catch(() => undefined)]);
  const result = { ms: held ? held - started : null, held: inbox.notifications.value.length, unseen: inbox.counts.value.unseen, bytes: bytes.reduce((sum, b) => sum + b.length, 0) };
  dispose();
  inbox.destroy();
  return result;
}

async function fill({ total, pageSize, userId }) {
  const start = Date.UTC(2026, 10, 28, 12);
  const fetch = async (url) => {
    const path = pathOf(url);
    const counts = { unseen: total, unread: total };
    if (path === '/v1/me/connect') return json({ user: user(userId), app: { secureMode: false }, counts, seq: total });
    if (path === '/v1/me/notifications') {
      const from = Number(new URL(url).searchParams.get('cursor') ?? 0);
      const items = [];
      for (let i = from; i < Math.min(total, from + pageSize); i++) items.push(notification(i, start - i * 60000));
      const next = from + pageSize < total ? String(from + pageSize) : null;
      return json({ items, nextCursor: next, counts, seq: total });
    }
    return new Response('{"error":{"code":"not_found","message":"no such route"}}', { status: 404 });
  };
  const inbox = createInbox({ apiKey: 'bench-key', userId, baseUrl: 'https://belfry.invalid', fetch, realtime: false, pageSize });
  await until(() => inbox.status.value === 'ready' && inbox.notifications.value.length > 0);
  while (inbox.hasMore.value) await inbox.loadMore();
  window.__held = inbox;
  return { held: inbox.notifications.value.length };
}

function renderAll() {
  const inbox = window.__held;
  for (const n of inbox.notifications.value) inbox.render(n);
  return { rendered: inbox.notifications.value.length };
}

window.bench = { events, fill, renderAll, notification };
window.benchReady = true;
</script></head><body></body></html>`;

export interface StaticServer {
  url: string;
  /** Sets the HTML of the cached-first-paint page (`/paint.html`). */
  setPaintPage(html: string): void;
  /** Serves `body` at `path` (e.g. `/mount.html`) from now on, uncached like the other pages; HTML unless `type` says otherwise. */
  setPage(path: string, body: string, type?: string): void;
  close(): Promise<void>;
}

/** Serves the pages and the built files on 127.0.0.1 (port 0). */
export async function startStaticServer(): Promise<StaticServer> {
  const HTML = 'text/html; charset=utf-8';
  const pages = new Map([['/paint.html', { body: '', type: HTML }], ['/core.html', { body: CORE_PAGE, type: HTML }], ['/bare.html', { body: BARE_PAGE, type: HTML }]]);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const page = pages.get(path);
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': page.type, 'cache-control': 'no-store' });
      res.end(page.body);
      return;
    }
    const file = MODULES[path] ?? (/^\/(dist\/)?[\w.-]+\.js$/.test(path) ? join(DIST, path.replace(/^\/dist\//, '/')) : null);
    if (file && existsSync(file)) {
      // A CDN-style max-age: a returning visitor has the script in the HTTP cache.
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=3600' });
      res.end(readFileSync(file));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    setPaintPage(html) {
      pages.set('/paint.html', { body: html, type: HTML });
    },
    setPage(path, body, type = HTML) {
      pages.set(path, { body, type });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
