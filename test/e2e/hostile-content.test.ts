// Hostile content in Chromium against the real service: a user whose attributes, and
// notifications whose title, message, data, icon, url and actions, carry script-injection
// payloads. The API refuses unsafe URLs; rows written straight into the database (as a stored
// url that predates the API's check would be) prove the widget checks again before navigating.
// Every payload sets a tripwire and opens a dialog if it ever runs; the test asserts neither
// happens, that the payloads show literally as text, and that nothing in the widget's shadow root
// can run script or lead to a `javascript:` URL.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../server/src/storage/index.ts';
import { BelfryApiError } from '../../src/node/index.ts';
import { TEST_APP, useE2eSession, type HostPage } from './harness.ts';

const session = useE2eSession('hostile');
const USER = 'hostile-user';

/** What a payload does when it runs: sets the tripwire, then opens a dialog. */
const RUN = 'window.__pwned=true;alert(1)';
const P = {
  img: `<img src=x onerror="${RUN}">`,
  script: `<script>${RUN}</script>`,
  svg: `"><svg onload=${RUN}>`,
  bold: '**bold**',
  mdLink: `[x](javascript:${RUN})`,
  js: `javascript:${RUN}`,
  dataUrl: `data:text/html,<script>${RUN}</script>`,
  nested: '{{recipient.x}} <<data.y>> <<recipient.firstName>>',
  bidi: '\u202Egnp.exe\u202C \u2066evil\u2069 \u200F',
  long: `${'<b>'.repeat(300)}${'L'.repeat(2000)}`,
};

/** The user's attributes: the standard ones, an email-like value the API accepts, custom ones. */
const ATTRIBUTES = {
  firstName: `${P.img} ${P.svg}`,
  lastName: P.script,
  email: `<svg/onload=window.__pwned=true>@example.com`,
  contactEmail: `${P.js}//@example.com`,
  nickname: `${P.bold} ${P.mdLink} ${P.nested}`,
  bio: `${P.bidi} ${P.dataUrl} ${P.long}`,
  x: P.img,
};
const DATA = { x: `${P.script} ${P.mdLink}`, y: P.nested, link: P.js };

/** Unsafe URLs in the spellings browsers still run. */
const UNSAFE_URLS = [P.js, 'JaVaScRiPt:window.__pwned=true', 'java\tscript:window.__pwned=true', ' javascript:window.__pwned=true', P.dataUrl, 'vbscript:msgbox(1)'];

