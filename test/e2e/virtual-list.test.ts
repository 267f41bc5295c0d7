// The virtualized list in Chromium, under a strict CSP: a user with 10,000 notifications opens
// the panel and scrolls through all of them. At most 60 item nodes exist at any time, older pages
// load before the end is reached, a notification arriving on top does not move what the user
// reads, and the arrow keys walk item by item past the rendered window.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../server/src/storage/index.ts';
import { createClient } from '../../src/node/index.ts';
import { TEST_APP, createScratchDir, launchChromium, requireE2ePrerequisites, root, startService, type RunningService } from './harness.ts';

const USER = 'reader';
const TOTAL = 10_000;
const MAX_NODES = 60;

let scratch: ReturnType<typeof createScratchDir>;
let service: RunningService;
let browser: BrowserContext;
let host: Server;
let hostUrl: string;
let page: Page;
/** Every CSP violation the page reported, from its event and from the console. */
const violations: string[] = [];
/** Page requests for older notifications (`cursor=` in the URL): sent and answered. */
const pageRequests = { sent: 0, done: 0 };

/** Seeds the inbox in the service's SQLite file before the service opens it: 10,000 triggers over HTTP would take minutes. */
async function seed(file: string): Promise<void> {
  const storage = openSqliteStorage(file);
  const app = await storage.ensureApp({ apiKey: TEST_APP.apiKey, apiSecret: TEST_APP.apiSecret });
  const user = await storage.upsertUser(app.id, USER, {});
  const content = (n: number) => ({
    category: null,
    workflow: null,
    title: `Note ${n}`,
    // Messages of different lengths give items of different heights.
    message: 'word '.repeat((n * 7) % 40),
    url: null,
    icon: null,
    actions: [],
    data: {},
  });
  // Concurrent deliveries share commits; in order, so `Note 10000` is the newest.
  await Promise.all(Array.from({ length: TOTAL }, (_, i) => storage.deliver(app.id, [user.id], content(i + 1))));
  await storage.close();
}

/** Serves the host page with a strict CSP: no inline script or style of any kind. */
async function startCspHost(serviceUrl: string): Promise<void> {
  const widget = readFileSync(join(root, 'dist/belfry.iife.js'));
  const csp = `default-src 'self'; style-src 'self'; script-src 'self'; connect-src ${serviceUrl}`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host</title><script src="/belfry.iife.js"></script></head>
<body><h1>Host app</h1>
<div align="right"><belfry-inbox api-key="${TEST_APP.apiKey}" user-id="${USER}" base-url="${serviceUrl}"></belfry-inbox></div>
</body></html>`;
  host = createServer((req, res) => {
    if (req.url === '/belfry.iife.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(widget);
    else if (req.url === '/' || req.url === '/probe') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp }).end(req.url === '/' ? html : '<!doctype html><title>Probe</title>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as { port: number }).port}`;
}

