// What docs/theming.md promises, in Chromium: `--belfry-*` custom properties set by the host page
// reach into the shadow root, `::part()` rules of the page win over the widget's own styles, the
// parts of a `Belfry.render()` widget are reachable through its `[data-belfry]` host, and
// `theme="dark"` switches the colours.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_APP, useE2eSession } from './harness.ts';

const e2e = useE2eSession('theming');

async function createUserWithOne(): Promise<string> {
  const userId = `theming-${randomUUID()}`;
  await e2e.sdk().createOrUpdateUser(userId, { firstName: 'Ada' });
  await e2e.sdk().send({ notification: { title: 'Styled', message: 'From the page' }, sendTo: { recipients: [userId] } });
  return userId;
}

/** The computed `property` of the element matching `selector` in the shadow root of `host`, once it exists. */
async function styleOf(page: Page, host: string, selector: string, property: string): Promise<string> {
  const handle = await page.waitForFunction(
    ([host, selector, property]) => {
      const node = document.querySelector(host!)?.shadowRoot?.querySelector(selector!);
      return node ? getComputedStyle(node).getPropertyValue(property!) : null;
    },
    [host, selector, property],
    { timeout: 10_000 },
  );
  return (await handle.jsonValue()) as string;
}

describe('theming from the host page', () => {
  it('applies custom properties, ::part() rules and the dark theme', async () => {
    const [light, dark, rendered] = await Promise.all([createUserWithOne(), createUserWithOne(), createUserWithOne()]);
    const attrs = (userId: string) => `api-key="${TEST_APP.apiKey}" user-id="${userId}" base-url="${e2e.service.url}"`;
    const host = await e2e.startHostPage(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host</title>
<script src="/belfry.iife.js"></script>
<style>
belfry-inbox { --belfry-accent: #0a7d55; }
belfry-inbox::part(badge) { background: #123456; }
#render > [data-belfry]::part(bell) { color: #c80000; }
</style></head>
<body>
<belfry-inbox id="light" theme="light" mode="inline" ${attrs(light)}></belfry-inbox>
<belfry-inbox id="dark" theme="dark" ${attrs(dark)}></belfry-inbox>
<div id="render"></div>
<script>Belfry.render('#render', ${JSON.stringify({ apiKey: TEST_APP.apiKey, userId: rendered, baseUrl: e2e.service.url })});</script>
</body></html>`);
    const page = await e2e.browser.newPage();
    try {
      await page.goto(host.url);
      // A custom property set on the element replaces the theme's accent (the unread dot is drawn in it).
      expect(await styleOf(page, '#light', '[part~="unread-marker"]', 'background-color')).toBe('rgb(10, 125, 85)');
      expect(await styleOf(page, '#light', '[part~="panel"]', 'background-color')).toBe('rgb(255, 255, 255)');
      // The page's ::part rule wins over the widget's red badge, without !important.
      expect(await styleOf(page, '#dark', '[part~="badge"]', 'background-color')).toBe('rgb(18, 52, 86)');
      await page.locator('#dark').getByRole('button', { name: /^Notifications/ }).click();
      expect(await styleOf(page, '#dark', '[part~="panel"]', 'background-color')).toBe('rgb(29, 31, 36)');
      // Belfry.render's widget lives in the shadow root of a [data-belfry] host inside the target.
      expect(await styleOf(page, '#render > [data-belfry]', '[part~="bell"]', 'color')).toBe('rgb(200, 0, 0)');
    } finally {
      await page.close();
    }
  });
});
