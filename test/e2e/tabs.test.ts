// One connection per browser, in Chromium: the tabs of one user share one event stream held by an
// elected leader; when the leader's tab closes another takes over within 2 s and keeps the inbox
// live; what one tab does shows in the others. Without Web Locks each tab keeps its own stream.
import type { Page, Request } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { HIDDEN_RELEASE_MS } from '../../src/core/tabs.ts';
import {
  TEST_APP,
  inboxPageHtml,
  streamsOpen,
  useE2eSession,
} from './harness.ts';

const e2e = useE2eSession('tabs');
const pages: Page[] = [];

const bell = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** A tab of the host page, with the event streams it has open (by the requests Chromium reports). */
interface Tab {
  page: Page;
  streams: Set<Request>;
}

async function openTab(url: string, options: { withoutLocks?: boolean; switchable?: boolean } = {}): Promise<Tab> {
  const page = await e2e.browser.newPage();
  pages.push(page);
  // Chromium without the Web Locks API, as in browsers that lack it.
  if (options.withoutLocks) await page.addInitScript(() => delete (Navigator.prototype as { locks?: unknown }).locks);
  // Headless tabs are all visible; this lets the test switch a tab out of view and back, as a person does.
  if (options.switchable) {
    await page.addInitScript(() => {
      let hidden = false;
      Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
      Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
      (window as unknown as { setHidden: (value: boolean) => void }).setHidden = (value) => {
        hidden = value;
        document.dispatchEvent(new Event('visibilitychange'));
      };
    });
  }
  const streams = new Set<Request>();
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/v1/me/events') streams.add(request);
  });
  const ended = (request: Request) => streams.delete(request);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  await page.goto(url);
  await page.getByRole('button', { name: /^Notifications/ }).waitFor({ timeout: 10_000 });
  return { page, streams };
}

/** Serves the host page of `userId`; `cache: false` renders with Belfry.render and no saved inbox. */
async function openHost(userId: string, options: { cache?: false } = {}): Promise<string> {
  const inboxOptions = JSON.stringify({ apiKey: TEST_APP.apiKey, userId, baseUrl: e2e.service.url, cache: false });
  const host = await e2e.startHostPage(
    options.cache === false
      ? `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><script src="/belfry.iife.js"></script></head>
<body><div id="bell"></div><script>Belfry.render('#bell', ${inboxOptions})</script></body></html>`
      : inboxPageHtml({ serviceUrl: e2e.service.url, userId }),
  );
  return host.url;
}

/** Polls `probe` until it answers true; fails with `what` after `timeout` ms. */
async function waitUntil(what: string, probe: () => boolean | Promise<boolean>, timeout = 5_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function notify(userId: string, title: string): Promise<void> {
  const answer = await e2e.sdk().send({ notification: { title, message: 'Body' }, sendTo: { recipients: [userId] } });
  expect(answer.delivered).toEqual([userId]);
}

const setHidden = (tab: Tab, hidden: boolean) =>
  tab.page.evaluate((value) => (window as unknown as { setHidden: (value: boolean) => void }).setHidden(value), hidden);

/** Reads `title` in `tab` the way a person does: opens the panel and clicks the notification. */
async function read(tab: Tab, title: string): Promise<void> {
  await tab.page.getByRole('button', { name: /^Notifications, \d+ unread$/ }).click();
  await tab.page.getByRole('dialog', { name: 'Notifications' }).getByRole('button', { name: title, exact: true }).click();
}

afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.close()));
  // Every test starts from a service that holds no stream of ours.
  await waitUntil('the closed tabs\u2019 streams are gone', async () => (await streamsOpen(e2e.service)) === 0);
});

