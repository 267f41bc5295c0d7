// The realtime loop in a real browser when things go wrong (design §4 "Realtime", §5): the service
// killed under its clients, user tokens expiring mid-session, and a proxy that swallows the event
// stream. Each page runs the headless core from the script-tag file and exposes its state; the
// test compares it with what the service stored.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationPage } from '../../src/protocol/index.ts';
import { TEST_APP, createScratchDir, launchChromium, requireE2ePrerequisites, root, startService, type RunningService } from './harness.ts';

const SIGNING_SECRET = 'e2e-signing-secret-0123456789abcdef';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sorted = (ids: readonly string[]) => [...ids].sort();

let scratch: ReturnType<typeof createScratchDir>;
let browser: BrowserContext;
const cleanups: (() => Promise<unknown> | void)[] = [];

beforeAll(async () => {
  requireE2ePrerequisites();
  scratch = createScratchDir('resilience');
  browser = await launchChromium(join(scratch.dir, 'profile'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await browser?.close();
  scratch?.remove();
});

/** Closes a node:http server with its open connections. */
const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
};

/**
 * The host app: the widget file, a page that runs `Belfry.createInbox` with the options in its
 * hash and keeps what it received, and `/token`, the app's backend signing short-lived user tokens.
 */
async function startHostApp(tokenLifeS = 0) {
  const widget = readFileSync(join(root, 'dist/belfry.iife.js'));
  const issued: string[] = [];
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host</title>
<script src="/belfry.iife.js"></script></head><body><script>
const options = JSON.parse(decodeURIComponent(location.hash.slice(1)));
if (options.secure) options.getUserToken = () => fetch('/token?user=' + encodeURIComponent(options.user)).then((r) => r.text());
window.received = [];
window.inbox = Belfry.createInbox(options);
inbox.on('notification.received', (n) => received.push(n.id));
</script></body></html>`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    if (url.pathname === '/belfry.iife.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(widget);
    } else if (url.pathname === '/token') {
      const iat = Math.floor(Date.now() / 1000);
      void new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(url.searchParams.get('user') ?? '')
        .setIssuedAt(iat)
        .setExpirationTime(iat + tokenLifeS)
        .sign(new TextEncoder().encode(SIGNING_SECRET))
        .then((token) => {
          issued.push(token);
          res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(token);
        });
    } else if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
    } else {
      res.writeHead(404).end();
    }
  });
  const url = await listen(server);
  cleanups.push(() => closeServer(server));
  return { url, issued };
}

interface InboxView {
  ids: string[];
  counts: { unseen: number; unread: number };
  received: string[];
  error: string | null;
  connection: string;
}

/** Opens a page running an inbox for `userId` against `baseUrl`. */
async function openInbox(hostUrl: string, baseUrl: string, userId: string, extra: Record<string, unknown> = {}): Promise<Page> {
  const page = await browser.newPage();
  cleanups.push(() => page.close());
  const options = { apiKey: TEST_APP.apiKey, baseUrl, pageSize: 100, cache: false, ...(extra.secure ? { user: userId } : { userId }), ...extra };
  await page.goto(`${hostUrl}/#${encodeURIComponent(JSON.stringify(options))}`);
  await page.waitForFunction(() => (window as unknown as { inbox: { connection: { value: string } } }).inbox.connection.value === 'online', undefined, {
    timeout: 20_000,
  });
  return page;
}

const viewOf = (page: Page): Promise<InboxView> =>
  page.evaluate(() => {
    const { inbox, received } = window as unknown as {
      inbox: { notifications: { value: { id: string }[] }; counts: { value: { unseen: number; unread: number } }; error: { value: { code: string } | null }; connection: { value: string } };
      received: string[];
    };
    return {
      ids: inbox.notifications.value.map((n) => n.id),
      counts: inbox.counts.value,
      received: [...received],
      error: inbox.error.value?.code ?? null,
      connection: inbox.connection.value,
    };
  });

const backendHeaders = { 'X-API-Key': TEST_APP.apiKey, 'X-API-Secret': TEST_APP.apiSecret, 'Content-Type': 'application/json' };

/** What the service stored for `userId`: every notification id and its counts (backend API). */
async function storedFor(serviceUrl: string, userId: string): Promise<{ ids: string[]; counts: { unseen: number; unread: number } }> {
  const response = await fetch(`${serviceUrl}/v1/users/${encodeURIComponent(userId)}/notifications?limit=100`, { headers: backendHeaders });
  expect(response.status).toBe(200);
  const page = (await response.json()) as NotificationPage;
  expect(page.nextCursor).toBeNull();
  return { ids: page.items.map((n) => n.id), counts: page.counts };
}

async function createUser(serviceUrl: string, userId: string): Promise<void> {
  const response = await fetch(`${serviceUrl}/v1/users/${encodeURIComponent(userId)}`, { method: 'PUT', headers: backendHeaders, body: '{}' });
  expect(response.ok).toBe(true);
}

/** Triggers one notification to `userId`, retrying until the service accepts it (it may be down); answers the failed tries. */
async function triggerUntilAccepted(serviceUrl: string, userId: string, title: string): Promise<number> {
  const body = JSON.stringify({ notification: { title }, sendTo: { recipients: [userId] } });
  for (let failed = 0; ; failed++) {
    try {
      const response = await fetch(`${serviceUrl}/v1/notifications`, { method: 'POST', headers: backendHeaders, body });
      if (response.status === 202) return failed;
    } catch {
      // The service is down: try again in a moment.
    }
    await sleep(200);
  }
}

/** Waits until every page's inbox holds exactly what the service stored for its user, with its counts. */
async function expectConverged(serviceUrl: string, pages: { page: Page; userId: string }[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const results = await Promise.all(
      pages.map(async ({ page, userId }) => {
        const [view, stored] = await Promise.all([viewOf(page), storedFor(serviceUrl, userId)]);
        return { view, stored };
      }),
    );
    const converged = results.every(
      ({ view, stored }) =>
        sorted(view.ids).join() === sorted(stored.ids).join() &&
        view.counts.unread === stored.counts.unread &&
        view.counts.unseen === stored.counts.unseen &&
        view.connection === 'online',
    );
    if (converged || Date.now() > deadline) {
      for (const { view, stored } of results) {
        expect(sorted(view.ids)).toEqual(sorted(stored.ids));
        expect(view.counts).toEqual(stored.counts);
        // Exactly once: no id twice in the feed, and none announced twice.
        expect(new Set(view.ids).size).toBe(view.ids.length);
        expect(new Set(view.received).size).toBe(view.received.length);
        expect(view.error).toBeNull();
        expect(view.connection).toBe('online');
      }
      return;
    }
    await sleep(500);
  }
}

describe('realtime resilience in Chromium', () => {
  it('ends with every notification exactly once and correct counts on every client after the service is killed and restarted mid-stream', async () => {
    const database = `sqlite:${join(scratch.dir, 'killed.db')}`;
    let service: RunningService = await startService({ database });
    cleanups.push(() => service.stop());
    const { port, url: serviceUrl } = service;
    const host = await startHostApp();
    const [ada, bob] = [`ada-${randomUUID()}`, `bob-${randomUUID()}`];
    await createUser(serviceUrl, ada);
    await createUser(serviceUrl, bob);
    const pages = [
      { page: await openInbox(host.url, serviceUrl, ada), userId: ada },
      { page: await openInbox(host.url, serviceUrl, ada), userId: ada },
      { page: await openInbox(host.url, serviceUrl, bob), userId: bob },
    ];

    // Triggers keep coming, before, during and after the outage.
    let retried = 0;
    const sending = (async () => {
      for (let i = 0; i < 40; i++) {
        if (await triggerUntilAccepted(serviceUrl, i % 3 === 2 ? bob : ada, `Notice ${i}`)) retried++;
        await sleep(100);
      }
    })();
    await sleep(1500);
    await service.stop('SIGKILL');
    await sleep(2000);
    service = await startService({ database, port });
    await sending;
    expect(retried).toBeGreaterThan(0); // some were sent while the service was down

    const stored = await Promise.all([storedFor(serviceUrl, ada), storedFor(serviceUrl, bob)]);
    expect(stored[0]!.ids.length + stored[1]!.ids.length).toBeGreaterThanOrEqual(40);
    await expectConverged(serviceUrl, pages, 45_000);
  }, 120_000);

  it('reconnects the stream with a refreshed token when tokens expire mid-session, losing nothing', async () => {
    const service = await startService({
      database: `sqlite:${join(scratch.dir, 'secure.db')}`,
      env: { BELFRY_SECURE_MODE: '1', BELFRY_SIGNING_SECRET: SIGNING_SECRET },
    });
    cleanups.push(() => service.stop());
    // 45 s tokens: the service sends `reauth` 30 s before expiry, so every ~15 s, and closes the
    // stream at expiry; a stream still on an old token would end and its events wait for a retry.
    const host = await startHostApp(45);
    const cyd = `cyd-${randomUUID()}`;
    await createUser(service.url, cyd);
    const page = await browser.newPage();
    cleanups.push(() => page.close());
    const streamTokens: Promise<string>[] = [];
    const refused: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/v1/me/events' && request.method() === 'GET') {
        streamTokens.push(request.allHeaders().then((headers) => headers['authorization'] ?? ''));
      }
    });
    page.on('response', (response) => {
      if (response.status() === 401) refused.push(response.url());
    });
    await page.goto(`${host.url}/#${encodeURIComponent(JSON.stringify({ apiKey: TEST_APP.apiKey, baseUrl: service.url, secure: true, user: cyd, cache: false, pageSize: 100 }))}`);
    await page.waitForFunction(() => (window as unknown as { inbox: { connection: { value: string } } }).inbox.connection.value === 'online', undefined, { timeout: 20_000 });

    // Notifications across two token lifetimes' worth of reauths.
    const started = Date.now();
    for (let i = 0; Date.now() - started < 50_000; i++) {
      await triggerUntilAccepted(service.url, cyd, `Secure ${i}`);
      await sleep(1500);
    }
    await expectConverged(service.url, [{ page, userId: cyd }], 15_000);
    // Each reconnect presented a token the app's backend had just issued, never an expired one.
    const distinct = new Set(await Promise.all(streamTokens));
    expect(distinct.size).toBeGreaterThanOrEqual(3);
    for (const token of distinct) expect(host.issued).toContain(token.replace(/^Bearer /, ''));
    expect(refused).toEqual([]);
    // All delivered live: every stored notification was announced as it arrived.
    const view = await viewOf(page);
    expect(sorted(view.received)).toEqual(sorted(view.ids));
  }, 120_000);

  it('falls back to long-polling behind a proxy that swallows the event stream, and still delivers live', async () => {
    const service = await startService({ database: `sqlite:${join(scratch.dir, 'proxied.db')}` });
    cleanups.push(() => service.stop());
    const target = new URL(service.url);
    // A proxy that holds `text/event-stream` answers whole (as one that buffers responses does) and
    // gives up on them after 21 s; everything else passes through.
    const seen: { path: string; accept: string }[] = [];
    const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push({ path: req.url ?? '', accept: req.headers.accept ?? '' });
      const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        if ((answer.headers['content-type'] ?? '').includes('text/event-stream')) {
          const timer = setTimeout(() => {
            upstream.destroy();
            res.destroy();
          }, 21_000);
          res.once('close', () => {
            clearTimeout(timer);
            upstream.destroy();
          });
          answer.resume();
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    const proxyUrl = await listen(proxy);
    cleanups.push(() => closeServer(proxy));
    const host = await startHostApp();
    const dee = `dee-${randomUUID()}`;
    await createUser(service.url, dee);

    const page = await browser.newPage();
    cleanups.push(() => page.close());
    await page.goto(`${host.url}/#${encodeURIComponent(JSON.stringify({ apiKey: TEST_APP.apiKey, baseUrl: proxyUrl, userId: dee, cache: false, pageSize: 100 }))}`);
    const isPoll = (r: { path: string; accept: string }) => r.path.startsWith('/v1/me/events?after=') && r.accept.includes('application/json');
    const deadline = Date.now() + 150_000;
    while (!seen.some(isPoll) && Date.now() < deadline) await sleep(500);
    expect(seen.filter((r) => r.path.startsWith('/v1/me/events') && !isPoll(r)).length).toBeGreaterThanOrEqual(3);
    expect(seen.some(isPoll)).toBe(true);

    // Live over long-polls: each notification shows within seconds, not at the next stream attempt.
    for (let i = 0; i < 3; i++) {
      await triggerUntilAccepted(service.url, dee, `Polled ${i}`);
      const sentAt = Date.now();
      await page.waitForFunction((count) => (window as unknown as { received: string[] }).received.length === count, i + 1, { timeout: 10_000 });
      expect(Date.now() - sentAt).toBeLessThan(5_000);
      await sleep(3000); // the next one arrives while a poll waits
    }
    await expectConverged(service.url, [{ page, userId: dee }], 15_000);
  }, 240_000);
});
