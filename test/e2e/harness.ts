// What the end-to-end tests start: the real service (the `belfry-server` bin, as an operator runs
// it), a host page on another origin, and Debian's Chromium. Every process a test starts, it stops.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const IIFE = join(root, 'dist/belfry.iife.js');

/** Fails with a clear message when what the e2e tests need is not there. */
export function requireE2ePrerequisites(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium (.ci/run does this)`);
  if (!existsSync(IIFE)) throw new Error(`${IIFE} is missing: run \`npm run build\` first (npm test does this)`);
}

/** A fresh scratch folder, removed by the returned function. */
export function createScratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `belfry-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const TEST_APP = { apiKey: 'e2e_public_key', apiSecret: 'e2e_secret_0123456789abcdef' };

export interface RunningService {
  url: string;
  port: number;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `belfry-server serve` on a SQLite file; resolves once it prints its first line. */
export async function startService(options: { database: string; port?: number; env?: Record<string, string> }): Promise<RunningService> {
  const child = spawn(
    process.execPath,
    [join(root, 'server/bin/belfry-server.js'), 'serve', '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--database', options.database],
    {
      cwd: root,
      env: { ...process.env, BELFRY_API_KEY: TEST_APP.apiKey, BELFRY_API_SECRET: TEST_APP.apiSecret, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`belfry-server did not start in 20 s; stderr:\n${stderr}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`belfry-server exited with ${code}; stderr:\n${stderr}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      const match = /^belfry-server listening on (http:\/\/\S+)$/.exec(line);
      if (match) resolve(match[1]!);
      else reject(new Error(`unexpected first line: ${line}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    port: Number(new URL(url).port),
    process: child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface HostPage {
  url: string;
  close(): Promise<void>;
}

/** Serves `html` at `/` and the built widget at `/belfry.iife.js`, on its own origin. */
export async function startHostPage(html: string): Promise<HostPage> {
  const widget = readFileSync(IIFE);
  const server: Server = createServer((req, res) => {
    if (req.url === '/belfry.iife.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(widget);
    } else if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A host page that embeds the inbox with the script tag and the custom element. */
export function inboxPageHtml(options: { serviceUrl: string; userId: string }): string {
  const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host</title>
<script src="/belfry.iife.js"></script></head>
<body><h1>Host app</h1>
<belfry-inbox api-key="${attr(TEST_APP.apiKey)}" user-id="${attr(options.userId)}" base-url="${attr(options.serviceUrl)}"></belfry-inbox>
</body></html>`;
}

/** Launches Debian's Chromium with a profile folder that persists across reloads (IndexedDB). */
export async function launchChromium(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