describe('tabs of one user', () => {
  it('hold one event stream, hand it over within 2 s when the leader closes, and share reads', async () => {
    await e2e.sdk().createOrUpdateUser('tabs-ada', { firstName: 'Ada' });
    const url = await openHost('tabs-ada');
    const tabs = [await openTab(url), await openTab(url), await openTab(url)];

    await waitUntil('one tab holds a stream', () => tabs.filter((tab) => tab.streams.size > 0).length === 1);
    expect(await streamsOpen(e2e.service)).toBe(1);
    // Still one a while later: the followers do not open streams of their own.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await streamsOpen(e2e.service)).toBe(1);
    expect(tabs.map((tab) => tab.streams.size).sort()).toEqual([0, 0, 1]);

    await notify('tabs-ada', 'First');
    for (const tab of tabs) await bell(tab.page, 'Notifications, 1 unread').waitFor({ timeout: 2_000 });

    // Close the leader's tab: another tab takes the stream over within 2 s.
    const leader = tabs.find((tab) => tab.streams.size > 0)!;
    const rest = tabs.filter((tab) => tab !== leader);
    const closedAt = Date.now();
    await leader.page.close();
    await waitUntil('another tab holds the stream', () => rest.some((tab) => tab.streams.size > 0), 2_000);
    expect(Date.now() - closedAt).toBeLessThan(2_000);
    await waitUntil('the service holds one stream', async () => (await streamsOpen(e2e.service)) === 1, 2_000);
    expect(rest.map((tab) => tab.streams.size).sort()).toEqual([0, 1]);

    // The new leader keeps getting new notifications, and relays them.
    await notify('tabs-ada', 'Second');
    for (const tab of rest) await bell(tab.page, 'Notifications, 2 unread').waitFor({ timeout: 2_000 });

    // A read in a follower shows in the leader; a read in the leader shows in the follower.
    const newLeader = rest.find((tab) => tab.streams.size > 0)!;
    const follower = rest.find((tab) => tab !== newLeader)!;
    await read(follower, 'Second');
    await bell(newLeader.page, 'Notifications, 1 unread').waitFor({ timeout: 2_000 });
    await read(newLeader, 'First');
    await bell(follower.page, 'Notifications').waitFor({ timeout: 2_000 });
    expect(await streamsOpen(e2e.service)).toBe(1);
  });

  it('brings a newly opened tab up to date from the leader, without a saved inbox or a stream', async () => {
    await e2e.sdk().createOrUpdateUser('tabs-grace', { firstName: 'Grace' });
    const url = await openHost('tabs-grace', { cache: false });
    const first = await openTab(url);
    await waitUntil('the first tab holds a stream', () => first.streams.size > 0);
    await notify('tabs-grace', 'Before the second tab');
    await bell(first.page, 'Notifications, 1 unread').waitFor({ timeout: 2_000 });

    const second = await openTab(url);
    await bell(second.page, 'Notifications, 1 unread').waitFor({ timeout: 2_000 });
    await second.page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    await second.page.getByRole('dialog', { name: 'Notifications' }).getByText('Before the second tab', { exact: true }).waitFor();
    expect(second.streams.size).toBe(0);
    expect(await streamsOpen(e2e.service)).toBe(1);
  });

  it('hands the stream from a hidden leader to a visible tab, and holds none while every tab is hidden', async () => {
    await e2e.sdk().createOrUpdateUser('tabs-kay', { firstName: 'Kay' });
    const url = await openHost('tabs-kay');
    const tabs = [await openTab(url, { switchable: true }), await openTab(url, { switchable: true })];
    await waitUntil('one tab holds a stream', () => tabs.filter((tab) => tab.streams.size > 0).length === 1);
    const leader = tabs.find((tab) => tab.streams.size > 0)!;
    const other = tabs.find((tab) => tab !== leader)!;

    // The user switches to the other tab: after the grace period the visible tab holds the stream.
    await setHidden(leader, true);
    await waitUntil('the visible tab holds the stream', () => other.streams.size === 1 && leader.streams.size === 0, HIDDEN_RELEASE_MS + 2_000);
    await waitUntil('the service holds one stream', async () => (await streamsOpen(e2e.service)) === 1, 2_000);

    // The user leaves the app: no tab holds a stream; what arrives meanwhile shows on return.
    await setHidden(other, true);
    await waitUntil('no tab holds a stream', () => other.streams.size === 0, HIDDEN_RELEASE_MS + 2_000);
    await waitUntil('the service holds no stream', async () => (await streamsOpen(e2e.service)) === 0, 2_000);
    await notify('tabs-kay', 'While away');
    await setHidden(leader, false);
    for (const tab of tabs) await bell(tab.page, 'Notifications, 1 unread').waitFor({ timeout: 2_000 });
    expect(leader.streams.size).toBe(1);
    expect(await streamsOpen(e2e.service)).toBe(1);
  });

  it('keeps one stream per tab where the Web Locks API is missing, and each stays live', async () => {
    await e2e.sdk().createOrUpdateUser('tabs-lin', { firstName: 'Lin' });
    const url = await openHost('tabs-lin');
    const tabs = [await openTab(url, { withoutLocks: true }), await openTab(url, { withoutLocks: true }), await openTab(url, { withoutLocks: true })];
    expect(await tabs[0]!.page.evaluate(() => 'locks' in navigator)).toBe(false);

    await waitUntil('every tab holds a stream', () => tabs.every((tab) => tab.streams.size === 1));
    await waitUntil('the service holds three streams', async () => (await streamsOpen(e2e.service)) === 3);

    await notify('tabs-lin', 'To every tab');
    for (const tab of tabs) await bell(tab.page, 'Notifications, 1 unread').waitFor({ timeout: 2_000 });
    await read(tabs[0]!, 'To every tab');
    for (const tab of tabs.slice(1)) await bell(tab.page, 'Notifications').waitFor({ timeout: 2_000 });
  });
});
