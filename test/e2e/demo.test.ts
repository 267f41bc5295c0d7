// `npm run demo` as a newcomer uses it: start it, open the printed URL, press Send, and watch the
// notification arrive live in the bell, personalised with the first name from the form; switch the
// widget's theme, language, mode and features live; and switch to the secure-mode app, whose
// widget shows the user's notifications with a token the demo's backend signs.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { jwtVerify } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, OPEN_APP, SECURE_APP, TOKEN_LIFETIME_SECONDS } from '../../demo/apps.mjs';
import { createScratchDir, launchChromium, requireE2ePrerequisites, root } from './harness.ts';

let scratch: ReturnType<typeof createScratchDir>;
let demo: ChildProcess;
let demoUrl: string;
let secureServiceUrl: string;
let browser: BrowserContext;
/** Every Content-Security-Policy violation a demo page reported. */
const violations: string[] = [];
/** Every request the demo pages made, with its Authorization header. */
const requests: { url: string; authorization: string | undefined }[] = [];
/** The bodies of the token endpoint's answers the pages received. */
const tokenAnswers: string[] = [];

const SECRETS = [OPEN_APP.apiSecret, SECURE_APP.apiSecret, SECURE_APP.signingSecret];

beforeAll(async () => {
  requireE2ePrerequisites();
  scratch = createScratchDir('demo');
  demo = spawn(process.execPath, [join(root, 'demo/start.mjs')], {
    cwd: root,
    env: { ...process.env, DEMO_SKIP_BUILD: '1', BELFRY_PORT: '0', DEMO_DATA_DIR: scratch.dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  demo.stderr!.on('data', (chunk) => (stderr += chunk));
  [demoUrl, secureServiceUrl] = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo printed no URL in 30 s; stderr:\n${stderr}`)), 30_000);
    demo.once('exit', (code) => reject(new Error(`the demo exited with ${code}; stderr:\n${stderr}`)));
    let secure = '';
    createInterface({ input: demo.stdout! }).on('line', (line) => {
      secure = /^Belfry service in secure mode: (http:\/\/\S+)$/.exec(line)?.[1] ?? secure;
      const match = /^Belfry demo: (http:\/\/\S+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve([match[1]!, secure]);
      }
    });
  });
  browser = await launchChromium(join(scratch.dir, 'profile'));
});

afterAll(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo.once('exit', resolve));
    demo.kill('SIGTERM');
    await exited;
  }
  scratch?.remove();
});

/** Demo pages still open: a failed test leaves its page to the cleanup after it. */
const openPages = new Set<Page>();

afterEach(async () => {
  for (const page of openPages) await page.close();
  openPages.clear();
});

/** Opens the demo page, recording its CSP violations, requests and token answers. */
async function openDemo(): Promise<Page> {
  const page = await browser.newPage();
  openPages.add(page);
  page.on('close', () => openPages.delete(page));
  // Injected by the driver, so it runs before the page's scripts and is not subject to its CSP.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`), true);
  });
  page.on('console', (message) => {
    if (/Content Security Policy|CSP violation/i.test(message.text())) violations.push(message.text());
  });
  page.on('request', (request) => requests.push({ url: request.url(), authorization: request.headers()['authorization'] }));
  page.on('response', (response) => {
    // A body can be gone once its page has closed; such an answer was read by no one.
    if (new URL(response.url()).pathname === '/api/token') response.text().then((text) => tokenAnswers.push(text), () => undefined);
  });
  await page.goto(demoUrl);
  // ada may have unread notifications from an earlier test: the name then says how many.
  await page.getByRole('button', { name: /^Notifications/ }).waitFor({ timeout: 10_000 });
  return page;
}

/** Types `userId` into the form and commits it, which signs in as them and mounts a new widget. */
async function signInAs(page: Page, userId: string): Promise<void> {
  const field = page.getByLabel('User identifier');
  await field.fill(userId);
  // Leaving the field commits it, as a person would; a synthetic change event alone would leave
  // the field dirty, and its real change on the next click elsewhere would mount yet another widget.
  await field.press('Tab');
  await page.locator('#who').getByText(`Signed in as ${userId}`).waitFor();
}

const widget = (page: Page) => page.locator('belfry-inbox .belfry');
// What the element passes on beyond its attributes, and whether it still shows the same inbox.
const elementState = (page: Page) =>
  page.evaluate(() => {
    const element = document.querySelector('belfry-inbox')!;
    const { feedTabs, preferences, categories } = element.options as Record<string, unknown>;
    return { feedTabs, preferences, categories, sameInbox: element.inbox === (window as unknown as { firstInbox: unknown }).firstInbox };
  });

