// The feed's tabs with the service down, in Chromium: after a reload that cannot reach the
// service, Unread and a category tab show the cached notifications that belong in them (filtered
// from the cached main feed), Archived shows none of the main feed, and the offline note stays.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { inboxPageHtml, readUntil, TEST_APP, useE2eSession } from './harness.ts';

const e2e = useE2eSession('offline-tabs');
const OFFLINE_NOTE = 'Offline — showing saved notifications';

/** Sends the signed-in user's client API request, as the widget would. */
async function asUser(userId: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const headers = { 'X-API-Key': TEST_APP.apiKey, 'X-User-Id': userId, 'Content-Type': 'application/json' };
  const response = await fetch(e2e.service.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  expect(response.status, `${method} ${path}`).toBe(200);
  return response.json();
}

/** Sends one notification to `userId` and answers its id. */
async function send(userId: string, title: string, category?: string): Promise<string> {
  await e2e.sdk().send({ notification: { title, message: 'Body', ...(category && { category }) }, sendTo: { recipients: [userId] } });
  const page = (await asUser(userId, 'GET', '/v1/me/notifications?status=all&limit=100')) as { items: { id: string; title: string }[] };
  return page.items.find((n) => n.title === title)!.id;
}

/** The selected tab, the titles the list shows, and whether the offline note is up. */
function view(page: Page): Promise<{ selected: string[]; titles: string[]; offline: boolean }> {
  return page.evaluate((note) => {
    const shadow = document.querySelector('belfry-inbox')!.shadowRoot!;
    const text = (selector: string) => [...shadow.querySelectorAll(selector)].map((el) => el.textContent!.trim());
    return {
      selected: text('[role=tab][aria-selected=true]'),
      titles: text('[role=tabpanel] [part~=item] .primary'),
      offline: text('[role=status]').includes(note),
    };
  }, OFFLINE_NOTE);
}

const until = (page: Page, check: (v: Awaited<ReturnType<typeof view>>) => boolean) => readUntil(() => view(page), check);

describe('feed tabs offline in Chromium', () => {
  it('filters the cached feed for Unread and a category tab after a reload with the service down', async () => {
    const userId = `offline-tabs-${randomUUID()}`;
    await e2e.sdk().createOrUpdateUser(userId, { firstName: 'Ada' });
    const welcome = await send(userId, 'Welcome');
    await send(userId, 'Friend request', 'social');
    const invoice1 = await send(userId, 'Invoice 1', 'billing');
    await send(userId, 'Invoice 2', 'billing');
    const archived = await send(userId, 'Old news', 'billing');
    await asUser(userId, 'PATCH', `/v1/me/notifications/${welcome}`, { read: true });
    await asUser(userId, 'PATCH', `/v1/me/notifications/${invoice1}`, { read: true });
    await asUser(userId, 'PATCH', `/v1/me/notifications/${archived}`, { archived: true });

    const html = inboxPageHtml({ serviceUrl: e2e.service.url, userId, attributes: { mode: 'inline', categories: '[{"id":"billing","label":"Billing"}]' } });
    const page = await e2e.browser.newPage();
    await page.goto((await e2e.startHostPage(html)).url);
    const all = ['Invoice 2', 'Invoice 1', 'Friend request', 'Welcome'];
    expect((await until(page, (v) => v.titles.length === 4)).titles).toEqual(all);
    // The main feed is in the cache (written shortly after it changed) before the service goes away.
    const name = `belfry-v1:${TEST_APP.apiKey}:${userId}`;
    await expect
      .poll(() => page.evaluate((n) => (JSON.parse(localStorage.getItem(n) ?? '{"items":[]}') as { items: unknown[] }).items.length, name), { timeout: 5_000 })
      .toBe(4);

    await e2e.service.stop();
    await page.reload();
    let now = await until(page, (v) => v.offline && v.titles.length === 4);
    expect(now).toEqual({ selected: [expect.stringMatching(/^All/)], titles: all, offline: true });

    // Unread: the cached items without readAt, newest first.
    await page.getByRole('tab', { name: /^Unread/ }).click();
    now = await until(page, (v) => /^Unread/.test(v.selected.join()) && v.titles.length === 2);
    expect(now).toEqual({ selected: [expect.stringMatching(/^Unread/)], titles: ['Invoice 2', 'Friend request'], offline: true });

    // A category: the cached items of that category, read or not.
    await page.getByRole('tab', { name: /^Billing/ }).click();
    now = await until(page, (v) => /^Billing/.test(v.selected.join()) && v.titles.join() === 'Invoice 2,Invoice 1');
    expect(now).toEqual({ selected: [expect.stringMatching(/^Billing/)], titles: ['Invoice 2', 'Invoice 1'], offline: true });

    // Archived items are not in the cached main feed: Archived shows none of it.
    await page.getByRole('tab', { name: /^Archived/ }).click();
    now = await until(page, (v) => /^Archived/.test(v.selected.join()));
    await page.waitForTimeout(300); // a wrongly filtered list would have rendered by now
    expect((await view(page)).titles).toEqual([]);

    // Back to All: the whole cached feed again.
    await page.getByRole('tab', { name: /^All/ }).click();
    now = await until(page, (v) => /^All/.test(v.selected.join()) && v.titles.length === 4);
    expect(now).toEqual({ selected: [expect.stringMatching(/^All/)], titles: all, offline: true });
    await page.close();
  });
});
