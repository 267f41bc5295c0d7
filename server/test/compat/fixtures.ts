// Fixtures of the Engagespot compatibility tests: a real belfry-server on a free port whose app is
// in secure mode with a registered RS256 public key and non-expiring tokens allowed (what the
// Engagespot SDK's tokens need), the official SDK pointed at its `/v3`, and Belfry API helpers.
import { EngagespotClient } from '@engagespot/node';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import type { Attributes, WorkflowInput } from 'belfry/protocol';
import { createServer, openStorage } from '../../src/index.ts';
import type { AppRecord, RunningServer, Storage } from '../../src/index.ts';
import { createRecordingLog } from '../fixtures.ts';

/** An RS256 key pair as PEM text: PKCS#8 private (what the SDK signs with), SPKI public. */
export interface PemKeyPair {
  privatePem: string;
  publicPem: string;
}

/** Generates an RS256 key pair. */
export async function createRsaKeyPair(): Promise<PemKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privatePem: await exportPKCS8(privateKey), publicPem: await exportSPKI(publicKey) };
}

/** A running service with one secure-mode app, and the SDK configured for it. */
export interface CompatService {
  server: RunningServer;
  storage: Storage;
  app: AppRecord;
  apiKey: string;
  apiSecret: string;
  keys: PemKeyPair;
  /** The official SDK with `baseUrl: "<service>/v3"` and the app's private signing key. */
  engagespot: ReturnType<typeof EngagespotClient>;
  log: ReturnType<typeof createRecordingLog>;
  close(): Promise<void>;
}

/** Starts a `CompatService` on `sqlite::memory:` and port 0; call `close()` in `afterEach`. */
export async function createCompatService(keys: PemKeyPair, options: { appName?: string } = {}): Promise<CompatService> {
  const storage = await openStorage('sqlite::memory:');
  const { app, apiSecret } = await storage.createApp({
    secureMode: true,
    publicKeys: [{ kid: 'engagespot', alg: 'RS256', pem: keys.publicPem }],
    allowNonExpiringTokens: true,
    name: options.appName ?? null,
  });
  const log = createRecordingLog();
  // Without apiKey/apiSecret the server adopts the only app there is: the one made above.
  const server = await createServer({ storage, port: 0, host: '127.0.0.1', rateLimits: false, log });
  const engagespot = EngagespotClient({ apiKey: app.apiKey, apiSecret, baseUrl: `${server.url}/v3`, signingKey: keys.privatePem });
  return { server, storage, app, apiKey: app.apiKey, apiSecret, keys, engagespot, log, close: () => server.close() };
}

/** Calls Belfry's own API on the running service; `token` makes it a client (widget) request. */
export async function belfry<T = any>(
  service: CompatService,
  method: string,
  path: string,
  init: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { 'X-API-Key': service.apiKey, 'Content-Type': 'application/json' };
  if (init.token !== undefined) headers['Authorization'] = `Bearer ${init.token}`;
  else headers['X-API-Secret'] = service.apiSecret;
  const response = await fetch(`${service.server.url}${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as T) : (null as T) };
}

/** A workflow with an in-app template that reads the recipient and the trigger data. */
export function createWorkflowInput(overrides: Partial<WorkflowInput> = {}): WorkflowInput {
  return {
    name: 'Order shipped',
    category: 'orders',
    channels: { inApp: { title: 'Hey <<recipient.firstName>>', message: 'Order **#<<data.order>>** shipped', url: 'https://shop.example/orders' } },
    ...overrides,
  };
}

/** Profile attributes with sensible defaults. */
export function createProfile(overrides: Attributes = {}): Attributes {
  return { firstName: 'Ada', email: 'ada@example.com', ...overrides };
}

/** The axios error an SDK call rejected with (the SDK rethrows it after logging it). */
export function responseOf(error: unknown): { status: number; data: any } {
  const response = (error as { response?: { status: number; data: unknown } }).response;
  if (!response) throw new Error(`expected an HTTP error, got ${String(error)}`);
  return response;
}