describe('npm run demo', () => {
  it('serves a host page whose send panel delivers a live, personalised notification', async () => {
    const page = await openDemo();
    await page.getByLabel('First name').fill('Grace');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Sent: delivered to ada').waitFor({ timeout: 5_000 });

    const bell = page.getByRole('button', { name: 'Notifications, 1 unread', exact: true });
    await bell.waitFor({ timeout: 2_000 });
    await bell.click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.getByText('Hey Grace', { exact: true }).waitFor();
    expect(await panel.locator('strong', { hasText: '#42' }).count()).toBe(1);
  });

  it('switches the theme, the language and the mode of the running widget', async () => {
    const page = await openDemo();
    await page.evaluate(() => ((window as unknown as { firstInbox: unknown }).firstInbox = document.querySelector('belfry-inbox')!.inbox));

    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(() => widget(page).getAttribute('data-theme')).toBe('dark');
    await page.getByLabel('Language').selectOption('ar');
    await expect.poll(() => widget(page).getAttribute('dir')).toBe('rtl');
    expect(await widget(page).getAttribute('lang')).toBe('ar');
    // ada has a notification from the first test, so the names end with the unread count.
    await page.getByRole('button', { name: /^الإشعارات/ }).waitFor();
    await page.getByLabel('Language').selectOption('ja');
    await page.getByRole('button', { name: /^通知/ }).waitFor();
    expect(await widget(page).getAttribute('dir')).toBe('ltr');
    // Presentation changes reach the same inbox: nothing was reloaded.
    expect((await elementState(page)).sameInbox).toBe(true);

    await page.getByLabel(/^Mode/).selectOption('inline');
    const inline = page.locator('#inline').getByRole('region', { name: '通知' });
    await inline.waitFor();
    expect(await page.locator('#bell belfry-inbox').count()).toBe(0);
    await page.getByLabel(/^Mode/).selectOption('popover');
    await page.locator('#bell').getByRole('button', { name: /^通知/ }).waitFor();
    expect(await page.locator('#inline').isHidden()).toBe(true);
  });

  it('turns toasts and the unseen count in the page title on and off', async () => {
    const page = await openDemo();
    await signInAs(page, 'lin');
    await page.getByLabel('Toasts for new notifications').check();
    await page.getByLabel('Unseen count in the page title').check();
    await page.getByLabel('First name').fill('Lin');
    await page.getByRole('button', { name: 'Send' }).click();

    await page.locator('belfry-inbox [part="toast"]').getByText('Hey Lin', { exact: true }).waitFor({ timeout: 5_000 });
    await expect.poll(() => page.title()).toBe('(1) Belfry demo — Acme Orders');
    await page.getByLabel('Unseen count in the page title').uncheck();
    await expect.poll(() => page.title()).toBe('Belfry demo — Acme Orders');
  });

  it('shows the tabs with their categories and the preferences button, switches them off, and sends in a category', async () => {
    const page = await openDemo();
    await signInAs(page, 'kai');
    expect(await elementState(page)).toMatchObject({ feedTabs: true, preferences: true, categories: CATEGORIES });
    await page.getByRole('button', { name: 'Notifications', exact: true }).click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.waitFor();
    await expect
      .poll(() => panel.locator('[role=tab]').allTextContents())
      .toEqual(['All', 'Unread', 'Archived', ...CATEGORIES.map(({ label }) => label)]);
    expect(await panel.locator('button[aria-label=Preferences]').count()).toBe(1);
    await page.keyboard.press('Escape');

    await page.getByLabel('Tabs with the categories').uncheck();
    await page.getByLabel('Preferences button').uncheck();
    await expect.poll(async () => (await elementState(page)).feedTabs).toBe(false);
    expect((await elementState(page)).preferences).toBe(false);
    await page.getByRole('button', { name: 'Notifications', exact: true }).click();
    await panel.waitFor();
    expect(await panel.locator('[role=tab]').count()).toBe(0);
    expect(await panel.locator('button[aria-label=Preferences]').count()).toBe(0);
    await page.keyboard.press('Escape');

    await page.getByLabel('Category').selectOption({ label: 'Orders' });
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Sent: delivered to kai').waitFor({ timeout: 5_000 });
    await expect
      .poll(() => page.evaluate(() => document.querySelector('belfry-inbox')!.inbox!.notifications.value.map((n) => n.category)))
      .toEqual(['orders']);
  });
});

