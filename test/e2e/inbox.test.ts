// The main job, end to end: an app's backend creates a user and triggers a notification through
// the SDK; a host page on another origin shows it live in <belfry-inbox>, personalised and
// formatted; the inbox survives the service going away and picks up again when it is back.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  TEST_APP,
  inboxPageHtml,
  useE2eSession,
} from './harness.ts';

const e2e = useE2eSession('e2e');

async function openInbox(userId: string): Promise<Page> {
  const host = await e2e.startHostPage(inboxPageHtml({ serviceUrl: e2e.service.url, userId }));
  const page = await e2e.browser.newPage();
  await page.goto(host.url);
  return page;
}

const bell = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

describe('the inbox in a host page', () => {
  it('shows a notification triggered by the backend within 2 s, personalised and formatted', async () => {
    await e2e.sdk().createOrUpdateUser('ada', { firstName: 'Ada' });
    const page = await openInbox('ada');
    await bell(page, 'Notifications').waitFor({ timeout: 10_000 });

    const sentAt = Date.now();
    const answer = await e2e.sdk().send({
      notification: { title: 'Hey <<recipient.firstName>>', message: 'Your order **#42** shipped' },
      sendTo: { recipients: ['ada', 'nobody-by-this-name'] },
    });
    expect(answer.delivered).toEqual(['ada']);
    expect(answer.discarded).toEqual([{ identifier: 'nobody-by-this-name', reason: 'user_not_found' }]);

    await bell(page, 'Notifications, 1 unread').waitFor({ timeout: 2_000 });
    expect(Date.now() - sentAt).toBeLessThan(2_000);

    await bell(page, 'Notifications, 1 unread').click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.getByText('Hey Ada', { exact: true }).waitFor();
    expect(await panel.locator('strong', { hasText: '#42' }).count()).toBe(1);
    // The template source never reaches the screen.
    expect(await panel.getByText('<<recipient.firstName>>').count()).toBe(0);
    await page.close();
  });

  it('mounts with Belfry.render() from the script tag as well as with <belfry-inbox>', async () => {
    const host = await e2e.startHostPage(`<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script src="/belfry.iife.js"></script></head><body><div id="bell"></div></body></html>`);
    const page = await e2e.browser.newPage();
    await page.goto(host.url);
    expect(await page.evaluate(() => Object.keys((window as unknown as { Belfry: object }).Belfry).sort())).toEqual(
      expect.arrayContaining(['createInbox', 'render']),
    );
    await page.evaluate(
      ({ apiKey, baseUrl }) => (window as unknown as { Belfry: { render: (t: string, o: object) => void } }).Belfry.render('#bell', { apiKey, userId: 'ada', baseUrl }),
      { apiKey: TEST_APP.apiKey, baseUrl: e2e.service.url },
    );
    await page.locator('#bell').getByRole('button', { name: /^Notifications/ }).waitFor({ timeout: 10_000 });
    await page.close();
  });

  it('creates a user the widget has never seen when the page loads', async () => {
    const newcomer = `newcomer-${randomUUID()}`;
    await expect(e2e.sdk().getUser(newcomer)).rejects.toMatchObject({ status: 404, code: 'user_not_found' });

    const page = await e2e.browser.newPage();
    const host = await e2e.startHostPage(inboxPageHtml({ serviceUrl: e2e.service.url, userId: newcomer }));
    // The bell can render (from an empty cache) before connect answers; connect creates the user.
    const connected = page.waitForResponse((r) => r.url().endsWith('/v1/me/connect') && r.request().method() === 'POST', { timeout: 10_000 });
    await page.goto(host.url);
    expect((await connected).status()).toBe(200);
    await expect(e2e.sdk().getUser(newcomer)).resolves.toMatchObject({ identifier: newcomer });
    await page.close();
  });

  it('shows the cached notification with the service stopped, and new ones live once it is back', async () => {
    await e2e.sdk().createOrUpdateUser('grace', { firstName: 'Grace' });
    await e2e.sdk().send({
      notification: { title: 'Welcome <<recipient.firstName>>', message: 'First' },
      sendTo: { recipients: ['grace'] },
    });
    const page = await openInbox('grace');
    await bell(page, 'Notifications, 1 unread').waitFor({ timeout: 10_000 });
    // Give the debounced cache write time to land before the service goes away.
    await page.waitForTimeout(1_000);

    const port = e2e.service.port;
    await e2e.service.stop();
    await page.reload();
    await bell(page, 'Notifications, 1 unread').click({ timeout: 5_000 });
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.getByText('Welcome Grace', { exact: true }).waitFor({ timeout: 5_000 });
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    expect((await e2e.restartService(port)).port).toBe(port);
    await e2e.sdk().send({
      notification: { title: 'Back online', message: 'Order **#43** shipped' },
      sendTo: { recipients: ['grace'] },
    });
    await panel.getByText('Back online', { exact: true }).waitFor({ timeout: 35_000 });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.close();
  });
});
