// The preferences view in Chromium against the real service: a switch toggled with the keyboard
// alone is stored by the service (its own answer says so) and is still off after a reload; axe-core
// finds no WCAG 2.2 A/AA violation with the view open, light and dark.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { PreferencesResponse } from '../../src/protocol/index.ts';
import { TEST_APP, root, useE2eSession } from './harness.ts';

const AXE = join(root, 'node_modules/axe-core/axe.min.js');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

const e2e = useE2eSession('preferences');

/** A user, and a workflow in the category "comments" (named by its identifier), so the app has a category to list. */
async function createUser(): Promise<string> {
  const userId = `prefs-${randomUUID()}`;
  await e2e.sdk().createOrUpdateUser(userId, { firstName: 'Ada' });
  await e2e.sdk().workflows.upsert('comment-reply', { name: 'Comment reply', category: 'comments', channels: { inApp: { title: 'New reply', message: 'Someone replied' } } });
  return userId;
}

/** What the service holds for `userId`, asked as the widget asks it. */
async function storedPreferences(userId: string): Promise<PreferencesResponse> {
  const response = await fetch(`${e2e.service.url}/v1/me/preferences`, { headers: { 'X-API-Key': TEST_APP.apiKey, 'X-User-Id': userId } });
  expect(response.status).toBe(200);
  return (await response.json()) as PreferencesResponse;
}

async function openPage(userId: string): Promise<Page> {
  const host = await e2e.startHostPage(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host</title>
<script src="/belfry.iife.js"></script></head>
<body><main><h1>Host app</h1>
<belfry-inbox api-key="${TEST_APP.apiKey}" user-id="${userId}" base-url="${e2e.service.url}"></belfry-inbox>
</main></body></html>`);
  const page = await e2e.browser.newPage();
  await page.setViewportSize({ width: 1000, height: 800 });
  await page.goto(host.url);
  return page;
}

/** Opens the panel and its preferences view with the keyboard, and waits for the switches. */
async function openPreferences(page: Page): Promise<void> {
  const bell = page.getByRole('button', { name: 'Notifications' });
  await bell.waitFor({ timeout: 10_000 });
  await bell.focus();
  await page.keyboard.press('Enter');
  const preferences = page.getByRole('dialog', { name: 'Notifications' }).getByRole('button', { name: 'Preferences' });
  await preferences.waitFor();
  await preferences.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('switch', { name: 'Email for comments', exact: true }).waitFor();
}

/** The accessible name of what has focus, looking through shadow roots. */
function focusedName(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.getAttribute('aria-label') ?? null;
  });
}

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: unknown[] }[] }[];
}

async function runAxe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(
    (tags) =>
      (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<AxeResult> } }).axe.run(
        { include: [['belfry-inbox']] },
        { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] },
      ),
    WCAG_22_AA,
  );
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

describe('preferences in Chromium', () => {
  it('stores a switch toggled with the keyboard, and shows it off after a reload', async () => {
    const userId = await createUser();
    const page = await openPage(userId);
    await openPreferences(page);
    // Focus moved to "Back"; Tab walks the switches row by row to "Email for comments".
    expect(await focusedName(page)).toBe('Back');
    for (let i = 0; i < 10 && (await focusedName(page)) !== 'Email for comments'; i++) await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Email for comments');
    const email = page.getByRole('switch', { name: 'Email for comments', exact: true });
    expect(await email.isChecked()).toBe(true);

    await page.keyboard.press('Space');
    expect(await email.isChecked()).toBe(false);
    // The service has it: poll its answer until the save arrived.
    await expect.poll(async () => (await storedPreferences(userId)).preferences, { timeout: 5_000 }).toEqual({ comments: { email: false } });
    const stored = await storedPreferences(userId);
    expect(stored.categories).toContainEqual({ identifier: 'comments', name: 'comments' });

    await page.reload();
    await openPreferences(page);
    expect(await page.getByRole('switch', { name: 'Email for comments', exact: true }).isChecked()).toBe(false);
    expect(await page.getByRole('switch', { name: 'SMS for comments', exact: true }).isChecked()).toBe(true);
    expect(await page.getByRole('switch', { name: 'Email for General', exact: true }).isChecked()).toBe(true);
    // What the page shows is what the service holds, switch for switch.
    const shown = await page.getByRole('switch').evaluateAll((inputs) => inputs.filter((input) => !(input as HTMLInputElement).checked).map((input) => input.getAttribute('aria-label')));
    expect(shown).toEqual(['Email for comments']);

    // Back returns to the list, focus on the button that opened the view.
    await page.keyboard.press('Shift+Tab');
    while ((await focusedName(page)) !== 'Back') await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Mark all as read' }).waitFor();
    expect(await focusedName(page)).toBe('Preferences');
    await page.close();
  });

  it.each(['light', 'dark'] as const)('has no WCAG 2.2 A/AA violation with the preferences view open, %s', async (colorScheme) => {
    const page = await openPage(await createUser());
    await page.emulateMedia({ colorScheme });
    await openPreferences(page);
    expect(await runAxe(page)).toEqual([]);
    await page.close();
  });
});
