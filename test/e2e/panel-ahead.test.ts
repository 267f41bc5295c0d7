// The popover's panel rendered ahead of its first opening, in Chromium against the real service:
// while closed it is hidden for real (not focusable, not in the accessibility tree, skipped by
// Tab, adding no scrollable overflow to the page, marking nothing seen), it keeps up with what
// arrives, and opening shows it. The list keeps its scroll position across the preferences view.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_APP, useE2eSession } from './harness.ts';

const e2e = useE2eSession('panel-ahead');

async function createUserWith(count: number): Promise<string> {
  const userId = `ahead-${randomUUID()}`;
  await e2e.sdk().createOrUpdateUser(userId, { firstName: 'Ada' });
  for (let i = 1; i <= count; i++) await e2e.sdk().send({ notification: { title: `Note ${i}`, message: 'Some text' }, sendTo: { recipients: [userId] } });
  return userId;
}

/**
 * A host page with links around the inbox. The bell sits at the page's bottom right corner and
 * the panel's placement is bottom-start: shown there, it would reach past the viewport's right and
 * bottom edges, so a hidden panel that still took part in the page's layout would make it scroll.
 */
async function openPage(userId: string): Promise<Page> {
  const host = await e2e.startHostPage(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host</title>
<script src="/belfry.iife.js"></script></head>
<body style="margin:0"><main><a href="#before">Before</a>
<div style="position:absolute;right:0;bottom:0;display:flex;align-items:center">
<belfry-inbox api-key="${TEST_APP.apiKey}" user-id="${userId}" base-url="${e2e.service.url}"></belfry-inbox>
<a href="#after">After</a></div></main>
<script>document.querySelector('belfry-inbox').options = { placement: 'bottom-start' };</script></body></html>`);
  const page = await e2e.browser.newPage();
  await page.setViewportSize({ width: 1000, height: 700 });
  await page.goto(host.url);
  return page;
}

/** Waits for the hidden panel (rendered once the page is idle) to hold `items` items. */
function waitForHiddenPanel(page: Page, items: number): Promise<unknown> {
  return page.waitForFunction(
    (n) => {
      const panel = document.querySelector('belfry-inbox')?.shadowRoot?.querySelector('[part~=panel]');
      return panel && panel.hasAttribute('hidden') && panel.querySelectorAll('[part~=item]').length >= n;
    },
    items,
    { timeout: 10_000 },
  );
}

/** What has focus, looking through shadow roots. */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return (active?.getAttribute('aria-label') ?? active?.textContent ?? '').trim();
  });
}

describe('the panel rendered ahead of its opening, in Chromium', () => {
  it('is hidden for real while closed: no focus, no accessibility node, no Tab stop, no overflow', async () => {
    const userId = await createUserWith(3);
    const page = await openPage(userId);
    const bell = page.getByRole('button', { name: 'Notifications, 3 unread' });
    await bell.waitFor({ timeout: 10_000 });
    await waitForHiddenPanel(page, 3);

    const state = await page.evaluate(() => {
      const shadow = document.querySelector('belfry-inbox')!.shadowRoot!;
      const panel = shadow.querySelector<HTMLElement>('[part~=panel]')!;
      const item = panel.querySelector<HTMLElement>('.primary')!;
      panel.focus();
      const panelFocused = shadow.activeElement === panel;
      item.focus();
      const itemFocused = shadow.activeElement === item;
      const root = document.documentElement;
      return {
        visibility: getComputedStyle(panel).visibility,
        panelFocused,
        itemFocused,
        overflowX: root.scrollWidth - root.clientWidth,
        overflowY: root.scrollHeight - root.clientHeight,
      };
    });
    expect(state).toEqual({ visibility: 'hidden', panelFocused: false, itemFocused: false, overflowX: 0, overflowY: 0 });
    // Not in the accessibility tree: no dialog, none of its items, nothing of it in the snapshot.
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Note 1' }).count()).toBe(0);
    expect(await page.locator('belfry-inbox').ariaSnapshot()).not.toMatch(/dialog|Note 1|Mark all as read/);
    // Tab goes from the bell straight to the link after it.
    await bell.focus();
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('After');
    await page.close();
  });

  it('keeps up while hidden without marking anything seen, and opening shows it', async () => {
    const userId = await createUserWith(2);
    const page = await openPage(userId);
    await page.getByRole('button', { name: 'Notifications, 2 unread' }).waitFor({ timeout: 10_000 });
    await waitForHiddenPanel(page, 2);
    await e2e.sdk().send({ notification: { title: 'Arrived while hidden', message: 'Live' }, sendTo: { recipients: [userId] } });
    await waitForHiddenPanel(page, 3);
    const badge = page.locator('belfry-inbox').locator('[part~=badge]');
    expect(await badge.textContent()).toBe('3');
    // The service still counts all three unseen: the hidden panel marked none of them.
    const response = await fetch(`${e2e.service.url}/v1/me/notifications?limit=10`, { headers: { 'X-API-Key': TEST_APP.apiKey, 'X-User-Id': userId } });
    expect(((await response.json()) as { counts: { unseen: number } }).counts.unseen).toBe(3);

    await page.getByRole('button', { name: 'Notifications, 3 unread' }).click();
    const dialog = page.getByRole('dialog', { name: 'Notifications' });
    await dialog.getByRole('button', { name: 'Arrived while hidden', exact: true }).waitFor();
    expect(await focusedName(page)).toBe('Notifications');
    // The panel is placed inside the viewport (it flips up and shifts in from the corner).
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(1000);
    expect(box.y).toBeGreaterThanOrEqual(0);
    await badge.waitFor({ state: 'detached' });
    await page.close();
  });

  it('comes back from the preferences view to the list where it was scrolled', async () => {
    const userId = await createUserWith(30);
    const page = await openPage(userId);
    await page.getByRole('button', { name: /^Notifications/ }).click({ timeout: 10_000 });
    const dialog = page.getByRole('dialog', { name: 'Notifications' });
    await dialog.waitFor();
    const where = () =>
      page.evaluate(
        () =>
          new Promise<{ scrollTop: number; first: string | null }>((resolve) =>
            // After a frame: the list has rendered for the scroll position.
            requestAnimationFrame(() =>
              setTimeout(() => {
                const shadow = document.querySelector('belfry-inbox')!.shadowRoot!;
                const body = shadow.querySelector<HTMLElement>('.feed .body')!;
                const top = body.getBoundingClientRect().top;
                const first = [...body.querySelectorAll('[part~=item]')].find((li) => li.getBoundingClientRect().bottom > top);
                resolve({ scrollTop: body.scrollTop, first: first?.getAttribute('aria-posinset') ?? null });
              }),
            ),
          ),
      );
    await page.evaluate(() => {
      document.querySelector('belfry-inbox')!.shadowRoot!.querySelector<HTMLElement>('.feed .body')!.scrollTop = 1200;
    });
    // Where it settled: the list may correct the position once it measured the items it scrolled to.
    const before = await where();
    expect(before.scrollTop).toBeGreaterThan(1000);
    expect(Number(before.first)).toBeGreaterThan(5);

    await dialog.getByRole('button', { name: 'Preferences' }).click();
    await dialog.getByRole('button', { name: 'Back' }).click();
    await dialog.getByRole('button', { name: 'Preferences' }).waitFor();
    expect(await focusedName(page)).toBe('Preferences');
    expect(await where()).toEqual(before);
    await page.close();
  });
});