/** The host page: the element with toasts, hostile strings in its attributes, and one element whose configuration is broken with markup. */
const pageHtml = (serviceUrl: string) => {
  const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const translations = JSON.stringify({ title: P.img, empty: P.script, markAllRead: P.svg, bellUnread: `${P.img} {n}`, options: `${P.svg} {n}`, toasts: P.script, dismiss: P.img });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host</title>
<script src="/belfry.iife.js"></script></head>
<body><h1>Host app</h1>
<belfry-inbox id="inbox" api-key="${TEST_APP.apiKey}" user-id="${USER}" base-url="${serviceUrl}" toasts
  translations="${attr(translations)}" locale="${attr(P.svg)}" mode="${attr(P.img)}" theme="${attr(P.script)}"></belfry-inbox>
<belfry-inbox id="broken" api-key="${TEST_APP.apiKey}" user-id="${USER}" base-url="${serviceUrl}" translations="${attr(P.img)}"></belfry-inbox>
</body></html>`;
};

let host: HostPage;
let page: Page;
/** How many tabs the browser has with the host page open. */
let pagesOpen: number;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const consoleMessages: string[] = [];
const navigations: string[] = [];

/** Everything in the widgets' shadow roots (and the page) that could run script or reach a URL. */
interface Audit {
  pwned: unknown;
  onAttributes: string[];
  scripts: number;
  iframes: number;
  images: string[];
  hrefs: string[];
  otherUrls: string[];
  hostScripts: number;
}

const audit = (): Promise<Audit> =>
  page.evaluate(() => {
    const roots = [...document.querySelectorAll('belfry-inbox')].map((el) => el.shadowRoot!);
    const all = roots.flatMap((root) => [...root.querySelectorAll('*')]);
    return {
      pwned: (window as unknown as { __pwned: unknown }).__pwned,
      onAttributes: all.flatMap((el) => [...el.attributes].filter((a) => a.name.toLowerCase().startsWith('on')).map((a) => `${el.localName}[${a.name}]`)),
      scripts: all.filter((el) => el.localName === 'script').length,
      iframes: all.filter((el) => ['iframe', 'object', 'embed', 'frame'].includes(el.localName)).length,
      images: all.filter((el) => el.localName === 'img').map((el) => (el as HTMLImageElement).src),
      hrefs: all.filter((el) => el.hasAttribute('href')).map((el) => el.getAttribute('href')!),
      // Any other attribute carrying a URL (xlink:href, src, action, formaction, srcdoc, data).
      otherUrls: all.flatMap((el) => ['src', 'action', 'formaction', 'srcdoc', 'data', 'xlink:href'].filter((n) => el.localName !== 'img' && el.hasAttribute(n)).map((n) => `${el.localName}[${n}]`)),
      hostScripts: document.querySelectorAll('script').length,
    };
  });

/** Asserts nothing ran and nothing that could run is in the DOM. */
async function expectNothingRan(): Promise<Audit> {
  const found = await audit();
  expect(dialogs).toEqual([]);
  expect(pageErrors).toEqual([]);
  expect(consoleMessages.filter((text) => /pwned|alert/i.test(text))).toEqual([]);
  expect(found.pwned).toBe(false);
  expect(found.onAttributes).toEqual([]);
  expect(found.scripts).toBe(0);
  expect(found.iframes).toBe(0);
  expect(found.otherUrls).toEqual([]);
  expect(found.hostScripts).toBe(1);
  // Images load over http(s) or inline as data:image (an <img> runs nothing, not even an SVG's onload).
  for (const src of found.images) expect(['http:', 'data:']).toContain(new URL(src).protocol);
  for (const src of found.images) if (src.startsWith('data:')) expect(src).toMatch(/^data:image\//);
  for (const href of found.hrefs) expect(isAllowedHref(href), href).toBe(true);
  for (const url of navigations) expect(['http:', 'https:', 'about:']).toContain(new URL(url).protocol);
  return found;
}

/** https:, http:, mailto: or relative, judged as the browser resolves it. */
const isAllowedHref = (href: string) => ['https:', 'http:', 'mailto:'].includes(new URL(href, 'http://host.test/').protocol);

/** The text of the widget's item titled `title` (found by its primary control's text). */
const item = (title: string) => page.locator('#inbox').locator('li.item').filter({ has: page.locator('.primary', { hasText: title }) });

/**
 * The item titled `title`, scrolled into the virtual list's window: the list renders only the
 * items near its viewport, and the long hostile strings make some items very tall.
 */
async function reveal(title: string) {
  const found = item(title);
  for (let top = 0; (await found.count()) === 0; top += 200) {
    if (top > 50_000) throw new Error(`no item titled ${title}`);
    await page.locator('#inbox').locator('ul.list').evaluate((list, y) => list.parentElement!.scrollTo(0, y), top);
    await page.waitForTimeout(20);
  }
  await found.scrollIntoViewIfNeeded();
  return found;
}

/** Writes notifications with unsafe urls, icons and action urls straight into the database, as rows that predate the API's check. */
async function storeUnsafeRows(file: string): Promise<void> {
  const storage = openSqliteStorage(file);
  try {
    const app = await storage.ensureApp({ apiKey: TEST_APP.apiKey, apiSecret: TEST_APP.apiSecret });
    const user = (await storage.findUser(app.id, USER))!;
    for (const [i, url] of UNSAFE_URLS.entries()) {
      await storage.deliver(app.id, [user.id], {
        category: null,
        workflow: null,
        title: `Stored ${i} ${P.img}`,
        message: `[click](${url}) <<data.x>>`,
        url,
        icon: url,
        actions: [
          { id: 'go', label: `Go ${i}`, url },
          { id: 'svg', label: P.svg, url: UNSAFE_URLS[(i + 1) % UNSAFE_URLS.length]! },
        ],
        data: DATA,
      });
    }
  } finally {
    await storage.close();
  }
}

beforeAll(async () => {
  const sdk = session.sdk();
  await sdk.createOrUpdateUser(USER, ATTRIBUTES);
  // The rows go in while the service is stopped, so its caches never miss a write.
  const { port } = session.service;
  await session.service.stop();
  await storeUnsafeRows(`${session.dir}/belfry.db`);
  await session.restartService(port);

  host = await session.startHostPage(pageHtml(session.service.url));
  page = await session.browser.newPage();
  pagesOpen = session.browser.pages().length;
  // Injected by the driver before the page's own scripts: the tripwire every payload would set.
  await page.addInitScript(() => {
    (window as unknown as { __pwned: boolean }).__pwned = false;
  });
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => consoleMessages.push(message.text()));
  page.on('framenavigated', (frame) => navigations.push(frame.url()));
  session.browser.on('page', (opened) => navigations.push(opened.url()));
  await page.goto(host.url);
  await page.waitForFunction(() => (document.querySelector('#inbox') as unknown as { inbox?: { connection: { value: string } } }).inbox?.connection.value === 'online', undefined, { timeout: 10_000 });
});

describe('hostile content', () => {
  it('is refused by the API when a url, icon or action url is unsafe', async () => {
    const sdk = session.sdk();
    const send = (notification: Record<string, unknown>) => sdk.send({ notification: { title: 'Refused', ...notification }, sendTo: { recipients: [USER] } });
    for (const url of UNSAFE_URLS) {
      for (const notification of [{ url }, { icon: url }, { actions: [{ id: 'a', label: 'A', url }] }]) {
        const error = await send(notification).catch((caught: unknown) => caught);
        expect(error, JSON.stringify(notification)).toBeInstanceOf(BelfryApiError);
        expect((error as BelfryApiError).status).toBe(400);
        expect((error as BelfryApiError).code).toBe('invalid_request');
      }
    }
    // Nothing of it reached the inbox.
    const { items } = await sdk.notifications.list(USER, {});
    expect(items.filter((n) => n.title === 'Refused')).toEqual([]);
  });

  it('shows live hostile notifications as text in the toasts and the live region', async () => {
    await session.sdk().send({
      notification: {
        title: `${P.img} ${P.script}`,
        message: 'Hey <<recipient.firstName>> <<recipient.lastName>> <<recipient.email>> <<recipient.contactEmail>> <<recipient.nickname>> <<data.x>> <<data.y>>',
        url: 'https://example.com/ok',
        // Accepted by the API and shown: an <img> runs nothing, not even this SVG's onload.
        icon: `data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="${RUN}"/>`,
        actions: [
          { id: 'img', label: P.img, url: 'https://example.com/act' },
          { id: 'script', label: P.script },
        ],
      },
      data: { ...DATA, [P.img]: P.svg },
      sendTo: { recipients: [USER] },
    });
    await session.sdk().send({
      notification: {
        title: `<<data.x>> ${P.svg}`,
        message: `${P.bold} ${P.mdLink} [safe](https://example.com/safe) <<data.y>> <<recipient.bio>> ${P.bidi}`,
        url: '/relative?x="><svg onload=alert(1)>',
        icon: `${host.url}icon.png`,
      },
      data: DATA,
      sendTo: { recipients: [USER] },
    });
    const toasts = page.locator('#inbox').locator('.toasts');
    await toasts.locator('.toast').nth(1).waitFor({ timeout: 5_000 });
    const toastTexts = await toasts.locator('.toast > .content > strong').allTextContents();
    expect(toastTexts).toEqual([`${P.img} ${P.script}`, `${DATA.x} ${P.svg}`]);
    const toastMessages = await toasts.locator('.toast .message').allTextContents();
    expect(toastMessages[0]).toContain(`Hey ${ATTRIBUTES.firstName} ${ATTRIBUTES.lastName} ${ATTRIBUTES.email} ${ATTRIBUTES.contactEmail} ${ATTRIBUTES.nickname} ${DATA.x} ${DATA.y}`);
    // Markdown in the template source formats, but its javascript: link is only text.
    expect(await toasts.locator('.toast .message strong').allTextContents()).toEqual(['bold']);
    expect(await toasts.locator('a').count()).toBe(0);
    expect(await toasts.getAttribute('aria-label')).toBe(P.script);
    expect(await toasts.locator('button.close').first().getAttribute('aria-label')).toBe(P.img);
    // The live region announces in text.
    const announcer = page.locator('#inbox').locator('[part=announcer]');
    await expect.poll(() => announcer.textContent()).toMatch(/new notification/);
    expect(await announcer.evaluate((el) => el.children.length)).toBe(0);
    await expectNothingRan();
  });

  it('renders every payload in the panel literally, with only allowed links and images', async () => {
    const bell = page.locator('#inbox').locator('button[aria-expanded]').first();
    expect(await bell.getAttribute('aria-label')).toMatch(new RegExp(`^${P.img.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\d+$`));
    await bell.click();
    const panel = page.locator('#inbox').getByRole('dialog');
    expect(await panel.getAttribute('aria-label')).toBe(P.img);
    await item(`${P.img} ${P.script}`).waitFor({ timeout: 5_000 });

    // The API's notifications: text exactly as sent, values never parsed as markup or templates.
    const first = await reveal(`${P.img} ${P.script}`);
    expect(await first.locator('.primary').textContent()).toBe(`${P.img} ${P.script}`);
    expect(await first.locator('.primary').getAttribute('href')).toBe('https://example.com/ok');
    const message = await first.locator('.message').textContent();
    expect(message).toBe(`Hey ${ATTRIBUTES.firstName} ${ATTRIBUTES.lastName} ${ATTRIBUTES.email} ${ATTRIBUTES.contactEmail} ${ATTRIBUTES.nickname} ${DATA.x} ${DATA.y}`);
    expect(await first.locator('.message *').count()).toBe(0);
    expect(await first.locator('img').getAttribute('src')).toMatch(/^data:image\/svg\+xml,<svg /);
    expect(await first.locator('.action').allTextContents()).toEqual([P.img, P.script]);
    expect(await first.locator('.action').first().getAttribute('href')).toBe('https://example.com/act');

    const second = await reveal(P.svg);
    expect(await second.locator('.primary').textContent()).toBe(`${DATA.x} ${P.svg}`);
    expect(await second.locator('.primary').getAttribute('href')).toBe('/relative?x="><svg onload=alert(1)>');
    // The unsafe link's URL holds `alert(1)`: it ends at its own `)`, and only its text stays.
    expect(await second.locator('.message').textContent()).toBe(`bold x safe ${DATA.y} ${ATTRIBUTES.bio} ${P.bidi}`);
    expect(await second.locator('.message a').evaluateAll((links) => links.map((a) => [a.getAttribute('href'), a.textContent]))).toEqual([['https://example.com/safe', 'safe']]);
    expect(await second.locator('img').getAttribute('src')).toBe(`${host.url}icon.png`);

    // Stored rows with unsafe urls: no link, no image, buttons instead of links.
    for (const i of UNSAFE_URLS.keys()) {
      const stored = await reveal(`Stored ${i} `);
      expect(await stored.locator('.primary').evaluate((el) => [el.localName, el.textContent])).toEqual(['button', `Stored ${i} ${P.img}`]);
      expect(await stored.locator('a').count()).toBe(0);
      expect(await stored.locator('img').count()).toBe(0);
      expect(await stored.locator('.action').evaluateAll((els) => els.map((el) => [el.localName, el.textContent]))).toEqual([
        ['button', `Go ${i}`],
        ['button', P.svg],
      ]);
      // The link's text stays (how much of the unsafe url's parentheses it eats is the parser's business); the value is literal.
      expect(await stored.locator('.message').textContent()).toMatch(/^click/);
      expect(await stored.locator('.message').textContent()).toContain(` ${DATA.x}`);
    }
    // Menu labels carry the title through a hostile translation, as an attribute.
    expect(await first.locator('button[aria-haspopup]').getAttribute('aria-label')).toBe(`${P.svg} ${P.img} ${P.script}`);

    const { images, hrefs } = await expectNothingRan();
    expect(images).toHaveLength(2);
    expect(images).toContain(`${host.url}icon.png`);
    expect(hrefs.sort()).toEqual(['/relative?x="><svg onload=alert(1)>', 'https://example.com/act', 'https://example.com/ok', 'https://example.com/safe']);
  });

  it('goes nowhere dangerous when hostile items and actions are clicked', async () => {
    for (const i of UNSAFE_URLS.keys()) {
      const stored = await reveal(`Stored ${i} `);
      await stored.locator('.primary').click();
      await stored.locator('.message').click();
      for (const action of await stored.locator('.action').all()) await action.click();
      expect(page.url()).toBe(host.url);
    }
    // Give anything that was scheduled a moment to run.
    await page.waitForTimeout(300);
    expect(page.url()).toBe(host.url);
    // No popup opened either.
    expect(session.browser.pages()).toHaveLength(pagesOpen);
    await expectNothingRan();
  });

  it('shows a broken configuration carrying markup as text', async () => {
    const problem = await page.locator('#broken').evaluate((el) => ({ text: el.shadowRoot!.textContent, elements: el.shadowRoot!.querySelectorAll('img,script,svg').length }));
    expect(problem.text).toContain('the translations attribute must be a JSON object of strings');
    expect(problem.elements).toBe(0);
  });

  it('renders hostile options set as a property as text', async () => {
    await page.evaluate(
      ([img, script]) => {
        const el = document.querySelector('#inbox') as HTMLElement & { options: Record<string, unknown> };
        el.options = { translations: { title: script, markAllRead: img, empty: img }, locale: img, mode: 'inline', theme: script };
      },
      [P.img, P.script],
    );
    const panel = page.locator('#inbox').getByRole('dialog').or(page.locator('#inbox').getByRole('region', { name: P.script }));
    await expect.poll(() => panel.first().getAttribute('aria-label')).toBe(P.script);
    expect(await page.locator('#inbox').getByText(P.img, { exact: true }).count()).toBeGreaterThan(0);
    await expectNothingRan();
  });
});
