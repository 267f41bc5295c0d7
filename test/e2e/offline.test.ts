// The client's offline guarantees in a real browser: an action taken while the service is down
// survives a reload in IndexedDB and reaches the service exactly once when it is back; the cached
// inbox shows from the task that parses the element on; the inbox works without IndexedDB; and one
// user's cached notifications never show for another user or after logout().
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_APP,
  inboxPageHtml,
  openEventStream,
  parseSseFrames,
  type HostPage,
  useE2eSession,
} from './harness.ts';

const e2e = useE2eSession('e2e-offline');
let headless: HostPage;

// A host page driving the headless core from the script-tag build: `window.inbox` for `?user=`.
const HEADLESS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Headless</title>
<script src="/belfry.iife.js"></script>
<script>
  const params = new URLSearchParams(location.search);
  window.inbox = Belfry.createInbox({ apiKey: params.get('key'), userId: params.get('user'), baseUrl: params.get('service') });
</script></head><body></body></html>`;

interface PageInbox {
  notifications: { value: { id: string; title: string; readAt: string | null }[] };
  counts: { value: { unseen: number; unread: number } };
  connection: { value: string };
  status: { value: string };
  markRead(id: string): Promise<void>;
  logout(): Promise<void>;
}
type WithInbox = typeof globalThis & { inbox: PageInbox };

async function openHeadless(userId: string, page?: Page): Promise<Page> {
  page ??= await e2e.browser.newPage();
  const query = new URLSearchParams({ key: TEST_APP.apiKey, user: userId, service: e2e.service.url });
  await page.goto(`${headless.url}?${query}`);
  return page;
}

const titles = (page: Page) => page.evaluate(() => (globalThis as WithInbox).inbox.notifications.value.map((n) => n.title));
const waitForInbox = (page: Page, predicate: string) => page.waitForFunction(`(() => { const inbox = window.inbox; return ${predicate}; })()`, undefined, { timeout: 40_000 });

/** What the user's cache database holds under `key` ('inbox' or 'outbox'), read with the raw IndexedDB API. */
function readIdb(page: Page, userId: string, key: string): Promise<unknown> {
  return page.evaluate(
    ({ name, key }) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(name);
        // No such database: abort the creation, so this read leaves nothing behind for the widget.
        open.onupgradeneeded = () => open.transaction!.abort();
        open.onerror = () => (open.error?.name === 'AbortError' ? resolve(undefined) : reject(open.error));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('inbox')) return resolve(undefined);
          const get = db.transaction('inbox').objectStore('inbox').get(key);
          get.onsuccess = () => (db.close(), resolve(get.result));
          get.onerror = () => reject(get.error);
        };
      }),
    { name: `belfry-v1:${TEST_APP.apiKey}:${userId}`, key },
  );
}

async function restartService(port: number): Promise<void> {
  expect((await e2e.restartService(port)).port).toBe(port);
}

beforeAll(async () => {
  headless = await e2e.startHostPage(HEADLESS_PAGE);
});

describe('the inbox offline', () => {
  it('A read marked while the service is down reaches the service once it is back, exactly once', async () => {
    await e2e.sdk().createOrUpdateUser('ada', { firstName: 'Ada' });
    await e2e.sdk().send({ notification: { title: 'Parcel shipped', message: 'On its way' }, sendTo: { recipients: ['ada'] } });
    const page = await openHeadless('ada');
    await waitForInbox(page, `inbox.connection.value === 'online' && inbox.notifications.value.length === 1`);
    const id = await page.evaluate(() => (globalThis as WithInbox).inbox.notifications.value[0]!.id);
    // The inbox is in the cache (written shortly after changes) before the service goes away.
    await expect.poll(() => readIdb(page, 'ada', 'inbox'), { timeout: 5_000 }).toMatchObject({ items: [{ id, readAt: null }] });

    // Every PATCH the page sends, and the ones the service answered.
    const patchKeys: string[] = [];
    const answered: number[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PATCH') patchKeys.push(request.headers()['idempotency-key'] ?? '');
    });
    page.on('response', (response) => {
      if (response.request().method() === 'PATCH') answered.push(response.status());
    });

    const port = e2e.service.port;
    await e2e.service.stop();
    await waitForInbox(page, `inbox.connection.value !== 'online'`);
    await page.evaluate((id) => (globalThis as WithInbox).inbox.markRead(id), id);
    expect(await page.evaluate(() => (globalThis as WithInbox).inbox.notifications.value[0]!.readAt)).not.toBeNull();
    expect(await readIdb(page, 'ada', 'outbox')).toMatchObject([{ method: 'PATCH', path: `/v1/me/notifications/${id}`, body: { read: true } }]);

    // A reload with the service still down: the waiting read is still there, and still shown.
    await page.reload();
    await waitForInbox(page, `inbox.status.value === 'ready' && inbox.notifications.value[0]?.readAt != null`);
    expect(await page.evaluate(() => (globalThis as WithInbox).inbox.connection.value)).not.toBe('online');
    const stored = (await readIdb(page, 'ada', 'outbox')) as { key: string }[];
    expect(stored).toHaveLength(1);

    await restartService(port);
    await waitForInbox(page, `inbox.connection.value === 'online' && inbox.counts.value.unread === 0`);
    await expect.poll(() => readIdb(page, 'ada', 'outbox'), { timeout: 5_000 }).toEqual([]);
    await page.waitForTimeout(500); // anything sent twice would have arrived by now

    expect(answered).toEqual([200]);
    // Every attempt, before and after the reload, carried the key the action got when it was taken.
    expect(new Set(patchKeys)).toEqual(new Set([stored[0]!.key]));
    const inboxOnService = await e2e.sdk().notifications.list('ada');
    expect(inboxOnService.items[0]).toMatchObject({ id, readAt: expect.any(String) });
    expect(inboxOnService.counts).toEqual({ unseen: 1, unread: 0 });
    // The service applied the read once: one `notification.updated` in the user's event log.
    const events = await openEventStream(e2e.service.url, 'ada', { lastEventId: 0 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    events.request.destroy();
    expect(parseSseFrames(events.text).map((frame) => frame.event).filter((type) => type?.startsWith('notification'))).toEqual(['notification.created', 'notification.updated']);
    await page.close();
  });

  it('A reload with the service down shows the cached notifications already in the task that parses <belfry-inbox>', async () => {
    await e2e.sdk().createOrUpdateUser('kim', { firstName: 'Kim' });
    for (const title of ['Hello <<recipient.firstName>>', 'Parcel shipped']) await e2e.sdk().send({ notification: { title, message: 'Details' }, sendTo: { recipients: ['kim'] } });
    // What the shadow root holds right after the element is parsed, before any other task ran.
    const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    const host = await e2e.startHostPage(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host</title><script src="/belfry.iife.js"></script></head>
<body><belfry-inbox mode="inline" api-key="${attr(TEST_APP.apiKey)}" user-id="kim" base-url="${attr(e2e.service.url)}"></belfry-inbox>
<script>window.parsed = [...document.querySelector('belfry-inbox').shadowRoot.querySelectorAll('[part~="item"] .primary')].map((el) => el.textContent);</script>
</body></html>`);
    const page = await e2e.browser.newPage();
    await page.goto(host.url);
    const items = page.locator('belfry-inbox [part~="item"]');
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(2);
    const name = `belfry-v1:${TEST_APP.apiKey}:kim`;
    await expect.poll(() => page.evaluate((n) => localStorage.getItem(n), name), { timeout: 5_000 }).toContain('Parcel shipped');

    const port = e2e.service.port;
    await e2e.service.stop();
    await page.reload();
    expect(await page.evaluate(() => (globalThis as typeof globalThis & { parsed: string[] }).parsed)).toEqual(['Parcel shipped', 'Hello Kim']);
    await page.getByText('Offline — showing saved notifications').waitFor({ timeout: 10_000 });
    expect(await items.count()).toBe(2);

    // A snapshot that is not a cached inbox of this user is dropped, never rendered.
    await page.evaluate((n) => localStorage.setItem(n, JSON.stringify({ version: 1, items: [], counts: { unseen: 0, unread: 0 }, seq: 1, user: { identifier: 'mallory', attributes: {} } })), name);
    await page.reload();
    expect(await page.evaluate(() => (globalThis as typeof globalThis & { parsed: string[] }).parsed)).toEqual([]);
    expect(await page.evaluate((n) => localStorage.getItem(n), name)).toBeNull();
    // IndexedDB's copy still answers, a moment later.
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(2);
    await page.close();
    await restartService(port);
  });

  it('With IndexedDB made unavailable, the widget still loads and updates', async () => {
    await e2e.sdk().createOrUpdateUser('ivy', { firstName: 'Ivy' });
    await e2e.sdk().send({ notification: { title: 'First for <<recipient.firstName>>', message: 'One' }, sendTo: { recipients: ['ivy'] } });
    const host = await e2e.startHostPage(inboxPageHtml({ serviceUrl: e2e.service.url, userId: 'ivy' }));
    const page = await e2e.browser.newPage();
    // As in a locked-down WebView or a privacy mode that throws on any IndexedDB access.
    await page.addInitScript(() => {
      Object.defineProperty(window, 'indexedDB', {
        configurable: true,
        get() {
          throw new DOMException('IndexedDB is disabled', 'SecurityError');
        },
      });
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(host.url);
    expect(await page.evaluate(() => typeof Object.getOwnPropertyDescriptor(window, 'indexedDB')?.get)).toBe('function');
    const bell = (name: string) => page.getByRole('button', { name, exact: true });
    await bell('Notifications, 1 unread').waitFor({ timeout: 10_000 });
    await e2e.sdk().send({ notification: { title: 'Second', message: 'Two' }, sendTo: { recipients: ['ivy'] } });
    await bell('Notifications, 2 unread').waitFor({ timeout: 5_000 });
    await bell('Notifications, 2 unread').click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.getByText('First for Ivy', { exact: true }).waitFor();
    await panel.getByText('Second', { exact: true }).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it("After logout(), or simply for another user on the same browser with the service down, none of the first user's notifications is shown", async () => {
    await e2e.sdk().createOrUpdateUser('grace', { firstName: 'Grace' });
    await e2e.sdk().send({ notification: { title: 'Secret for grace', message: 'Only hers' }, sendTo: { recipients: ['grace'] } });
    const page = await openHeadless('grace');
    await waitForInbox(page, `inbox.connection.value === 'online' && inbox.notifications.value.length === 1`);
    await expect.poll(() => readIdb(page, 'grace', 'inbox'), { timeout: 5_000 }).toMatchObject({ items: [{ title: 'Secret for grace' }] });

    await e2e.service.stop();
    // Another user in the same browser, service down: nothing of grace's.
    await openHeadless('heidi', page);
    await waitForInbox(page, `inbox.connection.value === 'offline'`);
    expect(await titles(page)).toEqual([]);

    // Grace again, still offline: her cache shows (so there is something logout must remove).
    await openHeadless('grace', page);
    await waitForInbox(page, `inbox.status.value === 'ready' && inbox.notifications.value.length === 1`);
    expect(await titles(page)).toEqual(['Secret for grace']);
    await page.evaluate(() => (globalThis as WithInbox).inbox.logout());
    expect(await titles(page)).toEqual([]);
    expect(await readIdb(page, 'grace', 'inbox')).toBeUndefined();
    expect(await page.evaluate((n) => localStorage.getItem(n), `belfry-v1:${TEST_APP.apiKey}:grace`)).toBeNull();

    // The next page load for grace, service down, has nothing to show.
    await openHeadless('grace', page);
    await waitForInbox(page, `inbox.connection.value === 'offline'`);
    expect(await titles(page)).toEqual([]);
    expect(await page.evaluate(() => (globalThis as WithInbox).inbox.status.value)).toBe('error');
    await page.close();
  });
});
