// The server-side SDK: what an app's backend calls to manage users and workflows, trigger
// notifications, read inboxes and deliveries, and sign user tokens for secure mode.
import {
  HEADER_API_KEY,
  HEADER_API_SECRET,
  HEADER_IDEMPOTENCY_KEY,
  isPlainObject,
  type Attributes,
  type DeliveryRecord,
  type NotificationPage,
  type NotificationStatus,
  type TriggerRequest,
  type TriggerResponse,
  type User,
  type Workflow,
  type WorkflowInput,
} from '../protocol/index.ts';
import { BelfryApiError } from './errors.ts';
import { createTokenSigner } from './tokens.ts';
import type { UserTokenOptions } from './tokens.ts';

/** Options of `createClient`. */
export interface ClientOptions {
  /** The app's public API key. */
  apiKey: string;
  /** The app's private API secret; keep it on the server. */
  apiSecret: string;
  /** The service's base URL, e.g. `http://localhost:3210` (no trailing `/v1`). */
  baseUrl: string;
  /** Signs user tokens: the app's HS256 signing secret, or a PKCS#8 PEM private key. */
  signingKey?: string;
  /** Algorithm of a PEM `signingKey` (default RS256). */
  algorithm?: 'RS256' | 'ES256';
  /** Key id of `signingKey`, as registered with the app (needed when it has several keys). */
  kid?: string;
  /** Defaults to the global `fetch`, resolved at call time. */
  fetch?: (input: string, init: RequestInit) => Promise<Response> | Response;
}

/** Options of one `send` call. */
export interface SendOptions {
  /** Makes the trigger safe to retry: a repeat returns the first answer without sending again. */
  idempotencyKey?: string;
}

/** Query of `notifications.list`. */
export interface NotificationListQuery {
  /** 1–100 (default 20). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Default: everything not archived. */
  status?: NotificationStatus;
  category?: string;
}

/** Query of `deliveries.list`. */
export interface DeliveryListQuery {
  limit?: number;
  channel?: DeliveryRecord['channel'];
  /** A recipient's identifier. */
  recipient?: string;
}

/** Answer of `deliveries.list`: newest first. */
export interface DeliveryList {
  items: DeliveryRecord[];
}

/** The backend client returned by `createClient`. */
export interface BelfryClient {
  /** Creates the user or merges `attributes` into theirs (`null` removes one). */
  createOrUpdateUser(identifier: string, attributes?: Attributes): Promise<User>;
  /** Reads a user. */
  getUser(identifier: string): Promise<User>;
  /** Deletes a user with their notifications, events and preferences. */
  deleteUser(identifier: string): Promise<void>;
  /** Triggers a notification; the answer says what happened to every recipient. */
  send(params: TriggerRequest, options?: SendOptions): Promise<TriggerResponse>;
  /** Stored workflows: named notification definitions with per-channel templates. */
  workflows: {
    /** Creates or replaces a workflow; template syntax errors reject with `invalid_request`. */
    upsert(identifier: string, input: WorkflowInput): Promise<Workflow>;
    get(identifier: string): Promise<Workflow>;
    remove(identifier: string): Promise<void>;
  };
  /** Users' in-app notifications, for back-office use. */
  notifications: {
    /** One page of a user's inbox, newest first. */
    list(identifier: string, query?: NotificationListQuery): Promise<NotificationPage>;
  };
  /** The log of email, SMS and webhook messages the service sent. */
  deliveries: {
    list(query?: DeliveryListQuery): Promise<DeliveryList>;
  };
  /** Signs a user token for secure mode with the `signingKey` option (rejects without one). */
  generateUserToken(identifier: string, options?: UserTokenOptions): Promise<string>;
}

type Query = Record<string, string | number | undefined>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Creates a backend client for the Belfry service.
 *
 * @example
 * const belfry = createClient({ apiKey, apiSecret, baseUrl: 'http://localhost:3210', signingKey });
 * await belfry.createOrUpdateUser('ada', { firstName: 'Ada', email: 'ada@example.com' });
 * await belfry.send({
 *   notification: { title: 'Hey <<recipient.firstName>>', message: 'Your order **#42** shipped' },
 *   sendTo: { recipients: ['ada'] },
 * });
 * const userToken = await belfry.generateUserToken('ada', { expiresIn: '1h' });
 */
export function createClient(options: ClientOptions): BelfryClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const { signingKey } = options;
  const signToken = signingKey === undefined ? null : createTokenSigner({ signingKey, algorithm: options.algorithm, kid: options.kid, apiKey: options.apiKey });

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
  const workflowPath = (identifier: string) => `/v1/workflows/${encodeURIComponent(identifier)}`;

  return {
    createOrUpdateUser: (identifier, attributes = {}) => request<User>('PUT', userPath(identifier), attributes),
    getUser: (identifier) => request<User>('GET', userPath(identifier)),
    deleteUser: (identifier) => request<void>('DELETE', userPath(identifier)),
    send: (params, sendOptions = {}) =>
      request<TriggerResponse>(
        'POST',
        '/v1/notifications',
        params,
        sendOptions.idempotencyKey ? { [HEADER_IDEMPOTENCY_KEY]: sendOptions.idempotencyKey } : {},
      ),
    workflows: {
      upsert: (identifier, input) => request<Workflow>('PUT', workflowPath(identifier), input),
      get: (identifier) => request<Workflow>('GET', workflowPath(identifier)),
      remove: (identifier) => request<void>('DELETE', workflowPath(identifier)),
    },
    notifications: {
      list: (identifier, query = {}) =>
        request<NotificationPage>('GET', `${userPath(identifier)}/notifications${queryString({ limit: query.limit, cursor: query.cursor, status: query.status, category: query.category })}`),
    },
    deliveries: {
      list: (query = {}) => request<DeliveryList>('GET', `/v1/deliveries${queryString({ limit: query.limit, channel: query.channel, recipient: query.recipient })}`),
    },
    async generateUserToken(identifier, tokenOptions) {
      if (!signToken) throw new TypeError('generateUserToken needs the signingKey option of createClient');
      return signToken(identifier, tokenOptions);
    },
  };
}
