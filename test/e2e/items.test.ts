// Acting on a notification where it is read, in Chromium against the real service: a backend
// triggers a notification with an icon and two actions; it shows as a toast and in the page title,
// its action button reaches the host's `belfry:action` listener, and the item's menu archives and
// deletes notifications on the service.
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type BelfryClient } from '../../src/node/index.ts';
import { TEST_APP, createScratchDir, inboxPageHtml, launchChromium, requireE2ePrerequisites, startHostPage, startService, type HostPage, type RunningService } from './harness.ts';

const USER = 'item-user';

let scratch: ReturnType<typeof createScratchDir>;
let service: RunningService;
let browser: BrowserContext;
let host: HostPage;
let page: Page;

const sdk = (): BelfryClient => createClient({ ...TEST_APP, baseUrl: service.url });

/** The host page: the element with toasts and the title count on, and a listener that keeps every action. */
const pageHtml = (serviceUrl: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host</title>
<script src="/belfry.iife.js"></script></head>
<body><h1>Host app</h1>
<!-- At the end of the line, as in an app's header: the panel opens towards the start. -->
<div align="right"><belfry-inbox api-key="${TEST_APP.apiKey}" user-id="${USER}" base-url="${serviceUrl}" toasts title-count></belfry-inbox></div>
<script>
  window.actions = [];
  document.addEventListener('belfry:action', (event) => {
    window.actions.push([event.detail.notification.title, event.detail.action.id]);
    event.preventDefault();
  });
</script>
</body></html>`;

const item = (title: string): Locator => page.getByRole('dialog', { name: 'Notifications' }).getByRole('listitem').filter({ hasText: title });

/** Polls the service until `check` holds for the user's notifications with `status`. */
async function untilService(status: 'all' | 'archived', check: (titles: string[]) => boolean): Promise<string[]> {
  for (let tries = 0; ; tries++) {
    const { items } = await sdk().notifications.list(USER, status === 'all' ? {} : { status });
    const titles = items.map((n) => n.title);
    if (check(titles) || tries > 50) return titles;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  requireE2ePrerequisites();
  scratch = createScratchDir('items');
  service = await startService({ database: `sqlite:${join(scratch.dir, 'belfry.db')}` });
  browser = await launchChromium(join(scratch.dir, 'profile'));
  await sdk().createOrUpdateUser(USER, {});
  host = await startHostPage(pageHtml(service.url));
  page = await browser.newPage();
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor({ timeout: 10_000 });
  // Toasts are for notifications that arrive over the stream: wait until it is open.
  await page.waitForFunction(() => document.querySelector('belfry-inbox')!.inbox?.connection.value === 'online', undefined, { timeout: 10_000 });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await service?.stop();
  scratch?.remove();
});

describe('notification items in a host page', () => {
  it('shows live notifications as toasts and counts them in the page title', async () => {
    for (const title of ['Deploy ready', 'Weekly digest']) {
      await sdk().send({
        notification: {
          title,
          message: `About ${title}`,
          ...(title === 'Deploy ready' && {
            icon: `${host.url}icon.png`,
            actions: [
              { id: 'approve', label: 'Approve', url: 'https://example.com/approve', style: 'primary' },
              { id: 'reject', label: 'Reject' },
            ],
          }),
        },
        sendTo: { recipients: [USER] },
      });
    }
    const toasts = page.getByRole('region', { name: 'New notifications' });
    await toasts.getByText('Deploy ready', { exact: true }).waitFor({ timeout: 5_000 });
    await toasts.getByText('Weekly digest', { exact: true }).waitFor();
    await page.waitForFunction(() => document.title === '(2) Host');
    // Toasts never take focus from the page.
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    // Dismissing one leaves the other.
    await toasts.getByRole('button', { name: 'Dismiss' }).first().click();
    await toasts.getByText('Deploy ready', { exact: true }).waitFor({ state: 'detached' });
    expect(await toasts.getByText('Weekly digest', { exact: true }).count()).toBe(1);
  });

  it('shows the icon and sends an action to the host instead of following its url', async () => {
    await page.getByRole('button', { name: 'Notifications, 2 unread' }).click();
    // Opening the panel marks everything seen: the title loses its count.
    await page.waitForFunction(() => document.title === 'Host');
    const deploy = item('Deploy ready');
    expect(await deploy.locator('img').getAttribute('src')).toBe(`${host.url}icon.png`);
    expect(await deploy.locator('img').getAttribute('alt')).toBe('');
    expect(await item('Weekly digest').locator('.avatar').textContent()).toBe('W');

    await deploy.getByRole('link', { name: 'Approve' }).click();
    expect(await page.evaluate(() => (window as unknown as { actions: string[][] }).actions)).toEqual([['Deploy ready', 'approve']]);
    expect(page.url()).toBe(host.url);
    // Acting on it read it.
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
  });

  it('runs the menu from the keyboard without leaving the panel', async () => {
    const options = item('Weekly digest').getByRole('button', { name: 'Options' });
    await options.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu', { name: 'Options' });
    await menu.waitFor();
    expect(await options.getAttribute('aria-expanded')).toBe('true');
    expect(await menu.getByRole('menuitem').evaluateAll((items) => items.map((node) => node.textContent))).toEqual(['Mark as read', 'Archive', 'Delete']);
    expect(await page.evaluate(() => document.querySelector('belfry-inbox')!.shadowRoot!.activeElement!.textContent)).toBe('Mark as read');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.querySelector('belfry-inbox')!.shadowRoot!.activeElement!.textContent)).toBe('Archive');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    // Escape closed the menu only: the panel is open and focus is back on the menu button.
    expect(await page.getByRole('dialog', { name: 'Notifications' }).count()).toBe(1);
    expect(await page.evaluate(() => document.querySelector('belfry-inbox')!.shadowRoot!.activeElement!.getAttribute('aria-label'))).toBe('Options for Weekly digest');
  });

  it('archives a notification from its menu: it leaves the list and the service has it archived', async () => {
    await item('Deploy ready').getByRole('button', { name: 'Options' }).click();
    await page.getByRole('menuitem', { name: 'Archive' }).click();
    await item('Deploy ready').waitFor({ state: 'detached' });
    expect(await untilService('archived', (titles) => titles.includes('Deploy ready'))).toEqual(['Deploy ready']);
    expect(await untilService('all', (titles) => !titles.includes('Deploy ready'))).toEqual(['Weekly digest']);
  });

  it('deletes a notification from its menu, on the service too', async () => {
    await item('Weekly digest').getByRole('button', { name: 'Options' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await item('Weekly digest').waitFor({ state: 'detached' });
    expect(await untilService('all', (titles) => titles.length === 0)).toEqual([]);
    expect(await untilService('archived', (titles) => !titles.includes('Weekly digest'))).toEqual(['Deploy ready']);
    // A reload shows what the service has, not only what the page did.
    await page.reload();
    await page.getByRole('button', { name: 'Notifications', exact: true }).click();
    await page.getByText('No notifications yet').waitFor();
  });

  it('opens the menu of the last item upwards instead of stretching the scrolled list', async () => {
    const user = 'menu-user';
    await sdk().createOrUpdateUser(user, {});
    for (let i = 1; i <= 8; i++) await sdk().send({ notification: { title: `Menu ${i}`, message: 'A message long enough to take a line.' }, sendTo: { recipients: [user] } });
    const start = await startHostPage(inboxPageHtml({ serviceUrl: service.url, userId: user }));
    const other = await browser.newPage();
    try {
      await other.goto(start.url);
      await other.getByRole('button', { name: 'Notifications, 8 unread' }).click();
      const dialog = other.getByRole('dialog', { name: 'Notifications' });
      const last = dialog.getByRole('listitem').filter({ hasText: 'Menu 1' });
      await last.scrollIntoViewIfNeeded();
      const body = dialog.locator('.body');
      const before = await body.evaluate((el) => [el.scrollHeight, el.clientHeight]);
      expect(before[0]).toBeGreaterThan(before[1]!);
      await last.getByRole('button', { name: 'Options' }).click();
      const menu = dialog.getByRole('menu');
      await menu.waitFor();
      const [menuBox, bodyBox, buttonBox] = await Promise.all([menu.boundingBox(), body.boundingBox(), last.getByRole('button', { name: 'Options' }).boundingBox()]);
      expect(menuBox!.y + menuBox!.height).toBeLessThanOrEqual(buttonBox!.y + 1);
      expect(menuBox!.y).toBeGreaterThanOrEqual(bodyBox!.y);
      expect(await body.evaluate((el) => el.scrollHeight)).toBe(before[0]);
    } finally {
      await other.close();
      await start.close();
    }
  });

  it('opens the panel towards the end when the bell sits at the start edge', async () => {
    const start = await startHostPage(inboxPageHtml({ serviceUrl: service.url, userId: USER }));
    const other = await browser.newPage();
    try {
      await other.goto(start.url);
      await other.getByRole('button', { name: 'Notifications', exact: true }).click();
      const box = (await other.getByRole('dialog', { name: 'Notifications' }).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(other.viewportSize()!.width);
    } finally {
      await other.close();
      await start.close();
    }
  });
});
