// The feed's tabs (All, Unread, Archived, a host category) in Chromium against the real service:
// each tab lists what the service lists for it, the counts are the service's and follow a trigger,
// a read and an archive live, the arrow keys move between tabs, and axe finds no violation.
// (tabs.test.ts is about browser tabs sharing one connection.)
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { inboxPageHtml, readUntil, root, TEST_APP, useE2eSession } from './harness.ts';

const AXE = join(root, 'node_modules/axe-core/axe.min.js');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

const e2e = useE2eSession('feed-tabs');

/** Sends the signed-in user's client API request, as the widget would. */
async function asUser(userId: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const headers = { 'X-API-Key': TEST_APP.apiKey, 'X-User-Id': userId, 'Content-Type': 'application/json' };
  const response = await fetch(e2e.service.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  expect(response.status, `${method} ${path}`).toBe(200);
  return response.json();
}

/** The id of the user's notification titled `title`. */
async function idOf(userId: string, title: string): Promise<string> {
  const page = (await asUser(userId, 'GET', '/v1/me/notifications?status=all&limit=100')) as { items: { id: string; title: string }[] };
  return page.items.find((n) => n.title === title)!.id;
}

const send = (userId: string, title: string, category?: string) =>
  e2e.sdk().send({ notification: { title, message: 'Body', ...(category && { category }) }, sendTo: { recipients: [userId] } });

/** Tab names (with their counts) and the titles the list shows. */
function view(page: Page): Promise<{ tabs: string[]; selected: string[]; titles: string[] }> {
  return page.evaluate(() => {
    const shadow = document.querySelector('belfry-inbox')!.shadowRoot!;
    const text = (selector: string) => [...shadow.querySelectorAll(selector)].map((el) => el.textContent!.trim());
    return { tabs: text('[role=tab]'), selected: text('[role=tab][aria-selected=true]'), titles: text('[role=tabpanel] [part~=item] .primary') };
  });
}

const until = (page: Page, check: (v: Awaited<ReturnType<typeof view>>) => boolean) => readUntil(() => view(page), check);

describe('feed tabs in Chromium', () => {
  it('lists each tab from the service, keeps the counts live, and moves with the arrow keys', async () => {
    const userId = `tabs-${randomUUID()}`;
    await e2e.sdk().createOrUpdateUser(userId, { firstName: 'Ada' });
    await send(userId, 'Old news');
    await send(userId, 'Friend request', 'social');
    await send(userId, 'Invoice 1', 'billing');
    await send(userId, 'Invoice 2', 'billing');
    await asUser(userId, 'POST', '/v1/me/connect');
    await asUser(userId, 'PATCH', `/v1/me/notifications/${await idOf(userId, 'Old news')}`, { archived: true });

    const html = inboxPageHtml({ serviceUrl: e2e.service.url, userId, attributes: { mode: 'inline', categories: '[{"id":"billing","label":"Billing"}]' } });
    const page = await e2e.browser.newPage();
    await page.goto((await e2e.startHostPage(html)).url);

    // All: the main feed; the counts come from the service (archived total, billing unread).
    let now = await until(page, (v) => v.tabs.join() === 'All 3,Unread 3,Archived 1,Billing 2' && v.titles.length === 3);
    expect(now).toEqual({ tabs: ['All 3', 'Unread 3', 'Archived 1', 'Billing 2'], selected: ['All 3'], titles: ['Invoice 2', 'Invoice 1', 'Friend request'] });

    // Archived, by a click: what the service archived.
    await page.getByRole('tab', { name: 'Archived 1' }).click();
    now = await until(page, (v) => v.titles.join() === 'Old news');
    expect(now.selected).toEqual(['Archived 1']);

    // The arrow key moves focus and selection to Billing: only its items.
    await page.keyboard.press('ArrowRight');
    now = await until(page, (v) => v.titles.join() === 'Invoice 2,Invoice 1');
    expect(now.selected).toEqual(['Billing 2']);
    const focusedTab = await page.evaluate(() => document.querySelector('belfry-inbox')!.shadowRoot!.activeElement?.textContent);
    expect(focusedTab).toBe('Billing 2');

    // A trigger: the new billing item appears in the Billing tab, and every count follows.
    await send(userId, 'Invoice 3', 'billing');
    await send(userId, 'Party', 'social');
    now = await until(page, (v) => v.titles.join() === 'Invoice 3,Invoice 2,Invoice 1' && v.tabs.join() === 'All 5,Unread 5,Archived 1,Billing 3');
    expect(now.titles).toEqual(['Invoice 3', 'Invoice 2', 'Invoice 1']);
    expect(now.tabs).toEqual(['All 5', 'Unread 5', 'Archived 1', 'Billing 3']);

    // Unread (two steps back): a read elsewhere lowers the counts; the read item stays until the tab changes.
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    now = await until(page, (v) => v.titles.length === 5);
    expect(now.selected).toEqual(['Unread 5']);
    await asUser(userId, 'PATCH', `/v1/me/notifications/${await idOf(userId, 'Invoice 3')}`, { read: true });
    now = await until(page, (v) => v.tabs.join() === 'All 4,Unread 4,Archived 1,Billing 2');
    expect(now.titles).toEqual(['Party', 'Invoice 3', 'Invoice 2', 'Invoice 1', 'Friend request']);

    // An archive takes the item out of Unread and adds to the Archived count.
    await asUser(userId, 'PATCH', `/v1/me/notifications/${await idOf(userId, 'Friend request')}`, { archived: true });
    now = await until(page, (v) => v.tabs.join() === 'All 3,Unread 3,Archived 2,Billing 2' && !v.titles.includes('Friend request'));
    expect(now.titles).toEqual(['Party', 'Invoice 3', 'Invoice 2', 'Invoice 1']);

    // Back to All, then to Unread again: the read item is gone from a fresh Unread list.
    await page.keyboard.press('Home');
    now = await until(page, (v) => v.titles.join() === 'Party,Invoice 3,Invoice 2,Invoice 1');
    await page.keyboard.press('ArrowRight');
    now = await until(page, (v) => v.selected.join() === 'Unread 3' && v.titles.join() === 'Party,Invoice 2,Invoice 1');
    expect(now.titles).toEqual(['Party', 'Invoice 2', 'Invoice 1']);

    await page.addScriptTag({ path: AXE });
    const result = await page.evaluate(
      (tags) =>
        (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; help: string }[]; passes: { id: string }[] }> } }).axe.run(
          { include: [['belfry-inbox']] },
          { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'passes'] },
        ),
      WCAG_22_AA,
    );
    expect(result.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    expect(result.passes.map((rule) => rule.id)).toEqual(expect.arrayContaining(['aria-required-children', 'aria-valid-attr-value', 'color-contrast']));
    await page.close();
  });
});
