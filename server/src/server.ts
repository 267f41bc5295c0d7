// Runs the app on a port with its storage, bus and hub, and shuts it all down in order.
import { createPublicKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { openBus } from './bus/index.ts';
import type { Bus } from './bus/index.ts';
import { consoleLog } from './log.ts';
import type { Log } from './log.ts';
import { createMetrics, withReconnectHints } from './ops/index.ts';
import type { Metrics, RateLimitOptions } from './ops/index.ts';
import { createHub } from './realtime/index.ts';
import type { Hub } from './realtime/index.ts';
import { openStorage } from './storage/index.ts';
import type { AppSettings, Storage } from './storage/index.ts';
import { checkAppName } from './validation/index.ts';

/** Default database of the CLI and `createServer`. */
export const DEFAULT_DATABASE_URL = 'sqlite:./belfry.db';
/** Default port of the CLI and `createServer`. */
export const DEFAULT_PORT = 3210;
/** Default interface: loopback, so a development server is not exposed by accident. */
export const DEFAULT_HOST = '127.0.0.1';
/** How long `close()` lets requests in flight finish before it cuts their connections. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 8000;
// While draining, idle keep-alive connections are closed this often: a connection becomes idle
// whenever its request in flight finishes, and only then can it go without cutting anything.
const IDLE_SWEEP_MS = 50;

/** Options of `createServer`. */
export interface ServerOptions {
  /** `sqlite:./belfry.db` (default), `sqlite::memory:`, or a file path. */
  databaseUrl?: string;
  /** 0 picks a free port. Default 3210. */
  port?: number;
  host?: string;
  /** With `apiSecret`: make sure an app with exactly these credentials exists. */
  apiKey?: string;
  apiSecret?: string;
  /** Secure mode of the app this server ensures or creates. */
  secureMode?: boolean;
  /** HS256 key for user tokens of that app (design §5); never the API secret. */
  signingSecret?: string;
  /** PEM public key (RSA -> RS256, EC P-256 -> ES256) for user tokens of that app, kid `default`. */
  signingPublicKey?: string;
  /** Accept user tokens without `exp` (tokens from the Engagespot SDK have none). */
  allowNonExpiringTokens?: boolean;
  /** That app's display name, `<<app.name>>` in templates: 1–100 characters; null clears it. */
  appName?: string | null;
  /** `redis://...` to carry pokes between instances; absent: an in-process bus. */
  redisUrl?: string | null;
  heartbeatMs?: number;
  log?: Log;
  /** An already open storage to use instead of `databaseUrl` (closed by `close()`). */
  storage?: Storage;
  bus?: Bus;
  /** Limits per API key and per user; `false` turns them off (e.g. for benchmarks). */
  rateLimits?: RateLimitOptions | false;
  /** The registry behind `GET /metrics`; a fresh one when absent. */
  metrics?: Metrics;
  /** How long `close()` waits for requests in flight before cutting connections. Default 8 s. */
  shutdownGraceMs?: number;
  /** Upper bound of the random `retry:` hint sent to streams on shutdown, in ms. Default 20,000. */
  reconnectJitterMs?: number;
}

/** A running server. */
export interface RunningServer {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  port: number;
  /** The app the server made sure of; `apiSecret` only when this call created or set it. */
  app: { apiKey: string; apiSecret: string | undefined; created: boolean };
  hub: Hub;
  metrics: Metrics;
  /**
   * Shuts down gracefully: stops accepting connections, sends every open stream a jittered
   * `retry:` hint and ends it, lets requests in flight finish (cutting what is left after
   * `shutdownGraceMs`), then closes the bus and the storage.
   */
  close(): Promise<void>;
}

/** The settings the options give for the server's app; undefined ones keep what is stored. */
function appSettings(options: ServerOptions): AppSettings {
  const settings: AppSettings = { secureMode: options.secureMode };
  if (options.signingSecret !== undefined) settings.signingSecret = options.signingSecret;
  if (options.signingPublicKey !== undefined) {
    const type = createPublicKey(options.signingPublicKey).asymmetricKeyType;
    if (type !== 'rsa' && type !== 'ec') throw new Error(`the signing public key must be an RSA or EC key, not ${type}`);
    settings.publicKeys = [{ kid: 'default', alg: type === 'rsa' ? 'RS256' : 'ES256', pem: options.signingPublicKey }];
  }
  if (options.allowNonExpiringTokens !== undefined) settings.allowNonExpiringTokens = options.allowNonExpiringTokens;
  if (options.appName != null) {
    const problem = checkAppName(options.appName);
    if (problem) throw new Error(`the app name ${problem}`);
  }
  if (options.appName !== undefined) settings.name = options.appName;
  return settings;
}

async function ensureDevApp(storage: Storage, options: ServerOptions): Promise<RunningServer['app']> {
  const settings = appSettings(options);
  if (options.apiKey !== undefined || options.apiSecret !== undefined) {
    if (!options.apiKey || !options.apiSecret) throw new Error('apiKey and apiSecret must be given together');
    const app = await storage.ensureApp({ ...settings, apiKey: options.apiKey, apiSecret: options.apiSecret });
    return { apiKey: app.apiKey, apiSecret: options.apiSecret, created: false };
  }
  const [existing] = await storage.listApps();
  if (existing) return { apiKey: existing.apiKey, apiSecret: undefined, created: false };
  const { app, apiSecret } = await storage.createApp({ ...settings, secureMode: options.secureMode ?? false });
  return { apiKey: app.apiKey, apiSecret, created: true };
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number, host: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: host }, (info: AddressInfo) => {
      server.off('error', reject);
      resolve({ server: server as Server, port: info.port });
    });
    server.once('error', reject);
  });
}

