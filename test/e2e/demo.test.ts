// `npm run demo` as a newcomer uses it: start it, open the printed URL, press Send, and watch the
// notification arrive live in the bell, personalised with the first name from the form.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDir, launchChromium, requireE2ePrerequisites, root } from './harness.ts';

let scratch: ReturnType<typeof createScratchDir>;
let demo: ChildProcess;
let demoUrl: string;
let browser: BrowserContext;

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
  demoUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo printed no URL in 30 s; stderr:\n${stderr}`)), 30_000);
    demo.once('exit', (code) => reject(new Error(`the demo exited with ${code}; stderr:\n${stderr}`)));
    createInterface({ input: demo.stdout! }).on('line', (line) => {
      const match = /^Belfry demo: (http:\/\/\S+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
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

describe('npm run demo', () => {
  it('serves a host page whose send panel delivers a live, personalised notification', async () => {
    const page = await browser.newPage();
    await page.goto(demoUrl);
    await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor({ timeout: 10_000 });

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
});
