// Two instances, A and B, on one PostgreSQL schema with Redis between them (design §9), as an
// operator scales out: a browser stays on A while the backend triggers through either one, one
// instance stops, and A restarts under its clients. Nothing may be lost or shown twice.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationPage } from '../../src/protocol/index.ts';
import { createClient, type BelfryClient } from '../../src/node/index.ts';
import {
  TEST_APP,
  TEST_REDIS_URL,
  createPostgresDatabase,
  createScratchDir,
  inboxPageHtml,
  launchChromium,
  requireE2ePrerequisites,
  requireRedis,
  startHostPage,
  startService,
  type HostPage,
  type PostgresDatabase,
  type RunningService,
} from './harness.ts';

let scratch: ReturnType<typeof createScratchDir>;
let database: PostgresDatabase;
let a: RunningService;
let b: RunningService;
let browser: BrowserContext;
const hostPages: HostPage[] = [];

/** Starts one more instance on the shared schema and Redis (on `port`, or a free one). */
const startInstance = (port?: number) => startService({ database: database.url, port, args: ['--redis', TEST_REDIS_URL] });

const sdk = (service: RunningService): BelfryClient => createClient({ ...TEST_APP, baseUrl: service.url });

const uniqueUser = (name: string) => `${name}-${randomUUID()}`;

const isEventStream = (url: string) => new URL(url).pathname === '/v1/me/events';

/** Opens `<belfry-inbox>` for `userId` on `service`; resolves once its event stream is open. */
async function openInbox(service: RunningService, userId: string): Promise<Page> {
  const host = await startHostPage(inboxPageHtml({ serviceUrl: service.url, userId }));
  hostPages.push(host);
  const page = await browser.newPage();
  // The hub subscribes to the user's pokes before it answers, so once the stream's headers are
  // here every later trigger reaches this page live (not through a refetch).
  const streamOpen = page.waitForResponse((response) => isEventStream(response.url()) && response.status() === 200, { timeout: 15_000 });
  await page.goto(host.url);
  await streamOpen;
  return page;
}

const bell = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** Opens the panel and answers the titles of every item in its list, as the page shows them. */
async function panelTitles(page: Page, bellName: string): Promise<string[]> {
  await bell(page, bellName).click();
  const panel = page.getByRole('dialog', { name: 'Notifications' });
  await panel.getByRole('list').waitFor();
  // The list renders only the items near its viewport: walk it from the top to the end.
  const titles = new Map<number, string>();
  for (let done = false; !done; ) {
    const seen = await panel.getByRole('list').evaluate(async (list) => {
      const scroller = list.parentElement!;
      const items = [...list.children].map((li) => [Number(li.getAttribute('aria-posinset')), li.querySelector('.primary')?.textContent ?? ''] as const);
      const atEnd = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1 && !scroller.querySelector('.more');
      scroller.scrollTop += scroller.clientHeight / 2;
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      return { items, atEnd };
    });
    for (const [position, title] of seen.items) titles.set(position, title);
    done = seen.atEnd;
  }
  return [...titles.values()];
}

/** Every notification of `userId` through the client API of `service`, page by page. */
async function listAll(service: RunningService, userId: string): Promise<{ titles: string[]; unread: number }> {
  const titles: string[] = [];
  let cursor: string | null = null;
  let unread = -1;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const response = await fetch(`${service.url}/v1/me/notifications?limit=100${query}`, { headers: { 'X-API-Key': TEST_APP.apiKey, 'X-User-Id': userId } });
    expect(response.status).toBe(200);
    const page = (await response.json()) as NotificationPage;
    titles.push(...page.items.map((item) => item.title));
    unread = page.counts.unread;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return { titles, unread };
}

/** Triggers one inline notification titled `title` to `userId` through `service`. */
async function trigger(service: RunningService, userId: string, title: string): Promise<void> {
  const answer = await sdk(service).send({ notification: { title }, sendTo: { recipients: [userId] } });
  expect(answer.delivered).toEqual([userId]);
}

const sorted = (titles: string[]) => [...titles].sort();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  requireE2ePrerequisites();
  await requireRedis();
  database = await createPostgresDatabase();
  scratch = createScratchDir('multi');
  // A first, alone: it creates and migrates the schema, so B starts on a ready one.
  a = await startInstance();
  b = await startInstance();
  browser = await launchChromium(join(scratch.dir, 'profile'));
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(hostPages.map((host) => host.close()));
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.drop();
  scratch?.remove();
});