/**
 * Starts the notification service on a port.
 * @example
 * const server = await createServer({ databaseUrl: 'sqlite::memory:', port: 0 });
 * console.log(server.url, server.app.apiKey);
 * await server.close();
 */
export async function createServer(options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? consoleLog;
  const storage =
    options.storage ??
    (await openStorage(options.databaseUrl ?? DEFAULT_DATABASE_URL, {
      // A broken idle PostgreSQL connection is replaced by the pool; it is worth a log line only.
      onError: (error) => log('warn', 'database connection error', { error }),
    }));
  let bus: Bus;
  try {
    bus = options.bus ?? (await openBus(options.redisUrl, { log }));
  } catch (error) {
    await storage.close();
    throw error;
  }
  const hub = withReconnectHints(createHub({ storage, bus, heartbeatMs: options.heartbeatMs, log }), { maxJitterMs: options.reconnectJitterMs });
  const metrics = options.metrics ?? createMetrics();
  try {
    const app = await ensureDevApp(storage, options);
    const host = options.host ?? DEFAULT_HOST;
    const http = createApp({ storage, bus, hub, log, metrics, rateLimits: options.rateLimits });
    const listening = await listen(http.fetch, options.port ?? DEFAULT_PORT, host);
    const hostInUrl = host.includes(':') ? `[${host}]` : host;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${hostInUrl}:${listening.port}`,
      port: listening.port,
      app,
      hub,
      metrics,
      close: () => (closing ??= shutdown(listening.server)),
    };
  } catch (error) {
    await bus.close();
    await storage.close();
    throw error;
  }

  async function shutdown(server: Server): Promise<void> {
    const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    await new Promise<void>((resolve) => {
      // Stop accepting first; `close`'s callback runs once the last connection is gone.
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(cut);
        resolve();
      });
      void hub.drain();
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      // A request stuck past the grace period (or a client that never reads) must not hold the
      // process: its connection is cut and `close` completes.
      const cut = setTimeout(() => {
        log('warn', 'shutdown grace period over: closing the connections still open', { graceMs });
        server.closeAllConnections();
      }, graceMs);
    });
    await bus.close();
    await storage.close();
  }
}
