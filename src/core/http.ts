// Requests to the service's client API (design §4, §5): the auth headers, error answers turned
// into InboxError, and one retry with a fresh token after a 401 when the app gave getUserToken.
import { HEADER_API_KEY, HEADER_LAST_EVENT_ID, HEADER_USER_ID, isPlainObject } from '../protocol/index.ts';
import { parseRetryAfter } from './backoff.ts';
import { InboxError } from './errors.ts';

/** What a transport needs to know; `fetch` and `now` are resolved by the caller. */
export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  userId?: string | undefined;
  userToken?: string | undefined;
  getUserToken?: (() => string | Promise<string>) | undefined;
  fetch: () => typeof fetch;
  now: () => number;
  /** Aborted when the inbox is destroyed: clears the token refresh timer. */
  signal?: AbortSignal | undefined;
}

/** Sends the inbox's requests with its credentials. */
export interface Transport {
  /** Sends a request (a JSON body when `body` is given) and resolves with the parsed JSON answer. */
  request(method: string, path: string, body: unknown, signal: AbortSignal, headers?: Record<string, string>): Promise<unknown>;
  /** Opens the event stream resuming after `seq`; resolves with the open response. */
  openStream(seq: number, signal: AbortSignal): Promise<Response>;
  /** The user token from `userToken`, or from `getUserToken` kept until shortly before it expires. */
  token(): Promise<string | undefined>;
  /** Forgets the kept token, so the next request asks `getUserToken` again. */
  dropToken(): void;
}

const USER_TOKEN_REQUIRED_MESSAGE =
  'This app runs in secure mode: pass `userToken` or `getUserToken` to createInbox() (a token signed by your server, see generateUserToken).';

/** Turns an error answer into an InboxError: 401/403 are final, anything else is retryable. */
export async function errorFromResponse(response: Response, now: number): Promise<InboxError> {
  let code = '';
  let message = `The service answered ${response.status}.`;
  try {
    const body: unknown = await response.json();
    if (isPlainObject(body) && isPlainObject(body.error)) {
      if (typeof body.error.code === 'string') code = body.error.code;
      if (typeof body.error.message === 'string') message = body.error.message;
    }
  } catch {
    // Not JSON (a proxy's HTML error page, say): the status says enough.
  }
  const status = response.status;
  if (status === 401 && code === 'user_token_required') return new InboxError('user_token_required', USER_TOKEN_REQUIRED_MESSAGE, { status });
  if (status === 401 || status === 403) return new InboxError('unauthorized', message, { status });
  const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'), now);
  return new InboxError('http', message, retryAfterMs === undefined ? { status } : { status, retryAfterMs });
}

/**
 * A kept token is replaced this long before it expires (or halfway through a shorter life), so no
 * request goes out with a token about to expire.
 */
export const TOKEN_REFRESH_LEAD_MS = 60_000;
// setTimeout fires at once for delays above 2^31 - 1 ms (~24.8 days).
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Reads the claims of a JWT without verifying them (the service verifies; we only plan with them). */
export function tokenClaims(token: string): Record<string, unknown> | undefined {
  try {
    const base64 = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const claims: unknown = JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=')));
    return isPlainObject(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the `sub` claim of a JWT without verifying it (only to name the cache; the service verifies). */
export function tokenSubject(token: string): string | undefined {
  const sub = tokenClaims(token)?.sub;
  if (typeof sub !== 'string') return undefined;
  return sub.startsWith('user:') ? sub.slice(5) : sub;
}

/** Creates the transport for one inbox. */
export function createTransport(options: TransportOptions): Transport {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const { now, getUserToken } = options;
  let kept: Promise<string> | undefined;
  // When the kept token is due for replacement on our clock; undefined while unknown (no exp).
  let refreshAt: number | undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const forget = () => {
    kept = refreshAt = undefined;
    clearTimeout(refreshTimer);
  };
  options.signal?.addEventListener('abort', forget);

  /** Plans the replacement of `value` shortly before it expires. */
  function plan(value: string): void {
    const { exp, iat } = tokenClaims(value) ?? {};
    // The lifetime `exp - iat` counted from receipt, so a client clock that is off cannot make
    // every token look expired (the service checks against its own clock anyway).
    const lifeMs = typeof exp === 'number' ? (exp - (typeof iat === 'number' ? iat : now() / 1000)) * 1000 : 0;
    if (!(lifeMs > 0) || options.signal?.aborted) return; // an expired token meets its 401 and one retry
    const delay = Math.max(lifeMs / 2, lifeMs - TOKEN_REFRESH_LEAD_MS);
    refreshAt = now() + delay;
    refreshTimer = setTimeout(() => {
      refreshAt = 0;
      token().catch(() => undefined); // a failure is met again by the next request
    }, Math.min(MAX_TIMER_MS, delay));
  }

  function token(): Promise<string | undefined> {
    if (!getUserToken) return Promise.resolve(options.userToken);
    if (!kept || (refreshAt !== undefined && now() >= refreshAt)) {
      forget();
      const fetching = (async () => getUserToken())();
      kept = fetching;
      fetching.then((value) => kept === fetching && plan(value), () => undefined);
    }
    const current = kept;
    // A failed fetch of the token must not be kept, or every retry would reuse the failure.
    return current.catch((cause: unknown) => {
      if (kept === current) forget();
      throw new InboxError('network', 'getUserToken() failed.', { cause });
    });
  }

  async function send(method: string, path: string, extra: Record<string, string>, body: string | undefined, signal: AbortSignal) {
    for (let attempt = 0; ; attempt++) {
      const userToken = await token();
      const headers: Record<string, string> = { [HEADER_API_KEY]: options.apiKey, ...extra };
      // In secure mode the token names the user; the header would only be ignored (design §5).
      if (userToken !== undefined) headers.Authorization = `Bearer ${userToken}`;
      else if (options.userId !== undefined) headers[HEADER_USER_ID] = encodeURIComponent(options.userId);
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      let response: Response;
      try {
        response = await options.fetch()(`${baseUrl}${path}`, { method, headers, body, signal });
      } catch (cause) {
        if (signal.aborted) throw new InboxError('aborted', 'The request was aborted.', { cause });
        throw new InboxError('network', 'The service cannot be reached.', { cause });
      }
      if (response.ok) return response;
      const error = await errorFromResponse(response, options.now());
      // An expired token is the likely cause of a 401: ask the app for a fresh one, once.
      if (error.code === 'unauthorized' && error.status === 401 && getUserToken && attempt === 0) {
        forget();
        continue;
      }
      throw error;
    }
  }

  return {
    token,
    dropToken: forget,
    async request(method, path, body, signal, headers = {}) {
      const response = await send(method, path, headers, body === undefined ? undefined : JSON.stringify(body), signal);
      try {
        return (await response.json()) as unknown;
      } catch (cause) {
        if (signal.aborted) throw new InboxError('aborted', 'The request was aborted.', { cause });
        throw new InboxError('protocol', 'The service answered with malformed JSON.', { cause });
      }
    },
    openStream(seq, signal) {
      return send('GET', '/v1/me/events', { Accept: 'text/event-stream', [HEADER_LAST_EVENT_ID]: String(seq) }, undefined, signal);
    },
  };
}
