// What the end-to-end tests start: the real service (the `belfry-server` bin, as an operator runs
// it), a host page on another origin, and Debian's Chromium. Every process a test starts, it stops.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, get, type Agent, type ClientRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { createClient, type BelfryClient } from '../../src/node/index.ts';
import { closeAdmin, createSchemaName, dropSchema, requirePostgres, TEST_DATABASE_URL } from '../../server/test/storage/postgres-fixtures.ts';

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
  /** Resolves when the process has exited, with how it exited. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process wrote to stderr so far (its JSON log lines). */
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Options of `startService`. */
export interface ServiceOptions {
  /** A `--database` URL: `sqlite:<file>`, or a PostgreSQL URL from `createPostgresDatabase`. */
  database: string;
  port?: number;
  env?: Record<string, string>;
  /** More `serve` flags, e.g. `['--redis', TEST_REDIS_URL]`. */
  args?: string[];
  /** Flags for node itself, before the bin, e.g. `['--cpu-prof']` (which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

/** Starts `belfry-server serve` on a database; resolves once it prints its first line. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      join(root, 'server/bin/belfry-server.js'),
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port ?? 0),
      '--database',
      options.database,
      ...(options.args ?? []),
    ],
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
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    url,
    port: Number(new URL(url).port),
    process: child,
    exit,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exit;
    },
  };
}

/** The Redis the multi-instance tests use: `BELFRY_TEST_REDIS_URL`, or the local server. */
export const TEST_REDIS_URL = process.env['BELFRY_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Resolves when Redis answers PING; otherwise rejects with a message saying how to start it. */
export async function requireRedis(): Promise<void> {
  const { hostname, port } = new URL(TEST_REDIS_URL);
  // A bare RESP exchange: the test needs to know Redis is there, not a client library.
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port || 6379), hostname || '127.0.0.1');
    let received = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer in 5 s')));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.includes('\r\n')) {
        socket.end();
        resolve(received.trim());
      }
    });
    socket.once('error', reject);
  }).catch((error: unknown) => `error: ${error instanceof Error ? error.message : String(error)}`);
  if (answer !== '+PONG') {
    throw new Error(
      `Redis is not usable at ${TEST_REDIS_URL} (${answer}). The multi-instance tests need it: start it with ` +
        '`redis-server --daemonize yes` (.ci/run does this), or set BELFRY_TEST_REDIS_URL to a server you can use.',
    );
  }
}

/** A schema of its own in the test PostgreSQL database, for the services of one test file. */
export interface PostgresDatabase {
  /** The `--database` URL naming the schema (created and migrated by the first service). */
  url: string;
  schema: string;
  /** Drops the schema with everything in it; call in `afterAll`, after the services stopped. */
  drop(): Promise<void>;
}

/** Names a fresh schema, failing with how to start PostgreSQL when it is not running. */
export async function createPostgresDatabase(): Promise<PostgresDatabase> {
  await requirePostgres();
  const schema = createSchemaName();
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    schema,
    async drop() {
      await dropSchema(schema);
      await closeAdmin();
    },
  };
}

/**
 * Reads `read()` every 50 ms until `check` accepts it or 10 s pass, and answers the last reading,
 * so a test asserts on what the page showed last rather than on a bare timeout.
 */
export async function readUntil<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let last = await read();
  for (const deadline = Date.now() + 10_000; !check(last) && Date.now() < deadline; last = await read()) await new Promise((r) => setTimeout(r, 50));
  return last;
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
export function inboxPageHtml(options: { serviceUrl: string; userId: string; attributes?: Record<string, string> }): string {
  const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const extra = Object.entries(options.attributes ?? {}).map(([name, value]) => ` ${name}="${attr(value)}"`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Host</title>
<script src="/belfry.iife.js"></script></head>
<body><h1>Host app</h1>
<belfry-inbox api-key="${attr(TEST_APP.apiKey)}" user-id="${attr(options.userId)}" base-url="${attr(options.serviceUrl)}"${extra}></belfry-inbox>
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

/** One event stream held over node:http, as a widget holds it across a restart. */
export interface EventStreamClient {
  /** The request; destroying it closes the stream from the client side. */
  request: ClientRequest;
  /** Everything the stream has received so far, frames as the server wrote them. */
  text: string;
  /** Resolves with `performance.now()` when the stream ends, whether the server closed it or it was cut. */
  ended: Promise<number>;
}

/** Options of `openEventStream`. */
export interface EventStreamOptions {
  /** Sent as `Last-Event-ID`: the id of the last frame the client saw. None: from now on. */
  lastEventId?: number;
  /** Where the socket comes from; an agent without keep-alive gives every stream its own, as browsers would. */
  agent?: Agent;
}

/** Opens `GET /v1/me/events` of `userId` on `url`; resolves at its headers, rejects on anything but a 200. */
export function openEventStream(url: string, userId: string, options: EventStreamOptions = {}): Promise<EventStreamClient> {
  const headers: Record<string, string> = { 'X-API-Key': TEST_APP.apiKey, 'X-User-Id': userId, Accept: 'text/event-stream' };
  if (options.lastEventId !== undefined) headers['Last-Event-ID'] = String(options.lastEventId);
  return new Promise((resolve, reject) => {
    const request = get(`${url}/v1/me/events`, { agent: options.agent, headers }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`the stream of ${userId} answered ${response.statusCode}`));
        return;
      }
      response.setEncoding('utf8');
      const stream: EventStreamClient = {
        request,
        text: '',
        ended: new Promise((done) => {
          const end = () => done(performance.now());
          response.once('end', end);
          response.once('close', end);
        }),
      };
      response.on('data', (chunk: string) => (stream.text += chunk));
      // A cut stream is an ended stream here, not an unhandled error.
      response.on('error', () => undefined);
      resolve(stream);
    });
    request.on('error', reject);
  });
}

