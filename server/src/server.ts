// Runs the app on a port with its storage, bus and hub, and shuts it all down in order.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { createMemoryBus } from './bus/index.ts';
import type { Bus } from './bus/index.ts';
import { consoleLog } from './log.ts';
import type { Log } from './log.ts';
import { createHub } from './realtime/index.ts';
import type { Hub } from './realtime/index.ts';
import { openStorage } from './storage/index.ts';
import type { Storage } from './storage/index.ts';

/** Default database of the CLI and `createServer`. */
export const DEFAULT_DATABASE_URL = 'sqlite:./belfry.db';
/** Default port of the CLI and `createServer`. */
export const DEFAULT_PORT = 3210;
/** Default interface: loopback, so a development server is not exposed by accident. */
export const DEFAULT_HOST = '127.0.0.1';
// After streams end, connections still open this long are cut so close() cannot hang.
const CLOSE_GRACE_MS = 250;

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
  heartbeatMs?: number;
  log?: Log;
  /** An already open storage to use instead of `databaseUrl` (closed by `close()`). */
  storage?: Storage;
  bus?: Bus;
}

/** A running server. */
export interface RunningServer {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  port: number;
  /** The app the server made sure of; `apiSecret` only when this call created or set it. */
  app: { apiKey: string; apiSecret: string | undefined; created: boolean };
  hub: Hub;
  /** Ends open streams, stops listening, then closes the bus and the storage. */
  close(): Promise<void>;
}

async function ensureDevApp(storage: Storage, options: ServerOptions): Promise<RunningServer['app']> {
  if (options.apiKey !== undefined || options.apiSecret !== undefined) {
    if (!options.apiKey || !options.apiSecret) throw new Error('apiKey and apiSecret must be given together');
    const app = await storage.ensureApp({ apiKey: options.apiKey, apiSecret: options.apiSecret, secureMode: options.secureMode });
    return { apiKey: app.apiKey, apiSecret: options.apiSecret, created: false };
  }
  const [existing] = await storage.listApps();
  if (existing) return { apiKey: existing.apiKey, apiSecret: undefined, created: false };
  const { app, apiSecret } = await storage.createApp({ secureMode: options.secureMode ?? false });
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
  const storage = options.storage ?? (await openStorage(options.databaseUrl ?? DEFAULT_DATABASE_URL));
  const bus = options.bus ?? createMemoryBus();
  const hub = createHub({ storage, bus, heartbeatMs: options.heartbeatMs, log });
  try {
    const app = await ensureDevApp(storage, options);
    const host = options.host ?? DEFAULT_HOST;
    const listening = await listen(createApp({ storage, bus, hub, log }).fetch, options.port ?? DEFAULT_PORT, host);
    const hostInUrl = host.includes(':') ? `[${host}]` : host;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${hostInUrl}:${listening.port}`,
      port: listening.port,
      app,
      hub,
      close: () => (closing ??= shutdown(listening.server)),
    };
  } catch (error) {
    await bus.close();
    await storage.close();
    throw error;
  }

  async function shutdown(server: Server): Promise<void> {
    await hub.closeAll();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // Ended streams finish their responses within a tick; anything still open is cut.
      setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
    });
    await bus.close();
    await storage.close();
  }
}
