// The `placement` attribute in Chromium: the popover opens below or above the bell, aligned with
// its start or end edge, mirrored right to left; where the chosen side has no room, it opens on
// the other.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_APP, useE2eSession } from './harness.ts';

const e2e = useE2eSession('placement');

type Box = { left: number; right: number; top: number; bottom: number };

/** Opens a page with the bell in the middle of a row, `top` px from the top, and opens the popover. */
async function openPopover(placement: string, { top = 400, locale = 'en' } = {}): Promise<{ page: Page; bell: Box; panel: Box }> {
  const userId = `placement-${randomUUID()}`;
  await e2e.sdk().createOrUpdateUser(userId, {});
  const host = await e2e.startHostPage(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host</title>
<script src="/belfry.iife.js"></script></head>
<body style="margin:0"><div style="display:flex;justify-content:center;padding-top:${top}px">
<belfry-inbox api-key="${TEST_APP.apiKey}" user-id="${userId}" base-url="${e2e.service.url}" placement="${placement}" locale="${locale}"></belfry-inbox>
</div></body></html>`);
  const page = await e2e.browser.newPage();
  await page.setViewportSize({ width: 1000, height: 800 });
  await page.goto(host.url);
  await page.locator('belfry-inbox').getByRole('button').first().click({ timeout: 10_000 });
  await page.getByRole('dialog').waitFor();
  const [bell, panel] = await page.evaluate(() => {
    const shadow = document.querySelector('belfry-inbox')!.shadowRoot!;
    return ['.bell', '.panel'].map((selector) => {
      const { left, right, top, bottom } = shadow.querySelector(selector)!.getBoundingClientRect();
      return { left, right, top, bottom };
    });
  });
  return { page, bell: bell!, panel: panel! };
}

const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1);

describe('placement in Chromium', () => {
  it.each([
    ['bottom-end', 'en', 'below', 'right'],
    ['bottom-start', 'en', 'below', 'left'],
    ['top-end', 'en', 'above', 'right'],
    ['top-start', 'en', 'above', 'left'],
    ['bottom-start', 'ar', 'below', 'right'],
    ['top-end', 'ar', 'above', 'left'],
  ] as const)('opens %s (%s) %s the bell, flush with its %s edge', async (placement, locale, side, edge) => {
    const { page, bell, panel } = await openPopover(placement, { locale });
    if (side === 'below') near(panel.top, bell.bottom + 8);
    else near(panel.bottom, bell.top - 8);
    if (edge === 'right') {
      near(panel.right, bell.right);
      expect(panel.left).toBeLessThan(bell.left);
    } else {
      near(panel.left, bell.left);
      expect(panel.right).toBeGreaterThan(bell.right);
    }
    await page.close();
  });

  it('opens below after all when there is no room above the bell', async () => {
    const { page, bell, panel } = await openPopover('top-start', { top: 20 });
    near(panel.top, bell.bottom + 8);
    near(panel.left, bell.left);
    await page.close();
  });
});