/**
 * Opens the streams of `userIds` with at most `window` requests in flight, answering them in
 * order. The window matters for a burst: the listen backlog (511 in Node) drops the SYNs beyond
 * it, and a dropped SYN is only sent again a second later.
 */
export async function openEventStreams(url: string, userIds: readonly string[], options: EventStreamOptions & { window: number }): Promise<EventStreamClient[]> {
  const opened: EventStreamClient[] = new Array(userIds.length);
  let next = 0;
  const worker = async () => {
    while (next < userIds.length) {
      const i = next++;
      opened[i] = await openEventStream(url, userIds[i]!, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.window, userIds.length) }, worker));
  return opened;
}

/** One Server-Sent Events frame, its fields as sent (null when absent). */
export interface SseFrame {
  id: string | null;
  event: string | null;
  data: string | null;
  retry: number | null;
}

/** The complete frames in `text` (an unfinished last frame is left out); comment lines are skipped. */
export function parseSseFrames(text: string): SseFrame[] {
  const blocks = text.split('\n\n');
  blocks.pop();
  return blocks.map((block) => {
    const frame: SseFrame = { id: null, event: null, data: null, retry: null };
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const field = line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id' || field === 'event') frame[field] = value;
      else if (field === 'data') frame.data = frame.data === null ? value : `${frame.data}\n${value}`;
      else if (field === 'retry' && /^\d+$/.test(value)) frame.retry = Number(value);
    }
    return frame;
  });
}

/** The `retry:` hint a stream ended with (its last frame, hint only), or null when it ended without one. */
export function reconnectHint(text: string): number | null {
  const last = text.endsWith('\n\n') ? parseSseFrames(text).at(-1) : undefined;
  return last && last.retry !== null && last.event === null && last.data === null ? last.retry : null;
}

/** The id of the last frame with one, as `EventSource` keeps it for `Last-Event-ID`; null before any. */
export function lastEventId(text: string): number | null {
  const id = parseSseFrames(text).findLast((frame) => frame.id !== null)?.id;
  return id === undefined || id === null ? null : Number(id);
}

/** How many event streams `service` holds right now, from its `/metrics`. */
export async function streamsOpen(service: RunningService): Promise<number> {
  const metrics = await (await fetch(`${service.url}/metrics`)).text();
  const match = /^belfry_streams_open (\d+)$/m.exec(metrics);
  if (!match) throw new Error('no belfry_streams_open in /metrics');
  return Number(match[1]);
}

/** What the tests of one file share: the service on a SQLite database, Chromium, and the host pages. */
export interface E2eSession {
  /** The scratch folder holding the database and the browser profile. */
  readonly dir: string;
  /** The running service; `restartService` replaces it. */
  readonly service: RunningService;
  readonly browser: BrowserContext;
  /** The Node SDK pointed at the running service with the test app's credentials. */
  sdk(): BelfryClient;
  /** Serves `html` as `startHostPage` does, closed after the file's tests. */
  startHostPage(html: string): Promise<HostPage>;
  /** Starts the service again on the same database, on `port` (after a test stopped it). */
  restartService(port: number): Promise<RunningService>;
}

/**
 * Starts an `E2eSession` before the file's tests (a scratch folder named after `prefix`, the
 * service on SQLite in it, Chromium with its profile there) and stops all of it after them.
 */
export function useE2eSession(prefix: string): E2eSession {
  let scratch: ReturnType<typeof createScratchDir> | undefined;
  let database: string;
  let service: RunningService | undefined;
  let browser: BrowserContext | undefined;
  const hostPages: HostPage[] = [];
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the e2e session is used before its beforeAll ran');
    return value;
  };

  beforeAll(async () => {
    requireE2ePrerequisites();
    scratch = createScratchDir(prefix);
    database = `sqlite:${join(scratch.dir, 'belfry.db')}`;
    service = await startService({ database });
    browser = await launchChromium(join(scratch.dir, 'profile'));
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(hostPages.map((host) => host.close()));
    await service?.stop();
    scratch?.remove();
  });

  return {
    get dir() {
      return started(scratch).dir;
    },
    get service() {
      return started(service);
    },
    get browser() {
      return started(browser);
    },
    sdk: () => createClient({ ...TEST_APP, baseUrl: started(service).url }),
    async startHostPage(html) {
      const host = await startHostPage(html);
      hostPages.push(host);
      return host;
    },
    async restartService(port) {
      service = await startService({ database, port });
      return service;
    },
  };
}