describe('two instances on PostgreSQL and Redis', () => {
  it('shows a notification triggered through B in a browser on A within a second', async () => {
    const userId = uniqueUser('ada');
    await sdk(a).createOrUpdateUser(userId, { firstName: 'Ada' });
    const page = await openInbox(a, userId);
    await bell(page, 'Notifications').waitFor();

    await trigger(b, userId, 'Across instances');
    const answeredAt = Date.now();
    await bell(page, 'Notifications, 1 unread').waitFor({ timeout: 5_000 });
    expect(Date.now() - answeredAt).toBeLessThan(1_000);
    await page.close();
  });

  it('delivers 100 concurrent triggers through both instances exactly once, with correct counts', async () => {
    const userId = uniqueUser('bob');
    await sdk(a).createOrUpdateUser(userId, {});
    const page = await openInbox(a, userId);
    await bell(page, 'Notifications').waitFor();

    const titles = Array.from({ length: 100 }, (_, i) => `Burst ${i}`);
    await Promise.all(titles.map((title, i) => trigger(i % 2 === 0 ? a : b, userId, title)));

    await bell(page, 'Notifications, 100 unread').waitFor({ timeout: 10_000 });
    const shown = await panelTitles(page, 'Notifications, 100 unread');
    expect(shown).toHaveLength(100);
    expect(sorted(shown)).toEqual(sorted(titles));
    const stored = await listAll(a, userId);
    expect(sorted(stored.titles)).toEqual(sorted(titles));
    expect(stored.unread).toBe(100);
    await page.close();
  });

  it('loses nothing when B stops (SIGTERM) while triggers keep arriving', async () => {
    const userId = uniqueUser('cy');
    await sdk(a).createOrUpdateUser(userId, {});
    const page = await openInbox(a, userId);
    await bell(page, 'Notifications').waitFor();

    const accepted: string[] = [];
    let bRefused = 0;
    let bExited = false;
    let sentAfterExit = 0;
    const next = { a: 0, b: 0 };
    // Through A the whole time, before, during and after B's shutdown.
    const throughA = async () => {
      while (sentAfterExit < 20) {
        const title = `Through A ${next.a++}`;
        if (bExited) sentAfterExit++;
        await trigger(a, userId, title);
        accepted.push(title);
        await sleep(20);
      }
    };
    // Through B until it is gone, several at once so some are in flight when the signal lands:
    // a refused or closed connection is fine (nothing was taken), an error answer is not.
    const throughB = async () => {
      while (!bExited) {
        const title = `Through B ${next.b++}`;
        try {
          await trigger(b, userId, title);
          accepted.push(title);
        } catch (error) {
          expect(error).toMatchObject({ status: 0, code: 'network' });
          bRefused++;
        }
        await sleep(20);
      }
    };
    const senders = Promise.all([throughA(), throughA(), throughA(), throughB(), throughB(), throughB()]);

    // Long enough for B to warm up, so triggers are in flight through it when the signal lands.
    await sleep(1_000);
    b.process.kill('SIGTERM');
    const exit = await b.exit;
    bExited = true;
    await senders;
    expect(exit.code).toBe(0);
    expect(bRefused).toBeGreaterThan(0);
    expect(accepted.filter((title) => title.startsWith('Through B')).length).toBeGreaterThan(0);

    const bellName = `Notifications, ${accepted.length} unread`;
    await bell(page, bellName).waitFor({ timeout: 10_000 });
    const shown = await panelTitles(page, bellName);
    expect(sorted(shown)).toEqual(sorted(accepted));
    const stored = await listAll(a, userId);
    expect(sorted(stored.titles)).toEqual(sorted(accepted));
    expect(stored.unread).toBe(accepted.length);
    await page.close();
  });

  it('resumes a browser on A after A restarts on its port, with what B took meanwhile, exactly once', async () => {
    if (b.process.exitCode !== null || b.process.signalCode !== null) b = await startInstance();
    const userId = uniqueUser('dee');
    await sdk(a).createOrUpdateUser(userId, {});
    const page = await openInbox(a, userId);
    await trigger(a, userId, 'Before the restart');
    await bell(page, 'Notifications, 1 unread').waitFor({ timeout: 5_000 });
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const requests: Request[] = [];
    const onRequest = (request: Request) => requests.push(request);
    page.on('request', onRequest);
    const port = a.port;
    await a.stop('SIGTERM');
    expect((await a.exit).code).toBe(0);
    const whileDown = Array.from({ length: 5 }, (_, i) => `While A is down ${i}`);
    for (const title of whileDown) await trigger(b, userId, title);

    a = await startInstance(port);
    expect(a.port).toBe(port);
    // The drain told the widget to wait up to 20 s (jittered), and a try while A was still down
    // adds a backoff step: give the reconnect generous time.
    await bell(page, 'Notifications, 6 unread').waitFor({ timeout: 60_000 });
    page.off('request', onRequest);

    // It resumed from its cursor on the stream: no new connect, no refetch of the list.
    const paths = requests.map((request) => new URL(request.url()).pathname);
    expect(paths.filter((path) => path !== '/v1/me/events')).toEqual([]);
    const resumed = requests.filter((request) => isEventStream(request.url()));
    expect(resumed.length).toBeGreaterThan(0);
    for (const request of resumed) expect(await request.headerValue('Last-Event-ID')).toMatch(/^[1-9]\d*$/);

    // And it is live again on the new A.
    await trigger(b, userId, 'After the restart');
    await bell(page, 'Notifications, 7 unread').waitFor({ timeout: 5_000 });
    const shown = await panelTitles(page, 'Notifications, 7 unread');
    expect(sorted(shown)).toEqual(sorted(['Before the restart', ...whileDown, 'After the restart']));
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.close();
  }, 120_000);
});
