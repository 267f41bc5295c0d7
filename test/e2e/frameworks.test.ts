// The example apps in demo/frameworks as their developers run them: each installs its own
// dependencies, builds with its own toolchain (Vite for React and Vue, the Angular CLI), and is
// served as static files. In Chromium, against the real service, the bell shows a notification
// triggered through the service live, and a click on it reaches the app's own handler.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/node/index.ts';
import { TEST_APP, createScratchDir, launchChromium, requireE2ePrerequisites, root, startService, streamsOpen, type RunningService } from './harness.ts';

/** The apps, with where their builds put the page. */
const APPS = [
  { name: 'react', title: 'Belfry in React', output: 'dist' },
  { name: 'vue', title: 'Belfry in Vue', output: 'dist' },
  { name: 'angular', title: 'Belfry in Angular', output: 'dist/browser' },
] as const;

// An install from the registry can take minutes on a busy machine; builds take seconds to a minute.
/** The app's own status line; the widget has a status region of its own (its live announcer). */
const appStatus = (page: import('playwright-core').Page) => page.getByRole('status').filter({ hasText: /clicked/i });

const INSTALL_TIMEOUT_MS = 600_000;
const BUILD_TIMEOUT_MS = 300_000;

let scratch: ReturnType<typeof createScratchDir>;
let service: RunningService;
let browser: BrowserContext;

/** Runs a command to its end; rejects with its output when it fails or overruns. */
function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NG_CLI_ANALYTICS: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) done();
      else fail(new Error(`\`${command} ${args.join(' ')}\` in ${cwd} ${signal ? `was stopped (${signal})` : `exited with ${code}`}:\n${output.slice(-4000)}`));
    });
  });
}

// npm writes node_modules/.package-lock.json on every install; older than the lockfile means the
// lockfile changed since (a pull), so the install is stale.
function isInstalled(dir: string): boolean {
  const installed = join(dir, 'node_modules/.package-lock.json');
  return existsSync(installed) && statSync(installed).mtimeMs >= statSync(join(dir, 'package-lock.json')).mtimeMs;
}

/** Installs the app's dependencies unless they are current; fails saying how to install them. */
async function install(dir: string): Promise<void> {
  if (isInstalled(dir)) return;
  try {
    await run('npm', ['ci', '--no-audit', '--no-fund'], dir, INSTALL_TIMEOUT_MS);
  } catch (error) {
    throw new Error(
      `${dir} has no current install and \`npm ci\` there failed. Install it with \`npm ci --prefix ${dir}\` (.ci/run does this).\n${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** Serves a built app's folder as any static host would; `/` is its index.html. */
async function serveStatic(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const base = resolve(dir);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolve(base, `.${path === '/' ? '/index.html' : path}`);
    if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((later) => setTimeout(later, 100));
  }
}

beforeAll(async () => {
  requireE2ePrerequisites();
  if (!existsSync(join(root, 'dist/element.js'))) throw new Error('dist/element.js is missing: run `npm run build` first (npm test does this)');
  scratch = createScratchDir('frameworks');
  service = await startService({ database: `sqlite:${join(scratch.dir, 'belfry.db')}` });
  browser = await launchChromium(join(scratch.dir, 'profile'));
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  scratch?.remove();
});

describe('example apps', () => {
  it.each(APPS)(
    '$name: built with its toolchain, shows a live notification in the bell and handles its click in app code',
    async (app) => {
      const dir = join(root, 'demo/frameworks', app.name);
      await install(dir);
      await run('npm', ['run', 'build'], dir, BUILD_TIMEOUT_MS);
      const site = await serveStatic(join(dir, app.output));
      const userId = `${app.name}-user`;
      const page = await browser.newPage();
      try {
        const query = new URLSearchParams({ baseUrl: service.url, apiKey: TEST_APP.apiKey, userId });
        await page.goto(`${site.url}?${query}`);
        await page.getByRole('heading', { name: app.title }).waitFor({ timeout: 10_000 });
        await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor({ timeout: 10_000 });
        // The app set the element's `options` property (not an attribute) the framework's way.
        expect(await page.locator('belfry-inbox .belfry').getAttribute('data-theme')).toBe('light');
        await expect.poll(() => appStatus(page).textContent({ timeout: 5_000 }), { timeout: 5_000 }).toBe('Nothing clicked yet');
        // Live means over the event stream: wait until the page holds it, then trigger.
        await waitFor(async () => (await streamsOpen(service)) === 1, `the ${app.name} app's event stream`);

        const title = `Deploy finished (${app.name})`;
        const sdk = createClient({ ...TEST_APP, baseUrl: service.url });
        const answer = await sdk.send({ notification: { title, url: 'https://example.com/deploys/1' }, sendTo: { recipients: [userId] } });
        expect(answer.delivered).toEqual([userId]);

        const bell = page.getByRole('button', { name: 'Notifications, 1 unread', exact: true });
        await bell.waitFor({ timeout: 5_000 });
        await page.getByText('Received live: 1').waitFor({ timeout: 2_000 });
        await bell.click();
        const panel = page.getByRole('dialog', { name: 'Notifications' });
        const pageUrl = page.url();
        await panel.getByRole('link', { name: title }).click();
        // The app's handler ran, and its preventDefault() kept the widget from leaving the app.
        await expect.poll(() => appStatus(page).textContent({ timeout: 5_000 }), { timeout: 5_000 }).toBe(`Clicked: ${title}`);
        expect(page.url()).toBe(pageUrl);
        await bell.waitFor({ state: 'detached' });
        await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
      } finally {
        await page.close();
        await site.close();
      }
      // The page closed its stream; the next app starts from none.
      await waitFor(async () => (await streamsOpen(service)) === 0, 'the closed page to drop its stream');
    },
    INSTALL_TIMEOUT_MS + BUILD_TIMEOUT_MS + 60_000,
  );
});
