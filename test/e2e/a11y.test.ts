// Accessibility, keyboard, languages and right-to-left layout, in Chromium against the real
// service: axe-core finds no WCAG 2.2 A/AA violation with the panel open in light and dark; the
// keyboard alone opens, walks and closes the panel; Arabic is laid out mirrored; new
// notifications are announced in a polite live region.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  TEST_APP,
  root,
  useE2eSession,
} from './harness.ts';

const AXE = join(root, 'node_modules/axe-core/axe.min.js');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

const e2e = useE2eSession('a11y');

interface PageOptions {
  userId: string;
  locale?: string;
  /** Where the bell sits in its row: `center` leaves room on both sides, `start`/`end` hug an edge. */
  align?: 'start' | 'center' | 'end';
}

/** A host page with a link before and after the inbox, so Tab has somewhere to escape to. */
async function openPage({ userId, locale, align = 'center' }: PageOptions): Promise<Page> {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host</title>
<script src="/belfry.iife.js"></script></head>
<body><main><h1>Host app</h1><a href="#before">Before</a>
<div style="display:flex;justify-content:${align};margin-top:16px">
<belfry-inbox api-key="${TEST_APP.apiKey}" user-id="${userId}" base-url="${e2e.service.url}"${locale ? ` locale="${locale}"` : ''}></belfry-inbox>
</div><a href="#after">After</a></main></body></html>`;
  const host = await e2e.startHostPage(html);
  const page = await e2e.browser.newPage();
  await page.setViewportSize({ width: 1000, height: 800 });
  await page.goto(host.url);
  return page;
}

async function createUserWith(titles: string[]): Promise<string> {
  const userId = `a11y-${randomUUID()}`;
  await e2e.sdk().createOrUpdateUser(userId, { firstName: 'Ada' });
  for (const title of titles) await e2e.sdk().send({ notification: { title, message: 'See **more** inside' }, sendTo: { recipients: [userId] } });
  return userId;
}

/** What has focus, looking through shadow roots: its name and whether it is inside the panel. */
function focused(page: Page): Promise<{ name: string; tag: string; inPanel: boolean; inWidget: boolean }> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return {
      name: (active?.getAttribute('aria-label') ?? active?.textContent ?? '').trim(),
      tag: active?.tagName.toLowerCase() ?? '',
      inPanel: !!active?.closest('.panel'),
      inWidget: active?.getRootNode() !== document,
    };
  });
}

type Box = { left: number; right: number; top: number; bottom: number };

/** Bounding boxes of parts of the widget, by selector inside its shadow root. */
function boxes(page: Page, selectors: string[]): Promise<Box[]> {
  return page.evaluate((list) => {
    const shadow = document.querySelector('belfry-inbox')!.shadowRoot!;
    return list.map((selector) => {
      const { left, right, top, bottom } = shadow.querySelector(selector)!.getBoundingClientRect();
      return { left, right, top, bottom };
    });
  }, selectors);
}

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: unknown[]; failureSummary: string }[] }[];
  passes: { id: string; nodes: { target: unknown[] }[] }[];
}

/** Runs axe-core on the inbox element, shadow tree included, with the WCAG 2.2 A/AA rules. */
async function runAxe(page: Page): Promise<AxeResult> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(
    (tags) =>
      (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<AxeResult> } }).axe.run(
        { include: [['belfry-inbox']] },
        { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'passes'] },
      ),
    WCAG_22_AA,
  );
}

const summary = (result: AxeResult) => result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);

describe('accessibility in Chromium', () => {
  it.each([
    ['light', 'en'],
    ['dark', 'en'],
    ['dark', 'ar'],
  ] as const)('has no WCAG 2.2 A/AA violation with the panel open, %s, %s', async (colorScheme, locale) => {
    const userId = await createUserWith(['Build passed', 'Deploy finished']);
    const page = await openPage({ userId, locale });
    await page.emulateMedia({ colorScheme });
    const i18n = locale === 'ar' ? { bell: `الإشعارات، غير المقروءة: ${new Intl.NumberFormat('ar').format(2)}`, title: 'الإشعارات' } : { bell: 'Notifications, 2 unread', title: 'Notifications' };
    const bell = page.getByRole('button', { name: i18n.bell });
    await bell.waitFor({ timeout: 10_000 });
    // Closed, with the unseen badge showing (opening marks everything seen and the badge goes).
    expect(await page.locator('belfry-inbox').locator('.badge').textContent()).toBe(new Intl.NumberFormat(locale).format(2));
    const closed = await runAxe(page);
    expect(summary(closed)).toEqual([]);

    await bell.click();
    const panel = page.getByRole('dialog', { name: i18n.title });
    await panel.getByText('Deploy finished', { exact: true }).waitFor();
    // The theme follows the colour scheme: the checks below ran against the scheme named.
    const background = await page.evaluate(() => getComputedStyle(document.querySelector('belfry-inbox')!.shadowRoot!.querySelector('.panel')!).backgroundColor);
    expect(background).toBe(colorScheme === 'dark' ? 'rgb(29, 31, 36)' : 'rgb(255, 255, 255)');

    const result = await runAxe(page);
    expect(summary(result)).toEqual([]);
    // axe looked inside the shadow root (targets there are [host, selector] pairs), at colour too.
    const passedInShadow = result.passes.filter((rule) => rule.nodes.some((node) => Array.isArray(node.target[0])));
    expect(passedInShadow.map((rule) => rule.id)).toEqual(expect.arrayContaining(['color-contrast', 'button-name', 'aria-allowed-attr', 'target-size', 'valid-lang']));
    await page.close();
  });

  it('opens, walks and closes the panel with the keyboard alone, focus staying inside', async () => {
    const userId = await createUserWith(['First', 'Second']);
    const page = await openPage({ userId });
    const bell = page.getByRole('button', { name: 'Notifications, 2 unread' });
    await bell.waitFor({ timeout: 10_000 });

    await page.keyboard.press('Tab');
    expect((await focused(page)).name).toBe('Before');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ name: 'Notifications, 2 unread', inWidget: true });
    // A visible focus ring on the bell.
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.querySelector('belfry-inbox')!.shadowRoot!.querySelector('.bell')!);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    });
    expect(outline).toBe('solid 2px');

    await page.keyboard.press('Enter');
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.getByText('Second', { exact: true }).waitFor();
    expect(await bell.getAttribute('aria-expanded')).toBe('true');
    // Focus moved into the dialog itself (named by its aria-label).
    expect(await focused(page)).toMatchObject({ name: 'Notifications', inPanel: true, tag: 'div' });

    // Tab walks the panel's controls and wraps around without ever leaving the panel.
    // Two rounds at least: header (2), the selected tab, and two controls per item.
    const walk: string[] = [];
    for (let i = 0; i < 16; i++) {
      await page.keyboard.press('Tab');
      const now = await focused(page);
      expect(now.inPanel, `Tab ${i + 1} left the panel for ${now.name}`).toBe(true);
      walk.push(now.name);
    }
    expect(walk[0]).toBe('Mark all as read');
    expect(walk).toContain('Second');
    // The tab row is one stop (the selected tab); the arrow keys move within it.
    expect(walk.filter((name) => /^(All|Unread|Archived)\b/.test(name))).toEqual(['All 2', 'All 2']);
    const period = walk.indexOf('Mark all as read', 1);
    expect(period).toBeGreaterThan(1);
    expect(walk.slice(period, 2 * period)).toEqual(walk.slice(0, period));

    // Shift+Tab from the first control wraps to the last.
    while ((await focused(page)).name !== 'Mark all as read') await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).name).toBe(walk[period - 1]);

    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await focused(page)).toMatchObject({ name: 'Notifications, 2 unread', inWidget: true });
    expect(await bell.getAttribute('aria-expanded')).toBe('false');

    // Enter on the bell again opens it; a click outside closes it.
    await page.keyboard.press('Enter');
    await panel.waitFor();
    await page.mouse.click(900, 700);
    await panel.waitFor({ state: 'detached' });
    await page.close();
  });

  it('lays Arabic out right to left, the popover mirrored against the bell', async () => {
    const userId = await createUserWith(['One']);
    const english = await openPage({ userId });
    await english.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor({ timeout: 10_000 });
    // Opening marks everything seen, and the badge goes: measure it first.
    const [enBadge] = await boxes(english, ['.badge']);
    await english.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    await english.getByRole('dialog', { name: 'Notifications' }).waitFor();
    const [enBell, enPanel, enTitle] = await boxes(english, ['.bell', '.panel', '.title']);
    await english.close();

    // Another user, whose notification is still unseen, so the badge shows.
    const arabic = await openPage({ userId: await createUserWith(['One']), locale: 'ar' });
    const unread = new Intl.NumberFormat('ar').format(1);
    const bell = arabic.getByRole('button', { name: `الإشعارات، غير المقروءة: ${unread}` });
    await bell.waitFor({ timeout: 10_000 });
    const [arBadgeBefore, arBellBefore] = await boxes(arabic, ['.badge', '.bell']);
    await bell.click();
    await arabic.getByRole('dialog', { name: 'الإشعارات' }).waitFor();
    const [arBell, arPanel, arTitle] = await boxes(arabic, ['.bell', '.panel', '.title']);
    const root = await arabic.evaluate(() => {
      const el = document.querySelector('belfry-inbox')!.shadowRoot!.querySelector('.belfry')!;
      return { dir: el.getAttribute('dir'), lang: el.getAttribute('lang'), direction: getComputedStyle(el).direction };
    });
    expect(root).toEqual({ dir: 'rtl', lang: 'ar', direction: 'rtl' });

    // English: the panel's right edge meets the bell's right edge and it opens towards the left.
    expect(Math.abs(enPanel!.right - enBell!.right)).toBeLessThan(1);
    expect(enPanel!.left).toBeLessThan(enBell!.left);
    // Arabic: the mirror image.
    expect(Math.abs(arPanel!.left - arBell!.left)).toBeLessThan(1);
    expect(arPanel!.right).toBeGreaterThan(arBell!.right);
    // The badge sits on the bell's end corner: right in English, left in Arabic.
    expect(Math.abs(enBadge!.right - enBell!.right)).toBeLessThan(1);
    expect(Math.abs(arBadgeBefore!.left - arBellBefore!.left)).toBeLessThan(1);
    // The title starts at the panel's start edge.
    expect(enTitle!.left - enPanel!.left).toBeLessThan(24);
    expect(arPanel!.right - arTitle!.right).toBeLessThan(24);
    await arabic.close();
  });

  it.each([
    ['start', undefined],
    ['end', 'ar'],
  ] as const)('keeps the popover on screen when the bell hugs the %s edge (locale %s)', async (align, locale) => {
    const userId = await createUserWith(['Edge']);
    const page = await openPage({ userId, align, ...(locale ? { locale } : {}) });
    await page.locator('belfry-inbox').getByRole('button').first().click({ timeout: 10_000 });
    await page.getByRole('dialog').waitFor();
    const [panel] = await boxes(page, ['.panel']);
    expect(panel!.left).toBeGreaterThanOrEqual(8 - 0.5);
    expect(panel!.right).toBeLessThanOrEqual(1000 - 8 + 0.5);
    await page.close();
  });

  it('announces new notifications in a polite live region, throttled', async () => {
    const userId = await createUserWith([]);
    const page = await openPage({ userId });
    await page.getByRole('button', { name: 'Notifications' }).waitFor({ timeout: 10_000 });
    // Only arrivals over the live stream are announced: wait for it to be open.
    await page.waitForFunction(() => document.querySelector('belfry-inbox')!.inbox?.connection.value === 'online', undefined, { timeout: 10_000 });
    const region = page.locator('belfry-inbox').getByRole('status');
    expect(await region.getAttribute('role')).toBe('status');
    expect((await region.textContent())!.trim()).toBe('');

    await e2e.sdk().send({ notification: { title: 'First' }, sendTo: { recipients: [userId] } });
    await page.waitForFunction(
      () => document.querySelector('belfry-inbox')!.shadowRoot!.querySelector('[role=status][part=announcer]')!.textContent!.trim() === '1 new notification',
      undefined,
      { timeout: 5_000 },
    );
    const announcedAt = Date.now();
    for (const title of ['Second', 'Third', 'Fourth']) await e2e.sdk().send({ notification: { title }, sendTo: { recipients: [userId] } });
    await page.getByRole('button', { name: 'Notifications, 4 unread' }).waitFor({ timeout: 5_000 });
    // Inside the interval the three are held back...
    if (Date.now() - announcedAt < 4_000) expect((await region.textContent())!.trim()).toBe('1 new notification');
    // ...and then announced as one summary.
    await page.waitForFunction(
      () => document.querySelector('belfry-inbox')!.shadowRoot!.querySelector('[role=status][part=announcer]')!.textContent!.trim() === '3 new notifications',
      undefined,
      { timeout: 10_000 },
    );
    expect(Date.now() - announcedAt).toBeGreaterThanOrEqual(4_500);
    await page.close();
  });

  it.each([
    ['reduce', '0s'],
    ['no-preference', '0.15s'],
  ] as const)('with prefers-reduced-motion: %s, the bell transitions in %s', async (reducedMotion, duration) => {
    const userId = await createUserWith([]);
    const page = await openPage({ userId });
    await page.emulateMedia({ reducedMotion });
    await page.getByRole('button', { name: 'Notifications' }).waitFor({ timeout: 10_000 });
    const transition = await page.evaluate(() => getComputedStyle(document.querySelector('belfry-inbox')!.shadowRoot!.querySelector('.bell')!).transitionDuration);
    expect(transition).toBe(duration);
    await page.close();
  });
});