async function openPage(path: string): Promise<Page> {
  const opened = await browser.newPage();
  // Injected by the driver, so it runs before the page's own scripts and is not subject to its CSP.
  await opened.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { violations: string[] }).violations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`), true);
  });
  opened.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await opened.goto(hostUrl + path);
  return opened;
}

const pageViolations = (target: Page) => target.evaluate(() => (window as unknown as { violations: string[] }).violations);

interface ListSnapshot {
  nodes: number;
  first: number;
  last: number;
  setSize: string | null;
  scrollTop: number;
  /** Pixels between the viewport's bottom and the end of the loaded list. */
  toEnd: number;
  /** The first item whose bottom is below the viewport's top. */
  firstVisible: { title: string; top: number; position: number };
  /** aria-posinset of the focused item, or 0. */
  focused: number;
  focusedInView: boolean;
}

/** What the list looks like now, read inside the widget's shadow root. */
function snapshot(): Promise<ListSnapshot> {
  return page.evaluate(() => {
    const shadow = document.querySelector('belfry-inbox')!.shadowRoot!;
    const scroller = shadow.querySelector<HTMLElement>('.body')!;
    const list = shadow.querySelector<HTMLElement>('.list')!;
    const items = [...list.querySelectorAll<HTMLElement>(':scope > li')];
    const view = scroller.getBoundingClientRect();
    const position = (li: Element) => Number(li.getAttribute('aria-posinset'));
    const visible = items.find((li) => li.getBoundingClientRect().bottom > view.top + 0.5)!;
    const focusedItem = shadow.activeElement?.closest('li');
    const rect = focusedItem?.getBoundingClientRect();
    return {
      nodes: shadow.querySelectorAll('li').length,
      first: position(items[0]!),
      last: position(items.at(-1)!),
      setSize: items[0]!.getAttribute('aria-setsize'),
      scrollTop: scroller.scrollTop,
      toEnd: list.getBoundingClientRect().bottom - view.bottom,
      firstVisible: { title: visible.querySelector('.primary')!.textContent!, top: visible.getBoundingClientRect().top, position: position(visible) },
      focused: focusedItem ? position(focusedItem) : 0,
      focusedInView: !!rect && rect.bottom > view.top && rect.top < view.bottom,
    };
  });
}

/** Waits for two frames in a row without a scroll change, render or page request in flight. */
async function settle(): Promise<void> {
  let last = '';
  for (let stable = 0; stable < 2; ) {
    const now = await page.evaluate(
      () =>
        new Promise<string>((resolve) =>
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              const shadow = document.querySelector('belfry-inbox')!.shadowRoot!;
              resolve(`${shadow.querySelector('.body')!.scrollTop} ${shadow.querySelector('.list')!.childElementCount} ${shadow.querySelector('.more')?.textContent ?? ''}`);
            }),
          ),
        ),
    );
    stable = now === last && pageRequests.sent === pageRequests.done ? stable + 1 : 0;
    last = now;
  }
}

beforeAll(async () => {
  requireE2ePrerequisites();
  scratch = createScratchDir('vlist');
  const file = join(scratch.dir, 'belfry.db');
  await seed(file);
  service = await startService({ database: `sqlite:${file}` });
  await startCspHost(service.url);
  browser = await launchChromium(join(scratch.dir, 'profile'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (host ? (host.closeAllConnections(), host.close(() => resolve())) : resolve()));
  await service?.stop();
  scratch?.remove();
});

describe('the virtualized list of 10,000 notifications', () => {
  it('opens with at most 60 item nodes, in a list that says where each item is', async () => {
    page = await openPage('/');
    page.on('request', (request) => {
      if (request.url().includes('/v1/me/notifications?') && request.url().includes('cursor=')) pageRequests.sent++;
    });
    const done = () => pageRequests.done++;
    page.on('requestfinished', (request) => request.url().includes('cursor=') && done());
    page.on('requestfailed', (request) => request.url().includes('cursor=') && done());

    await page.getByRole('button', { name: /^Notifications, \d/ }).click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.getByRole('listitem').first().waitFor();
    await settle();
    const opened = await snapshot();
    expect(opened.firstVisible.title).toBe(`Note ${TOTAL}`);
    expect(opened.nodes).toBeGreaterThan(4);
    expect(opened.nodes).toBeLessThanOrEqual(MAX_NODES);
    expect(await panel.getByRole('list').getByRole('listitem').count()).toBe(opened.nodes);
    expect(opened.first).toBe(1);
    // Older pages remain: the size of the whole is unknown yet.
    expect(opened.setSize).toBe('-1');
  });

  it('loads the next pages while the wheel scrolls, before the end of what is loaded is reached', async () => {
    const box = (await page.locator('belfry-inbox .body').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const before = pageRequests.sent;
    for (let step = 0; step < 40; step++) {
      await page.mouse.wheel(0, 400);
      await settle();
      const now = await snapshot();
      // More than a wheel step away: the next step cannot reach the end either.
      expect(now.toEnd, `step ${step}: the end of the loaded list came near`).toBeGreaterThan(400);
      expect(now.nodes).toBeLessThanOrEqual(MAX_NODES);
    }
    const scrolled = await snapshot();
    // 16,000 px is well over 100 items: several pages of 20 came in on the way.
    expect(scrolled.firstVisible.position).toBeGreaterThan(100);
    expect(pageRequests.sent - before).toBeGreaterThanOrEqual(5);
    expect(await page.getByRole('status').filter({ hasText: 'Loading notifications' }).count()).toBe(0);
  });

  it('keeps the first visible item in place when a notification arrives on top', async () => {
    await page.evaluate(() => {
      const scroller = document.querySelector('belfry-inbox')!.shadowRoot!.querySelector('.body')!;
      scroller.scrollTop = scroller.scrollHeight / 2;
    });
    await settle();
    const before = await snapshot();
    expect(before.firstVisible.position).toBeGreaterThan(30);

    await createClient({ ...TEST_APP, baseUrl: service.url }).send({ notification: { title: 'Breaking news' }, sendTo: { recipients: [USER] } });
    // It is in once the item the user reads moved one place down the list.
    await page
      .locator('belfry-inbox .list > li')
      .filter({ has: page.getByText(before.firstVisible.title, { exact: true }) })
      .and(page.locator(`[aria-posinset="${before.firstVisible.position + 1}"]`))
      .waitFor();
    await settle();
    const after = await snapshot();
    expect(after.firstVisible.title).toBe(before.firstVisible.title);
    expect(after.firstVisible.position).toBe(before.firstVisible.position + 1);
    expect(Math.abs(after.firstVisible.top - before.firstVisible.top)).toBeLessThan(1);
  });

  it('moves focus item by item with the arrow keys, past the rendered window and back', async () => {
    const start = await snapshot();
    await page.locator('belfry-inbox .list > li').filter({ hasText: start.firstVisible.title }).locator('.primary').focus();
    expect((await snapshot()).focused).toBe(start.firstVisible.position);
    for (let i = 1; i <= 80; i++) {
      await page.keyboard.press('ArrowDown');
      // Past the rendered window the next item renders first and takes focus in that commit,
      // which can land after the key press returns: wait for it (a lost press still times out).
      await expect.poll(async () => (await snapshot()).focused, { message: `ArrowDown ${i}`, timeout: 2_000 }).toBe(start.firstVisible.position + i);
      const now = await snapshot();
      expect(now.focusedInView).toBe(true);
      expect(now.nodes).toBeLessThanOrEqual(MAX_NODES);
    }
    // Well past what was rendered when the walk began.
    expect(start.last).toBeLessThan(start.firstVisible.position + 80);
    for (let i = 1; i <= 5; i++) {
      await page.keyboard.press('ArrowUp');
      await expect.poll(async () => (await snapshot()).focused, { message: `ArrowUp ${i}`, timeout: 2_000 }).toBe(start.firstVisible.position + 80 - i);
    }
  });

  it('reaches the end of all 10,000 with no more than 60 item nodes', async () => {
    // Scrolled to the bottom every frame until the last page is in; the most nodes seen on the way.
    const mostNodes = await page.evaluate(async (size) => {
      const shadow = document.querySelector('belfry-inbox')!.shadowRoot!;
      const scroller = shadow.querySelector('.body')!;
      let most = 0;
      for (const until = Date.now() + 240_000; Date.now() < until; ) {
        if (shadow.querySelector('.list > li')!.getAttribute('aria-setsize') === size) break;
        scroller.scrollTop = scroller.scrollHeight;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        most = Math.max(most, shadow.querySelectorAll('li').length);
      }
      return most;
    }, String(TOTAL + 1));
    expect(mostNodes).toBeLessThanOrEqual(MAX_NODES);
    // The last items render at their estimated height and then grow as they are measured, which
    // keeps the top item in place and pushes the end down: the user scrolls on a few times.
    for (let round = 0; round < 10 && (await snapshot()).last !== TOTAL + 1; round++) {
      await page.evaluate(() => {
        const scroller = document.querySelector('belfry-inbox')!.shadowRoot!.querySelector('.body')!;
        scroller.scrollTop = scroller.scrollHeight;
      });
      await settle();
    }
    const end = await snapshot();
    // 10,000 seeded and one that arrived on the way.
    expect(end.setSize).toBe(String(TOTAL + 1));
    expect(end.last).toBe(TOTAL + 1);
    expect(end.nodes).toBeLessThanOrEqual(MAX_NODES);
    expect(await page.getByRole('dialog').getByText('Note 1', { exact: true }).count()).toBe(1);
  }, 300_000);

  it('raised no CSP violation on the way', async () => {
    expect(await pageViolations(page)).toEqual([]);
    expect(violations).toEqual([]);
    // The padding standing in for unrendered items was applied (it is what makes the list long).
    expect((await snapshot()).scrollTop).toBeGreaterThan(100_000);
    await page.close();
  });
});

describe('the CSP the list relies on', () => {
  it('lets scripts write styles through the CSSOM and blocks style attributes', async () => {
    const probe = await openPage('/probe');
    const heights = await probe.evaluate(async () => {
      const cssom = document.body.appendChild(document.createElement('div'));
      cssom.style.height = '17px';
      const attribute = document.body.appendChild(document.createElement('div'));
      attribute.setAttribute('style', 'height: 23px');
      // Violation reports are queued as a task.
      await new Promise((resolve) => setTimeout(resolve, 200));
      return [cssom.getBoundingClientRect().height, attribute.getBoundingClientRect().height];
    });
    expect(heights).toEqual([17, 0]);
    const reported = await pageViolations(probe);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatch(/^style-src-attr /);
    violations.length = 0;
    await probe.close();
  });
});
