// The server-side SDK: what an app's backend calls to create users and trigger notifications.
import {
  HEADER_API_KEY,
  HEADER_API_SECRET,
  HEADER_IDEMPOTENCY_KEY,
  isPlainObject,
  type Attributes,
  type TriggerRequest,
  type TriggerResponse,
  type User,
} from '../protocol/index.ts';
import { BelfryApiError } from './errors.ts';

/** Options of `createClient`. */
export interface ClientOptions {
  /** The app's public API key. */
  apiKey: string;
  /** The app's private API secret; keep it on the server. */
  apiSecret: string;
  /** The service's base URL, e.g. `http://localhost:3210` (no trailing `/v1`). */
  baseUrl: string;
  /** Defaults to the global `fetch`, resolved at call time. */
  fetch?: typeof fetch;
}

/** Options of one `send` call. */
export interface SendOptions {
  /** Makes the trigger safe to retry: a repeat returns the first answer without sending again. */
  idempotencyKey?: string;
}

/** The backend client returned by `createClient`. */
export interface BelfryClient {
  /** Creates the user or merges `attributes` into theirs (`null` removes one). */
  createOrUpdateUser(identifier: string, attributes?: Attributes): Promise<User>;
  /** Reads a user. */
  getUser(identifier: string): Promise<User>;
  /** Triggers a notification; the answer says what happened to every recipient. */
  send(params: TriggerRequest, options?: SendOptions): Promise<TriggerResponse>;
}

/**
 * Creates a backend client for the Belfry service.
 *
 * @example
 * const belfry = createClient({ apiKey, apiSecret, baseUrl: 'http://localhost:3210' });
 * await belfry.createOrUpdateUser('ada', { firstName: 'Ada', email: 'ada@example.com' });
 * await belfry.send({
 *   notification: { title: 'Hey <<recipient.firstName>>', message: 'Your order **#42** shipped' },
 *   sendTo: { recipients: ['ada'] },
 * });
 */
export function createClient(options: ClientOptions): BelfryClient {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const doFetch = options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(base + path, {
        method,
        headers: {
          [HEADER_API_KEY]: options.apiKey,
          [HEADER_API_SECRET]: options.apiSecret,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new BelfryApiError(0, 'network', `Could not reach the Belfry service at ${base}`, { cause });
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's error page, say): reported below with the status.
    }
    if (!response.ok) {
      const error = isPlainObject(parsed) && isPlainObject(parsed.error) ? parsed.error : {};
      throw new BelfryApiError(
        response.status,
        typeof error.code === 'string' ? error.code : 'http',
        typeof error.message === 'string' ? error.message : `The service answered ${response.status}`,
      );
    }
    return parsed as T;
  }

  const userPath = (identifier: string) => `/v1/users/${encodeURIComponent(identifier)}`;

  return {
    createOrUpdateUser: (identifier, attributes = {}) => request<User>('PUT', userPath(identifier), attributes),
    getUser: (identifier) => request<User>('GET', userPath(identifier)),
    send: (params, sendOptions = {}) =>
      request<TriggerResponse>(
        'POST',
        '/v1/notifications',
        params,
        sendOptions.idempotencyKey ? { [HEADER_IDEMPOTENCY_KEY]: sendOptions.idempotencyKey } : {},
      ),
  };
}