describe('the demo in secure mode', () => {
  it('loads the user’s notifications with a token signed by the page’s backend', async () => {
    const page = await openDemo();
    await signInAs(page, 'grace');
    await page.getByLabel('Secure mode').selectOption('token');
    await page.locator('#who').getByText('Signed in as grace · secure mode').waitFor();
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();

    await page.getByLabel('First name').fill('Grace');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Sent: delivered to grace').waitFor({ timeout: 5_000 });
    const bell = page.getByRole('button', { name: 'Notifications, 1 unread', exact: true });
    await bell.waitFor({ timeout: 5_000 });
    await bell.click();
    await page.getByRole('dialog', { name: 'Notifications' }).getByText('Hey Grace', { exact: true }).waitFor();

    // Every request to the secure service carried a token for grace in its header, and only there.
    const toService = requests.filter((request) => request.url.startsWith(secureServiceUrl));
    expect(toService.length).toBeGreaterThan(0);
    for (const request of toService) {
      const token = /^Bearer (\S+)$/.exec(request.authorization ?? '')?.[1];
      expect(token, request.url).toBeDefined();
      const { payload } = await jwtVerify(token!, new TextEncoder().encode(SECURE_APP.signingSecret));
      expect(payload.sub).toBe('grace');
    }
    const tokens = tokenAnswers.map((answer) => (JSON.parse(answer) as { token: string }).token);
    expect(tokens.length).toBeGreaterThan(0);
    for (const { url } of requests) for (const token of tokens) expect(url).not.toContain(token);
    for (const answer of tokenAnswers) for (const secret of SECRETS) expect(answer).not.toContain(secret);
  });

  it('shows the user_token_required state when the widget has no token', async () => {
    const page = await openDemo();
    await page.getByLabel('Secure mode').selectOption('no-token');
    await page.locator('#who').getByText('secure mode', { exact: false }).waitFor();
    await expect
      .poll(() => page.evaluate(() => document.querySelector('belfry-inbox')?.inbox?.error.value?.code))
      .toBe('user_token_required');
    await page.getByRole('button', { name: 'Notifications', exact: true }).click();
    await page.getByRole('dialog', { name: 'Notifications' }).getByRole('alert').getByText('secure mode', { exact: false }).waitFor();
  });

  it('raised no Content-Security-Policy violation on any demo page', () => {
    expect(violations).toEqual([]);
  });
});

describe('the demo backend’s token endpoint', () => {
  const post = (path: string, body?: unknown, cookie?: string) =>
    fetch(new URL(path, demoUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('signs a short-lived token for the signed-in user that the secure service accepts', async () => {
    const signIn = await post('/api/session', { userId: 'ada' });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    const response = await post('/api/token', undefined, cookie.split(';')[0]);
    const text = await response.text();
    expect(response.status).toBe(200);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const answer = JSON.parse(text) as { token: string; expiresIn: number };
    expect(Object.keys(answer).sort()).toEqual(['expiresIn', 'token']);
    const { payload } = await jwtVerify(answer.token, new TextEncoder().encode(SECURE_APP.signingSecret), { audience: SECURE_APP.apiKey });
    expect(payload.sub).toBe('ada');
    expect(payload.exp! - payload.iat!).toBe(TOKEN_LIFETIME_SECONDS);

    const connect = (headers: Record<string, string>) => fetch(`${secureServiceUrl}/v1/me/connect`, { method: 'POST', headers: { 'x-api-key': SECURE_APP.apiKey, ...headers } });
    const accepted = await connect({ authorization: `Bearer ${answer.token}` });
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as { user: { identifier: string } }).user.identifier).toBe('ada');
    const refused = await connect({ 'x-user-id': 'ada' });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('user_token_required');
  });

  it('refuses without a session, answers no GET, and never shows a secret in the page’s config', async () => {
    const anonymous = await post('/api/token');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: { code: 'not_signed_in', message: expect.any(String) } });
    expect((await fetch(new URL('/api/token', demoUrl))).status).toBe(404);
    const config = await (await fetch(new URL('/api/config', demoUrl))).text();
    for (const secret of SECRETS) expect(config).not.toContain(secret);
  });

  it('answers bad input with a 4xx error body', async () => {
    const cases: [string, unknown, number][] = [
      ['/api/session', { userId: '' }, 400],
      ['/api/session', { userId: 42 }, 400],
      ['/api/send', { userId: 'ada', category: 'nope' }, 400],
      ['/api/send', { userId: 'ada', app: 'other' }, 400],
      ['/api/send', [1], 400],
    ];
    for (const [path, body, status] of cases) {
      const response = await post(path, body);
      expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toEqual(expect.any(String));
    }
  });
});
